"""Deliveries: raised by a domain service's history after commit, signed, retried, replayed,
scoped to what the subscriber may read."""

import hashlib
import hmac
import json
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from essaim.accounts.models import Membership
from essaim.labels import services as label_services
from essaim.labels.tests.factories import programme_admin
from essaim.testing import other_programme
from essaim.webhooks import delivery as delivery_module
from essaim.webhooks import services
from essaim.webhooks.delivery import BACKOFF, MAX_ATTEMPTS, retry_due
from essaim.webhooks.events import EventType, events_for
from essaim.webhooks.models import Delivery, DeliveryStatus
from essaim.webhooks.validation import check_url

pytestmark = pytest.mark.django_db


def verify_signature(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """A receiver's check, as docs/api.md shows it (written apart from Essaim's signing code):
    any of the header's ``v1=`` signatures (two during a secret's rotation) may match."""
    pairs = [part.split("=", 1) for part in header.split(",")]
    timestamp = int(dict(pairs)["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return any(hmac.compare_digest(expected, value) for key, value in pairs if key == "v1")


def _subscribe(user, programme, url, events=(EventType.LABEL_REVOKED,)):
    return services.subscription_create(
        user=user, programme=programme, url=url, events=list(events), name="test"
    )


def _revoke(label, admin, capture):
    with capture(execute=True):
        label_services.label_revoke(label=label, user=admin, reason="Collectif dissous.")


def test_a_revoked_label_reaches_the_receiver_signed(
    label, admin, receiver, django_capture_on_commit_callbacks
):
    subscription = _subscribe(admin, label.programme, receiver.url)
    _revoke(label, admin, django_capture_on_commit_callbacks)

    [request] = receiver.received
    headers, body = request["headers"], request["body"]
    assert verify_signature(subscription.secret, headers["X-Essaim-Signature"], body)
    assert not verify_signature("whsec_other", headers["X-Essaim-Signature"], body)
    assert not verify_signature(subscription.secret, headers["X-Essaim-Signature"], body + b" ")
    payload = json.loads(body)
    assert payload["type"] == "label.revoked" == headers["X-Essaim-Event"]
    assert payload["id"] == headers["X-Essaim-Event-Id"]
    assert payload["data"] | {"at": None} == {
        "object": "label",
        "id": label.pk,
        "action": "label_revoke",
        "from_state": "valid",
        "to_state": "revoked",
        "at": None,
    }
    assert "Collectif dissous" not in body.decode()  # ids and states only: the API has the rest
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 1, 200)
    assert delivery.response_excerpt == '{"ok": true}' and delivery.duration_ms is not None


def test_a_failure_is_retried_after_a_pause_then_replayed(
    label, admin, receiver, django_capture_on_commit_callbacks
):
    subscription = _subscribe(admin, label.programme, receiver.url)
    receiver.statuses = [500]
    before = timezone.now()
    _revoke(label, admin, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert len(delivery.response_excerpt) == 2000  # bounded
    assert before + BACKOFF[0] <= delivery.next_attempt_at <= timezone.now() + BACKOFF[0]
    assert retry_due() == 0  # not due yet: nothing sent
    with pytest.raises(ValidationError, match="en cours"):
        services.delivery_replay(user=admin, delivery=delivery)
    assert len(receiver.received) == 1

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert retry_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 2, 200)
    first, second = receiver.received
    assert first["body"] == second["body"]
    assert first["headers"]["X-Essaim-Event-Id"] == second["headers"]["X-Essaim-Event-Id"]
    assert verify_signature(
        subscription.secret, second["headers"]["X-Essaim-Signature"], second["body"]
    )

    # The last allowed attempt fails for good.
    receiver.statuses = [503]
    Delivery.objects.filter(pk=delivery.pk).update(
        status="pending", attempts=MAX_ATTEMPTS - 1, next_attempt_at=timezone.now()
    )
    assert delivery_module.attempt(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.next_attempt_at) == (MAX_ATTEMPTS, None)

    # A replay is a new delivery of the same event.
    with django_capture_on_commit_callbacks(execute=True):
        replay = services.delivery_replay(user=admin, delivery=delivery)
    replay.refresh_from_db()
    assert (replay.status, replay.replay_of, replay.event_id) == (
        "succeeded",
        delivery,
        delivery.event_id,
    )
    assert len(receiver.received) == 4
    with pytest.raises(PermissionDenied):
        services.delivery_replay(user=other_programme().admin, delivery=delivery)


def test_a_rolled_back_change_sends_nothing(
    label, admin, receiver, django_capture_on_commit_callbacks
):
    _subscribe(admin, label.programme, receiver.url)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            label_services.label_revoke(label=label, user=admin, reason="Collectif dissous.")
            raise RuntimeError("rolled back")
    assert Delivery.objects.count() == 0 and receiver.received == []


def test_only_the_programmes_and_events_the_owner_may_read(
    label, admin, receiver, django_capture_on_commit_callbacks
):
    other = other_programme()
    _subscribe(other.admin, other.programme, receiver.url)  # another programme: nothing
    # An instructor may not choose the single window's tickets; an officer only those.
    assert EventType.TICKET_UPDATED not in events_for(other.instructor, other.programme.pk)
    assert events_for(other.officer, other.programme.pk) == [EventType.TICKET_UPDATED]
    assert events_for(other.admin, label.programme.pk) == []
    with pytest.raises(ValidationError, match="Événements"):
        _subscribe(other.instructor, other.programme, receiver.url, [EventType.TICKET_UPDATED])
    # A role taken away after subscribing: the delivery is refused, nothing is sent.
    leaver = _subscribe(admin, label.programme, receiver.url)
    Membership.objects.filter(user=admin).delete()
    _revoke(label, programme_admin(label.programme), django_capture_on_commit_callbacks)

    [delivery] = Delivery.objects.all()
    assert delivery.subscription == leaver
    assert (delivery.status, delivery.error, delivery.attempts) == (
        "failed",
        "droits retirés sur le programme",
        0,
    )
    assert receiver.received == []


@pytest.mark.parametrize(
    ("url", "production_ok", "test_ok"),
    [
        ("https://93.184.215.14/hook", True, True),
        ("http://93.184.215.14/hook", False, False),
        ("https://10.1.2.3/hook", False, True),
        ("https://192.168.1.10/hook", False, True),
        ("https://169.254.169.254/latest/meta-data", False, True),
        ("https://127.0.0.1/hook", False, True),
        ("https://[::1]/hook", False, True),
        ("http://localhost:8000/hook", False, True),
        ("https://user:pw@93.184.215.14/hook", False, False),
        ("ftp://93.184.215.14/hook", False, False),
    ],
)
def test_receiver_addresses(settings, url, production_ok, test_ok):
    for allow_local, expected in ((False, production_ok), (True, test_ok)):
        settings.WEBHOOKS_ALLOW_LOCAL = allow_local
        try:
            check_url(url)
        except ValidationError as error:
            assert not expected, error
            assert "Adresse de réception" in error.message_dict["url"][0]
        else:
            assert expected, f"{url} accepted (allow_local={allow_local})"
