import pytest

from essaim.actors.models import CollectiveMember, Organisation, OrganisationKind, Partnership
from essaim.calls.models import WaveStatus
from essaim.demo import DemoContext
from essaim.demo import network as demo
from essaim.labels.tests.factories import (
    ApplicationFactory,
    OrganisationFactory,
    WaveFactory,
    labelled,
    programme_admin,
)
from essaim.projects.tests.factories import ProjectFactory
from essaim.synergies import network
from essaim.synergies.models import ProjectRelation

pytestmark = pytest.mark.django_db


def test_demo_network_is_fictitious_dated_around_the_label_and_idempotent():
    wave = WaveFactory(french_impact=True, number=1, status=WaveStatus.PUBLISHED)
    application = ApplicationFactory(
        proposed=True, wave=wave, collective__perimeter__name=demo.RICHEST
    )
    label = labelled(application, programme_admin(wave.programme))
    lead = OrganisationFactory(name="Région témoin")
    CollectiveMember.objects.create(collective=application.collective, organisation=lead)
    for title in ("Épicerie", "Garage solidaire", "Fabrique"):
        ProjectFactory(title=title, perimeter=label.perimeter)
    for name in ("France Active", "Bpifrance", "Banque des Territoires"):
        OrganisationFactory(name=name, kind="financer")
    lonely = OrganisationFactory(name="Réseau sans membre", kind=OrganisationKind.NETWORK)
    in_collective = OrganisationFactory(name="Réseau du collectif", kind=OrganisationKind.NETWORK)
    CollectiveMember.objects.create(
        collective=application.collective, organisation=in_collective, position=2
    )
    ctx = DemoContext(reference={}, objects={"programme": wave.programme})
    demo.load(ctx)

    def counts():
        return (
            Organisation.objects.count(),
            Partnership.objects.count(),
            ProjectRelation.objects.count(),
        )

    first = counts()
    demo.load(ctx)
    assert counts() == first
    relations = Partnership.objects.all()
    assert relations and all(r.is_fictitious for r in relations)
    assert all("(fictif)" in o.name for o in Organisation.objects.filter(is_fictitious=True))
    assert relations.filter(started_on__lt=label.granted_on).exists()
    assert relations.filter(started_on__gt=label.granted_on).exists()
    # The projects' relations are synergies' (actors knows nothing of projects).
    of_projects = ProjectRelation.objects.all()
    assert of_projects and all(r.is_fictitious for r in of_projects)
    assert of_projects.filter(person__isnull=False, person__is_fictitious=True).exists()
    assert set(of_projects.values_list("kind", flat=True)) >= {"funds", "partner", "mentors"}
    # Every entrepreneurial network has member organisations, fictitious ones.
    for network_org in Organisation.objects.filter(kind=OrganisationKind.NETWORK):
        members = network_org.partnerships_in.filter(kind__in=["network_member", "member_of"])
        assert members.exists(), network_org.name
    assert lonely.partnerships_in.filter(
        kind="network_member", source__is_fictitious=True
    ).count() in (2, 3)
    assert in_collective.partnerships_in.filter(kind="network_member").count() >= 2
    member = CollectiveMember.objects.get(organisation=lead)
    assert member.started_on is not None and member.started_on <= label.granted_on
    graph = network.build(label, None)
    assert [n.name for n in graph.isolated_projects] == ["Fabrique"]
    assert graph.growth.now > graph.growth.at_label > 0
