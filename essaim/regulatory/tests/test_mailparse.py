"""Property-based tests: whatever bytes arrive, the parser never crashes and the importer never
drops a message (each input ends as a ticket message or in the quarantine)."""

import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
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
    ProgrammeFactory(slug="p-hypothesis", single_window_email="guichet@programme.test")
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
