"""IMAP ingestion against a real IMAP server (pymap) on loopback."""

import imaplib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from essaim.core import schedule
from essaim.regulatory.addresses import ticket_reply_address
from essaim.regulatory.inbound import ImapSettings, mail_poll
from essaim.regulatory.models import HeldMailKind, QuarantinedMail, Ticket, TicketMessage
from essaim.regulatory.tests.factories import ProgrammeFactory


def _mail(n: int, to: str, subject: str = "Question sur un agrément", body: str = "") -> bytes:
    return (
        f"From: Porteuse {n} <porteuse{n}@example.test>\r\n"
        f"To: {to}\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <imap-{n}@example.test>\r\n"
        "Date: Mon, 04 Mar 2019 10:00:00 +0100\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body or 'Notre régie de quartier voudrait vendre des repas. Est-ce possible ?'}\r\n"
    ).encode()


def _config(server) -> ImapSettings:
    return ImapSettings(
        host=server.host, port=server.port, user=server.user, password=server.password, ssl=False
    )


def test_poll_reads_new_messages_once(db, imap_server):
    programme = ProgrammeFactory(single_window=True)
    imap_server.deliver(_mail(1, programme.single_window_email))
    imap_server.deliver(_mail(2, programme.single_window_email))
    config = _config(imap_server)

    report = mail_poll(config)

    assert report.counts["created"] == 2
    assert Ticket.objects.filter(programme=programme).count() == 2
    assert TicketMessage.objects.filter(message_id="<imap-1@example.test>").exists()

    # A second poll reads nothing new.
    assert set(mail_poll(config).counts.values()) == {0}
    # A reply to the ticket's secret address (the Reply-To of its acknowledgement) joins it.
    first = Ticket.objects.get(author_email="porteuse1@example.test")
    imap_server.deliver(_mail(3, ticket_reply_address(first)).replace(b"porteuse3", b"porteuse1"))
    report = mail_poll(config)
    assert report.counts["threaded"] == 1
    assert first.messages.filter(direction="in").count() == 2
    assert Ticket.objects.count() == 2


def test_poll_refuses_an_oversized_message_fetching_only_its_head(
    db, imap_server, settings, monkeypatch
):
    settings.ESSAIM_MAIL_MAX_MESSAGE_BYTES = 200_000
    programme = ProgrammeFactory(single_window=True)
    imap_server.deliver(_mail(4, programme.single_window_email))
    big = _mail(5, programme.single_window_email, body=("y" * 76 + "\r\n") * 20_000)  # 1.5 MB
    imap_server.deliver(big)

    # Count what the client reads off the connection (the server runs in this process, so memory
    # figures would count its copy of the message too).
    received = []
    read, readline = imaplib.IMAP4.read, imaplib.IMAP4.readline

    def counting_read(self, size):
        data = read(self, size)
        received.append(len(data))
        return data

    def counting_readline(self):
        line = readline(self)
        received.append(len(line))
        return line

    monkeypatch.setattr(imaplib.IMAP4, "read", counting_read)
    monkeypatch.setattr(imaplib.IMAP4, "readline", counting_readline)
    report = mail_poll(_config(imap_server))

    assert 0 < sum(received) < 300_000  # the 1.5 MB message was never fetched whole

    assert (report.counts["created"], report.counts["quarantined"]) == (1, 1)
    item = QuarantinedMail.objects.get()
    assert item.kind == HeldMailKind.QUARANTINE
    assert item.truncated and item.size == len(big)
    assert len(bytes(item.raw)) <= 64 * 1024
    assert "1,5 Mo" in item.reason
    assert item.from_email == "porteuse5@example.test"
    assert item.programme == programme


def test_poll_command_reads_the_mailbox_and_reports_bad_credentials(db, imap_server, capsys):
    programme = ProgrammeFactory(single_window=True)
    imap_server.deliver(_mail(7, programme.single_window_email))
    args = ["mail", "poll", "--host", "127.0.0.1", "--port", str(imap_server.port), "--no-ssl"]

    call_command(*args, "--user", imap_server.user, "--password", imap_server.password)
    assert "1 nouvelle(s) saisine(s)" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command(*args, "--user", imap_server.user, "--password", "wrong")
    assert Ticket.objects.count() == 1


def test_periodic_poll_without_configuration_does_nothing(db, monkeypatch):
    monkeypatch.delenv("ESSAIM_IMAP_HOST", raising=False)
    assert schedule.BY_NAME["mailbox_poll"].target() == "IMAP not configured"


def test_periodic_poll_reads_the_configured_mailbox(db, imap_server, monkeypatch):
    programme = ProgrammeFactory(single_window=True)
    imap_server.deliver(_mail(8, programme.single_window_email))
    for key, value in {
        "HOST": "127.0.0.1",
        "PORT": str(imap_server.port),
        "USER": imap_server.user,
        "PASSWORD": imap_server.password,
        "SSL": "0",
    }.items():
        monkeypatch.setenv(f"ESSAIM_IMAP_{key}", value)
    result = schedule.run_periodic.enqueue("mailbox_poll")
    assert "1 nouvelle(s) saisine(s)" in result.return_value
    assert Ticket.objects.filter(programme=programme).count() == 1
