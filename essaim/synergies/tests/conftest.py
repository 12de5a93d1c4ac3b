"""The synergies world: the financing world (the Nouvelle-Aquitaine territory and its
cooperative supermarket, the Lyon territory, one person per role, both territories applied to
the programme) plus two engaged companies with a member each, the supermarket's open skills need
(logistics) and a logistics offer covering Nouvelle-Aquitaine. ``rival``: a second programme
with its own staff, territory, lead, holder and project."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory
from essaim.actors.models import OrganisationKind
from essaim.actors.tests.factories import OrganisationFactory
from essaim.financing.tests.world import rival, world  # noqa: F401
from essaim.geo.models import Region
from essaim.projects.models import Need, NeedKind
from essaim.synergies import services


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


@pytest.fixture
def syn(world):  # noqa: F811
    boreal = OrganisationFactory(
        name="Atelier Boréal", kind=OrganisationKind.COMPANY, commune=world.niort
    )
    rhone = OrganisationFactory(
        name="Ingénierie du Rhône", kind=OrganisationKind.COMPANY, commune=world.lyon
    )
    company = MembershipFactory(role=Role.COMPANY, organisation=boreal).user
    other_company = MembershipFactory(role=Role.COMPANY, organisation=rhone).user
    logistics = Need.objects.create(
        project=world.supermarket,
        kind=NeedKind.SKILLS,
        purpose="Logistique : approvisionnement et gestion du stock",
    )
    aquitaine = Region.objects.get(code="75")
    offer = services.offer_create(
        user=company,
        company=boreal,
        data={
            "kind": "skills_sponsorship",
            "title": "Mécénat de compétences en logistique",
            "description": "Nos logisticiens organisent l'approvisionnement et le stock.",
        },
        regions=[aquitaine],
    )
    return SimpleNamespace(
        w=world,
        boreal=boreal,
        rhone=rhone,
        company=company,
        other_company=other_company,
        logistics=logistics,
        offer=offer,
        aquitaine=aquitaine,
        rhone_region=Region.objects.get(code="84"),
    )
