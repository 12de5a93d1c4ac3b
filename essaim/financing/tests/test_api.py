import json

import pytest
from django.test import Client

from essaim.core.models import HistoryEvent
from essaim.financing import services
from essaim.financing.models import FinancingRequest

API = "/api/v1"


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def post(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def send(world, user=None):
    return services.financing_request_send(
        user=user or world.holder,
        project=world.supermarket,
        instrument=world.instruments["FISO #2"],
        amount=40_000,
        purpose="Local",
        need=world.need,
    )


def test_matches_endpoint_ranks_and_explains(world):
    response = client_for().get(f"{API}/projects/{world.supermarket.pk}/matches")
    assert response.status_code == 200
    body = response.json()
    assert body["need"]["amount"] == 40_000
    assert body["ranked"][0]["instrument"]["name"] == "FISO #2"
    assert {r["code"]: r["verdict"] for r in body["ranked"][0]["rules"]}["stage"] == "eligible"
    novess = next(m for m in body["excluded"] if m["instrument"]["name"] == "NovESS")
    assert novess["reasons"][1] == (
        "NovESS : le besoin de 40 000 € est inférieur à son minimum de 100 000 €"
    )
    verdicts = {r["code"]: r["verdict"] for r in novess["rules"]}
    assert verdicts["stage"] == verdicts["ticket"] == "not_eligible"


def test_matches_of_an_unknown_or_unpublished_project_is_404(world):
    world.supermarket.is_published = False
    world.supermarket.save()
    assert client_for().get(f"{API}/projects/{world.supermarket.pk}/matches").status_code == 404
    assert (
        client_for(world.other_holder)
        .get(f"{API}/projects/{world.supermarket.pk}/matches")
        .status_code
        == 404
    )
    assert (
        client_for(world.holder).get(f"{API}/projects/{world.supermarket.pk}/matches").status_code
        == 200
    )
    assert client_for().get(f"{API}/projects/999999/matches").json() == {
        "detail": "Projet 999999 introuvable."
    }


def test_instruments_are_public(world):
    response = client_for().get(f"{API}/instruments")
    assert response.status_code == 200
    assert response.json()["count"] == 8
    seed = client_for().get(f"{API}/instruments", {"stage": "seed"}).json()["items"]
    assert {i["short_name"] for i in seed} == {
        "FISO #2",
        "Amorçage French Impact",
        "Apport associatif France Active",
        "Garantie France Active",
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("holder", 403), ("other_financer", 403), ("lead", 403), ("financer", 200)],
)
def test_instrument_patch_matrix(world, who, status):
    fiso = world.instruments["FISO #2"]
    client = client_for(getattr(world, who) if who else None)
    response = post(
        client, f"{API}/instruments/{fiso.pk}", {"conditions": "Nouvelles"}, method="patch"
    )
    assert response.status_code == status
    fiso.refresh_from_db()
    assert (fiso.conditions == "Nouvelles") == (status == 200)
    assert HistoryEvent.objects.for_object(fiso).exists() == (status == 200)


def test_instrument_patch_bad_band_is_422_naming_the_field(world):
    fiso = world.instruments["FISO #2"]
    response = post(
        client_for(world.financer),
        f"{API}/instruments/{fiso.pk}",
        {"bands": [{"stage": "seed", "min_amount": 90000, "max_amount": 10000}]},
        method="patch",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "bands[0].min_amount",
            "message": "Le montant minimal (90 000 €) dépasse le montant maximal (10 000 €) "
            "de la tranche « amorçage ».",
        }
    ]
    assert list(fiso.bands.values_list("min_amount", flat=True)) == [30_000]


def test_request_list_is_scoped(world):
    mine = send(world)
    assert client_for().get(f"{API}/financing-requests").status_code == 401
    for who, expected in [
        ("holder", [mine.pk]),
        ("financer", [mine.pk]),
        ("staff", [mine.pk]),
        ("lead", [mine.pk]),
        ("other_holder", []),
        ("other_financer", []),
        ("other_lead", []),
        ("nobody", []),
    ]:
        body = client_for(getattr(world, who)).get(f"{API}/financing-requests").json()
        assert [r["id"] for r in body["items"]] == expected, who


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("financer", 403), ("other_holder", 403), ("nobody", 403), ("holder", 201)],
)
def test_request_create_matrix(world, who, status):
    client = client_for(getattr(world, who) if who else None)
    response = post(
        client,
        f"{API}/financing-requests",
        {
            "project_id": world.supermarket.pk,
            "instrument_id": world.instruments["FISO #2"].pk,
            "need_id": world.need.pk,
            "amount": 40000,
            "purpose": "Local",
        },
    )
    assert response.status_code == status
    assert FinancingRequest.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        body = response.json()
        assert body["status"] == "received"
        assert body["terms"]["name"] == "FISO #2 — Fonds d'innovation sociale"
        assert [a["name"] for a in body["actions"]] == ["withdraw"]


def test_request_above_maximum_is_422(world):
    response = post(
        client_for(world.holder),
        f"{API}/financing-requests",
        {
            "project_id": world.supermarket.pk,
            "instrument_id": world.instruments["Apport associatif France Active"].pk,
            "amount": 40000,
            "purpose": "Local",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"
    assert "30 000 €" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("holder", 403),
        ("lead", 403),
        ("other_financer", 404),
        ("other_holder", 404),
        ("financer", 200),
    ],
)
def test_transition_matrix(world, who, status):
    request = send(world)
    client = client_for(getattr(world, who) if who else None)
    response = post(
        client, f"{API}/financing-requests/{request.pk}/transitions", {"name": "start_review"}
    )
    assert response.status_code == status
    request.refresh_from_db()
    assert request.status == ("in_review" if status == 200 else "received")


def test_transition_grant_and_totals(world):
    request = send(world)
    client = client_for(world.financer)
    url = f"{API}/financing-requests/{request.pk}/transitions"
    assert post(client, url, {"name": "start_review"}).status_code == 200
    response = post(client, url, {"name": "grant"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"
    response = post(client, url, {"name": "grant", "amount": 30000})
    assert response.json()["errors"][0]["field"] == "partial_reason"
    response = post(client, url, {"name": "grant", "amount": 30000, "partial_reason": "x" * 5001})
    assert response.status_code == 422
    body = post(
        client,
        url,
        {"name": "grant", "amount": 30000, "conditions": "Bilan", "partial_reason": "Plafond"},
    ).json()
    assert (body["status"], body["granted_amount"]) == ("granted", 30000)
    assert (body["grant_conditions"], body["partial_reason"]) == ("Bilan", "Plafond")
    totals = client_for(world.holder).get(f"{API}/financing-requests/totals").json()
    assert totals["instrument"][0]["granted"] == 30000
    assert totals["stage"][0]["name"] == "amorçage"


@pytest.mark.parametrize(
    ("who", "status"), [(None, 401), ("holder", 403), ("financer", 200), ("staff", 200)]
)
def test_gaps_matrix(world, who, status):
    response = client_for(getattr(world, who) if who else None).get(f"{API}/financing-gaps")
    assert response.status_code == status
    if status == 200:
        assert [g["need_id"] for g in response.json()["gaps"]] == [world.big_need.pk]


def test_instrument_patch_perimeters(world):
    from essaim.financing.matching import match_project

    fiso = world.instruments["FISO #2"]
    client = client_for(world.financer)
    response = post(
        client,
        f"{API}/instruments/{fiso.pk}",
        {"is_national": False, "regions": ["84"], "excluded_perimeters": ["nowhere"]},
        method="patch",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "excluded_perimeters", "message": "Inconnus : nowhere."}
    ]
    fiso.refresh_from_db()
    assert fiso.is_national
    response = post(
        client,
        f"{API}/instruments/{fiso.pk}",
        {"is_national": False, "regions": ["84"]},
        method="patch",
    )
    assert response.status_code == 200
    assert response.json()["regions"] == ["84"]
    fiso_match = next(
        m for m in match_project(world.supermarket).excluded if m.instrument.label == "FISO #2"
    )
    assert fiso_match.reasons == ["FISO #2 : ne couvre pas le territoire du projet"]
