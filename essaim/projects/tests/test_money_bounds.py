"""A project's budget and its needs' amounts are money (``essaim.core.money``): 10^30 or "1e400"
are refused by name on the pages and the API, and nothing is created."""

import json

import pytest

from essaim.core.money import MONEY_MAX
from essaim.financing.tests.test_api import client_for
from essaim.projects.models import Need, Project


def _state():
    return list(Project.objects.values_list("pk", "yearly_budget")), list(
        Need.objects.values_list("pk", "amount")
    )


@pytest.mark.parametrize("amount", [10**30, 2**63, MONEY_MAX + 1, "1e400", -3])
def test_need_amount_10_pow_30_refused_on_page_and_api(world, amount):
    before = _state()
    page = client_for(world.holder).post(
        f"/projets/{world.supermarket.pk}/besoins/",
        {"kind": "financing", "purpose": "Stock", "amount": str(amount)},
    )
    assert page.status_code == 422
    response = client_for(world.holder).post(
        "/api/v1/projects",
        data=json.dumps(
            {
                "title": "Ressourcerie",
                "summary": "Réemploi",
                "holder_id": world.epicerie.pk,
                "collective_id": world.collective.pk,
                "stage": "seed",
                "yearly_budget": 1000,
                "needs": [{"kind": "financing", "amount": amount, "purpose": "Camion"}],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "needs.0.amount"
    assert _state() == before


@pytest.mark.parametrize("budget", [10**30, "1e400", 2.5])
def test_yearly_budget_out_of_range_refused_on_page_and_api(world, budget):
    before = _state()
    response = client_for(world.holder).post(
        "/api/v1/projects",
        data=json.dumps(
            {
                "title": "Ressourcerie",
                "summary": "Réemploi",
                "holder_id": world.epicerie.pk,
                "stage": "seed",
                "yearly_budget": budget,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "yearly_budget"
    page = client_for(world.holder).post(
        f"/projets/{world.supermarket.pk}/modifier/",
        {"title": "Supermarché", "summary": "S", "stage": "seed", "yearly_budget": str(budget)},
    )
    assert page.status_code in {200, 422}
    assert str(budget) in page.text
    assert _state() == before
