"""The relations of projects in the ecosystem network (``synergies.ProjectRelation``): who
declares them, what is refused, what the history keeps; the cooperation a done introduction
records; "Je peux aider" on a project's page."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.actors.models import CollectiveMember, PartnershipKind
from essaim.actors.tests.factories import OrganisationFactory, PersonFactory
from essaim.calls.models import WaveStatus
from essaim.core.models import HistoryEvent
from essaim.labels.tests.factories import (
    ApplicationFactory,
    WaveFactory,
    labelled,
    programme_admin,
)
from essaim.projects.models import Need, NeedKind, NeedStatus
from essaim.projects.tests.factories import ProjectFactory
from essaim.synergies import network, network_services, services
from essaim.synergies.history import ProjectRelationAction
from essaim.synergies.models import OfferKind, ProjectRelation

pytestmark = pytest.mark.django_db
D = datetime.date


def _member_of(organisation, role=Role.COMPANY):
    user = UserFactory()
    Membership.objects.create(user=user, role=role, organisation=organisation)
    return user


# --- Declaring a project's relation -------------------------------------------------------------


def test_a_mentor_of_a_project_names_the_person_and_keeps_a_history_row():
    holder, mentor_org = OrganisationFactory(), OrganisationFactory()
    person = PersonFactory(organisation=mentor_org)
    project = ProjectFactory(holder=holder)
    user = _member_of(holder, Role.PROJECT_HOLDER)
    relation = network_services.project_relation_add(
        user=user,
        project=project,
        organisation=mentor_org,
        kind=PartnershipKind.MENTORS,
        started_on=D(2020, 1, 1),
        person=person,
    )
    assert (relation.project, relation.organisation, relation.person) == (
        project,
        mentor_org,
        person,
    )
    assert relation.created_by == user
    event = HistoryEvent.objects.get(action=ProjectRelationAction.ADDED)
    assert event.object_id == str(relation.pk)
    assert event.payload["project"] == project.pk and event.payload["person"] == person.pk


def test_the_holder_a_stranger_person_a_wrong_kind_or_bad_dates_are_refused():
    holder, funder = OrganisationFactory(), OrganisationFactory()
    project = ProjectFactory(holder=holder)
    user = _member_of(holder, Role.PROJECT_HOLDER)
    cases = [
        ({"organisation": holder, "kind": "funds"}, "organisation"),
        ({"organisation": funder, "kind": "network_member"}, "kind"),
        ({"organisation": funder, "kind": "funds", "person": PersonFactory()}, "person"),
        (
            {
                "organisation": funder,
                "kind": "funds",
                "started_on": D(2021, 1, 1),
                "ended_on": D(2020, 1, 1),
            },
            "ended_on",
        ),
        (
            {"organisation": OrganisationFactory(unverified=True), "kind": "funds"},
            "organisation",
        ),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as error:
            network_services.project_relation_add(user=user, project=project, **kwargs)
        assert field in error.value.message_dict
    assert not ProjectRelation.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "nobody", "other_holder", "funder_member"])
def test_only_who_may_edit_the_holder_declares_a_project_relation(who):
    holder, funder = OrganisationFactory(), OrganisationFactory()
    project = ProjectFactory(holder=holder)
    user = {
        "anonymous": None,
        "nobody": UserFactory(),
        "other_holder": _member_of(OrganisationFactory(), Role.PROJECT_HOLDER),
        # A member of the funder keeps the funder's entry, not the project's.
        "funder_member": _member_of(funder),
    }[who]
    with pytest.raises(PermissionDenied):
        network_services.project_relation_add(
            user=user, project=project, organisation=funder, kind="funds"
        )
    assert not ProjectRelation.objects.exists()


def test_ending_a_project_relation_keeps_it_with_its_end_date_once():
    holder, funder = OrganisationFactory(), OrganisationFactory()
    project = ProjectFactory(holder=holder)
    user = _member_of(holder, Role.PROJECT_HOLDER)
    relation = network_services.project_relation_add(
        user=user, project=project, organisation=funder, kind="funds", started_on=D(2019, 1, 1)
    )
    with pytest.raises(PermissionDenied):
        network_services.project_relation_end(
            user=UserFactory(), relation=relation, ended_on=D(2021, 1, 1)
        )
    with pytest.raises(ValidationError):
        network_services.project_relation_end(user=user, relation=relation, ended_on=D(2018, 1, 1))
    network_services.project_relation_end(user=user, relation=relation, ended_on=D(2021, 3, 1))
    relation.refresh_from_db()
    assert relation.ended_on == D(2021, 3, 1)
    with pytest.raises(ValidationError) as error:
        network_services.project_relation_end(user=user, relation=relation, ended_on=D(2022, 1, 1))
    assert "01/03/2021" in str(error.value)
    assert HistoryEvent.objects.filter(action=ProjectRelationAction.ENDED).count() == 1


def test_the_holder_declares_a_funder_of_its_project_from_the_project_page(client):
    holder, funder = OrganisationFactory(name="Porteur témoin"), OrganisationFactory(name="Fonds")
    project = ProjectFactory(holder=holder, title="Épicerie témoin")
    client.force_login(_member_of(holder, Role.PROJECT_HOLDER))
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'id="project-relations"' in page and "apparaît isolé" in page
    url = reverse("synergies:project_relation_add", args=[project.pk])
    assert url in page
    refused = client.post(
        url,
        {
            "organisation": funder.pk,
            "kind": "funds",
            "started_on": "2021-01-01",
            "ended_on": "2020-01-01",
        },
    )
    assert refused.status_code == 200 and not project.relations.exists()
    response = client.post(
        url, {"organisation": funder.pk, "kind": "funds", "started_on": "2021-01-01"}
    )
    assert response.status_code == 302
    relation = project.relations.get()
    assert (relation.organisation, relation.project, relation.kind) == (funder, project, "funds")
    assert "Fonds" in client.get(project.get_absolute_url()).content.decode()


def test_only_the_holders_members_declare_a_projects_relation_on_the_page(client):
    project = ProjectFactory()
    url = reverse("synergies:project_relation_add", args=[project.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(_member_of(OrganisationFactory()))
    assert client.get(url).status_code == 403
    response = client.post(url, {"organisation": OrganisationFactory().pk, "kind": "funds"})
    assert response.status_code == 403 and not project.relations.exists()


# --- Ending a project's relation from the project's page -------------------------------------


def _funded():
    holder, funder = OrganisationFactory(name="Porteur témoin"), OrganisationFactory(name="Fonds")
    project = ProjectFactory(holder=holder, title="Épicerie témoin")
    user = _member_of(holder, Role.PROJECT_HOLDER)
    relation = network_services.project_relation_add(
        user=user, project=project, organisation=funder, kind="funds", started_on=D(2020, 1, 1)
    )
    return project, funder, user, relation


def test_the_holder_ends_a_relation_from_the_project_page(client, django_assert_max_num_queries):
    project, _funder, user, relation = _funded()
    client.force_login(user)
    url = reverse("synergies:project_relation_end", args=[relation.pk])
    assert url in client.get(project.get_absolute_url()).content.decode()
    client.get("/")
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert page.status_code == 200 and 'min="2020-01-01"' in page.content.decode()
    too_late = timezone.localdate() + datetime.timedelta(days=400)
    for value, expected in (
        ("2019-12-31", "précède le début de la relation (le 01/01/2020)"),
        (too_late.isoformat(), "au plus un an"),
        ("31/02/2021", "Date de fin"),
        ("", "Date de fin"),
    ):
        refused = client.post(url, {"ended_on": value})
        assert refused.status_code == 422, value
        assert expected in refused.content.decode(), value
    assert client.post(url).status_code == 422  # an empty form too
    relation.refresh_from_db()
    assert relation.ended_on is None
    with django_assert_max_num_queries(25):
        response = client.post(url, {"ended_on": "2022-06-30"})
    assert response.status_code == 302
    relation.refresh_from_db()
    assert relation.ended_on == D(2022, 6, 30)
    assert HistoryEvent.objects.filter(action=ProjectRelationAction.ENDED).count() == 1
    html = client.get(project.get_absolute_url()).content.decode()
    assert url not in html and "au 30 juin 2022" in html
    # Ended once: the page says so, a second end is refused with the date.
    assert "déjà pris fin le 30 juin 2022" in client.get(url).content.decode()
    again = client.post(url, {"ended_on": "2023-01-01"})
    assert again.status_code == 422 and "30/06/2022" in again.content.decode()
    assert HistoryEvent.objects.filter(action=ProjectRelationAction.ENDED).count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("funder_member", 403),
        ("other_holder", 403),
        ("other_programme_admin", 403),
    ],
)
def test_only_the_holders_members_end_a_projects_relation(client, who, status):
    project, funder, _user, relation = _funded()
    if who == "funder_member":
        client.force_login(_member_of(funder))
    elif who == "other_holder":
        client.force_login(_member_of(OrganisationFactory(), Role.PROJECT_HOLDER))
    elif who == "other_programme_admin":
        client.force_login(programme_admin(WaveFactory().programme))
    url = reverse("synergies:project_relation_end", args=[relation.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"ended_on": "2022-01-01"}).status_code == status
    relation.refresh_from_db()
    assert relation.ended_on is None
    assert not HistoryEvent.objects.filter(action=ProjectRelationAction.ENDED).exists()


def test_a_relation_of_a_project_one_cannot_see_is_a_404(client):
    project, _funder, _user, relation = _funded()
    project.is_published = False
    project.save(update_fields=["is_published"])
    client.force_login(_member_of(OrganisationFactory(), Role.PROJECT_HOLDER))
    url = reverse("synergies:project_relation_end", args=[relation.pk])
    assert client.post(url, {"ended_on": "2022-01-01"}).status_code == 404
    assert client.get(reverse("synergies:project_relation_end", args=[99999])).status_code == 404
    relation.refresh_from_db()
    assert relation.ended_on is None


# --- A done introduction enters the network -----------------------------------------------------


def _territory():
    """A published label, its collective (one lead organisation) and a published project of
    the territory with an open skills need; an engaged company and its member."""
    wave = WaveFactory(french_impact=True, number=1, status=WaveStatus.PUBLISHED)
    application = ApplicationFactory(
        proposed=True, wave=wave, collective__perimeter__name="Vallée coopérante"
    )
    label = labelled(application, programme_admin(wave.programme), granted_on=D(2019, 2, 25))
    lead = OrganisationFactory(name="Région témoin")
    CollectiveMember.objects.create(
        collective=application.collective, organisation=lead, started_on=D(2018, 10, 1)
    )
    holder = OrganisationFactory(name="Épicerie témoin")
    project = ProjectFactory(title="Épicerie du bourg", holder=holder, perimeter=label.perimeter)
    need = Need.objects.create(project=project, kind=NeedKind.SKILLS, purpose="Logistique")
    company = OrganisationFactory(name="Transports témoins", kind="company")
    return (
        label,
        project,
        need,
        company,
        _member_of(company),
        _member_of(holder, Role.PROJECT_HOLDER),
    )


def _offer(company, user, kind):
    return services.offer_create(
        user=user,
        company=company,
        data={
            "kind": kind,
            "title": "Notre aide",
            "description": "Ce que nous proposons.",
            "is_national": True,
        },
    )


def _done(user, holder_user, need, company, offer):
    introduction = services.introduction_propose(user=user, need=need, company=company, offer=offer)
    services.introduction_transition(user=holder_user, introduction=introduction, name="accept")
    services.introduction_transition(user=user, introduction=introduction, name="mark_done")
    return services.introduction_transition(
        user=holder_user, introduction=introduction, name="mark_done"
    )


def test_introduction_done_adds_the_new_edge_to_the_territorys_network():
    label, project, need, company, user, holder_user = _territory()
    offer = _offer(company, user, OfferKind.INVESTMENT)
    before = network.build(label, None)
    company_key, project_key = f"o{company.pk}", f"p{project.pk}"
    assert company_key not in before.nodes
    assert [n.key for n in before.isolated_projects] == [project_key]
    introduction = services.introduction_propose(user=user, need=need, company=company, offer=offer)
    services.introduction_transition(user=holder_user, introduction=introduction, name="accept")
    half = services.introduction_transition(user=user, introduction=introduction, name="mark_done")
    assert half.status == "accepted" and not ProjectRelation.objects.exists()  # one side only
    done = services.introduction_transition(
        user=holder_user, introduction=introduction, name="mark_done"
    )
    assert done.status == "done"
    relation = ProjectRelation.objects.get()
    assert (relation.organisation, relation.project, relation.introduction) == (
        company,
        project,
        done,
    )
    assert relation.kind == PartnershipKind.FUNDS  # an investment offer: a funder
    assert relation.started_on == done.done_at.date()
    after = network.build(label, None)
    edges = [(e.source, e.target, e.kind) for e in after.edges]
    assert (company_key, project_key, PartnershipKind.FUNDS) in edges
    assert after.nodes[company_key].name == "Transports témoins"
    assert not after.isolated_projects
    assert after.growth.now == before.growth.now + 1
    # The history says it: on the introduction (the relation's pk) and on the relation.
    assert HistoryEvent.objects.filter(action=ProjectRelationAction.FROM_INTRODUCTION).count() == 1
    api = network.build(label, UserFactory())
    assert (company_key, project_key, "funds") in [(e.source, e.target, e.kind) for e in api.edges]


@pytest.mark.parametrize(
    ("offer_kind", "relation_kind"),
    [
        (OfferKind.PREMISES, PartnershipKind.SUPPLIES),
        (OfferKind.SKILLS_SPONSORSHIP, PartnershipKind.PARTNER),
        (OfferKind.RESPONSIBLE_PURCHASING, PartnershipKind.PARTNER),
        (None, PartnershipKind.PARTNER),
    ],
)
def test_the_relation_kind_follows_the_offer_kind(offer_kind, relation_kind):
    _label, _project, need, company, user, holder_user = _territory()
    offer = _offer(company, user, offer_kind) if offer_kind else None
    _done(user, holder_user, need, company, offer)
    assert ProjectRelation.objects.get().kind == relation_kind


def test_a_declined_introduction_adds_nothing_to_the_network():
    _label, _project, need, company, user, holder_user = _territory()
    introduction = services.introduction_propose(user=user, need=need, company=company)
    services.introduction_transition(
        user=holder_user, introduction=introduction, name="decline", comment="Déjà pourvu"
    )
    assert not ProjectRelation.objects.exists()


# --- "Je peux aider" on the project's page ------------------------------------------------------


def test_je_peux_aider_shows_on_open_needs_for_an_engaged_company_member_only(
    client, django_assert_max_num_queries
):
    _label, project, need, company, user, holder_user = _territory()
    met = Need.objects.create(
        project=project, kind=NeedKind.PARTNERS, purpose="Déjà trouvé", status=NeedStatus.MET
    )
    regulatory = Need.objects.create(
        project=project, kind=NeedKind.REGULATORY, purpose="Quel statut ?"
    )
    help_url = reverse("synergies:need_help", args=[need.pk])
    client.force_login(user)
    client.get("/")  # warm the session and the site's caches
    with django_assert_max_num_queries(25):
        page = client.get(project.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert help_url in html and f'id="help-{need.pk}"' in html
    assert reverse("synergies:need_help", args=[met.pk]) not in html  # a need already met
    # A regulatory need is the one-stop shop's, not the companies'.
    assert reverse("synergies:need_help", args=[regulatory.pk]) not in html
    assert html.count("Je peux aider") == 1
    assert client.get(help_url).status_code == 200  # the link leads to the proposal form
    for other in (None, holder_user, UserFactory(), programme_admin(_label.programme)):
        client.logout()
        if other is not None:
            client.force_login(other)
        html = client.get(project.get_absolute_url()).content.decode()
        assert "Je peux aider" not in html and help_url not in html


def test_no_je_peux_aider_on_an_unpublished_project(client):
    _label, project, need, _company, user, _holder_user = _territory()
    project.is_published = False
    project.save(update_fields=["is_published"])
    client.force_login(user)
    response = client.get(project.get_absolute_url())
    # The company does not see an unpublished project at all (404), so no button either.
    assert response.status_code == 404 or "Je peux aider" not in response.content.decode()


def test_the_query_budget_of_the_project_page_does_not_grow_with_the_needs(
    client, django_assert_max_num_queries
):
    _label, project, _need, _company, user, _holder_user = _territory()
    client.force_login(user)
    client.get("/")
    with django_assert_max_num_queries(25) as first:
        client.get(project.get_absolute_url())
    for index in range(10):
        Need.objects.create(project=project, kind=NeedKind.SKILLS, purpose=f"Besoin {index}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(project.get_absolute_url()).content.decode()
    assert html.count("Je peux aider") == 11
