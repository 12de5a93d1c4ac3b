"""Amounts are money (``essaim.core.money``): 10^30 or 2^63 used to answer 500 on the request
page and the API (and 2^31 on PostgreSQL, whose column was a 32-bit integer). Refused now by
name, on every path, and nothing is created."""

import json

import pytest

from essaim.core.models import HistoryEvent, Notification
from essaim.core.money import MONEY_MAX
from essaim.financing.models import FinancingRequest, TicketBand
from essaim.financing.tests.test_api import API, client_for, post, send

HUGE = [10**30, 2**63, MONEY_MAX + 1]


def _state():
    return (
        list(FinancingRequest.objects.values_list("pk", "amount", "granted_amount", "status")),
        list(TicketBand.objects.values_list("pk", "min_amount", "max_amount")),
        HistoryEvent.objects.count(),
        Notification.objects.count(),
    )


@pytest.mark.parametrize("amount", [*HUGE, "1e400", -5])
def test_financing_amount_10_pow_30_refused_on_page_and_api(world, amount):
    fiso = world.instruments["FISO #2"]
    before = _state()
    response = post(
        client_for(world.holder),
        f"{API}/financing-requests",
        {
            "project_id": world.supermarket.pk,
            "instrument_id": fiso.pk,
            "amount": amount,
            "purpose": "Local",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"
    page = client_for(world.holder).post(
        f"/financement/projets/{world.supermarket.pk}/demande/{fiso.pk}/",
        {"amount": str(amount), "purpose": "Local"},
    )
    assert page.status_code == 422
    assert str(amount) in page.text  # kept in the form
    assert "montant" in page.text.lower()
    assert _state() == before


def test_financing_amount_over_32_bits_is_stored(world):
    """2^31 was a 500 on PostgreSQL (a 32-bit column); it is an amount like any other now."""
    fiso = world.instruments["FISO #2"]
    band = fiso.bands.get()
    band.max_amount = None
    band.save()
    response = post(
        client_for(world.holder),
        f"{API}/financing-requests",
        {
            "project_id": world.supermarket.pk,
            "instrument_id": fiso.pk,
            "amount": 2**31,
            "purpose": "Local",
        },
    )
    assert response.status_code == 201, response.content
    assert FinancingRequest.objects.get().amount == 2**31


@pytest.mark.parametrize("amount", [*HUGE, 1.5])
def test_granted_amount_out_of_range_refused_on_page_and_api(world, amount):
    request = send(world)
    client = client_for(world.financer)
    url = f"{API}/financing-requests/{request.pk}/transitions"
    assert post(client, url, {"name": "start_review"}).status_code == 200
    before = _state()
    response = post(client, url, {"name": "grant", "amount": amount})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"
    page = client.post(
        f"/financement/demandes/{request.pk}/action/", {"name": "grant", "amount": str(amount)}
    )
    assert page.status_code in {200, 302, 422}
    assert _state() == before


@pytest.mark.parametrize("amount", [*HUGE, "Infinity"])
def test_ticket_band_amount_out_of_range_refused_on_page_and_api(world, amount):
    fiso = world.instruments["FISO #2"]
    before = _state()
    body = '{"bands": [{"stage": "seed", "min_amount": 0, "max_amount": %s}]}' % (  # noqa: UP031
        json.dumps(amount) if isinstance(amount, int) else amount
    )
    response = client_for(world.financer).patch(
        f"{API}/instruments/{fiso.pk}", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "bands.0.max_amount"
    page = client_for(world.financer).post(
        f"/financement/outils/{fiso.pk}/modifier/",
        {
            "kinds": ["recoverable_advance"],
            "is_published": "on",
            "max_yearly_budget": str(amount),
            "bands-TOTAL_FORMS": "1",
            "bands-INITIAL_FORMS": "0",
            "bands-0-stage": "seed",
            "bands-0-min_amount": "0",
            "bands-0-max_amount": str(amount),
        },
    )
    assert page.status_code == 200
    assert page.text.count("maximum de 100") + page.text.count("nombre fini") >= 2
    assert _state() == before
