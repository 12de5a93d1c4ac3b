"""/api/v1/offers, /api/v1/needs and /api/v1/introductions: bounded, scoped like the pages."""

import json

import pytest
from django.test import Client

from essaim.synergies import services
from essaim.synergies.models import Introduction, Offer

pytestmark = pytest.mark.django_db
API = "/api/v1"


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def send(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def test_published_offers_and_open_needs_are_public(syn):
    offers = client_for().get(f"{API}/offers").json()
    assert [o["title"] for o in offers["items"]] == [syn.offer.title]
    assert offers["items"][0]["regions"] == ["75"]
    needs = client_for().get(f"{API}/needs?kind=skills").json()
    assert [n["id"] for n in needs["items"]] == [syn.logistics.pk]
    services.offer_set_status(user=syn.company, offer=syn.offer, status="withdrawn")
    assert client_for().get(f"{API}/offers").json()["items"] == []
    assert client_for().get(f"{API}/offers/{syn.offer.pk}").status_code == 404
    mine = client_for(syn.company).get(f"{API}/offers?mine=true").json()
    assert [o["status"] for o in mine["items"]] == ["withdrawn"]


def test_a_company_creates_and_withdraws_its_offer_not_another_s(syn):
    body = {
        "company_id": syn.boreal.pk,
        "kind": "volunteering",
        "title": "Bénévolat",
        "description": "Des journées de bénévolat",
        "regions": ["75"],
    }
    created = send(client_for(syn.company), f"{API}/offers", body)
    assert created.status_code == 201, created.content
    offer_id = created.json()["id"]
    assert send(client_for(syn.other_company), f"{API}/offers", body).status_code == 403
    assert send(client_for(), f"{API}/offers", body).status_code == 401
    unknown = send(client_for(syn.company), f"{API}/offers", {**body, "regions": ["zz"]})
    assert unknown.status_code == 422 and "regions" in unknown.content.decode()
    too_long = send(client_for(syn.company), f"{API}/offers", {**body, "title": "x" * 201})
    assert too_long.status_code == 422
    patch = f"{API}/offers/{offer_id}"
    assert (
        send(client_for(syn.other_company), patch, {"status": "withdrawn"}, "patch").status_code
        == 403
    )
    withdrawn = send(client_for(syn.company), patch, {"status": "withdrawn"}, "patch")
    assert withdrawn.json()["status"] == "withdrawn"
    assert Offer.objects.get(pk=offer_id).status == "withdrawn"


def test_introductions_through_the_api_for_their_parties_only(syn, rival):
    body = {"need_id": syn.logistics.pk, "company_id": syn.boreal.pk, "offer_id": syn.offer.pk}
    assert send(client_for(syn.w.holder), f"{API}/introductions", body).status_code == 403
    assert send(client_for(syn.other_company), f"{API}/introductions", body).status_code == 403
    created = send(client_for(syn.company), f"{API}/introductions", body)
    assert created.status_code == 201, created.content
    introduction_id = created.json()["id"]
    url = f"{API}/introductions/{introduction_id}"
    holder_view = client_for(syn.w.holder).get(url).json()
    assert [a["name"] for a in holder_view["actions"]] == ["accept", "decline"]
    for outsider in (syn.other_company, rival.admin, syn.w.other_lead):
        assert client_for(outsider).get(url).status_code == 404
        assert (
            send(client_for(outsider), f"{url}/transitions", {"name": "accept"}).status_code == 404
        )
    assert client_for(rival.admin).get(f"{API}/introductions").json()["items"] == []
    refused = send(client_for(syn.w.holder), f"{url}/transitions", {"name": "decline"})
    assert refused.status_code == 422 and "comment" in refused.content.decode()
    accepted = send(client_for(syn.w.holder), f"{url}/transitions", {"name": "accept"})
    assert accepted.json()["status"] == "accepted"
    assert Introduction.objects.get().status == "accepted"
    unknown_need = send(
        client_for(syn.company), f"{API}/introductions", {**body, "need_id": 999999}
    )
    assert unknown_need.status_code == 422
