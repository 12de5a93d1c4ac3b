"""IMAP ingestion against a real Dovecot on loopback."""

from essaim.regulatory.inbound import ImapSettings, mail_poll
from essaim.regulatory.models import Ticket, TicketMessage
from essaim.regulatory.tests.factories import ProgrammeFactory


def _mail(n: int, to: str, subject: str = "Question sur un agrément") -> bytes:
    return (
        f"From: Porteuse {n} <porteuse{n}@example.test>\r\n"
        f"To: {to}\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <imap-{n}@example.test>\r\n"
        "Date: Mon, 04 Mar 2019 10:00:00 +0100\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Notre régie de quartier voudrait vendre des repas. Est-ce possible ?\r\n"
    ).encode()


def test_poll_reads_new_messages_once(db, dovecot):
    programme = ProgrammeFactory()
    dovecot.deliver(_mail(1, programme.single_window_email), "1.eml")
    dovecot.deliver(_mail(2, programme.single_window_email), "2.eml")
    config = ImapSettings(
        host="127.0.0.1",
        port=dovecot.port,
        user=dovecot.user,
        password=dovecot.password,
        ssl=False,
    )

    report = mail_poll(config)

    assert report.counts["created"] == 2
    assert Ticket.objects.filter(programme=programme).count() == 2
    assert TicketMessage.objects.filter(message_id="<imap-1@example.test>").exists()

    # A second poll reads nothing new; a new message is picked up.
    assert mail_poll(config).counts == {
        "created": 0,
        "threaded": 0,
        "duplicate": 0,
        "quarantined": 0,
    }
    number = Ticket.objects.get(author_email="porteuse1@example.test").number
    dovecot.deliver(_mail(3, programme.single_window_email, f"Re: [{number}] merci"), "3.eml")
    report = mail_poll(config)
    assert report.counts["threaded"] == 1
    assert Ticket.objects.count() == 2


def test_poll_command_reads_the_mailbox_and_reports_bad_credentials(db, dovecot, capsys):
    import pytest
    from django.core.management import call_command
    from django.core.management.base import CommandError

    programme = ProgrammeFactory()
    dovecot.deliver(_mail(7, programme.single_window_email), "7.eml")
    args = ["mail", "poll", "--host", "127.0.0.1", "--port", str(dovecot.port), "--no-ssl"]

    call_command(*args, "--user", dovecot.user, "--password", dovecot.password)
    assert "1 nouvelle(s) saisine(s)" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command(*args, "--user", dovecot.user, "--password", "wrong")
    assert Ticket.objects.count() == 1


def test_periodic_poll_without_configuration_does_nothing(db, monkeypatch):
    from essaim.regulatory.tasks import mail_poll_periodic

    monkeypatch.delenv("ESSAIM_IMAP_HOST", raising=False)
    result = mail_poll_periodic.enqueue()
    assert result.return_value == "IMAP not configured"


def test_periodic_poll_reads_the_configured_mailbox(db, dovecot, monkeypatch):
    from essaim.regulatory.tasks import mail_poll_periodic

    programme = ProgrammeFactory()
    dovecot.deliver(_mail(8, programme.single_window_email), "8.eml")
    for key, value in {
        "HOST": "127.0.0.1",
        "PORT": str(dovecot.port),
        "USER": dovecot.user,
        "PASSWORD": dovecot.password,
        "SSL": "0",
    }.items():
        monkeypatch.setenv(f"ESSAIM_IMAP_{key}", value)
    result = mail_poll_periodic.enqueue()
    assert "1 nouvelle(s) saisine(s)" in result.return_value
    assert Ticket.objects.filter(programme=programme).count() == 1
