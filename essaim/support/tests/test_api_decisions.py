"""API: an action made from a meeting's decision (once per decision: then a 409) and what an
action drives (its links, in ``PATCH /support-actions/{id}``), scoped like the plan's pages:
another programme's staff get a 404, who sees but may not edit a 403, bad input a 422 naming the
field; both recorded in the history."""

import datetime

import pytest
from django.utils import timezone

from essaim.accounts.models import TokenAccess
from essaim.accounts.services import api_token_create
from essaim.calls.tests.factories import ProgrammeFactory
from essaim.core.models import HistoryEvent
from essaim.support import services
from essaim.support.models import Action
from essaim.support.tests.factories import ActionFactory, build_world
from essaim.synergies.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def decision(world):
    meeting = services.meeting_create(
        user=world.lead,
        plan=world.plan,
        title="Copil",
        held_on=datetime.date(2026, 2, 1),
        decisions=["Réunir les financeurs"],
    )
    return meeting.decisions.get()


def _send(client, url, body, user, method="post", access=TokenAccess.WRITE):
    _token, raw = api_token_create(user=user, name="test", access=access)
    return getattr(client, method)(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )


def test_an_action_from_a_decision_once(client, world, decision):
    url = f"/api/v1/support-decisions/{decision.pk}/action"
    axis = world.axes[0]
    body = {"axis_id": axis.pk, "due_on": "2026-09-30"}
    response = _send(client, url, body, world.lead)
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "Réunir les financeurs"
    action = Action.objects.get(source_decision=decision)
    assert action.due_on == datetime.date(2026, 9, 30)
    assert HistoryEvent.objects.for_object(action).filter(payload__decision=decision.pk).exists()
    again = _send(client, url, body, world.admin)
    assert again.status_code == 409 and "déjà" in again.json()["detail"]
    meetings = _send(
        client, f"/api/v1/support-plans/{world.plan.pk}/meetings", None, world.lead, "get"
    )
    item = meetings.json()["items"][0]["decision_items"][0]
    assert item == {"id": decision.pk, "text": "Réunir les financeurs", "action_id": action.pk}


def test_decision_refused_to_others_and_bad_axis(client, world, decision):
    url = f"/api/v1/support-decisions/{decision.pk}/action"
    body = {"axis_id": world.axes[0].pk}
    assert _send(client, url, body, world.other_programme_admin).status_code == 404
    assert _send(client, url, body, world.other_lead).status_code == 404
    assert _send(client, url, body, world.lead, access=TokenAccess.READ).status_code == 403
    foreign_axis = _send(client, url, {"axis_id": 999_999}, world.lead)
    assert foreign_axis.status_code == 422
    assert foreign_axis.json()["errors"][0]["field"] == "axis_id"
    assert not Action.objects.filter(source_decision=decision).exists()


def _event(programme):
    return Event.objects.create(
        programme=programme,
        title="Rencontre",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        is_online=True,
        capacity=5,
    )


def test_action_links_set_in_the_patch(client, world):
    synergies = next(a for a in world.axes if a.takes_links)
    action = ActionFactory(plan=world.plan, axis=synergies, created_by=world.lead)
    event, other = _event(world.programme), _event(ProgrammeFactory())
    url = f"/api/v1/support-actions/{action.pk}"
    response = _send(client, url, {"links": {"events": [event.pk]}}, world.lead, "patch")
    assert response.status_code == 200, response.content
    assert [e["id"] for e in response.json()["links"]["events"]] == [event.pk]
    assert list(action.events.values_list("pk", flat=True)) == [event.pk]
    assert HistoryEvent.objects.for_object(action).exists()
    refused = _send(client, url, {"links": {"events": [other.pk]}}, world.lead, "patch")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "links.events"
    # Another kind left out: kept.
    kept = _send(client, url, {"links": {"indicators": []}}, world.lead, "patch")
    assert [e["id"] for e in kept.json()["links"]["events"]] == [event.pk]
    body = {"links": {"events": []}}
    assert _send(client, url, body, world.other_programme_admin, "patch").status_code == 404
    assert list(action.events.values_list("pk", flat=True)) == [event.pk]


def test_no_links_on_an_axis_that_takes_none(client, world):
    strategy = next(a for a in world.axes if not a.takes_links)
    action = ActionFactory(plan=world.plan, axis=strategy, created_by=world.lead)
    event = _event(world.programme)
    url = f"/api/v1/support-actions/{action.pk}"
    response = _send(client, url, {"links": {"events": [event.pk]}}, world.lead, "patch")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "links.events"
