"""Property-based tests: whatever bytes arrive, the parser never crashes and the importer never
drops a message (each input ends as a ticket message or in the quarantine)."""

import hashlib

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from essaim.regulatory import inbound, mailparse
from essaim.regulatory.models import QuarantinedMail, TicketMessage
from essaim.regulatory.tests.factories import ProgrammeFactory
from essaim.regulatory.tests.mails import make_mail

HEADER_NAMES = st.sampled_from(
    [
        "From",
        "To",
        "Subject",
        "Message-ID",
        "In-Reply-To",
        "References",
        "Content-Type",
        "Content-Transfer-Encoding",
        "Content-Disposition",
        "MIME-Version",
        "Date",
        "X-Junk",
    ]
)
HEADER_VALUES = st.one_of(
    st.binary(max_size=80),
    st.sampled_from(
        [
            b"multipart/mixed; boundary=",
            b'multipart/alternative; boundary="b1"',
            b"text/plain; charset=utf-16",
            b"text/html; charset=x-nope",
            b"base64",
            b"quoted-printable",
            b"=?utf-8?b?invalid===?=",
            b"=?iso-8859-1?q?caf=E9?=",
            b"<a@b>",
            b"Nobody <>",
            b"attachment; filename*=utf-8''%ff%fe.pdf",
            b"Thu, 99 Foo 20190 25:61:61 +9999",
        ]
    ),
)
MESSAGES = st.builds(
    lambda headers, body: (
        b"".join(name.encode() + b": " + value + b"\r\n" for name, value in headers)
        + b"\r\n"
        + body
    ),
    st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=10),
    st.one_of(
        st.binary(max_size=300),
        st.just(b"--b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b1--"),
        st.just(b"--\r\n\r\n--\r\n"),
    ),
)


def _mutate(raw: bytes, cut: int, junk: bytes) -> bytes:
    cut = cut % (len(raw) + 1)
    return raw[:cut] + junk + raw[cut:]


@given(st.one_of(st.binary(max_size=400), MESSAGES))
@settings(max_examples=300, deadline=None)
def test_parse_never_raises_anything_but_unusable_mail(raw):
    try:
        parsed = mailparse.parse(raw)
    except mailparse.UnusableMail as exc:
        assert exc.reason
    else:
        assert "@" in parsed.from_email
        assert "\x00" not in parsed.body
        parsed.body.encode("utf-8")  # no lone surrogate: any database takes it


@pytest.mark.django_db
@given(
    raw=st.one_of(
        MESSAGES,
        st.builds(
            _mutate,
            st.just(make_mail(to="guichet@programme.test", message_id=None)),
            st.integers(min_value=0),
            st.binary(min_size=1, max_size=40),
        ),
    )
)
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_import_never_drops_a_message(raw):
    ProgrammeFactory(
        single_window=True, slug="p-hypothesis", single_window_email="guichet@programme.test"
    )
    result = inbound.mail_ingest(raw, source="hypothesis")
    if result.status == inbound.QUARANTINED:
        item = QuarantinedMail.objects.get(sha256=hashlib.sha256(raw).hexdigest())
        assert bytes(item.raw) == raw
        assert item.reason
    else:
        assert result.message is not None
        message = TicketMessage.objects.get(pk=result.message.pk)
        if result.status != inbound.DUPLICATE:
            assert bytes(message.raw) == raw


# --- Every path of the intake: threading secrets, claims, senders, sizes -----------------------

WINDOW = "guichet@programme.test"


@pytest.fixture
def world(db):
    """A single window with an open ticket, a closed one and an account holder, shared by the
    examples of one run (each example adds to it, as a mailbox would)."""
    from essaim.regulatory import services
    from essaim.regulatory.tests.factories import holder, officer

    programme = ProgrammeFactory(
        single_window=True, slug="p-hypothesis-paths", single_window_email=WINDOW
    )
    ProgrammeFactory(
        single_window=True, slug="p-hypothesis-other", single_window_email="autre@programme.test"
    )
    guichet = officer(programme)
    holder(email="compte@example.test")
    opened = inbound.mail_ingest(make_mail(to=WINDOW, message_id="<open@example.test>")).ticket
    closed = inbound.mail_ingest(make_mail(to=WINDOW, message_id="<closed@example.test>")).ticket
    services.ticket_triage(ticket=closed, user=guichet, category="food", priority="low")
    services.ticket_close(ticket=closed, user=guichet, outcome="clarified", reason="ok")
    return {"open": opened, "closed": closed}


def _build(world, recipient, sender, subject, reply_to_n, extra, body, attachment, message_id):
    opened, closed = world["open"], world["closed"]
    recipients = {
        "window": WINDOW,
        "open-secret": f"guichet+{opened.reply_token}@programme.test",
        "closed-secret": f"guichet+{closed.reply_token}@programme.test",
        "wrong-secret": "guichet+0123456789abcdef0123@programme.test",
        "other-window": "autre@programme.test",
        "nowhere": "personne@ailleurs.test",
        "none": "",
    }
    subjects = {
        "plain": "Question",
        "open-number": f"Re: [{opened.number}]",
        "closed-number": f"Re: [{closed.number}]",
        "encoded": "=?utf-8?q?caf=C3=A9?=",
    }
    ours = [
        m
        for t in (opened, closed)
        for m in t.messages.filter(direction="out").values_list("message_id", flat=True)
    ]
    thread = ["", "<open@example.test>", "<nobody@example.test>", *ours][
        reply_to_n % (3 + len(ours))
    ]
    lines = [
        f"From: {sender}" if sender else "",
        f"To: {recipients[recipient]}" if recipients[recipient] else "",
        f"Subject: {subjects[subject]}",
        f"Message-ID: {message_id}" if message_id else "",
        f"In-Reply-To: {thread}" if thread else "",
        extra,
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b1"',
    ]
    head = "\r\n".join(line for line in lines if line).encode()
    parts = b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + b"\r\n"
    if attachment:
        import base64

        parts += (
            b"--b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
            b'Content-Disposition: attachment; filename="piece.pdf"\r\n\r\n'
            + base64.encodebytes(attachment)
        )
    return head + b"\r\n\r\n" + parts + b"--b1--\r\n"


@pytest.mark.django_db
@given(
    recipient=st.sampled_from(
        [
            "window",
            "open-secret",
            "closed-secret",
            "wrong-secret",
            "other-window",
            "nowhere",
            "none",
        ]
    ),
    sender=st.sampled_from(
        [
            "lucie.vernet@example.test",
            "Compte <compte@example.test>",
            "intrus@example.test",
            "",
            "<>",
        ]
    ),
    subject=st.sampled_from(["plain", "open-number", "closed-number", "encoded"]),
    reply_to_n=st.integers(min_value=0, max_value=20),
    extra=st.sampled_from(
        ["", "Auto-Submitted: auto-replied", "Date: Thu, 01 Jan 1970 00:00:00 +0000", "X: \xff"]
    ),
    body=st.binary(max_size=200),
    attachment=st.one_of(st.just(b""), st.binary(min_size=1, max_size=600)),
    message_id=st.one_of(st.none(), st.integers(0, 40).map(lambda n: f"<h{n}@example.test>")),
)
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_input_ends_as_a_message_a_message_to_confirm_or_quarantine(
    world, monkeypatch, recipient, sender, subject, reply_to_n, extra, body, attachment, message_id
):
    from django.conf import settings as django_settings

    from essaim.regulatory.models import HeldMailKind, Ticket

    monkeypatch.setattr(inbound, "ATTACHMENT_MAX_BYTES", 400)
    monkeypatch.setattr(django_settings, "ESSAIM_MAIL_MAX_MESSAGE_BYTES", 1500, raising=False)
    raw = _build(world, recipient, sender, subject, reply_to_n, extra, body, attachment, message_id)

    result = inbound.mail_ingest(raw, source="hypothesis")
    event(result.status)

    if result.status in inbound.STORED:
        assert TicketMessage.objects.get(pk=result.message.pk).raw == raw
    elif result.status == inbound.DUPLICATE:
        assert result.message is not None or result.quarantine is not None
    else:
        item = QuarantinedMail.objects.get(pk=result.quarantine.pk)
        assert item.reason
        assert item.kind == (
            HeldMailKind.TO_CONFIRM
            if result.status == inbound.TO_CONFIRM
            else HeldMailKind.QUARANTINE
        )
        if item.truncated:
            assert len(raw) > 1500 and raw.startswith(bytes(item.raw))
        else:
            assert bytes(item.raw) == raw
    closed = Ticket.objects.get(pk=world["closed"].pk)
    assert (closed.state, closed.outcome) == ("closed", "clarified")
    assert not Ticket.objects.filter(author__email="compte@example.test").exists()
    assert not Ticket.objects.exclude(received_at__year__gte=2020).exists()
