"""API: a ticket's actions (the pages' workflow), the author's messages and the thread, with the
pages' scoping: another programme's officer sees nothing (404), a read-only token writes nothing
(403), bad input is a 422 naming the field, an action the state refuses is a 409."""

import pytest

from essaim.accounts.models import TokenAccess
from essaim.accounts.services import api_token_create
from essaim.regulatory.models import Ticket, TicketMessage
from essaim.regulatory.tests.factories import (
    OrganisationFactory,
    ProgrammeFactory,
    holder,
    officer,
    ticket,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory(single_window=True, single_window_email="guichet@example.test")


def _auth(user, access=TokenAccess.WRITE):
    _token, raw = api_token_create(user=user, name="test", access=access)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _act(client, t, name, headers, **body):
    return client.post(
        f"/api/v1/tickets/{t.pk}/transitions/{name}",
        body,
        content_type="application/json",
        **headers,
    )


def test_an_officer_triages_routes_answers_closes_and_reopens(client, programme):
    guichet, author = officer(programme), holder()
    t = ticket(programme, user=author)
    headers = _auth(guichet)
    response = _act(client, t, "triage", headers, category="food", priority="high")
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["category"]) == ("triaged", "food")
    administration = OrganisationFactory(kind="public_body")
    response = _act(client, t, "route", headers, administration_id=administration.pk)
    assert response.json()["state"] == "routed"
    assert _act(client, t, "start", headers).json()["state"] == "in_progress"
    response = _act(client, t, "answer", headers, body="Voici la règle applicable.")
    assert response.json()["state"] == "answered"
    assert response.json()["messages"][-1]["body"] == "Voici la règle applicable."
    response = _act(client, t, "close", headers, outcome="clarified", reason="Réglé.")
    assert (response.json()["state"], response.json()["outcome"]) == ("closed", "clarified")
    assert "reopen" in response.json()["actions"]
    response = _act(client, t, "reopen", headers, comment="Nouvel élément.")
    assert (response.json()["state"], response.json()["outcome"]) == ("in_progress", "")


def test_the_author_withdraws_but_may_not_triage(client, programme):
    author = holder()
    t = ticket(programme, user=author)
    assert _act(client, t, "triage", _auth(author), category="food").status_code == 403
    response = _act(client, t, "withdraw", _auth(author), comment="Plus utile.")
    assert (response.json()["state"], response.json()["outcome"]) == ("closed", "withdrawn")


def test_another_programmes_officer_gets_404_and_read_only_token_403(client, programme):
    t = ticket(programme, user=holder())
    stranger = officer(ProgrammeFactory(single_window=True))
    assert _act(client, t, "start", _auth(stranger)).status_code == 404
    assert client.get(f"/api/v1/tickets/{t.pk}/messages", **_auth(stranger)).status_code == 404
    guichet = officer(programme)
    response = _act(client, t, "triage", _auth(guichet, TokenAccess.READ), category="food")
    assert response.status_code == 403
    assert "lecture seule" in response.json()["detail"]
    assert Ticket.objects.get(pk=t.pk).state == "new"


def test_bad_input_is_422_naming_the_field_and_a_refused_state_409(client, programme):
    guichet = officer(programme)
    t = ticket(programme, user=holder())
    headers = _auth(guichet)
    response = _act(client, t, "triage", headers, category="inconnu", priority="high")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "category"
    response = _act(client, t, "triage", headers, comment="x" * 20_001)
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "comment")
    response = _act(client, t, "route", headers, administration_id=OrganisationFactory().pk)
    assert (response.status_code, response.json()["errors"][0]["field"]) == (
        422,
        "administration_id",
    )
    response = _act(client, t, "reopen", headers, comment="Rien à rouvrir.")
    assert response.status_code == 409
    assert "Rouvrir" in response.json()["detail"]
    assert _act(client, t, "inconnue", headers).status_code == 404


def test_the_author_posts_a_message_and_reads_the_thread(client, programme):
    author, guichet = holder(), officer(programme)
    t = ticket(programme, user=author)
    url = f"/api/v1/tickets/{t.pk}/messages"
    response = client.post(
        url, {"body": "Un complément."}, content_type="application/json", **_auth(author)
    )
    assert response.status_code == 201
    assert (response.json()["direction"], response.json()["body"]) == ("in", "Un complément.")
    # The single window answers with the answer action, not a message.
    response = client.post(
        url, {"body": "Réponse ?"}, content_type="application/json", **_auth(guichet)
    )
    assert response.status_code == 403
    response = client.post(url, {"body": ""}, content_type="application/json", **_auth(author))
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "body")
    response = client.post(
        url, {"body": "x"}, content_type="application/json", **_auth(author, TokenAccess.READ)
    )
    assert response.status_code == 403
    assert TicketMessage.objects.filter(ticket=t, body="Un complément.").count() == 1
    thread = client.get(url, **_auth(guichet)).json()
    assert [m["body"] for m in thread["items"]][-1] == "Un complément."


def test_the_thread_is_one_page_in_a_few_queries(client, programme, django_assert_max_num_queries):
    author = holder()
    t = ticket(programme, user=author)
    for n in range(3):
        TicketMessage.objects.create(ticket=t, direction="in", channel="web", body=f"m{n}")
    headers = _auth(author)
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/tickets/{t.pk}/messages", **headers)
    assert response.json()["count"] >= 3
