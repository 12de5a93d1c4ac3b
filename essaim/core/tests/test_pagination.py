"""HTML list pages: ``?page=`` is a page that exists, or 404 (``essaim.core.pagination``)."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from essaim.actors.tests.factories import OrganisationFactory
from essaim.core.pagination import paginate
from essaim.testing import superuser

pytestmark = pytest.mark.django_db

NOT_A_PAGE = [str(10**20), "abc", "0", "-1", "1.0", "２", "4"]


@pytest.mark.parametrize("raw", NOT_A_PAGE)
def test_paginate_refuses_what_is_not_a_page(raw):
    request = RequestFactory().get("/", {"page": raw})
    with pytest.raises(Http404):
        paginate(request, list(range(25)), 10)


@pytest.mark.parametrize(("raw", "number"), [("", 1), ("1", 1), ("2", 2), ("03", 3)])
def test_paginate_answers_the_pages_that_exist(raw, number):
    page = paginate(RequestFactory().get("/", {"page": raw}), list(range(25)), 10)
    assert page.number == number
    assert paginate(RequestFactory().get("/"), [], 10).number == 1  # an empty list: page 1


@pytest.mark.parametrize(
    "url",
    [
        reverse("actors:directory"),
        reverse("geo:perimeter_list"),
        reverse("projects:directory"),
        reverse("regulatory:knowledge_base"),
    ],
)
@pytest.mark.parametrize("raw", [str(10**20), "abc", "0"])
def test_list_pages_answer_404_for_a_page_that_does_not_exist(client, url, raw):
    client.force_login(superuser())
    assert client.get(url, {"page": raw}).status_code == 404


def test_a_second_page_is_served(client):
    OrganisationFactory.create_batch(21, verified_at="2026-01-01T00:00:00Z")
    url = reverse("actors:directory")
    first = client.get(url).content.decode()
    second = client.get(url, {"page": "2"})
    assert second.status_code == 200
    assert second.content.decode() != first
    assert client.get(url, {"page": "3"}).status_code == 404
