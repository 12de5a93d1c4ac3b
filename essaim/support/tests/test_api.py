import datetime

import pytest

from essaim.accounts.models import ApiToken
from essaim.core.models import HistoryEvent
from essaim.support.models import Action
from essaim.support.tests.factories import ActionFactory
from essaim.support.workflow import ActionStatus

OUTSIDERS = ["other_lead", "expert", "financer", "other_programme_admin"]
INSIDERS = ["lead", "member", "admin", "instructor"]


def _payload(world, **extra):
    data = {
        "axis_id": world.axes[1].pk,
        "title": "Tour de table",
        "starts_on": "2026-03-01",
        "due_on": "2026-06-01",
        "budget_planned": "10000",
        "budget_committed": "5000",
        "budget_spent": "0",
    }
    data.update(extra)
    return data


def _state():
    return (
        list(Action.objects.order_by("pk").values_list("pk", "status", "title")),
        HistoryEvent.objects.count(),
    )


def test_anonymous(client, world):
    action = ActionFactory(plan=world.plan)
    before = _state()
    assert client.get("/api/v1/support-plans").status_code == 401
    assert client.get(f"/api/v1/support-plans/{world.plan.pk}").status_code == 401
    response = client.post(
        f"/api/v1/support-plans/{world.plan.pk}/actions",
        _payload(world),
        content_type="application/json",
    )
    assert response.status_code == 401
    response = client.post(
        f"/api/v1/support-actions/{action.pk}/transitions/start",
        {},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert _state() == before


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders(client, world, who):
    action = ActionFactory(plan=world.plan)
    client.force_login(getattr(world, who))
    before = _state()
    listed = client.get("/api/v1/support-plans").json()
    assert world.plan.pk not in [p["id"] for p in listed["items"]]
    assert client.get(f"/api/v1/support-plans/{world.plan.pk}").status_code == 404
    response = client.post(
        f"/api/v1/support-plans/{world.plan.pk}/actions",
        _payload(world),
        content_type="application/json",
    )
    assert response.status_code == 404
    response = client.post(
        f"/api/v1/support-actions/{action.pk}/transitions/start",
        {},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert _state() == before


@pytest.mark.parametrize("who", INSIDERS)
def test_insiders(client, world, who):
    client.force_login(getattr(world, who))
    listed = client.get("/api/v1/support-plans").json()
    ids = [p["id"] for p in listed["items"]]
    assert world.plan.pk in ids
    assert (world.other_plan.pk in ids) == (who in ("admin", "instructor"))
    response = client.post(
        f"/api/v1/support-plans/{world.plan.pk}/actions",
        _payload(world),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "planned" and created["axis"] == "financing"
    assert {t["name"] for t in created["transitions"]} == {"start", "complete", "block", "drop"}
    response = client.post(
        f"/api/v1/support-actions/{created['id']}/transitions/complete",
        {},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "done"
    detail = client.get(f"/api/v1/support-plans/{world.plan.pk}").json()
    assert detail["progress"]["done"] == 1 and detail["progress"]["done_share"] == 100
    financing = next(a for a in detail["axes"] if a["code"] == "financing")
    assert financing["actions"][0]["id"] == created["id"]
    assert float(financing["progress"]["budget_planned"]) == 10000


def test_bad_input_names_the_field(client, world):
    client.force_login(world.lead)
    response = client.post(
        f"/api/v1/support-plans/{world.plan.pk}/actions",
        _payload(world, due_on="2026-01-01", budget_spent="6000"),
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"due_on", "budget_spent"} <= fields
    action = ActionFactory(plan=world.plan)
    response = client.post(
        f"/api/v1/support-actions/{action.pk}/transitions/drop",
        {"reason": ""},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED
    assert Action.objects.count() == 1


def test_bearer_token_sees_what_its_user_sees(client, world):
    raw, digest = ApiToken.new_key()
    from django.utils import timezone

    ApiToken.objects.create(
        user=world.lead,
        prefix=raw[:8],
        key_hash=digest,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    response = client.get("/api/v1/support-plans", headers={"Authorization": f"Bearer {raw}"})
    assert [p["id"] for p in response.json()["items"]] == [world.plan.pk]


def test_list_query_budget(client, world, django_assert_max_num_queries):
    from essaim.support.tests.test_views import _many

    _many(world, plans=30, actions_per_plan=10)
    client.force_login(world.admin)
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/support-plans?page_size=100")
    assert response.status_code == 200
    assert response.json()["count"] == 32
