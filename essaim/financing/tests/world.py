"""A small world shaped like the demo: the eight reference instruments, the Nouvelle-Aquitaine
territory with its collective, the cooperative supermarket (an association at seed stage needing
40,000 €) and one person per role. Both territories applied to the programme, which therefore
owns their projects.

``rival`` adds a second programme with its own admin, instructor and single-window officer, its
own territory (collective, lead, project holder and project): the other side of the permission
tests."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory, UserFactory
from essaim.actors.tests.factories import CollectiveFactory, OrganisationFactory, commune
from essaim.applications.tests.factories import ApplicationFactory
from essaim.calls.models import Programme
from essaim.calls.tests.factories import FormVersionFactory
from essaim.demo.financing import load_instruments
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
    form = FormVersionFactory(call__programme=programme)
    for applicant in (collective, other_collective):
        ApplicationFactory(form_version=form, call=form.call, collective=applicant)
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


@pytest.fixture
def rival(world):
    """A second programme and its territory, each side's people and objects apart from the
    world's: its admin, instructor and single-window officer, the lead of its collective, a
    project holder and their (published) project, which applied to the second programme only."""
    programme = Programme.objects.create(
        name="Programme régional (fictif)", slug="programme-regional", label_name="PR"
    )
    collective = CollectiveFactory(
        name="Collectif Bretagne", perimeter__name="Bretagne", perimeter__slug="bretagne"
    )
    form = FormVersionFactory(call__programme=programme)
    ApplicationFactory(form_version=form, call=form.call, collective=collective)
    organisation = OrganisationFactory(name="Ressourcerie bretonne", legal_category="9220")
    project = ProjectFactory(
        title="Ressourcerie de Rennes",
        holder=organisation,
        perimeter=collective.perimeter,
        collective=collective,
    )

    def member(role, **scope):
        return MembershipFactory(role=role, **scope).user

    return SimpleNamespace(
        programme=programme,
        collective=collective,
        organisation=organisation,
        project=project,
        admin=member(Role.PROGRAMME_ADMIN, programme=programme),
        instructor=member(Role.INSTRUCTOR, programme=programme),
        officer=member(Role.SINGLE_WINDOW_OFFICER, programme=programme),
        lead=member(Role.TERRITORY_LEAD, collective=collective),
        holder=member(Role.PROJECT_HOLDER, organisation=organisation),
    )
