"""Pages of the held mail (messages to confirm and quarantine): each programme's officers see and
handle only their programme's mail; nobody chooses a sender."""

import pytest
from django.urls import reverse

from essaim.accounts.tests.factories import UserFactory
from essaim.core.models import HistoryEvent
from essaim.regulatory import inbound
from essaim.regulatory.models import HeldMailKind, QuarantinedMail, QuarantineStatus, Ticket
from essaim.regulatory.tests.factories import ProgrammeFactory, holder, officer
from essaim.regulatory.tests.mails import make_mail

pytestmark = pytest.mark.django_db

ADDRESS = "hacker@le-frenchimpact.fr"
NO_SENDER = f"To: {ADDRESS}\r\nSubject: Sans expediteur\r\n\r\nBonjour\r\n".encode()


@pytest.fixture
def programme():
    return ProgrammeFactory(single_window=True, single_window_email=ADDRESS)


@pytest.fixture
def people(programme):
    return {
        "anonymous": None,
        "holder": holder(),
        "other_officer": officer(ProgrammeFactory(single_window=True)),
        "officer": officer(programme),
    }


def _client(client, user):
    if user is not None:
        client.force_login(user)
    return client


def _state(item):
    item.refresh_from_db()
    return (item.status, item.kind, item.attempts, HistoryEvent.objects.for_object(item).count())


@pytest.mark.parametrize(
    ("who", "listing", "expected"),
    [
        ("anonymous", 302, 302),
        ("holder", 403, 403),
        ("other_officer", 200, 404),
        ("officer", 200, 200),
    ],
)
def test_held_mail_matrix(client, programme, people, who, listing, expected):
    item = inbound.mail_ingest(NO_SENDER, source="test").quarantine
    assert item.programme == programme
    c = _client(client, people[who])

    response = c.get(reverse("regulatory:quarantine_list") + "?kind=quarantine")
    assert response.status_code == listing
    if listing == 200:
        assert (reverse("regulatory:quarantine_detail", args=[item.pk]) in response.text) is (
            expected == 200
        )
    assert c.get(reverse("regulatory:quarantine_detail", args=[item.pk])).status_code == expected
    raw = c.get(reverse("regulatory:quarantine_raw", args=[item.pk]))
    assert raw.status_code == expected
    if expected == 200:
        assert raw.content == NO_SENDER
        assert (
            "Sans expediteur" in c.get(reverse("regulatory:quarantine_detail", args=[item.pk])).text
        )
    before = _state(item)
    response = c.post(reverse("regulatory:quarantine_action", args=[item.pk, "discard"]))
    if who == "officer":
        assert response.status_code == 302
        assert _state(item)[0] == QuarantineStatus.DISCARDED
    else:
        assert response.status_code == expected
        assert _state(item) == before


def test_officer_of_other_programme_cannot_read_or_reprocess_quarantine(client, programme, people):
    item = inbound.mail_ingest(NO_SENDER, source="test").quarantine
    c = _client(client, people["other_officer"])
    before = [_state(item), Ticket.objects.count()]

    assert c.get(reverse("regulatory:quarantine_detail", args=[item.pk])).status_code == 404
    assert c.get(reverse("regulatory:quarantine_raw", args=[item.pk])).status_code == 404
    for name in ("reprocess", "attach", "file", "discard", "assign"):
        url = reverse("regulatory:quarantine_action", args=[item.pk, name])
        assert c.post(url, {"attach-number": "SAISINE-2019-0001"}).status_code == 404
    listing = c.get(reverse("regulatory:quarantine_list") + "?kind=quarantine&status=all")
    assert "Sans expediteur" not in listing.text
    assert [_state(item), Ticket.objects.count()] == before


def test_reprocess_page_offers_no_sender_choice(client, programme, people):
    item = inbound.mail_ingest(NO_SENDER, source="test").quarantine
    c = _client(client, people["officer"])

    page = c.get(reverse("regulatory:quarantine_detail", args=[item.pk])).text
    assert 'name="sender"' not in page
    response = c.post(
        reverse("regulatory:quarantine_action", args=[item.pk, "reprocess"]),
        {"sender": "victime@example.test"},
    )

    assert response.status_code == 302
    assert Ticket.objects.count() == 0
    assert _state(item)[:3] == (QuarantineStatus.PENDING, HeldMailKind.QUARANTINE, 2)


def test_messages_to_confirm_are_shown_apart_with_their_raw_headers(client, programme, people):
    first = inbound.mail_ingest(make_mail(to=ADDRESS)).ticket
    held = inbound.mail_ingest(
        make_mail(
            to=ADDRESS,
            sender="intrus@example.test",
            subject=f"Re: [{first.number}] complément",
            message_id="<intrus@example.test>",
            body="Texte de l'intrus.",
        )
    ).quarantine
    inbound.mail_ingest(NO_SENDER, source="test")
    c = _client(client, people["officer"])

    to_confirm = c.get(reverse("regulatory:quarantine_list")).text
    quarantine = c.get(reverse("regulatory:quarantine_list") + "?kind=quarantine").text
    queue = c.get(reverse("regulatory:queue")).text

    assert "intrus@example.test" in to_confirm and "Sans expediteur" not in to_confirm
    assert "Sans expediteur" in quarantine and "intrus@example.test" not in quarantine
    assert "Courriels à confirmer (1)" in queue and "Quarantaine (1 à traiter)" in queue
    detail = c.get(reverse("regulatory:quarantine_detail", args=[held.pk])).text
    assert "Message-ID: &lt;intrus@example.test&gt;" in detail  # the raw headers
    assert "Texte de l&#x27;intrus." in detail
    assert first.number in detail


def test_officer_attaches_a_message_to_confirm_from_its_page(client, programme, people):
    first = inbound.mail_ingest(make_mail(to=ADDRESS)).ticket
    held = inbound.mail_ingest(
        make_mail(to=ADDRESS, subject=f"Re: [{first.number}]", message_id="<m2@example.test>")
    ).quarantine
    c = _client(client, people["officer"])
    url = reverse("regulatory:quarantine_action", args=[held.pk, "attach"])

    # A ticket of another programme cannot be named.
    other_address = people["other_officer"].memberships.get().programme.single_window_email
    elsewhere = inbound.mail_ingest(
        make_mail(to=other_address, message_id="<m3@example.test>")
    ).ticket
    assert c.post(url, {"attach-number": elsewhere.number}).status_code == 422
    assert _state(held)[0] == QuarantineStatus.PENDING

    response = c.post(url, {"attach-number": first.number})

    assert response.status_code == 302
    assert first.messages.filter(direction="in").count() == 2
    assert _state(held)[0] == QuarantineStatus.ATTACHED


def test_superuser_assigns_mail_of_no_programme(client, programme):
    other = ProgrammeFactory(single_window=True)
    root = UserFactory(is_superuser=True)
    item = inbound.mail_ingest(make_mail(to="inconnu@ailleurs.example")).quarantine
    assert item.programme is None
    assert not QuarantinedMail.objects.visible_to(officer(programme)).exists()
    c = _client(client, root)

    response = c.post(
        reverse("regulatory:quarantine_action", args=[item.pk, "assign"]),
        {"assign-programme": other.pk},
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.programme == other
