"""The mail intake trusts nothing a stranger can write: a reply threads only through a secret
(the ticket's reply address, or one of the single window's own Message-IDs) from a party of the
ticket; everything else waits for an officer. One test per finding of the "Trust" review."""

import mailbox
import tracemalloc
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from essaim.core.models import HistoryEvent
from essaim.regulatory import addresses, inbound, services, services_mail
from essaim.regulatory.mailsources import messages_from_path
from essaim.regulatory.models import (
    HeldMailKind,
    MessageKind,
    QuarantinedMail,
    QuarantineStatus,
    Ticket,
    TicketAttachment,
)
from essaim.regulatory.tests.factories import (
    OrganisationFactory,
    ProgrammeFactory,
    holder,
    officer,
    ticket,
)
from essaim.regulatory.tests.mails import make_mail
from essaim.regulatory.workflow import Outcome, TicketState

pytestmark = pytest.mark.django_db

ADDRESS = "hacker@le-frenchimpact.fr"


@pytest.fixture
def programme():
    return ProgrammeFactory(single_window=True, single_window_email=ADDRESS)


@pytest.fixture
def outbox():
    mail.outbox = []
    return mail.outbox


def _first(programme, **kwargs) -> Ticket:
    result = inbound.mail_ingest(make_mail(to=programme.single_window_email, **kwargs))
    assert result.status == inbound.CREATED
    return result.ticket


def _snapshot(t: Ticket):
    t.refresh_from_db()
    return (
        t.state,
        t.outcome,
        t.outcome_reason,
        t.messages.count(),
        t.attachments.count(),
        HistoryEvent.objects.for_object(t).count(),
    )


def _closed(programme) -> Ticket:
    guichet = officer(programme)
    t = _first(programme)
    services.ticket_triage(ticket=t, user=guichet, category="food", priority="normal")
    services.ticket_close(ticket=t, user=guichet, outcome=Outcome.CLARIFIED, reason="Permis.")
    t.refresh_from_db()
    return t


# --- Threading needs a secret ------------------------------------------------------------------


def test_subject_number_alone_does_not_thread_into_ticket(programme):
    t = _first(programme)
    before = _snapshot(t)

    result = inbound.mail_ingest(
        make_mail(
            to=ADDRESS,
            sender="Intrus <intrus@example.test>",
            subject=f"Re: [{t.number}] pièces complémentaires",
            message_id="<intrus-1@example.test>",
            attachment=("virus.pdf", b"%PDF-1.4 not really"),
        )
    )

    assert result.status == inbound.TO_CONFIRM
    assert _snapshot(t) == before
    item = result.quarantine
    assert (item.kind, item.status, item.ticket, item.programme) == (
        HeldMailKind.TO_CONFIRM,
        QuarantineStatus.PENDING,
        t,
        programme,
    )
    assert t.number in item.reason
    assert item.from_email == "intrus@example.test"
    # Even the author's own address naming the number in the subject only is held.
    again = inbound.mail_ingest(
        make_mail(to=ADDRESS, subject=f"[{t.number}] suite", message_id="<m-2@example.test>")
    )
    assert again.status == inbound.TO_CONFIRM
    assert _snapshot(t) == before


def test_reply_via_secret_address_threads(programme, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        t = _first(programme)
    reply_to = outbox[0].reply_to
    assert reply_to == [addresses.ticket_reply_address(t)]
    assert reply_to[0].startswith("hacker+") and reply_to[0].endswith("@le-frenchimpact.fr")
    assert t.reply_token in reply_to[0]

    result = inbound.mail_ingest(
        make_mail(
            to=reply_to[0], subject="plan du local", message_id="<m-2@example.test>", body="Voici."
        )
    )

    assert (result.status, result.ticket) == (inbound.THREADED, t)
    assert t.messages.filter(direction="in").count() == 2


def test_reply_via_in_reply_to_of_our_message_threads(programme):
    t = _first(programme)
    ack = t.messages.get(kind=MessageKind.ACKNOWLEDGEMENT)

    result = inbound.mail_ingest(
        make_mail(
            to=ADDRESS, subject="Re:", message_id="<m-2@example.test>", in_reply_to=ack.message_id
        )
    )

    assert (result.status, result.ticket) == (inbound.THREADED, t)
    # A reply to the *author's* message (a Message-ID anyone who saw it knows) is only claimed.
    claimed = inbound.mail_ingest(
        make_mail(to=ADDRESS, message_id="<m-3@example.test>", in_reply_to="<m1@example.test>")
    )
    assert (claimed.status, claimed.quarantine.ticket) == (inbound.TO_CONFIRM, t)


def test_outbound_message_ids_are_unguessable(programme):
    t = _first(programme)
    ids = list(t.messages.filter(direction="out").values_list("message_id", flat=True))
    local = ids[0][1:].partition("@")[0]
    assert len(local) == 32 and int(local, 16) >= 0  # 128 random bits


def test_reply_from_non_party_via_secret_address_waits_for_an_officer(programme):
    t = _first(programme)
    before = _snapshot(t)

    result = inbound.mail_ingest(
        make_mail(
            to=addresses.ticket_reply_address(t),
            sender="Quelqu'un <autre@example.test>",
            message_id="<m-2@example.test>",
        )
    )

    assert (result.status, result.quarantine.ticket) == (inbound.TO_CONFIRM, t)
    assert "autre@example.test" in result.quarantine.reason
    assert _snapshot(t) == before


def test_reply_separator_is_configurable(settings):
    settings.ESSAIM_MAIL_REPLY_SEPARATOR = "-"
    programme = ProgrammeFactory(
        single_window=True, single_window_email="guichet-unique@le-frenchimpact.fr"
    )
    t = _first(programme)
    address = addresses.ticket_reply_address(t)
    assert address == f"guichet-unique-{t.reply_token}@le-frenchimpact.fr"
    result = inbound.mail_ingest(make_mail(to=address, message_id="<m-2@example.test>"))
    assert (result.status, result.ticket) == (inbound.THREADED, t)


# --- Closed tickets keep their outcome ---------------------------------------------------------


def test_reply_to_closed_ticket_keeps_outcome_and_opens_follow_up(programme, outbox):
    t = _closed(programme)
    before = _snapshot(t)
    before_outcome_at = t.outcome_at

    result = inbound.mail_ingest(
        make_mail(
            to=addresses.ticket_reply_address(t),
            subject="Une nouvelle question",
            message_id="<m-2@example.test>",
        )
    )

    assert result.status == inbound.FOLLOW_UP
    follow_up = result.ticket
    assert follow_up != t and follow_up.follows == t
    assert follow_up.state == TicketState.NEW
    assert follow_up.awaiting_sender_confirmation
    t.refresh_from_db()
    assert (t.state, t.outcome, t.outcome_reason, t.outcome_at) == (
        TicketState.CLOSED,
        Outcome.CLARIFIED,
        "Permis.",
        before_outcome_at,
    )
    assert t.messages.count() == before[3]
    assert HistoryEvent.objects.for_object(t).filter(action="follow_up").count() == 1
    assert not HistoryEvent.objects.for_object(t).filter(action="reopen_on_message").exists()


def test_auto_reply_to_closed_ticket_opens_nothing(programme):
    t = _closed(programme)
    raw = make_mail(to=addresses.ticket_reply_address(t), message_id="<m-2@example.test>").replace(
        b"Subject:", b"Auto-Submitted: auto-replied\r\nSubject:", 1
    )
    assert inbound.mail_ingest(raw).status == inbound.QUARANTINED
    assert Ticket.objects.count() == 1


# --- A From: is not an identity ----------------------------------------------------------------


def test_forged_from_of_account_does_not_author_ticket(programme):
    organisation = OrganisationFactory(name="Épicerie de la victime")
    victim = holder(organisation, email="victime@example.test")

    result = inbound.mail_ingest(
        make_mail(to=ADDRESS, sender="Victime <victime@example.test>", subject="Je retire tout")
    )

    t = result.ticket
    assert (t.author, t.organisation, t.author_email) == (None, None, "victime@example.test")
    assert t.awaiting_sender_confirmation
    assert not Ticket.objects.filter(author=victim).exists()
    assert t.messages.get(direction="in").author is None
    assert not HistoryEvent.objects.filter(actor=victim).exists()


def test_acknowledgement_of_unconfirmed_ticket_carries_no_sender_subject(
    programme, outbox, django_capture_on_commit_callbacks
):
    holder(email="victime@example.test")
    subject = "Votre compte sera supprimé : cliquez sur http://piege.example"
    with django_capture_on_commit_callbacks(execute=True):
        t = inbound.mail_ingest(
            make_mail(to=ADDRESS, sender="victime@example.test", subject=subject, body="piège")
        ).ticket

    [ack] = outbox
    assert ack.to == ["victime@example.test"]
    assert ack.subject == f"[{t.number}] Accusé de réception"
    assert "piege" not in ack.body and "supprimé" not in ack.body and "piège" not in ack.body
    assert "pas encore confirmée" in ack.body
    # The confirmation link (signed with the time it was made: read it back from the mail).
    prefix = addresses.sender_confirm_url(t).rsplit("/", 2)[0] + "/"
    token = ack.body.split(prefix, 1)[1].split("/", 1)[0]
    assert addresses.ticket_for_sender_token(token) == t
    # A confirmed ticket's acknowledgement does name it (the web form's author typed it).
    web = ticket(programme, title="Vente en vrac")
    assert "Vente en vrac" in web.messages.get(kind=MessageKind.ACKNOWLEDGEMENT).subject


def test_sender_confirmation_binds_the_account_only_when_signed_in_as_it(client, programme):
    organisation = OrganisationFactory()
    account = holder(organisation, email="lucie.vernet@example.test")
    t = _first(programme)
    url = addresses.sender_confirm_url(t)
    path = url[url.index("/guichet-unique/") :]

    # Opening the link (a mail scanner does) changes nothing; an anonymous POST asks to sign in.
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    client.force_login(holder(email="autre@example.test"))
    assert client.post(path).status_code == 302
    t.refresh_from_db()
    assert (t.author, t.awaiting_sender_confirmation) == (None, True)

    client.force_login(account)
    response = client.post(path)

    assert response.status_code == 200
    t.refresh_from_db()
    assert (t.author, t.organisation, t.awaiting_sender_confirmation) == (
        account,
        organisation,
        False,
    )
    assert HistoryEvent.objects.for_object(t).filter(action="sender_confirm", actor=account)
    assert client.get(path[:-7] + "xxxxxx/").status_code == 404  # a forged link


def test_sender_without_account_confirms_their_address(client, programme):
    t = _first(programme)
    path = addresses.sender_confirm_url(t)
    path = path[path.index("/guichet-unique/") :]
    assert client.post(path).status_code == 200
    t.refresh_from_db()
    assert (t.author, t.awaiting_sender_confirmation) == (None, False)


# --- Size limits and dates ---------------------------------------------------------------------


def test_oversized_attachment_quarantined(programme):
    big = b"%PDF-1.4 " + b"0" * (10 * 1024 * 1024)
    result = inbound.mail_ingest(make_mail(to=ADDRESS, attachment=("plan.pdf", big)))

    assert result.status == inbound.QUARANTINED
    item = result.quarantine
    assert "plan.pdf" in item.reason and "10,0 Mo" in item.reason
    assert (Ticket.objects.count(), TicketAttachment.objects.count()) == (0, 0)
    assert item.programme == programme and not item.truncated
    # Just under the web form's limit is fine.
    ok = make_mail(to=ADDRESS, message_id="<m-2@example.test>", attachment=("a.pdf", big[:-20]))
    assert inbound.mail_ingest(ok).status == inbound.CREATED


@pytest.mark.parametrize("container", ["eml", "mbox", "maildir"])
def test_oversized_message_refused_with_bounded_memory(programme, tmp_path, settings, container):
    settings.ESSAIM_MAIL_MAX_MESSAGE_BYTES = 2 * 1024 * 1024
    small = make_mail(to=ADDRESS, message_id="<small@example.test>")
    huge = make_mail(
        to=ADDRESS, message_id="<huge@example.test>", body=("z" * 70 + "\n") * 300_000
    )  # 21 MB of text
    if container == "eml":
        path = tmp_path / "huge.eml"
        path.write_bytes(huge)
    elif container == "mbox":
        path = tmp_path / "boite.mbox"
        box = mailbox.mbox(path)
        for raw in (small, huge):
            box.add(raw)
        box.flush()
        box.close()
    else:
        path = tmp_path / "Maildir"
        box = mailbox.Maildir(path, create=True)
        for raw in (small, huge):
            box.add(raw)
    del huge
    inbound.mail_ingest(small)  # warm the caches (translations, queries) outside the measure

    tracemalloc.start()
    try:
        report = inbound.mail_import([path])
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 3 * 1024 * 1024  # never the 21 MB message whole
    assert report.counts["quarantined"] == 1
    item = QuarantinedMail.objects.get()
    assert item.truncated and item.size > 20 * 1024 * 1024
    assert "2,0 Mo" in item.reason
    assert len(bytes(item.raw)) <= 64 * 1024
    assert item.from_email == "lucie.vernet@example.test"
    assert item.programme == programme
    # Importing it again counts an attempt and keeps one row.
    inbound.mail_import([path])
    item.refresh_from_db()
    assert (QuarantinedMail.objects.count(), item.attempts) == (1, 2)


def test_mbox_is_split_like_the_mailbox_module(tmp_path):
    path = tmp_path / "boite.mbox"
    path.write_bytes(
        b"From a@b Mon Mar  4 10:00:00 2019\nSubject: 1\n\nline\n\n\n"
        b"From c@d Mon Mar  4 10:00:00 2019\nSubject: 2\n\n>From quoted\nlast\n"
        b"From e@f Mon Mar  4 10:00:00 2019\nSubject: 3\r\n\r\nbody\r\n\n"
    )
    box = mailbox.mbox(path)
    expected = [box.get_bytes(k) for k in box.keys()]
    box.close()
    got = [m.raw for m in messages_from_path(path, limit=10_000)]
    assert got == expected and len(got) == 3


@pytest.mark.parametrize(
    "date", ["Thu, 01 Jan 1970 00:00:00 +0000", "Mon, 01 Jan 2125 09:00:00 +0100"]
)
def test_date_header_does_not_number_ticket(programme, date):
    raw = make_mail(to=ADDRESS).replace(b"Tue, 05 Mar 2019 09:30:00 +0100", date.encode())
    before = timezone.now()

    t = inbound.mail_ingest(raw).ticket

    year = timezone.now().year
    assert t.number.startswith(f"SAISINE-{year}-")
    assert before <= t.received_at <= timezone.now()
    assert t.first_answer_due_at == t.received_at + timedelta(days=services.FIRST_ANSWER_DAYS)
    message = t.messages.get(direction="in")
    assert before <= message.created_at <= timezone.now()
    assert message.date_header == date  # shown as given


# --- Officers' handling, with history ----------------------------------------------------------


def _to_confirm(t, sender="Lucie Vernet <lucie.vernet@example.test>", n=2):
    return inbound.mail_ingest(
        make_mail(
            to=ADDRESS,
            sender=sender,
            subject=f"Re: [{t.number}]",
            message_id=f"<m-{n}@example.test>",
            attachment=("plan.pdf", b"%PDF-1.4 plan"),
        )
    ).quarantine


def test_officer_attaches_a_message_to_confirm(programme):
    guichet = officer(programme)
    t = _first(programme)
    item = _to_confirm(t)

    message = services_mail.held_mail_attach(item=item, user=guichet, ticket=t)

    assert message.ticket == t and message.author is None
    assert message.from_email == "lucie.vernet@example.test"
    assert message.attachments.get().filename == "plan.pdf"
    item.refresh_from_db()
    assert (item.status, item.resolved_message) == (QuarantineStatus.ATTACHED, message)
    assert HistoryEvent.objects.for_object(item).get().actor == guichet
    assert HistoryEvent.objects.for_object(t).filter(action="mail_attach", actor=guichet)
    # Imported again, it is a duplicate, not a new item.
    assert inbound.mail_ingest(bytes(item.raw)).status == inbound.DUPLICATE


def test_officer_cannot_attach_to_a_closed_ticket_but_files_a_follow_up(programme):
    guichet = officer(programme)
    t = _closed(programme)
    item = _to_confirm(t)
    before = _snapshot(t)

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services_mail.held_mail_attach(item=item, user=guichet, ticket=t)
    assert _snapshot(t) == before

    new = services_mail.held_mail_file(item=item, user=guichet)

    assert new.follows == t and new.author is None and new.awaiting_sender_confirmation
    assert _snapshot(t)[:5] == before[:5]
    item.refresh_from_db()
    assert item.status == QuarantineStatus.FILED
    assert HistoryEvent.objects.for_object(new).filter(action="mail_file", actor=guichet)


def test_officer_discards_a_message_to_confirm(programme):
    guichet = officer(programme)
    item = _to_confirm(_first(programme))

    services_mail.held_mail_discard(item=item, user=guichet, comment="Usurpation.")

    item.refresh_from_db()
    assert item.status == QuarantineStatus.DISCARDED
    assert HistoryEvent.objects.for_object(item).get().comment == "Usurpation."
    # The same mail again is not held a second time.
    assert inbound.mail_ingest(bytes(item.raw)).status == inbound.DUPLICATE


def test_officer_of_other_programme_cannot_handle_held_mail(programme):
    from django.core.exceptions import PermissionDenied

    t = _first(programme)
    item = _to_confirm(t)
    stranger = officer(ProgrammeFactory(single_window=True))
    for action in (
        lambda: services_mail.held_mail_attach(item=item, user=stranger, ticket=t),
        lambda: services_mail.held_mail_file(item=item, user=stranger),
        lambda: services_mail.held_mail_discard(item=item, user=stranger),
    ):
        with pytest.raises(PermissionDenied):
            action()
    item.refresh_from_db()
    assert item.status == QuarantineStatus.PENDING
    assert Ticket.objects.count() == 1
    assert not HistoryEvent.objects.for_object(item).exists()


def test_reprocess_keeps_the_real_sender(programme):
    guichet = officer(programme)
    raw = f"To: {ADDRESS}\r\nSubject: Sans expediteur\r\n\r\nBonjour\r\n".encode()
    item = inbound.mail_ingest(raw, source="test").quarantine
    assert "From" in item.reason

    with pytest.raises(TypeError):
        services_mail.quarantine_reprocess(item=item, user=guichet, sender="x@example.test")
    result = services_mail.quarantine_reprocess(item=item, user=guichet)

    assert result.status == inbound.QUARANTINED
    assert Ticket.objects.count() == 0
    item.refresh_from_db()
    assert (item.status, item.attempts) == (QuarantineStatus.PENDING, 2)
    assert HistoryEvent.objects.for_object(item).get().action == "reprocess"


def test_mail_to_no_known_address_belongs_to_no_programme_until_a_superuser_assigns_it(
    programme,
):
    from essaim.accounts.tests.factories import UserFactory

    other = ProgrammeFactory(single_window=True)
    root = UserFactory(is_superuser=True)
    guichet = officer(programme)
    raw = make_mail(to="quelquun@ailleurs.example")

    result = inbound.mail_ingest(raw)

    assert result.status == inbound.QUARANTINED
    item = result.quarantine
    assert item.programme is None
    assert not QuarantinedMail.objects.visible_to(guichet).exists()
    assert QuarantinedMail.objects.visible_to(root).get() == item
    services_mail.held_mail_assign(item=item, user=root, programme=other)
    services_mail.quarantine_reprocess(item=item, user=root)
    t = Ticket.objects.get()
    assert (t.programme, t.author_email) == (other, "lucie.vernet@example.test")
    item.refresh_from_db()
    assert item.status == QuarantineStatus.REPROCESSED


def test_mail_to_no_known_address_goes_to_the_only_single_window(programme):
    result = inbound.mail_ingest(make_mail(to="quelquun@ailleurs.example"))
    assert (result.status, result.ticket.programme) == (inbound.CREATED, programme)
