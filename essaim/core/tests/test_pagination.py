"""HTML list pages: ``?page=`` is a page that exists, or 404 (``essaim.core.pagination``)."""

import re

import pytest
from django.core.paginator import Paginator
from django.http import Http404
from django.template.loader import render_to_string
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


def _pagination_links(html: str) -> dict[str, str]:
    """{link text: its opening tag} of the pagination's previous/next links."""
    nav = re.search(
        r"<nav role=\"navigation\"\s+class=\"fr-pagination\".*?</nav>", html, re.S
    ).group(0)
    return {
        " ".join(text.split()): tag
        for tag, text in re.findall(r"(<a [^>]*>)(.*?)</a>", nav, re.S)
        if "--prev" in tag or "--next" in tag or "--first" in tag or "--last" in tag
    }


def _disabled(tag: str) -> bool:
    return 'aria-disabled="true"' in tag and 'role="link"' in tag and "href=" not in tag


def test_core_pagination_disables_links_that_lead_nowhere():
    """DSFR's disabled link (no href, role="link", aria-disabled="true"): axe does not hold a
    disabled link's grey to the contrast rule, as it does a bare <a>."""
    template = "core/_pagination.html"
    first = Paginator(list(range(25)), 10).page(1)
    links = _pagination_links(render_to_string(template, {"page_obj": first, "query": "q=x"}))
    assert _disabled(links["Page précédente"])
    assert 'href="?q=x&amp;page=2"' in links["Page suivante"]
    last = Paginator(list(range(25)), 10).page(3)
    links = _pagination_links(render_to_string(template, {"page_obj": last}))
    assert 'href="?page=2"' in links["Page précédente"]
    assert _disabled(links["Page suivante"])


def test_dsfr_pagination_disables_links_that_lead_nowhere(client):
    """The directory uses django-dsfr's pagination tag, whose template Essaim overrides."""
    OrganisationFactory.create_batch(21, verified_at="2026-01-01T00:00:00Z")
    url = reverse("actors:directory")
    links = _pagination_links(client.get(url).content.decode())
    disabled = [text for text, tag in links.items() if _disabled(tag)]
    enabled = [text for text, tag in links.items() if "href=" in tag]
    assert len(disabled) == 2 and len(enabled) == 2  # first/previous off, next/last on
    links = _pagination_links(client.get(url, {"page": "2"}).content.decode())
    assert len([t for t, tag in links.items() if _disabled(tag)]) == 2
    assert all("aria-disabled" not in tag for tag in links.values() if "href=" in tag)
