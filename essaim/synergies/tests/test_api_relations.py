"""The API of a project's relations in the ecosystem network (a funder, a partner, a mentor…):
listed for the project's editors, declared and ended by its holder's people through
``network_services`` as on the project's page; a project one does not see is a 404, another
programme's staff or another territory's lead who see it a 403, a read-only token a 403, a
relation already ended a 409, a bad value a 422 naming the field."""

import datetime

import pytest
from django.utils import timezone

from essaim.actors.tests.factories import OrganisationFactory
from essaim.core.models import HistoryEvent
from essaim.synergies import network_services
from essaim.synergies.history import ProjectRelationAction
from essaim.synergies.models import ProjectRelation
from essaim.synergies.tests.test_api_actions import bearer

pytestmark = pytest.mark.django_db
API = "/api/v1"
D = datetime.date


def post(client, url, user, body=None, access="write"):
    return client.post(
        url, body or {}, content_type="application/json", headers=bearer(user, access)
    )


@pytest.fixture
def funder():
    return OrganisationFactory(name="Fonds régional", verified_at=timezone.now())


@pytest.fixture
def relation(syn, funder):
    return network_services.project_relation_add(
        user=syn.w.holder,
        project=syn.w.supermarket,
        organisation=funder,
        kind="funds",
        started_on=D(2020, 1, 1),
    )


def test_the_holder_declares_lists_and_ends_a_relation(client, syn, funder):
    url = f"{API}/projects/{syn.w.supermarket.pk}/relations"
    body = {"organisation_id": funder.pk, "kind": "funds", "started_on": "2021-03-01"}
    created = post(client, url, syn.w.holder, {**body, "description": "Prêt d'honneur"})
    assert created.status_code == 201, created.content
    out = created.json()
    assert (out["organisation"], out["kind"], out["started_on"], out["ended_on"]) == (
        "Fonds régional",
        "funds",
        "2021-03-01",
        None,
    )
    relation = ProjectRelation.objects.get()
    assert (relation.project, relation.created_by, relation.description) == (
        syn.w.supermarket,
        syn.w.holder,
        "Prêt d'honneur",
    )
    assert HistoryEvent.objects.filter(action=ProjectRelationAction.ADDED).count() == 1
    listed = client.get(url, headers=bearer(syn.w.holder, "read")).json()["items"]
    assert [r["id"] for r in listed] == [relation.pk]
    end = f"{url}/{relation.pk}/end"
    ended = post(client, end, syn.w.holder, {"ended_on": "2022-06-30"})
    assert ended.status_code == 200, ended.content
    assert ended.json()["ended_on"] == "2022-06-30"
    again = post(client, end, syn.w.holder, {"ended_on": "2023-01-01"})
    assert again.status_code == 409 and "30/06/2022" in again.json()["detail"]
    relation.refresh_from_db()
    assert relation.ended_on == D(2022, 6, 30)
    assert HistoryEvent.objects.filter(action=ProjectRelationAction.ENDED).count() == 1


def test_the_project_editors_read_them(client, syn, relation):
    url = f"{API}/projects/{syn.w.supermarket.pk}/relations"
    for user in (syn.w.lead, syn.w.staff):
        response = client.get(url, headers=bearer(user, "read"))
        assert response.status_code == 200, response.content
        assert [r["id"] for r in response.json()["items"]] == [relation.pk]
    # They edit the project but not its holder's directory entry: they do not declare.
    body = {"organisation_id": relation.organisation_id, "kind": "partner"}
    assert post(client, url, syn.w.lead, body).status_code == 403
    assert post(client, url, syn.w.staff, body).status_code == 403
    assert (
        post(client, f"{url}/{relation.pk}/end", syn.w.lead, {"ended_on": "2022-01-01"}).status_code
        == 403
    )
    assert ProjectRelation.objects.count() == 1


def test_attackers(client, syn, rival, relation):
    url = f"{API}/projects/{syn.w.supermarket.pk}/relations"
    end = f"{url}/{relation.pk}/end"
    body = {"organisation_id": relation.organisation_id, "kind": "partner"}
    # The project is published: they see it, not its relations, and change nothing.
    for user in (rival.admin, syn.w.other_lead, syn.w.other_holder, syn.company):
        assert client.get(url, headers=bearer(user, "read")).status_code == 403
        assert post(client, url, user, body).status_code == 403
        assert post(client, end, user, {"ended_on": "2022-01-01"}).status_code == 403
    # A read-only token of the holder; no token.
    assert post(client, url, syn.w.holder, body, access="read").status_code == 403
    assert post(client, end, syn.w.holder, {"ended_on": "2022-01-01"}, "read").status_code == 403
    assert client.get(url).status_code == 401
    # A relation asked through another project (even one its caller holds) is not found there.
    other = f"{API}/projects/{syn.w.other_project.pk}/relations/{relation.pk}/end"
    assert post(client, other, syn.w.other_holder, {"ended_on": "2022-01-01"}).status_code == 404
    # Unpublished: the project is not seen by outsiders (404), still by its holder.
    syn.w.supermarket.is_published = False
    syn.w.supermarket.save(update_fields=["is_published"])
    for user in (rival.admin, syn.w.other_holder):
        assert client.get(url, headers=bearer(user, "read")).status_code == 404
        assert post(client, url, user, body).status_code == 404
        assert post(client, end, user, {"ended_on": "2022-01-01"}).status_code == 404
    assert client.get(url, headers=bearer(syn.w.holder, "read")).status_code == 200
    relation.refresh_from_db()
    assert (relation.ended_on, ProjectRelation.objects.count()) == (None, 1)


def test_bad_input_names_the_field(client, syn, funder, relation):
    url = f"{API}/projects/{syn.w.supermarket.pk}/relations"
    good = {"organisation_id": funder.pk, "kind": "partner"}
    hidden = OrganisationFactory(verified_at=None)  # registered, not confirmed: not public
    for body, field in (
        ({**good, "kind": "owns"}, "kind"),
        ({**good, "organisation_id": 999_999_999}, "organisation_id"),
        ({**good, "organisation_id": hidden.pk}, "organisation_id"),
        ({**good, "organisation_id": syn.w.epicerie.pk}, "organisation_id"),  # the holder
        ({**good, "started_on": "2021-01-01", "ended_on": "2020-01-01"}, "ended_on"),
        ({**good, "description": "d" * 256}, "description"),
        ({**good, "started_on": "1800-01-01"}, "started_on"),
    ):
        response = post(client, url, syn.w.holder, body)
        assert response.status_code == 422, (field, response.content)
        assert response.json()["errors"][0]["field"] == field, response.content
    end = f"{url}/{relation.pk}/end"
    too_late = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    for value in ("2019-12-31", too_late, "31/02/2021"):
        response = post(client, end, syn.w.holder, {"ended_on": value})
        assert response.status_code == 422, (value, response.content)
        assert response.json()["errors"][0]["field"] == "ended_on"
    assert ProjectRelation.objects.count() == 1
    relation.refresh_from_db()
    assert relation.ended_on is None
