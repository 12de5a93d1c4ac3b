"""API: a ticket's attachments (uploaded with the author's message or the officers' answer, as on
the ticket's page; downloaded as a file by whoever sees the ticket), the withdrawal of a
knowledge-base article and the held message as received. Tried as an attacker: another
programme's officer and a holder who is not the ticket's author see nothing (404), the author may
not withdraw an article (403), a read-only token writes nothing (403), a file presented as a
document but holding HTML is never served as HTML, an oversized file is a 422 naming `file`."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.accounts.models import TokenAccess
from essaim.accounts.services import api_token_create
from essaim.core.models import HistoryEvent
from essaim.regulatory import api_tickets, inbound, services
from essaim.regulatory.models import KnowledgeArticle, TicketAttachment, TicketMessage
from essaim.regulatory.tests.factories import (
    OrganisationFactory,
    ProgrammeFactory,
    holder,
    officer,
    ticket,
)
from essaim.regulatory.tests.mails import make_mail
from essaim.regulatory.workflow import Outcome
from essaim.testing import close_response

pytestmark = pytest.mark.django_db

ADDRESS = "guichet@le-frenchimpact.fr"


@pytest.fixture
def programme():
    return ProgrammeFactory(single_window=True, single_window_email=ADDRESS)


def _auth(user, access=TokenAccess.WRITE):
    _token, raw = api_token_create(user=user, name="test", access=access)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _file(name="courrier.pdf", content=b"%PDF-1.4 courrier", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _routed(programme, guichet, **kwargs):
    t = ticket(programme, **kwargs)
    services.ticket_triage(ticket=t, user=guichet, category="food", priority="high")
    services.ticket_route(
        ticket=t, user=guichet, administration=OrganisationFactory(kind="public_body")
    )
    t.refresh_from_db()
    return t


def _content(response) -> bytes:
    content = b"".join(response.streaming_content)
    close_response(response)
    return content


def test_the_author_and_the_officers_attach_files_as_on_the_page(client, programme):
    guichet, author = officer(programme), holder()
    t = ticket(programme, user=author)
    url = f"/api/v1/tickets/{t.pk}/attachments"
    # The author: a message in the thread carrying the file (its text may be left out).
    response = client.post(url, {"file": _file()}, **_auth(author))
    assert response.status_code == 201, response.content
    mine = response.json()
    assert (mine["name"], mine["size"]) == ("courrier.pdf", len(b"%PDF-1.4 courrier"))
    message = TicketMessage.objects.get(pk=mine["message_id"])
    assert (message.author, message.direction) == (author, "in")
    # The officers: an answer, whose text is required; a new ticket may be answered...
    response = client.post(url, {"file": _file("arrete.pdf")}, **_auth(guichet))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "body"
    response = client.post(
        url, {"file": _file("arrete.pdf"), "body": "Voici l'arrêté."}, **_auth(guichet)
    )
    assert response.status_code == 201, response.content
    answer = TicketMessage.objects.get(pk=response.json()["message_id"])
    assert (answer.kind, answer.body) == ("answer", "Voici l'arrêté.")
    t.refresh_from_db()
    assert t.state == "answered"
    # ...but not once closed: a 409 saying why, and no file kept.
    services.ticket_close(ticket=t, user=guichet, outcome=Outcome.CLARIFIED, reason="Réglé.")
    response = client.post(url, {"file": _file(), "body": "Encore"}, **_auth(guichet))
    assert response.status_code == 409 and "close" in response.json()["detail"]
    assert TicketAttachment.objects.count() == 2

    listed = client.get(url, **_auth(author)).json()["items"]
    assert [a["name"] for a in listed] == ["courrier.pdf", "arrete.pdf"]
    download = client.get(f"{url}/{listed[1]['id']}", **_auth(author))
    assert download.status_code == 200 and "arrete.pdf" in download["Content-Disposition"]
    assert _content(download) == b"%PDF-1.4 courrier"


def test_strangers_see_no_attachment_and_a_read_only_token_uploads_nothing(client, programme):
    guichet, author = officer(programme), holder()
    t = ticket(programme, user=author)
    url = f"/api/v1/tickets/{t.pk}/attachments"
    kept = client.post(url, {"file": _file()}, **_auth(author)).json()
    # Another programme's officer, a holder of another organisation: the ticket is not theirs.
    for stranger in (officer(ProgrammeFactory(single_window=True)), holder()):
        assert client.get(url, **_auth(stranger)).status_code == 404
        assert client.get(f"{url}/{kept['id']}", **_auth(stranger)).status_code == 404
        response = client.post(url, {"file": _file(), "body": "x"}, **_auth(stranger))
        assert response.status_code == 404
    # Another ticket's attachment through this ticket: not found either.
    other = ticket(programme, user=holder())
    foreign = client.post(
        f"/api/v1/tickets/{other.pk}/attachments", {"file": _file()}, **_auth(guichet)
    )
    assert foreign.status_code == 422  # the answer needs its text
    services.ticket_message_receive(
        ticket=other, user=other.author, body="Pièce", attachments=[_file("autre.pdf")]
    )
    alien = TicketAttachment.objects.get(filename="autre.pdf")
    assert client.get(f"{url}/{alien.pk}", **_auth(author)).status_code == 404
    for user in (author, guichet):
        response = client.post(url, {"file": _file(), "body": "x"}, **_auth(user, TokenAccess.READ))
        assert response.status_code == 403
    assert TicketAttachment.objects.count() == 2


def test_a_forged_or_oversized_file_is_never_served_as_it_claims(client, programme, monkeypatch):
    author = holder()
    t = ticket(programme, user=author)
    url = f"/api/v1/tickets/{t.pk}/attachments"
    response = client.post(url, {"body": "Rien"}, **_auth(author))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file"
    monkeypatch.setattr(api_tickets, "ATTACHMENT_MAX_BYTES", 16)
    response = client.post(url, {"file": _file(content=b"%PDF-" + b"0" * 40)}, **_auth(author))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file"
    assert "10 Mo" in response.json()["errors"][0]["message"]
    assert not TicketAttachment.objects.exists()
    monkeypatch.undo()
    # A page presented as a PDF: kept as sent, but served as a download, never as HTML.
    forged = _file("rapport.pdf", b"<script>alert(1)</script>", "text/html")
    response = client.post(url, {"file": forged}, **_auth(author))
    assert response.status_code == 201
    download = client.get(f"{url}/{response.json()['id']}", **_auth(officer(programme)))
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment")
    assert _content(download) == b"<script>alert(1)</script>"


def test_an_officer_withdraws_an_article_from_the_knowledge_base(client, programme):
    guichet, author = officer(programme), holder()
    t = _routed(programme, guichet, user=author, publish_consent=True)
    url = f"/api/v1/tickets/{t.pk}/article"
    # No article yet: nothing to withdraw.
    assert client.delete(url, **_auth(guichet)).status_code == 404
    services.ticket_close(ticket=t, user=guichet, outcome=Outcome.CLARIFIED, reason="Réglé.")
    services.article_publish(
        ticket=t, user=guichet, title="Vrac", question="Q ?", answer="R.", theme="food"
    )
    # The author sees the ticket but may not; another programme's officer does not see it; a
    # read-only token writes nothing.
    assert client.delete(url, **_auth(author)).status_code == 403
    stranger = officer(ProgrammeFactory(single_window=True))
    assert client.delete(url, **_auth(stranger)).status_code == 404
    assert client.delete(url, **_auth(guichet, TokenAccess.READ)).status_code == 403
    assert KnowledgeArticle.objects.get(ticket=t).is_published

    assert client.delete(url, **_auth(guichet)).status_code == 204
    assert not KnowledgeArticle.objects.get(ticket=t).is_published
    assert HistoryEvent.objects.for_object(t).filter(action="unpublish").count() == 1
    assert client.get("/api/v1/knowledge-base").json()["items"] == []
    # Already withdrawn: a 409 saying so; publishing again works.
    response = client.delete(url, **_auth(guichet))
    assert response.status_code == 409 and "publiée" in response.json()["detail"]
    response = client.put(url, {"title": "Vrac"}, content_type="application/json", **_auth(guichet))
    assert response.status_code == 200 and KnowledgeArticle.objects.get(ticket=t).is_published


def test_the_held_message_is_downloaded_as_received_by_its_programmes_officers(client, programme):
    guichet = officer(programme)
    t = inbound.mail_ingest(make_mail(to=ADDRESS)).ticket
    item = inbound.mail_ingest(
        make_mail(to=ADDRESS, subject=f"Re: [{t.number}]", message_id="<m-2@example.test>")
    ).quarantine
    url = f"/api/v1/held-mail/{item.pk}/raw"
    response = client.get(url, **_auth(guichet))
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert f'filename="courriel-{item.pk}.eml"' in response["Content-Disposition"]
    assert response.content == bytes(item.raw) and b"Message-ID: <m-2@example.test>" in (
        response.content
    )
    # Another programme's officer: not theirs (404); anyone else: not an officer (403).
    assert client.get(url, **_auth(officer(ProgrammeFactory(single_window=True)))).status_code == (
        404
    )
    assert client.get(url, **_auth(t.author or holder())).status_code == 403
    assert client.get("/api/v1/held-mail/999999/raw", **_auth(guichet)).status_code == 404
