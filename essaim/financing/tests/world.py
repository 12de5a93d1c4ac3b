"""A small world shaped like the demo: the eight reference instruments, the Nouvelle-Aquitaine
territory with its collective, the cooperative supermarket (an association at seed stage needing
40,000 €) and one person per role."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory, UserFactory
from essaim.actors.tests.factories import CollectiveFactory, OrganisationFactory, commune
from essaim.calls.models import Programme
from essaim.financing.demo import load_instruments
from essaim.geo.models import PerimeterCommune
from essaim.projects.models import Need, NeedKind, Stage
from essaim.projects.tests.factories import ProjectFactory


@pytest.fixture
def world(db):
    niort = commune("79191", "Niort")
    lyon = commune("69123", "Lyon", dep=("69", "Rhône"), region=("84", "Auvergne-Rhône-Alpes"))
    collective = CollectiveFactory(
        name="Collectif Nouvelle-Aquitaine",
        perimeter__name="Région Nouvelle-Aquitaine",
        perimeter__slug="region-nouvelle-aquitaine",
    )
    other_collective = CollectiveFactory(
        name="Collectif Lyon", perimeter__name="Lyon Métropole", perimeter__slug="lyon-metropole"
    )
    PerimeterCommune.objects.create(perimeter=collective.perimeter, commune=niort)
    PerimeterCommune.objects.create(perimeter=other_collective.perimeter, commune=lyon)
    instruments = load_instruments()
    epicerie = OrganisationFactory(
        name="Épicerie coopérative du Marais poitevin",
        legal_category="9220",
        is_ess=True,
        commune=niort,
    )
    year = timezone.localdate().year
    supermarket = ProjectFactory(
        title="Supermarché coopératif du Marais poitevin",
        summary="Un supermarché coopératif et participatif, produits locaux.",
        holder=epicerie,
        perimeter=collective.perimeter,
        collective=collective,
        stage=Stage.SEED,
        founded_year=year - 1,
        yearly_budget=60_000,
        domains=["food"],
    )
    supermarket.communes.set([niort])
    need = Need.objects.create(
        project=supermarket, kind=NeedKind.FINANCING, amount=40_000, purpose="Local et stock"
    )
    other_org = OrganisationFactory(name="Autre structure", legal_category="5710")
    other_project = ProjectFactory(
        title="Conciergerie lyonnaise",
        holder=other_org,
        perimeter=other_collective.perimeter,
        collective=other_collective,
        stage=Stage.SPREADING,
        founded_year=year - 8,
        yearly_budget=900_000,
    )
    other_project.communes.set([lyon])
    big_need = Need.objects.create(
        project=other_project, kind=NeedKind.FINANCING, amount=2_000_000, purpose="Essaimage"
    )
    programme = Programme.objects.create(
        name="French Impact — Territoires", slug="french-impact-territoires", label_name="TFI"
    )
    bpifrance = instruments["FISO #2"].provider
    france_active = instruments["Apport associatif France Active"].provider

    def member(role, **scope):
        return MembershipFactory(role=role, **scope).user

    return SimpleNamespace(
        instruments=instruments,
        collective=collective,
        other_collective=other_collective,
        epicerie=epicerie,
        supermarket=supermarket,
        need=need,
        other_org=other_org,
        other_project=other_project,
        big_need=big_need,
        programme=programme,
        bpifrance=bpifrance,
        france_active=france_active,
        holder=member(Role.PROJECT_HOLDER, organisation=epicerie),
        other_holder=member(Role.PROJECT_HOLDER, organisation=other_org),
        financer=member(Role.FINANCER, organisation=bpifrance),
        other_financer=member(Role.FINANCER, organisation=france_active),
        staff=member(Role.PROGRAMME_ADMIN, programme=programme),
        lead=member(Role.TERRITORY_LEAD, collective=collective, programme=programme),
        other_lead=member(Role.TERRITORY_LEAD, collective=other_collective, programme=programme),
        nobody=UserFactory(),
        niort=niort,
        lyon=lyon,
    )
