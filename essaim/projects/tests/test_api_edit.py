"""A project's edition through the API (``PATCH /projects/{id}``) and its needs (add one, change
one's status): the same services and rules as the pages, history recorded, strangers refused."""

import json

import pytest
from django.test import Client

from essaim.core.models import HistoryEvent
from essaim.projects.history import ProjectAction
from essaim.projects.models import Need, NeedStatus

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def patch(user, url, body):
    return client_for(user).patch(url, data=json.dumps(body), content_type="application/json")


def post(user, url, body):
    return client_for(user).post(url, data=json.dumps(body), content_type="application/json")


def actions(project) -> list[str]:
    return list(HistoryEvent.objects.for_object(project).values_list("action", flat=True))


def test_patch_changes_the_sent_fields_and_records_them(world):
    project = world.supermarket
    response = patch(
        world.holder,
        f"/api/v1/projects/{project.pk}",
        {"title": "Supermarché du Marais", "domains": ["food", "mobility"], "jobs": 4},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Supermarché du Marais"
    assert body["domains"] == ["food", "mobility"]
    assert body["jobs"] == 4
    assert body["summary"] == project.summary  # not sent: kept
    project.refresh_from_db()
    assert project.title == "Supermarché du Marais"
    event = HistoryEvent.objects.for_object(project).get(action=ProjectAction.UPDATED)
    assert event.actor == world.holder
    assert event.payload["changes"]["title"][1] == "Supermarché du Marais"


def test_patch_communes_and_clearing(world):
    project = world.supermarket
    response = patch(
        world.staff,
        f"/api/v1/projects/{project.pk}",
        {"communes": ["79191"], "founded_year": None, "website": "https://marais.example"},
    )
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert project.founded_year is None
    assert project.website == "https://marais.example"
    assert list(project.communes.values_list("insee", flat=True)) == ["79191"]


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("other_holder", 403), ("financer", 403), ("other_lead", 403), ("lead", 200)],
)
def test_patch_who_may(world, who, status):
    project = world.supermarket
    user = getattr(world, who) if who else None
    response = patch(user, f"/api/v1/projects/{project.pk}", {"title": "Changé"})
    assert response.status_code == status, response.content
    project.refresh_from_db()
    assert (project.title == "Changé") is (status == 200)


def test_patch_by_another_programmes_staff_is_refused(world, rival):
    response = patch(rival.admin, f"/api/v1/projects/{world.supermarket.pk}", {"title": "Changé"})
    assert response.status_code == 403
    response = patch(world.staff, f"/api/v1/projects/{rival.project.pk}", {"title": "Changé"})
    assert response.status_code == 403


def test_patch_an_unpublished_project_of_others_is_a_404(world):
    world.other_project.is_published = False
    world.other_project.save()
    response = patch(world.holder, f"/api/v1/projects/{world.other_project.pk}", {"title": "X"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"stage": "unknown"}, "stage"),
        ({"communes": ["00000"]}, "communes"),
        ({"territory_id": 999999}, "territory_id"),
        (
            {
                "collective_id": None,
                "territory_id": None,
                "challenge_id": None,
                "founded_year": 2199,
            },
            "founded_year",
        ),
        ({"collective_id": 999999}, "collective_id"),
    ],
)
def test_patch_bad_input_names_the_field(world, body, field):
    project = world.supermarket
    before = project.title
    response = patch(world.holder, f"/api/v1/projects/{project.pk}", body)
    assert response.status_code == 422, response.content
    assert field in {error["field"] for error in response.json()["errors"]}
    project.refresh_from_db()
    assert project.title == before
    assert ProjectAction.UPDATED not in actions(project)


def test_patch_into_a_territory_one_may_not_edit_is_refused(world, rival):
    response = patch(
        world.staff,
        f"/api/v1/projects/{world.supermarket.pk}",
        {"collective_id": rival.collective.pk, "territory_id": rival.collective.perimeter_id},
    )
    assert response.status_code == 403
    world.supermarket.refresh_from_db()
    assert world.supermarket.collective_id == world.collective.pk


def test_need_add(world):
    project = world.supermarket
    response = post(
        world.holder,
        f"/api/v1/projects/{project.pk}/needs",
        {"kind": "skills", "purpose": "Un comptable bénévole"},
    )
    assert response.status_code == 201, response.content
    need = Need.objects.get(pk=response.json()["id"])
    assert (need.project, need.kind, need.status) == (project, "skills", "open")
    assert ProjectAction.NEED_ADDED in actions(project)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "financing", "purpose": "Camion"}, "amount"),
        ({"kind": "magic", "purpose": "Camion"}, "kind"),
        ({"kind": "skills", "purpose": ""}, "purpose"),
        ({"kind": "skills", "purpose": "   "}, "purpose"),
    ],
)
def test_need_add_bad_input(world, body, field):
    count = Need.objects.count()
    response = post(world.holder, f"/api/v1/projects/{world.supermarket.pk}/needs", body)
    assert response.status_code == 422, response.content
    assert field in {error["field"] for error in response.json()["errors"]}
    assert Need.objects.count() == count


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("other_holder", 403), ("staff", 201)])
def test_need_add_who_may(world, who, status):
    user = getattr(world, who) if who else None
    count = Need.objects.count()
    response = post(
        user,
        f"/api/v1/projects/{world.supermarket.pk}/needs",
        {"kind": "partners", "purpose": "Un partenaire logistique"},
    )
    assert response.status_code == status
    assert Need.objects.count() == count + (1 if status == 201 else 0)


def test_need_status_moves_and_refuses_a_repeat(world):
    url = f"/api/v1/projects/{world.supermarket.pk}/needs/{world.need.pk}/status"
    response = post(world.holder, url, {"status": "met"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "met"
    world.need.refresh_from_db()
    assert world.need.status == NeedStatus.MET
    event = HistoryEvent.objects.for_object(world.supermarket).get(action=ProjectAction.NEED_STATUS)
    assert (event.from_state, event.to_state) == ("open", "met")
    again = post(world.holder, url, {"status": "met"})
    assert again.status_code == 409
    assert "satisfait" in again.json()["detail"]
    assert post(world.holder, url, {"status": "done"}).status_code == 422


def test_need_status_strangers_and_other_projects(world, rival):
    url = f"/api/v1/projects/{world.supermarket.pk}/needs/{world.need.pk}/status"
    assert post(world.other_holder, url, {"status": "dropped"}).status_code == 403
    assert post(rival.admin, url, {"status": "dropped"}).status_code == 403
    # A need of another project, asked through this one: not found.
    other = f"/api/v1/projects/{world.supermarket.pk}/needs/{world.big_need.pk}/status"
    assert post(world.holder, other, {"status": "dropped"}).status_code == 404
    world.need.refresh_from_db()
    world.big_need.refresh_from_db()
    assert world.need.status == world.big_need.status == NeedStatus.OPEN


def test_patch_blank_title_and_stage(world):
    url = f"/api/v1/projects/{world.supermarket.pk}"
    response = patch(world.holder, url, {"title": "   "})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "title"
    response = patch(world.holder, url, {"stage": "emergence", "is_published": False})
    assert response.status_code == 200, response.content
    assert (response.json()["stage"], response.json()["is_published"]) == ("emergence", False)
    assert patch(world.other_holder, url, {"title": "X"}).status_code == 404  # now unpublished
