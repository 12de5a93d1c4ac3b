"""The network page and API of a territory: who sees what, the query budget, the picture."""

import datetime

import pytest
from django.urls import reverse

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.actors.models import CollectiveMember, OrganisationKind, Partnership, PartnershipKind
from essaim.actors.tests.factories import OrganisationFactory, PersonFactory
from essaim.calls.models import WaveStatus
from essaim.calls.tests.factories import ProgrammeFactory
from essaim.labels.tests.factories import (
    ApplicationFactory,
    WaveFactory,
    instructor,
    labelled,
    programme_admin,
    territory_lead,
)
from essaim.projects.models import Project
from essaim.projects.tests.factories import ProjectFactory
from essaim.synergies import network, network_svg
from essaim.synergies.models import ProjectRelation

pytestmark = pytest.mark.django_db
D = datetime.date


def _world(status=WaveStatus.PUBLISHED, extra_members: int = 0):
    wave = WaveFactory(french_impact=True, number=1, status=status)
    application = ApplicationFactory(
        proposed=True, wave=wave, collective__perimeter__name="Vallée témoin"
    )
    admin = programme_admin(wave.programme)
    label = labelled(application, admin, granted_on=D(2019, 2, 25))
    collective = application.collective
    lead = OrganisationFactory(name="Région témoin", kind=OrganisationKind.LOCAL_AUTHORITY)
    CollectiveMember.objects.create(
        collective=collective, organisation=lead, role="lead", started_on=D(2018, 10, 1)
    )
    for index in range(extra_members):
        CollectiveMember.objects.create(
            collective=collective,
            organisation=OrganisationFactory(),
            position=index + 1,
            started_on=D(2020, 1, 1),
        )
    holder = OrganisationFactory(name="Épicerie témoin")
    project = ProjectFactory(title="Supermarché témoin", holder=holder, perimeter=label.perimeter)
    ProjectFactory(title="Projet seul", holder=lead, perimeter=label.perimeter)
    funder = OrganisationFactory(name="Fonds témoin", kind=OrganisationKind.FINANCER)
    mentor = PersonFactory(organisation=funder, first_name="Camille", last_name="Secrète")
    ProjectRelation.objects.create(
        organisation=funder,
        project=project,
        kind=PartnershipKind.MENTORS,
        person=mentor,
        started_on=D(2020, 5, 1),
    )
    hidden = OrganisationFactory(name="Association pas encore confirmée", unverified=True)
    Partnership.objects.create(source=hidden, target=lead, kind=PartnershipKind.PARTNER)
    network_org = OrganisationFactory(name="Réseau témoin", kind=OrganisationKind.NETWORK)
    Partnership.objects.create(
        source=holder,
        target=network_org,
        kind=PartnershipKind.NETWORK_MEMBER,
        started_on=D(2017, 1, 1),
    )
    return label, admin, network_org


def _page(client, label):
    return client.get(reverse("synergies:territory_network", args=[label.perimeter.slug]))


def test_anonymous_sees_organisations_and_projects_but_no_person(client):
    label, _admin, _network = _world()
    response = _page(client, label)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Région témoin", "Épicerie témoin", "Supermarché témoin", "Fonds témoin"):
        assert name in html
    assert "Secrète" not in html
    assert "Association pas encore confirmée" not in html
    assert 'id="network-people-hidden"' in html
    # The relation held by the person is drawn from the person's organisation, to the project.
    assert "mentor de" in html
    # The project with no relation beyond its holder is pointed at.
    isolated = html.split('id="network-isolated"')[1].split("</ul>")[0]
    assert "Projet seul" in isolated and "Supermarché témoin" not in isolated


@pytest.mark.parametrize("who", ["admin", "instructor", "lead"])
def test_the_programme_staff_and_the_territory_collective_see_people(client, who):
    label, admin, _network = _world()
    user = {
        "admin": admin,
        "instructor": instructor(label.programme),
        "lead": territory_lead(label.application),
    }[who]
    client.force_login(user)
    html = _page(client, label).content.decode()
    assert "Camille Secrète" in html
    assert 'id="network-people-hidden"' not in html


def test_another_programmes_staff_and_another_territorys_lead_see_no_person(client):
    label, _admin, _network = _world()
    other = ProgrammeFactory()
    other_admin = UserFactory()
    Membership.objects.create(user=other_admin, role=Role.PROGRAMME_ADMIN, programme=other)
    other_application = ApplicationFactory(proposed=True)
    for user in (other_admin, territory_lead(other_application), UserFactory()):
        client.force_login(user)
        response = _page(client, label)
        assert response.status_code == 200
        assert "Secrète" not in response.content.decode()


def test_an_unpublished_labels_network_is_a_404_but_for_its_programmes_staff(client):
    label, admin, _network = _world(status=WaveStatus.DECIDED)
    assert _page(client, label).status_code == 404
    other_admin = UserFactory()
    Membership.objects.create(
        user=other_admin, role=Role.PROGRAMME_ADMIN, programme=ProgrammeFactory()
    )
    client.force_login(other_admin)
    assert _page(client, label).status_code == 404
    api = client.get(f"/api/v1/network/{label.perimeter.slug}")
    assert api.status_code == 404
    client.force_login(admin)
    assert _page(client, label).status_code == 200


def test_unknown_territory_is_a_404(client):
    response = client.get(reverse("synergies:territory_network", args=["nulle-part"]))
    assert response.status_code == 404


def test_page_queries_do_not_grow_with_the_network(client, django_assert_max_num_queries):
    small, _admin, _network = _world()
    client.get("/")  # warm the session and the site's caches
    with django_assert_max_num_queries(12):
        assert _page(client, small).status_code == 200
    # 40 more organisations and twice as many relations: the same budget.
    project = Project.objects.get(title="Supermarché témoin")
    lead = CollectiveMember.objects.get(collective=small.application.collective).organisation
    for index in range(40):
        partner = OrganisationFactory(name=f"Partenaire {index}")
        Partnership.objects.create(
            source=partner, target=lead, kind=PartnershipKind.FUNDS, started_on=D(2020, 1, 1)
        )
        ProjectRelation.objects.create(
            organisation=partner, project=project, kind=PartnershipKind.PARTNER
        )
    with django_assert_max_num_queries(12):
        assert _page(client, small).status_code == 200


def test_build_uses_a_fixed_number_of_queries(django_assert_num_queries):
    label, _admin, _network = _world(extra_members=3)
    label = network.territory_label(None, label.perimeter.slug)
    user = UserFactory()
    # The user's memberships, the collective's members, the projects, the partnerships between
    # organisations, the projects' relations.
    with django_assert_num_queries(5):
        graph = network.build(label, user)
    assert len(graph.nodes) >= 9


def test_the_picture_is_the_same_for_the_same_data_and_is_accessible(client):
    label, _admin, _network = _world()
    first = network_svg.render(network.build(label, None))
    second = network_svg.render(network.build(label, None))
    assert first == second
    assert 'role="img"' in first and '<title id="network-title">' in first
    assert '<desc id="network-desc">' in first and "Légende" in first
    assert "Région témoin" in first  # a central one is named


def test_territory_page_links_to_its_network(client):
    label, _admin, _network = _world()
    html = client.get(reverse("territories:detail", args=[label.perimeter.slug])).content.decode()
    assert reverse("synergies:territory_network", args=[label.perimeter.slug]) in html


def test_a_network_organisation_page_lists_its_members(client):
    _label, _admin, network_org = _world()
    html = client.get(network_org.get_absolute_url()).content.decode()
    members = html.split('id="network-members"')[1].split("</ul>")[0]
    assert "Épicerie témoin" in members


# --- API ---------------------------------------------------------------------------------------


def test_api_returns_nodes_edges_measures_and_growth_without_people(client):
    label, _admin, _network = _world()
    data = client.get(f"/api/v1/network/{label.perimeter.slug}").json()
    names = {node["name"] for node in data["nodes"]}
    assert {"Région témoin", "Épicerie témoin", "Supermarché témoin"} <= names
    assert not any("Secrète" in name for name in names)
    assert data["shows_people"] is False
    assert not any(node["kind"] == "person" for node in data["nodes"])
    assert data["growth"]["label_date"] == "2019-02-25"
    isolated = [n["name"] for n in data["nodes"] if n["is_isolated_project"]]
    assert isolated == ["Projet seul"]
    keys = {node["id"] for node in data["nodes"]}
    assert all(e["source"] in keys and e["target"] in keys for e in data["edges"])


def test_api_shows_people_to_the_programme_staff_and_is_bounded(client):
    label, admin, _network = _world()
    client.force_login(admin)
    data = client.get(f"/api/v1/network/{label.perimeter.slug}").json()
    assert any(node["name"] == "Camille Secrète" for node in data["nodes"])
    limited = client.get(f"/api/v1/network/{label.perimeter.slug}?limit=2").json()
    assert len(limited["nodes"]) == 2 and limited["truncated"] is True
    assert client.get(f"/api/v1/network/{label.perimeter.slug}?limit=99999").status_code == 422
    assert client.get("/api/v1/network/nulle-part").status_code == 404
