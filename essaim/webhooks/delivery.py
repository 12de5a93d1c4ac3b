"""Sending events: deliveries created after the writer's transaction commits, sent by a task,
retried with growing pauses, each attempt's answer logged.

- ``history_event_raised`` receives the ``history_recorded`` hook (``apps.py``): for the actions
  of ``events.RAISED_BY`` it schedules ``deliveries_create`` with ``transaction.on_commit``, so a
  rolled-back change sends nothing;
- ``deliver`` (a ``django.tasks`` task, run by ``essaim worker``) makes one attempt;
- ``retry_due`` (a periodic job, every minute) enqueues the deliveries whose pause is over.

A failed attempt (no answer within ``WEBHOOKS_TIMEOUT`` seconds, or any status outside 2xx —
redirects are not followed) waits ``BACKOFF[n]`` before the next; after the last, the delivery
fails. Before each attempt the subscription, its owner's role and the object's visibility are
checked again (``_refusal``).
"""

import logging
import time
import uuid
from datetime import timedelta
from functools import partial

import requests
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from essaim.webhooks import signing
from essaim.webhooks.events import FAMILIES, FAMILY_OF, RAISED_BY, family_of
from essaim.webhooks.models import (
    RESPONSE_EXCERPT_CHARS,
    Delivery,
    DeliveryStatus,
    Subscription,
)
from essaim.webhooks.validation import check_url

logger = logging.getLogger(__name__)

# The pause after the 1st, 2nd, … failed attempt; after len(BACKOFF) + 1 attempts, failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# While an attempt runs, its delivery is not due (another worker leaves it alone).
LEASE = timedelta(minutes=5)
RETRY_BATCH = 200


def history_event_raised(*, event, obj) -> None:
    """The ``history_recorded`` receiver: cheap (a dictionary look-up) for every other row."""
    label = obj._meta.label_lower
    event_type = RAISED_BY.get((label, event.action))
    if event_type is None:
        return
    transaction.on_commit(
        partial(
            deliveries_create,
            event_type=event_type,
            model_label=label,
            object_id=obj.pk,
            history={
                "action": event.action,
                "from_state": event.from_state,
                "to_state": event.to_state,
                "at": event.at.isoformat(),
            },
        ),
        robust=True,  # the change is committed: a webhook problem must not turn it into an error
    )


def deliveries_create(
    *, event_type: str, model_label: str, object_id: int, history: dict
) -> list[Delivery]:
    """One delivery per active subscription of the object's programmes that wants the event."""
    if not Subscription.objects.filter(active=True).exists():
        return []
    obj = apps.get_model(model_label).objects.filter(pk=object_id).first()
    if obj is None:
        return []
    family = FAMILIES[model_label]
    programmes = family.programmes(obj)
    event_id = uuid.uuid4()
    deliveries = [
        Delivery(
            subscription=subscription,
            event_id=event_id,
            event_type=event_type,
            payload={
                "id": str(event_id),
                "type": str(event_type),
                "created_at": history["at"],
                "programme": subscription.programme_id,
                "data": {"object": family.object_name, "id": object_id, **history},
            },
            next_attempt_at=timezone.now(),
        )
        for subscription in Subscription.objects.filter(
            active=True, programme_id__in=sorted(programmes)
        )
        if event_type in subscription.events
    ]
    if deliveries:
        Delivery.objects.bulk_create(deliveries)
        for delivery in deliveries:
            deliver.enqueue(delivery.pk)
    return deliveries


def _refusal(delivery: Delivery) -> str:
    """Why the delivery may not be sent now (empty when it may)."""
    subscription = delivery.subscription
    owner = subscription.owner
    if not subscription.active:
        return "abonnement désactivé"
    if not owner.is_active:
        return "compte désactivé"
    if subscription.programme_id not in family_of(delivery.event_type).scope(owner):
        return "droits retirés sur le programme"
    model = apps.get_model(FAMILY_OF[delivery.event_type])
    object_id = delivery.payload.get("data", {}).get("id")
    if not model.objects.visible_to(owner).filter(pk=object_id).exists():
        return "objet non visible"
    try:
        check_url(subscription.url)
    except ValidationError:
        return "adresse de réception refusée"
    return ""


def _post(delivery: Delivery) -> dict:
    """One HTTP attempt; its outcome as the fields to save."""
    body = signing.body_of(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Essaim-Webhooks/1",
        signing.EVENT_TYPE_HEADER: delivery.event_type,
        signing.EVENT_ID_HEADER: str(delivery.event_id),
        "X-Essaim-Delivery": str(delivery.pk),
        signing.SIGNATURE_HEADER: signing.signature_header(
            delivery.subscription.signing_secrets(timezone.now()), body
        ),
    }
    started = time.monotonic()
    outcome = {"response_code": None, "response_excerpt": "", "error": ""}
    try:
        with requests.post(
            delivery.subscription.url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOKS_TIMEOUT,
            allow_redirects=False,
            stream=True,
        ) as response:
            raw = next(response.iter_content(RESPONSE_EXCERPT_CHARS * 4), b"")
            outcome["response_code"] = response.status_code
            outcome["response_excerpt"] = raw.decode("utf-8", "replace")[:RESPONSE_EXCERPT_CHARS]
    except requests.RequestException as error:
        outcome["error"] = f"{type(error).__name__}: {error}"[:255]
    outcome["duration_ms"] = int((time.monotonic() - started) * 1000)
    return outcome


def attempt(delivery_id: int, now=None) -> str:
    """Try ``delivery_id`` once if it is pending and due; return its status afterwards."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("subscription__owner")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return "not due"
        refusal = _refusal(delivery)
        if refusal:
            delivery.status, delivery.error, delivery.next_attempt_at = (
                DeliveryStatus.FAILED,
                refusal,
                None,
            )
            delivery.save(update_fields=["status", "error", "next_attempt_at"])
            return delivery.status
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
    outcome = _post(delivery)  # outside any transaction: a slow receiver holds no lock
    code = outcome["response_code"]
    if code is not None and 200 <= code < 300:
        status, next_at = DeliveryStatus.SUCCEEDED, None
    elif delivery.attempts >= MAX_ATTEMPTS:
        status, next_at = DeliveryStatus.FAILED, None
    else:
        status, next_at = DeliveryStatus.PENDING, now + BACKOFF[delivery.attempts - 1]
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, next_attempt_at=next_at, **outcome
    )
    return status


@task()
def deliver(delivery_id: int) -> str:
    """One attempt of one delivery (``essaim worker``)."""
    return attempt(delivery_id)


def retry_due(now=None) -> int:
    """Enqueue the pending deliveries whose pause is over (the periodic job); how many."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )
    for pk in due:
        deliver.enqueue(pk)
    return len(due)
