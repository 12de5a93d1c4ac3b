"""Programme ownership of support plans: the staff of another programme (admin, instructor,
single-window officer) get nothing of a programme's plans, actions, milestones and meetings — a
404 on every page and API endpoint — and change nothing. A superuser co-builds every plan as
staff, never as a member of the territory."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from essaim.support import rules, services
from essaim.support.models import (
    Action,
    Comment,
    Meeting,
    MeetingDecision,
    Milestone,
    SupportAxis,
    SupportPlan,
)
from essaim.support.tests.factories import axes_for
from essaim.support.tests.test_views import pages, posts
from essaim.testing import other_programme, superuser, table_state

pytestmark = pytest.mark.django_db

TABLES = (SupportPlan, SupportAxis, Action, Comment, Milestone, Meeting, MeetingDecision)
STAFF = ("admin", "instructor", "officer")


@pytest.fixture
def other():
    return other_programme()


def _action_payload(axis) -> dict:
    return {"axis_id": axis.pk, "title": "Intrusion", "due_on": "2026-06-01"}


@pytest.mark.parametrize("role", STAFF)
def test_staff_of_another_programme_cannot_read_a_plan(client, world, objects, other, role):
    client.force_login(other.staff()[role])
    for url in pages(objects):
        assert client.get(url).status_code == 404, url
    territory = world.plan.label.perimeter.name
    overview = client.get("/accompagnement/programme/")
    if role == "officer":
        assert overview.status_code == 403  # staff of no programme's plans
        assert client.get("/accompagnement/").status_code == 404  # and no plan of their own
    else:
        assert overview.status_code == 200 and territory not in overview.text
        assert territory not in client.get("/accompagnement/").text
    assert client.get("/accompagnement/mon-plan/").status_code == 404


@pytest.mark.parametrize("role", STAFF)
def test_staff_of_another_programme_change_nothing_of_a_plan(client, world, objects, other, role):
    client.force_login(other.staff()[role])
    before = table_state(*TABLES)
    for url, data in posts(world, objects):
        assert client.post(url, data).status_code == 404, url
    assert table_state(*TABLES) == before


@pytest.mark.parametrize("role", STAFF)
def test_staff_of_another_programme_get_nothing_through_the_api(
    client, world, objects, other, role
):
    client.force_login(other.staff()[role])
    plan = world.plan
    before = table_state(*TABLES)
    assert client.get("/api/v1/support-plans").json()["count"] == 0
    assert client.get(f"/api/v1/support-plans/{plan.pk}").status_code == 404
    response = client.post(
        f"/api/v1/support-plans/{plan.pk}/actions",
        _action_payload(world.axes[0]),
        content_type="application/json",
    )
    assert response.status_code == 404
    response = client.post(
        f"/api/v1/support-actions/{objects['action']}/transitions/start",
        {},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert table_state(*TABLES) == before


@pytest.mark.parametrize("role", STAFF)
def test_services_refuse_the_staff_of_another_programme(world, objects, other, role):
    user = other.staff()[role]
    plan = world.plan
    action = Action.objects.get(pk=objects["action"])
    milestone = Milestone.objects.get(pk=objects["milestone"])
    decision = MeetingDecision.objects.get(pk=objects["decision"])
    before = table_state(*TABLES)
    attempts = [
        lambda: services.action_create(
            user=user, plan=plan, data={"axis": world.axes[0], "title": "Intrusion"}
        ),
        lambda: services.action_update(user=user, action=action, data={"title": "Détournée"}),
        lambda: services.action_transition(user=user, action=action, name="start"),
        lambda: services.comment_add(user=user, action=action, body="Intrusion"),
        lambda: services.milestone_create(
            user=user, plan=plan, title="Intrusion", due_on=datetime.date(2026, 5, 1)
        ),
        lambda: services.milestone_reach(user=user, milestone=milestone),
        lambda: services.meeting_create(
            user=user, plan=plan, title="Intrusion", held_on=datetime.date(2026, 5, 1)
        ),
        lambda: services.action_create_from_decision(
            user=user, decision=decision, axis=world.axes[0]
        ),
        lambda: services.support_plan_open(label=plan.label, user=user),
        lambda: services.support_axis_save(
            user=user, programme=world.programme, code="strategy", title="Détourné"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert table_state(*TABLES) == before


def test_an_axis_or_challenge_of_another_programme_is_unknown_to_the_api(client, world, other):
    """The ids an action names are looked up within the plan's programme and territory."""
    foreign_axis = axes_for(other.programme)[0]
    client.force_login(world.instructor)
    before = table_state(*TABLES)
    response = client.post(
        f"/api/v1/support-plans/{world.plan.pk}/actions",
        _action_payload(foreign_axis),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "axis_id"
    challenge = world.other_plan.label.application.challenges.get()
    response = client.post(
        f"/api/v1/support-plans/{world.plan.pk}/actions",
        {**_action_payload(world.axes[0]), "challenge_id": challenge.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "challenge_id"
    assert table_state(*TABLES) == before


def test_superuser_co_builds_every_plan_as_staff_not_as_the_territory(client, world, objects):
    root = superuser()
    plan = world.plan
    assert rules.is_plan_staff(root, plan) and rules.can_edit_plan(root, plan)
    assert not rules.is_plan_territory(root, plan)
    client.force_login(root)
    overview = client.get("/accompagnement/")
    assert overview.status_code == 200 and plan.label.perimeter.name in overview.text
    response = client.post(
        f"/api/v1/support-plans/{plan.pk}/actions",
        _action_payload(world.axes[0]),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Action.objects.get(title="Intrusion").created_by == root
