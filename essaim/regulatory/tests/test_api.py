"""API: scoped lists and details, creation with idempotency, the public knowledge base."""

import pytest

from essaim.accounts.services import api_token_create
from essaim.regulatory import services
from essaim.regulatory.models import Ticket
from essaim.regulatory.tests.factories import (
    CallFactory,
    PerimeterFactory,
    ProgrammeFactory,
    holder,
    officer,
    ticket,
)
from essaim.regulatory.workflow import Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory(single_window=True, single_window_email="hacker@le-frenchimpact.fr")


def _auth(user):
    _token, raw = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_ticket_list_is_scoped_and_filtered(client, programme):
    author = holder()
    perimeter = PerimeterFactory(slug="vallee-de-la-marne")
    mine = ticket(programme, user=author, perimeter=perimeter, title="Ressourcerie mobile")
    other = ticket(programme, title="Cantine")
    guichet = officer(programme)

    assert client.get("/api/v1/tickets").status_code == 401
    numbers = [t["number"] for t in client.get("/api/v1/tickets", **_auth(author)).json()["items"]]
    assert numbers == [mine.number]
    officer_view = client.get("/api/v1/tickets", **_auth(guichet)).json()
    assert {t["number"] for t in officer_view["items"]} == {mine.number, other.number}
    filtered = client.get(
        "/api/v1/tickets",
        {"territory": "vallee-de-la-marne", "q": "ressourcerie", "state": "new"},
        **_auth(guichet),
    ).json()
    assert [t["number"] for t in filtered["items"]] == [mine.number]
    assert (
        client.get(
            "/api/v1/tickets",
            **_auth(officer(ProgrammeFactory(single_window=True))),
        ).json()["count"]
        == 0
    )


def test_ticket_detail_404_outside_scope(client, programme):
    t = ticket(programme, user=holder())
    response = client.get(f"/api/v1/tickets/{t.pk}", **_auth(holder()))
    assert response.status_code == 404
    assert str(t.pk) in response.json()["detail"]
    detail = client.get(f"/api/v1/tickets/{t.pk}", **_auth(officer(programme))).json()
    assert detail["number"] == t.number
    assert "triage" in detail["actions"]
    assert detail["messages"][0]["kind"] == "ack"


def test_create_ticket_is_idempotent_and_validated(client, programme):
    user = holder()
    payload = {
        "title": "Jardin partagé",
        "wants_to_do": "Cultiver sur un terrain communal",
        "blocked_by": "Convention d'occupation",
        "rules": [{"level": "law", "text": "CG3P", "article": "L. 2122-1"}],
        "idempotency_key": "api-1",
    }
    assert (
        client.post("/api/v1/tickets", payload, content_type="application/json").status_code == 401
    )
    first = client.post("/api/v1/tickets", payload, content_type="application/json", **_auth(user))
    again = client.post("/api/v1/tickets", payload, content_type="application/json", **_auth(user))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Ticket.objects.count() == 1
    assert first.json()["rules"] == [{"level": "law", "text": "CG3P", "article": "L. 2122-1"}]

    bad = client.post(
        "/api/v1/tickets",
        {**payload, "idempotency_key": "api-2", "perimeter": "nulle-part", "blocked_by": ""},
        content_type="application/json",
        **_auth(user),
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"blocked_by"}
    bad = client.post(
        "/api/v1/tickets",
        {**payload, "idempotency_key": "api-3", "perimeter": "nulle-part"},
        content_type="application/json",
        **_auth(user),
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "perimeter"
    assert Ticket.objects.count() == 1


def test_knowledge_base_is_public_and_searchable(client, programme):
    guichet = officer(programme)
    t = ticket(programme, publish_consent=True)
    services.ticket_triage(ticket=t, user=guichet, category="food", priority="low")
    services.ticket_close(ticket=t, user=guichet, outcome=Outcome.CLARIFIED, reason="ok")
    services.article_publish(
        ticket=t,
        user=guichet,
        title="Vente en vrac",
        question="Peut-on vendre en vrac ?",
        answer="Oui, sauf exceptions.",
        theme="food",
    )
    items = client.get("/api/v1/knowledge-base", {"q": "vrac"}).json()["items"]
    assert [i["title"] for i in items] == ["Vente en vrac"]
    assert "author" not in items[0] and "ticket" not in items[0]
    assert client.get("/api/v1/knowledge-base", {"theme": "health"}).json()["count"] == 0
    assert client.get("/api/v1/knowledge-base/figures").json()["received"] == 1


def test_experimentation_requests_scoped(client, programme):
    author = holder()
    call = CallFactory(experimentation=True, programme=programme)
    obj = services.experimentation_submit(
        user=author,
        call=call,
        title="Vrac",
        derogation_asked="x",
        rule_text="Décret",
        rule_level="decree",
        duration_months=12,
        evaluation_plan="x",
    )
    assert client.get("/api/v1/experimentation-requests").status_code == 401
    assert client.get("/api/v1/experimentation-requests", **_auth(holder())).json()["count"] == 0
    assert client.get("/api/v1/experimentation-requests", **_auth(author)).json()["count"] == 1
    url = f"/api/v1/experimentation-requests/{obj.pk}"
    assert client.get(url, **_auth(holder())).status_code == 404
    detail = client.get(url, **_auth(officer(programme))).json()
    assert detail["number"] == obj.number and detail["actions"] == ["review", "refuse"]
    assert client.get(url, **_auth(author)).json()["actions"] == []
