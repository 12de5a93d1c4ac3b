"""Several programmes on one instance: the home page lists them, each with its figures, and each
has its own public page (presentation, area, open calls, support axes, contact)."""

import pytest
from django.urls import reverse

from essaim.calls.models import CallStatus
from essaim.calls.tests.factories import CallFactory, ProgrammeFactory
from essaim.geo.tests.factories import RegionFactory
from essaim.support.models import SupportAxis

pytestmark = pytest.mark.django_db


def test_one_programme_home_shows_no_list_of_programmes(client):
    ProgrammeFactory(name="Seul")
    assert 'id="programmes"' not in client.get("/").content.decode()


def test_home_lists_every_programme_with_a_link_to_its_page(client):
    first, second = ProgrammeFactory(name="Alpha"), ProgrammeFactory(name="Bêta")
    page = client.get("/").content.decode()
    assert 'id="programmes"' in page
    for programme in (first, second):
        assert reverse("portal:programme", args=[programme.slug]) in page


def test_programme_page_shows_its_own_calls_area_axes_and_contact(client):
    region = RegionFactory(code="75", name="Nouvelle-Aquitaine")
    programme = ProgrammeFactory(name="Régional", contact_email="contact@region.test")
    programme.regions.set([region])
    SupportAxis.objects.create(programme=programme, code="a", title="Axe du programme", position=1)
    mine = CallFactory(programme=programme, status=CallStatus.OPEN, title="Appel régional")
    other = CallFactory(status=CallStatus.OPEN, title="Appel d'un autre programme")

    page = client.get(reverse("portal:programme", args=[programme.slug])).content.decode()
    assert mine.title in page and other.title not in page
    assert "Nouvelle-Aquitaine" in page and "Axe du programme" in page
    assert "contact@region.test" in page


def test_programme_pages_have_a_query_budget_whatever_the_number_of_programmes(
    client, django_assert_max_num_queries
):
    for n in range(6):
        ProgrammeFactory(name=f"Programme {n}")
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(reverse("portal:programme_list")).status_code == 200


def test_unknown_programme_is_a_404(client):
    assert client.get(reverse("portal:programme", args=["inconnu"])).status_code == 404
