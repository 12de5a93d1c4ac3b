"""/api/v1/webhooks: the caller's own webhook subscriptions, their delivery log, replays and the
rotation of their signing secret — the services and scoping of the webhooks pages (a
subscription is its owner's only: anyone else's is a 404)."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.calls.models import Programme
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.webhooks import services
from essaim.webhooks.events import EventType
from essaim.webhooks.models import Delivery, DeliveryStatus, Subscription

router = Router(tags=["webhooks"], auth=BearerOrSession())

EVENTS_MAX = len(EventType.values)


class SubscriptionOut(Schema):
    id: int
    programme_id: int
    programme: str
    name: str
    url: str
    events: list[str]
    active: bool
    created_at: datetime.datetime
    former_secret_until: datetime.datetime | None = Field(
        description="during a secret's rotation, until when deliveries also carry the former "
        "secret's signature; null otherwise"
    )


class SubscriptionSecretOut(SubscriptionOut):
    secret: str = Field(description="the signing secret: shown in this answer only")


class SubscriptionIn(Schema):
    programme_id: int = Field(ge=1, le=2_147_483_647)
    name: str = Field("", max_length=100)
    url: str = Field(max_length=500)
    events: list[EventType] = Field(min_length=1, max_length=EVENTS_MAX)


class SubscriptionPatch(Schema):
    name: str | None = Field(None, max_length=100)
    url: str | None = Field(None, max_length=500)
    events: list[EventType] | None = Field(None, max_length=EVENTS_MAX)
    active: bool | None = None


class DeliveryOut(Schema):
    id: int
    subscription_id: int
    event_id: uuid.UUID
    event_type: str
    status: str
    status_label: str
    attempts: int
    next_attempt_at: datetime.datetime | None
    last_attempt_at: datetime.datetime | None
    response_code: int | None
    response_excerpt: str
    error: str
    duration_ms: int | None
    replay_of: int | None
    created_at: datetime.datetime
    payload: dict


def _subscription_out(subscription: Subscription) -> dict:
    signing = subscription.signing_secrets(timezone.now())
    return {
        "id": subscription.pk,
        "programme_id": subscription.programme_id,
        "programme": subscription.programme.name,
        "name": subscription.name,
        "url": subscription.url,
        "events": list(subscription.events),
        "active": subscription.active,
        "created_at": subscription.created_at,
        "former_secret_until": subscription.previous_secret_expires_at
        if len(signing) > 1
        else None,
    }


def _delivery_out(delivery: Delivery) -> dict:
    return {
        "id": delivery.pk,
        "subscription_id": delivery.subscription_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "status_label": str(delivery.get_status_display()),
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "last_attempt_at": delivery.last_attempt_at,
        "response_code": delivery.response_code,
        "response_excerpt": delivery.response_excerpt,
        "error": delivery.error,
        "duration_ms": delivery.duration_ms,
        "replay_of": delivery.replay_of_id,
        "created_at": delivery.created_at,
        "payload": delivery.payload,
    }


def _subscription(request, subscription_id: int) -> Subscription:
    found = (
        Subscription.objects.owned_by(request.user)
        .select_related("programme")
        .filter(pk=subscription_id)
        .first()
    )
    if found is None:
        raise Http404(_("Abonnement webhook %(id)s introuvable.") % {"id": subscription_id})
    return found


@router.get(
    "/webhooks",
    response=list[SubscriptionOut],
    summary="The caller's webhook subscriptions",
)
@paginate(PageNumberPagination, page_size=50)
def webhook_list(request):
    rows = Subscription.objects.owned_by(request.user).select_related("programme")
    return mapped(rows.order_by("-created_at", "-pk"), _subscription_out)


@router.post(
    "/webhooks",
    response={201: SubscriptionSecretOut},
    summary="Subscribe to a programme's events (its staff only); the secret is shown once",
)
def webhook_create(request, payload: SubscriptionIn):
    programme = Programme.objects.filter(pk=payload.programme_id).first()
    if programme is None:
        raise ValidationError(
            {"programme_id": _("Identifiant %(id)s inconnu.") % {"id": payload.programme_id}}
        )
    subscription = services.subscription_create(
        user=request.user,
        programme=programme,
        url=payload.url,
        events=[str(event) for event in payload.events],
        name=payload.name,
    )
    return Status(201, {**_subscription_out(subscription), "secret": subscription.secret})


@router.get(
    "/webhooks/{subscription_id}",
    response=SubscriptionOut,
    summary="One of the caller's webhook subscriptions",
)
def webhook_detail(request, subscription_id: int):
    return _subscription_out(_subscription(request, subscription_id))


@router.patch(
    "/webhooks/{subscription_id}",
    response=SubscriptionOut,
    summary="Change a subscription's name, URL, events, or deactivate it",
)
def webhook_update(request, subscription_id: int, payload: SubscriptionPatch):
    subscription = _subscription(request, subscription_id)
    events = payload.events
    subscription = services.subscription_update(
        user=request.user,
        subscription=subscription,
        url=subscription.url if payload.url is None else payload.url,
        events=subscription.events if events is None else [str(e) for e in events],
        name=subscription.name if payload.name is None else payload.name,
        active=subscription.active if payload.active is None else payload.active,
    )
    return _subscription_out(subscription)


@router.post(
    "/webhooks/{subscription_id}/secret/rotate",
    response={201: SubscriptionSecretOut},
    summary="Rotate the signing secret: the new one is shown once; the former one still signs "
    "during the grace period",
)
def webhook_secret_rotate(request, subscription_id: int):
    subscription = services.subscription_secret_rotate(
        user=request.user, subscription=_subscription(request, subscription_id)
    )
    return Status(201, {**_subscription_out(subscription), "secret": subscription.secret})


@router.get(
    "/webhooks/{subscription_id}/deliveries",
    response=list[DeliveryOut],
    summary="A subscription's delivery log, newest first",
)
@paginate(PageNumberPagination, page_size=50)
def webhook_deliveries(request, subscription_id: int, status: DeliveryStatus | None = None):
    rows = Delivery.objects.filter(subscription=_subscription(request, subscription_id))
    if status is not None:
        rows = rows.filter(status=status)
    return mapped(rows.order_by("-created_at", "-pk"), _delivery_out)


@router.post(
    "/webhook-deliveries/{delivery_id}/replay",
    response={201: DeliveryOut},
    summary="Send a finished delivery again (a new delivery with the same event id)",
)
def webhook_delivery_replay(request, delivery_id: int):
    delivery = (
        Delivery.objects.filter(subscription__in=Subscription.objects.owned_by(request.user))
        .select_related("subscription")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        raise Http404(_("Envoi webhook %(id)s introuvable.") % {"id": delivery_id})
    replay = services.delivery_replay(user=request.user, delivery=delivery)
    replay.refresh_from_db()
    return Status(201, _delivery_out(replay))
