"""Mail import: the "done when" of the single window, and the parser's corner cases."""

import mailbox

import pytest
from django.core import mail
from django.core.management import call_command

from essaim.core.models import HistoryEvent
from essaim.regulatory import inbound
from essaim.regulatory.models import (
    Channel,
    MessageKind,
    QuarantinedMail,
    Ticket,
    TicketAttachment,
    TicketMessage,
)
from essaim.regulatory.tests.factories import ProgrammeFactory, officer
from essaim.regulatory.tests.mails import make_mail
from essaim.regulatory.workflow import TicketState


@pytest.fixture
def programme(db):
    return ProgrammeFactory(single_window=True, single_window_email="hacker@le-frenchimpact.fr")


@pytest.fixture
def outbox():
    mail.outbox = []
    return mail.outbox


def _counts():
    return (
        Ticket.objects.count(),
        TicketMessage.objects.count(),
        QuarantinedMail.objects.count(),
        HistoryEvent.objects.count(),
        TicketAttachment.objects.count(),
    )


def test_import_eml_opens_a_ticket_seen_by_the_officer_and_acknowledges(
    programme, tmp_path, outbox, django_capture_on_commit_callbacks, capsys
):
    guichet = officer(programme)
    path = tmp_path / "saisine.eml"
    path.write_bytes(make_mail(to=programme.single_window_email))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("mail", "import", str(path))

    ticket = Ticket.objects.visible_to(guichet).get()
    assert ticket.channel == Channel.EMAIL
    assert ticket.author_email == "lucie.vernet@example.test"
    assert ticket.title == "Vente en vrac dans notre épicerie"
    assert ticket.state == TicketState.NEW
    first = ticket.messages.get(direction="in")
    assert first.message_id == "<m1@example.test>"
    assert bytes(first.raw).startswith(b"From:") or b"From:" in bytes(first.raw)
    ack = ticket.messages.get(kind=MessageKind.ACKNOWLEDGEMENT)
    assert f"[{ticket.number}]" in ack.subject
    assert ack.in_reply_to == "<m1@example.test>"
    assert [m.to for m in outbox] == [["lucie.vernet@example.test"]]
    assert f"[{ticket.number}]" in outbox[0].subject
    assert outbox[0].extra_headers["In-Reply-To"] == "<m1@example.test>"
    assert "1 nouvelle(s) saisine(s)" in capsys.readouterr().out


def test_importing_the_same_message_again_changes_nothing(programme, tmp_path):
    path = tmp_path / "saisine.eml"
    path.write_bytes(make_mail(to=programme.single_window_email))
    call_command("mail", "import", str(path))
    before = _counts()

    report = inbound.mail_import([path])

    assert report.counts["duplicate"] == 1
    assert _counts() == before


def test_reply_to_the_secret_address_joins_its_ticket(programme, tmp_path):
    from essaim.regulatory.addresses import ticket_reply_address

    first = inbound.mail_ingest(make_mail(to=programme.single_window_email))
    reply = make_mail(
        to=ticket_reply_address(first.ticket),
        subject="RE: Accusé de réception",
        message_id="<m2@example.test>",
        body="Voici le plan de notre local.",
    )
    path = tmp_path / "reponse.eml"
    path.write_bytes(reply)

    call_command("mail", "import", str(path))

    assert Ticket.objects.count() == 1
    assert first.ticket.messages.filter(direction="in").count() == 2


def test_reply_is_threaded_by_in_reply_to(programme):
    first = inbound.mail_ingest(make_mail(to=programme.single_window_email))
    ack = first.ticket.messages.get(kind=MessageKind.ACKNOWLEDGEMENT)
    result = inbound.mail_ingest(
        make_mail(
            to=programme.single_window_email,
            subject="une autre question",
            message_id="<m3@example.test>",
            in_reply_to=ack.message_id,
        )
    )
    assert result.status == inbound.THREADED
    assert result.ticket == first.ticket


def test_a_new_message_reopens_an_answered_ticket(programme):
    guichet = officer(programme)
    first = inbound.mail_ingest(make_mail(to=programme.single_window_email))
    from essaim.regulatory import services

    answer = services.ticket_answer(ticket=first.ticket, user=guichet, body="Le vrac est autorisé.")
    inbound.mail_ingest(
        make_mail(
            to=programme.single_window_email,
            subject=f"Re: [{first.ticket.number}]",
            message_id="<m4@example.test>",
            in_reply_to=answer.message_id,
        )
    )
    first.ticket.refresh_from_db()
    assert first.ticket.state == TicketState.IN_PROGRESS
    assert HistoryEvent.objects.for_object(first.ticket).filter(action="reopen_on_message").exists()


def test_corrupted_file_ends_in_quarantine_with_its_reason(programme, tmp_path, capsys):
    path = tmp_path / "casse.eml"
    path.write_bytes(b"\x00\xff\xfe garbage \x89PNG\r\n\x1a\n no headers at all")

    call_command("mail", "import", str(path))

    item = QuarantinedMail.objects.get()
    assert bytes(item.raw) == path.read_bytes()
    assert "en-tête" in item.reason
    assert item.source.endswith("casse.eml")
    assert Ticket.objects.count() == 0
    assert "1 en quarantaine" in capsys.readouterr().out
    # Importing it again keeps one copy and counts the attempt.
    inbound.mail_import([path])
    item.refresh_from_db()
    assert QuarantinedMail.objects.count() == 1
    assert item.attempts == 2


def test_html_only_mail_becomes_readable_text(programme):
    html = (
        "<html><head><style>p{color:red}</style></head><body><h1>Bonjour</h1>"
        "<p>Nous voulons <b>ouvrir</b> un tiers-lieu.</p><ul><li>cuisine</li><li>atelier</li>"
        "</ul><p>Voir <a href='https://exemple.test/projet'>le projet</a>.</p></body></html>"
    )
    result = inbound.mail_ingest(make_mail(to=programme.single_window_email, body=None, html=html))
    body = result.message.body
    assert "<" not in body and "color" not in body
    assert "Nous voulons ouvrir un tiers-lieu." in body
    assert "- cuisine" in body
    assert "(https://exemple.test/projet)" in body


def test_broken_encodings_are_replaced_not_fatal(programme):
    raw = (
        b"From: =?utf-8?q?Jos=C3=A9?= <jose@example.test>\r\n"
        b"To: hacker@le-frenchimpact.fr\r\n"
        b"Subject: =?x-unknown?q?caf=E9?= \xe9t\xe9\r\n"
        b"Message-ID: <enc@example.test>\r\n"
        b"Content-Type: text/plain; charset=x-does-not-exist\r\n\r\n"
        b"R\xe9gie de quartier \xff\xfe\r\n"
    )
    result = inbound.mail_ingest(raw)
    assert result.status == inbound.CREATED
    assert "gie de quartier" in result.message.body
    assert result.ticket.author_email == "jose@example.test"


def test_attachments_are_kept(programme):
    result = inbound.mail_ingest(
        make_mail(to=programme.single_window_email, attachment=("plan.pdf", b"%PDF-1.4 plan"))
    )
    attachment = result.message.attachments.get()
    assert attachment.filename == "plan.pdf"
    with attachment.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 plan"


def test_message_without_message_id_is_still_imported_once(programme):
    raw = make_mail(to=programme.single_window_email, message_id=None)
    assert inbound.mail_ingest(raw).status == inbound.CREATED
    assert inbound.mail_ingest(raw).status == inbound.DUPLICATE
    assert Ticket.objects.count() == 1


def test_mbox_and_maildir_are_imported(programme, tmp_path):
    box = mailbox.mbox(tmp_path / "boite.mbox")
    for n in range(3):
        box.add(make_mail(to=programme.single_window_email, message_id=f"<mb{n}@example.test>"))
    box.flush()
    box.close()
    maildir = mailbox.Maildir(tmp_path / "Maildir", create=True)
    for n in range(2):
        maildir.add(make_mail(to=programme.single_window_email, message_id=f"<md{n}@example.test>"))

    report = inbound.mail_import([tmp_path / "boite.mbox", tmp_path / "Maildir"])

    assert report.counts["created"] == 5
    assert inbound.mail_import([tmp_path / "boite.mbox"]).counts["duplicate"] == 3


def test_auto_reply_without_a_ticket_is_quarantined_not_acknowledged(programme, outbox):
    raw = make_mail(to=programme.single_window_email).replace(
        b"Subject:", b"Auto-Submitted: auto-replied\r\nSubject:", 1
    )
    result = inbound.mail_ingest(raw)
    assert result.status == inbound.QUARANTINED
    assert outbox == []


def test_import_of_a_missing_file_is_a_clear_error(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("mail", "import", str(tmp_path / "absent.eml"))
