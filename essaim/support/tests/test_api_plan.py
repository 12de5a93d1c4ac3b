"""API: a support plan's co-construction as on its pages (action edit, comments, milestones,
meetings): another programme's staff get a 404, a read-only token writes nothing, bad input is a
422 naming the field; the lists keep a query budget."""

import datetime

import pytest

from essaim.accounts.models import TokenAccess
from essaim.accounts.services import api_token_create
from essaim.support.models import Action, Comment, Meeting, Milestone
from essaim.support.tests.factories import ActionFactory, build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def action(world):
    return ActionFactory(plan=world.plan, created_by=world.lead)


def _auth(user, access=TokenAccess.WRITE):
    _token, raw = api_token_create(user=user, name="test", access=access)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _send(client, url, body, headers, method="post"):
    return getattr(client, method)(url, body, content_type="application/json", **headers)


def _field(response) -> tuple[int, str]:
    return response.status_code, response.json()["errors"][0]["field"]


def test_action_edit(client, world, action):
    url = f"/api/v1/support-actions/{action.pk}"
    body = {"title": "Tour de table des financeurs", "budget_committed": 500}
    response = _send(client, url, body, _auth(world.lead), "patch")
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Tour de table des financeurs"
    action.refresh_from_db()
    assert (action.title, action.budget_committed, action.due_on) == (
        "Tour de table des financeurs",
        500,
        datetime.date(2026, 6, 30),  # not sent: unchanged
    )
    assert _send(client, url, body, _auth(world.other_programme_admin), "patch").status_code == 404
    response = _send(client, url, {"title": "x"}, _auth(world.lead, TokenAccess.READ), "patch")
    assert response.status_code == 403
    assert _field(_send(client, url, {"title": ""}, _auth(world.lead), "patch")) == (422, "title")
    response = _send(client, url, {"budget_spent": 10**6}, _auth(world.lead), "patch")
    assert response.status_code == 422  # spent beyond committed: the service's check
    response = _send(client, url, {"due_on": "2025-01-01"}, _auth(world.lead), "patch")
    assert _field(response)[0] == 422
    assert Action.objects.get(pk=action.pk).title == "Tour de table des financeurs"


def test_action_comments(client, world, action, django_assert_max_num_queries):
    url = f"/api/v1/support-actions/{action.pk}/comments"
    response = _send(client, url, {"body": "Relancer la région."}, _auth(world.lead))
    assert response.status_code == 201
    headers = _auth(world.admin)
    with django_assert_max_num_queries(10):
        items = client.get(url, **headers).json()["items"]
    assert [c["body"] for c in items] == ["Relancer la région."]
    assert client.get(url, **_auth(world.other_programme_admin)).status_code == 404
    assert _send(client, url, {"body": "x"}, _auth(world.other_lead)).status_code == 404
    assert _send(client, url, {"body": "x"}, _auth(world.lead, TokenAccess.READ)).status_code == 403
    assert _field(_send(client, url, {"body": ""}, _auth(world.lead))) == (422, "body")
    assert Comment.objects.filter(action=action).count() == 1


def test_milestones(client, world, action, django_assert_max_num_queries):
    url = f"/api/v1/support-plans/{world.plan.pk}/milestones"
    body = {"title": "Bilan à mi-parcours", "due_on": "2026-09-01", "action_id": action.pk}
    response = _send(client, url, body, _auth(world.lead))
    assert response.status_code == 201
    milestone = response.json()
    assert (milestone["action_id"], milestone["reached_on"]) == (action.pk, None)
    headers = _auth(world.lead)
    with django_assert_max_num_queries(10):
        assert client.get(url, **headers).json()["count"] == 1
    other_action = ActionFactory(plan=world.other_plan)
    response = _send(client, url, {**body, "action_id": other_action.pk}, _auth(world.lead))
    assert _field(response) == (422, "action_id")
    assert _field(_send(client, url, {"title": "x"}, _auth(world.lead))) == (422, "due_on")
    assert _send(client, url, body, _auth(world.other_programme_admin)).status_code == 404
    assert _send(client, url, body, _auth(world.lead, TokenAccess.READ)).status_code == 403

    reach = f"/api/v1/support-milestones/{milestone['id']}/reach"
    assert _send(client, reach, {}, _auth(world.other_programme_admin)).status_code == 404
    assert _send(client, reach, {}, _auth(world.lead, TokenAccess.READ)).status_code == 403
    assert _field(_send(client, reach, {"reached_on": "hier"}, _auth(world.lead))) == (
        422,
        "reached_on",
    )
    response = _send(client, reach, {"reached_on": "2026-08-15"}, _auth(world.lead))
    assert response.json()["reached_on"] == "2026-08-15"
    assert Milestone.objects.get(pk=milestone["id"]).reached_on == datetime.date(2026, 8, 15)


def test_meetings(client, world, django_assert_max_num_queries):
    url = f"/api/v1/support-plans/{world.plan.pk}/meetings"
    body = {
        "title": "Comité de pilotage",
        "held_on": "2026-02-01",
        "minutes": "Tour de table.",
        "decisions": ["Réunir les financeurs", " ", "Ouvrir un tiers-lieu"],
    }
    response = _send(client, url, body, _auth(world.lead))
    assert response.status_code == 201
    assert response.json()["decisions"] == ["Réunir les financeurs", "Ouvrir un tiers-lieu"]
    _send(client, url, {**body, "held_on": "2026-03-01"}, _auth(world.admin))
    headers = _auth(world.lead)
    with django_assert_max_num_queries(10):
        items = client.get(url, **headers).json()["items"]
    assert [m["held_on"] for m in items] == ["2026-03-01", "2026-02-01"]
    assert client.get(url, **_auth(world.other_programme_admin)).status_code == 404
    assert _send(client, url, body, _auth(world.other_programme_admin)).status_code == 404
    assert _send(client, url, body, _auth(world.lead, TokenAccess.READ)).status_code == 403
    assert _field(_send(client, url, {**body, "decisions": ["x"] * 51}, _auth(world.lead))) == (
        422,
        "decisions",
    )
    assert _field(_send(client, url, {**body, "title": ""}, _auth(world.lead))) == (422, "title")
    assert Meeting.objects.filter(plan=world.plan).count() == 2
