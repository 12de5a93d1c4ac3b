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
