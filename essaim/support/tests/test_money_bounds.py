"""Budgets are money (``essaim.core.money``): "1e400" used to be stored as infinity on SQLite and
every later read of the plan (page, timeline, PDF, API) answered 500 for everyone. Refused now by
name, and a plan already poisoned opens again once the migration has clamped it."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from essaim.core.models import HistoryEvent
from essaim.core.money import MONEY_MAX
from essaim.support.models import Action
from essaim.support.tests.factories import ActionFactory, build_world


def _plan_reads(client, plan) -> dict[str, int]:
    return {
        url: client.get(url).status_code
        for url in (
            f"/accompagnement/plans/{plan.pk}/",
            f"/accompagnement/plans/{plan.pk}/frise/",
            f"/accompagnement/plans/{plan.pk}/pdf/",
            f"/api/v1/support-plans/{plan.pk}",
            "/api/v1/support-plans",
        )
    }


def _everything_opens(client, world) -> None:
    client.force_login(world.lead)
    assert set(_plan_reads(client, world.plan).values()) == {200}
    client.force_login(world.admin)
    assert client.get("/accompagnement/programme/").status_code == 200


def _state():
    return list(Action.objects.values_list("pk", "budget_planned")), HistoryEvent.objects.count()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1e400", "nombre fini"),  # a JSON number: Python's json reads it as infinity
        ('"1e400"', "maximum"),
        ("Infinity", "nombre fini"),
        ("NaN", "nombre fini"),
        ('"NaN"', "nombre fini"),
        ("-1", "positif"),
        (str(10**30), "maximum"),
        ('"12.5"', "sans centimes"),
    ],
)
def test_budget_1e400_refused_and_plan_still_opens(client, world, raw, message):
    client.force_login(world.lead)
    before = _state()
    body = (
        '{"axis_id": %d, "title": "Tour de table", "budget_planned": %s}'  # noqa: UP031
        % (world.axes[1].pk, raw)
    )
    response = client.post(
        f"/api/v1/support-plans/{world.plan.pk}/actions", body, content_type="application/json"
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "budget_planned"
    assert message in error["message"]
    assert _state() == before
    _everything_opens(client, world)


def test_budget_bounds_on_the_action_page(client, world):
    client.force_login(world.lead)
    before = _state()
    url = f"/accompagnement/plans/{world.plan.pk}/actions/nouvelle/"
    for value, message in (
        ("1e400", "maximum"),
        ("inf", "nombre fini"),
        (str(MONEY_MAX + 1), "maximum"),
        ("12,50", "sans centimes"),
    ):
        response = client.post(
            url, {"axis": world.axes[0].pk, "title": "Tour de table", "budget_planned": value}
        )
        assert response.status_code in {200, 422}
        assert message in response.text
        assert value in response.text  # what was typed is kept
    assert _state() == before
    response = client.post(
        url,
        {"axis": world.axes[0].pk, "title": "Tour de table", "budget_planned": "40 000"},
    )
    assert response.status_code == 302
    assert Action.objects.get().budget_planned == 40_000


def test_budgets_are_whole_euros_in_the_api(client, world):
    ActionFactory(plan=world.plan, budget_planned=1234)
    client.force_login(world.lead)
    body = client.get(f"/api/v1/support-plans/{world.plan.pk}").json()
    assert body["progress"]["budget_planned"] == 1234
    response = client.post(
        f"/api/v1/support-plans/{world.plan.pk}/actions",
        json.dumps({"axis_id": world.axes[1].pk, "title": "T", "budget_planned": MONEY_MAX}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["budget_planned"] == MONEY_MAX


def _latest(app: str) -> list[tuple[str, str]]:
    return [key for key in MigrationExecutor(connection).loader.graph.leaf_nodes() if key[0] == app]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


@pytest.mark.django_db(transaction=True)
def test_poisoned_plan_with_inf_budget_opens_after_migration(client):
    """A plan saved before the fix, with an infinite (SQLite) or over-large budget and cents,
    opens again after ``support.0002_money_bounds``; the ordering of its budgets holds."""
    world = build_world()
    poisoned = ActionFactory(plan=world.plan)
    cents = ActionFactory(plan=world.plan)
    _migrate([("support", "0001_initial")])
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # What "1e400" through the API used to leave: SQLite's NUMERIC keeps infinity.
                cursor.execute(
                    "UPDATE support_action SET budget_planned = 9e999, budget_committed = 9e999,"
                    " budget_spent = 5000 WHERE id = %s",
                    [poisoned.pk],
                )
            else:  # PostgreSQL's numeric(12, 2) cannot hold infinity: the largest it holds.
                cursor.execute(
                    "UPDATE support_action SET budget_planned = 9999999999.99,"
                    " budget_committed = 9999999999.99, budget_spent = 5000 WHERE id = %s",
                    [poisoned.pk],
                )
            cursor.execute(
                "UPDATE support_action SET budget_planned = 1000.50, budget_committed = 1000.49,"
                " budget_spent = 0.5 WHERE id = %s",
                [cents.pk],
            )
    finally:
        _migrate([("support", "0002_money_bounds")])
        _migrate(_latest("support"))  # and the later migrations, which the models expect
    poisoned.refresh_from_db()
    cents.refresh_from_db()
    top = MONEY_MAX if connection.vendor == "sqlite" else 10_000_000_000
    assert (poisoned.budget_planned, poisoned.budget_committed, poisoned.budget_spent) == (
        top,
        top,
        5000,
    )
    assert (cents.budget_planned, cents.budget_committed, cents.budget_spent) == (1001, 1000, 1)
    _everything_opens(client, world)
