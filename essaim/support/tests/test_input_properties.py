"""Property tests on the support action's input paths (API and page): whatever dates, amounts and
text are sent, the answer is a success or a 4xx naming a field — never a 500 — and the plan's
pages (detail, timeline, PDF, API) still open afterwards."""

import datetime
import json

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essaim.support.tests.factories import build_world

pytestmark = pytest.mark.django_db
EXTREME_DATES = st.sampled_from(
    [datetime.date.min, datetime.date.max, datetime.date(1, 1, 2), datetime.date(9999, 12, 30)]
)
dates = st.one_of(st.none(), st.dates(), EXTREME_DATES)
raw_dates = st.one_of(
    dates.map(lambda d: d.isoformat() if d else ""),
    st.text(max_size=12),
    st.sampled_from(["2026-02-30", "0000-01-01", "10000-01-01", "2026-13-01", "-1-01-01"]),
)
amounts = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from(["1e400", "NaN", "Infinity", "1,5", "40 000", ""]),
)
PLAN_PAGES = ("/accompagnement/plans/{pk}/", "/accompagnement/plans/{pk}/frise/")


@pytest.fixture
def plan_world(db):
    world = build_world()
    client = Client(raise_request_exception=False)
    client.force_login(world.lead)
    return world, client


def _pages_open(client, world) -> None:
    for page in PLAN_PAGES:
        assert client.get(page.format(pk=world.plan.pk)).status_code == 200
    assert client.get(f"/api/v1/support-plans/{world.plan.pk}").status_code == 200


@given(starts_on=dates, due_on=dates, planned=amounts, title=st.text(max_size=300))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_action_api_answers_201_or_422_and_the_plan_still_opens(
    plan_world, starts_on, due_on, planned, title
):
    world, client = plan_world
    body = {
        "axis_id": world.axes[1].pk,
        "title": title,
        "starts_on": starts_on.isoformat() if starts_on else None,
        "due_on": due_on.isoformat() if due_on else None,
        "budget_planned": planned,
        "budget_committed": 0,
    }
    with transaction.atomic():
        response = client.post(
            f"/api/v1/support-plans/{world.plan.pk}/actions",
            json.dumps(body).replace('"1e400"', "1e400"),
            content_type="application/json",
        )
        assert response.status_code in {201, 422}, response.content
        if response.status_code == 422:
            assert all(e["field"] and e["message"] for e in response.json()["errors"])
        _pages_open(client, world)
        transaction.set_rollback(True)


@given(starts_on=raw_dates, due_on=raw_dates, planned=amounts)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_action_page_answers_302_or_the_form_again_and_the_plan_still_opens(
    plan_world, starts_on, due_on, planned
):
    world, client = plan_world
    with transaction.atomic():
        response = client.post(
            f"/accompagnement/plans/{world.plan.pk}/actions/nouvelle/",
            {
                "axis": world.axes[0].pk,
                "title": "Tour de table",
                "starts_on": starts_on,
                "due_on": due_on,
                "budget_planned": str(planned),
            },
        )
        assert response.status_code in {200, 302, 400, 422}, response.status_code
        _pages_open(client, world)
        transaction.set_rollback(True)


def test_plan_pdf_with_extreme_dates_opens(plan_world):
    from essaim.support.tests.factories import ActionFactory

    world, client = plan_world
    ActionFactory(plan=world.plan, starts_on=datetime.date.min, due_on=datetime.date.max)
    ActionFactory(plan=world.plan, starts_on=None, due_on=datetime.date.min)
    _pages_open(client, world)
    assert client.get(f"/accompagnement/plans/{world.plan.pk}/pdf/").status_code == 200
