"""The synergies demo on the whole demo data set (loaded once for the module): forty fictitious
engaged companies with offers, introductions in every state, events with registrations, and the
cooperative supermarket's logistics need matched by Atelier Boréal's offer — which
``entreprise@demo.essaim.fr`` can answer with "Je peux aider"."""

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from essaim.accounts.models import User
from essaim.actors.models import Organisation, OrganisationKind, PartnershipKind
from essaim.demo import load_demo
from essaim.demo.accounts import COMPANY_ORG
from essaim.demo.projects import SUPERMARKET_TITLE
from essaim.demo.synergies import COMPANIES, LOGISTICS_NEED
from essaim.synergies import matching
from essaim.synergies.models import (
    Event,
    Introduction,
    IntroductionStatus,
    Offer,
    ProjectRelation,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        load_demo(force=True)
        yield
        transaction.set_rollback(True)


def test_forty_fictitious_companies_with_offers_and_introductions_in_every_state():
    companies = Organisation.objects.filter(name__endswith="(entreprise fictive)")
    assert companies.count() == len(COMPANIES) == 40
    assert not companies.filter(is_fictitious=False).exists()
    assert Offer.objects.filter(company__in=companies).values("company").distinct().count() == 40
    assert set(Introduction.objects.values_list("status", flat=True)) == set(IntroductionStatus)
    assert Introduction.objects.filter(status="done", hours__gt=0).exists()
    assert Event.objects.count() >= 2
    assert Event.objects.filter(registrations__attended=True).exists()


def test_the_supermarket_logistics_need_is_matched_by_atelier_boreal_first():
    need = matching.open_needs().get(project__title=SUPERMARKET_TITLE, purpose=LOGISTICS_NEED)
    offers = list(
        matching.offers_with_coverage(Offer.objects.active().filter(company__name=COMPANY_ORG))
    )
    found = matching.needs_for_offers(offers)
    assert found[0].need == need
    assert "région couverte : Nouvelle-Aquitaine" in found[0].reasons
    assert not Introduction.objects.filter(need=need, company__name=COMPANY_ORG).exists()


def test_entreprise_answers_je_peux_aider_from_mon_espace():
    client = Client()
    client.force_login(User.objects.get(email="entreprise@demo.essaim.fr"))
    space = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("synergies:company_space") in space
    need = matching.open_needs().get(project__title=SUPERMARKET_TITLE, purpose=LOGISTICS_NEED)
    page = client.get(reverse("synergies:company_space")).content.decode()
    url = reverse("synergies:need_help", args=[need.pk])
    assert url in page
    boreal = Organisation.objects.get(name=COMPANY_ORG)
    response = client.post(url, {"company": boreal.pk, "message": "Dès lundi"})
    assert response.status_code == 302
    assert Introduction.objects.get(need=need, company=boreal).status == "proposed"


def test_the_public_offers_api_answers_on_the_demo():
    body = Client().get("/api/v1/offers").json()
    assert body["count"] >= 40


def test_done_introductions_are_relations_of_the_network():
    done = list(Introduction.objects.filter(status=IntroductionStatus.DONE))
    assert done
    for introduction in done:
        relation = ProjectRelation.objects.get(introduction=introduction)
        assert (relation.organisation_id, relation.project_id) == (
            introduction.company_id,
            introduction.project_id,
        )
        assert relation.is_fictitious and relation.started_on is not None


def test_entreprise_sees_je_peux_aider_on_the_supermarket_page():
    need = matching.open_needs().get(project__title=SUPERMARKET_TITLE, purpose=LOGISTICS_NEED)
    url = reverse("synergies:need_help", args=[need.pk])
    assert url not in Client().get(need.project.get_absolute_url()).content.decode()
    client = Client()
    client.force_login(User.objects.get(email="entreprise@demo.essaim.fr"))
    page = client.get(need.project.get_absolute_url()).content.decode()
    assert url in page and "Je peux aider" in page


def test_every_entrepreneurial_network_of_the_demo_has_member_organisations():
    lonely = (
        Organisation.objects.filter(kind=OrganisationKind.NETWORK)
        .exclude(
            partnerships_in__kind__in=[PartnershipKind.NETWORK_MEMBER, PartnershipKind.MEMBER_OF]
        )
        .values_list("name", flat=True)
    )
    assert list(lonely) == []
    page = Client().get(Organisation.objects.get(name="France Active").get_absolute_url())
    assert page.status_code == 200 and "France Active Normandie" in page.content.decode()
