"""API: a ticket's conversion into an experimentation request and its publication in the
knowledge base, an experimentation request's transitions, the held mail's actions — the pages'
services and rules: another programme's officer sees nothing (404), the author may not (403), bad
input is a 422 naming the field, what the state refuses is a 409 saying why."""

from datetime import date

import pytest

from essaim.accounts.services import api_token_create
from essaim.core.models import HistoryEvent
from essaim.regulatory import inbound, services
from essaim.regulatory.models import (
    ExperimentationRequest,
    KnowledgeArticle,
    QuarantinedMail,
    QuarantineStatus,
    TicketMessage,
)
from essaim.regulatory.tests.factories import (
    CallFactory,
    OrganisationFactory,
    PerimeterFactory,
    ProgrammeFactory,
    holder,
    officer,
    ticket,
)
from essaim.regulatory.tests.mails import make_mail
from essaim.regulatory.workflow import Outcome

pytestmark = pytest.mark.django_db

ADDRESS = "guichet@le-frenchimpact.fr"


@pytest.fixture
def programme():
    return ProgrammeFactory(single_window=True, single_window_email=ADDRESS)


def _auth(user):
    _token, raw = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, url, user, method="post", **body):
    return getattr(client, method)(url, body, content_type="application/json", **_auth(user))


def _routed(programme, guichet, **kwargs):
    t = ticket(programme, **kwargs)
    services.ticket_triage(ticket=t, user=guichet, category="food", priority="high")
    services.ticket_route(
        ticket=t, user=guichet, administration=OrganisationFactory(kind="public_body")
    )
    t.refresh_from_db()
    return t


CONVERSION = {
    "derogation_asked": "Vendre du vrac sans pré-emballage",
    "rule_text": "Code de la consommation, R. 412-1",
    "rule_level": "decree",
    "duration_months": 24,
    "evaluation_plan": "Bilan sanitaire à 12 et 24 mois",
}


def test_an_officer_turns_a_ticket_into_an_experimentation_request(client, programme):
    guichet, author = officer(programme), holder()
    t = _routed(programme, guichet, user=author, perimeter=PerimeterFactory())
    call = CallFactory(experimentation=True, programme=programme)
    url = f"/api/v1/tickets/{t.pk}/experimentation-request"
    # The author sees the ticket but may not convert it; another programme's officer sees nothing.
    assert _post(client, url, author, call_id=call.pk, **CONVERSION).status_code == 403
    stranger = officer(ProgrammeFactory(single_window=True))
    assert _post(client, url, stranger, call_id=call.pk, **CONVERSION).status_code == 404
    # Another programme's experimentation call is not one to choose: the field is named.
    other_call = CallFactory(experimentation=True, programme=ProgrammeFactory())
    response = _post(client, url, guichet, call_id=other_call.pk, **CONVERSION)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "call_id"
    response = _post(
        client, url, guichet, call_id=call.pk, **{**CONVERSION, "rule_level": "eu_law"}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "rule_level"
    assert not ExperimentationRequest.objects.exists()

    response = _post(client, url, guichet, call_id=call.pk, **CONVERSION)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["ticket"] == t.number and created["state"] == "submitted"
    assert created["perimeter"] == t.perimeter.slug and "review" in created["actions"]
    t.refresh_from_db()
    assert (t.state, t.outcome) == ("closed", Outcome.EXPERIMENTATION)
    assert HistoryEvent.objects.for_object(t).filter(action="to_experimentation").exists()
    # Once closed: a 409 saying why.
    response = _post(client, url, guichet, call_id=call.pk, **CONVERSION)
    assert response.status_code == 409 and response.json()["detail"]
    assert ExperimentationRequest.objects.count() == 1


def test_an_officer_publishes_a_closed_tickets_answer(client, programme):
    guichet = officer(programme)
    t = _routed(programme, guichet, publish_consent=True)
    url = f"/api/v1/tickets/{t.pk}/article"
    # Not closed yet: a 409.
    response = _post(client, url, guichet, method="put", title="Vrac")
    assert response.status_code == 409 and "close" in response.json()["detail"]
    services.ticket_close(ticket=t, user=guichet, outcome=Outcome.CLARIFIED, reason="Réglé.")
    response = _post(client, url, guichet, method="put", answer="Écrivez à jean@exemple.fr")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "answer"
    stranger = officer(ProgrammeFactory(single_window=True))
    assert _post(client, url, stranger, method="put", title="Vrac").status_code == 404
    assert not KnowledgeArticle.objects.exists()

    response = _post(client, url, guichet, method="put", title="Vendre en vrac", theme="food")
    assert response.status_code == 200, response.json()
    article = KnowledgeArticle.objects.get(ticket=t)
    assert article.is_published and article.title == "Vendre en vrac"
    assert response.json()["slug"] == article.slug and article.question  # the draft's
    # Sent again: the article is updated, the fields left out kept.
    response = _post(client, url, guichet, method="put", answer="Oui, avec un affichage.")
    assert response.status_code == 200
    article.refresh_from_db()
    assert (article.title, article.answer) == ("Vendre en vrac", "Oui, avec un affichage.")


def test_publication_needs_the_authors_consent(client, programme):
    guichet = officer(programme)
    t = _routed(programme, guichet, publish_consent=False)
    services.ticket_close(ticket=t, user=guichet, outcome=Outcome.CLARIFIED, reason="ok")
    response = _post(client, f"/api/v1/tickets/{t.pk}/article", guichet, method="put")
    assert response.status_code == 409
    assert not KnowledgeArticle.objects.exists()


def test_experimentation_transitions(client, programme):
    guichet, applicant = officer(programme), holder()
    perimeter = PerimeterFactory()
    obj = services.experimentation_submit(
        user=applicant,
        call=CallFactory(experimentation=True, programme=programme),
        title="Vrac",
        perimeter=perimeter,
        **CONVERSION,
    )
    url = f"/api/v1/experimentation-requests/{obj.pk}/transitions"
    assert _post(client, f"{url}/grant", guichet).status_code == 409
    assert _post(client, f"{url}/review", applicant).status_code == 403
    stranger = officer(ProgrammeFactory(single_window=True))
    assert _post(client, f"{url}/review", stranger).status_code == 404
    assert _post(client, f"{url}/fly", guichet).status_code == 404
    response = _post(client, f"{url}/review", guichet)
    assert response.status_code == 200 and response.json()["state"] == "in_review"
    response = _post(client, f"{url}/grant", guichet, granted_from="2026-06-01")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"granted_until", "evaluation_dates"} <= fields
    response = _post(
        client,
        f"{url}/grant",
        guichet,
        granted_from="2026-06-01",
        granted_until="2028-06-01",
        granted_perimeter_slug="nulle-part",
        evaluation_dates=["2027-06-01"],
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "granted_perimeter_slug"
    response = _post(
        client,
        f"{url}/grant",
        guichet,
        granted_from="2026-06-01",
        granted_until="2028-06-01",
        evaluation_dates=["2027-06-01", "2028-05-01"],
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["state"], body["granted_perimeter"]) == ("granted", perimeter.slug)
    assert body["evaluation_dates"] == ["2027-06-01", "2028-05-01"]
    obj.refresh_from_db()
    assert obj.granted_from == date(2026, 6, 1)
    actions = list(HistoryEvent.objects.for_object(obj).values_list("action", flat=True))
    assert actions == ["submit", "review", "grant"]


def _to_confirm(t, n=2):
    return inbound.mail_ingest(
        make_mail(to=ADDRESS, subject=f"Re: [{t.number}]", message_id=f"<m-{n}@example.test>")
    ).quarantine


def _first(programme):
    return inbound.mail_ingest(make_mail(to=programme.single_window_email)).ticket


def test_the_held_mail_is_the_officers_of_its_programme(client, programme):
    guichet = officer(programme)
    t = _first(programme)
    item = _to_confirm(t)
    response = client.get("/api/v1/held-mail?kind=to_confirm", **_auth(guichet))
    assert [i["id"] for i in response.json()["items"]] == [item.pk]
    assert response.json()["items"][0]["ticket"] == t.number
    stranger = officer(ProgrammeFactory(single_window=True))
    assert client.get("/api/v1/held-mail", **_auth(stranger)).json()["items"] == []
    assert client.get("/api/v1/held-mail", **_auth(holder())).status_code == 403
    url = f"/api/v1/held-mail/{item.pk}/actions"
    for name in ("attach", "file", "discard", "reprocess", "assign"):
        assert _post(client, f"{url}/{name}", stranger, number=t.number).status_code == 404
    item.refresh_from_db()
    assert item.status == QuarantineStatus.PENDING


def test_an_officer_attaches_discards_and_files_held_mail(client, programme):
    guichet = officer(programme)
    t = _first(programme)
    first, second, third = _to_confirm(t, 2), _to_confirm(t, 3), _to_confirm(t, 4)
    url = "/api/v1/held-mail/{}/actions/{}"
    response = _post(client, url.format(first.pk, "attach"), guichet, number="SAISINE-1-1")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "number"
    response = _post(client, url.format(first.pk, "attach"), guichet, number=t.number.lower())
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["created_ticket"]) == ("attached", t.number)
    assert TicketMessage.objects.filter(ticket=t, from_email="lucie.vernet@example.test").count()
    # Already handled: a 409 saying so.
    response = _post(client, url.format(first.pk, "discard"), guichet)
    assert response.status_code == 409 and "déjà été traité" in response.json()["detail"]
    # A message to confirm is not re-processed: a 409.
    assert _post(client, url.format(second.pk, "reprocess"), guichet).status_code == 409
    response = _post(client, url.format(second.pk, "discard"), guichet, comment="Usurpation.")
    assert response.status_code == 200 and response.json()["status"] == "discarded"
    assert HistoryEvent.objects.for_object(second).get().comment == "Usurpation."
    response = _post(client, url.format(third.pk, "file"), guichet)
    assert response.status_code == 200 and response.json()["status"] == "filed"
    assert response.json()["created_ticket"] not in (None, t.number)
    assert _post(client, url.format(third.pk, "fly"), guichet).status_code == 404
    assert not QuarantinedMail.objects.pending().exists()
