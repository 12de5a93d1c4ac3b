"""Every write on webhook subscriptions: each checks ``rules`` and records history."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.services import changed_fields, history_record
from essaim.webhooks import rules
from essaim.webhooks.delivery import deliver
from essaim.webhooks.events import events_for
from essaim.webhooks.history import SubscriptionAction
from essaim.webhooks.models import Delivery, DeliveryStatus, Subscription, new_secret
from essaim.webhooks.validation import check_url


def _clean(*, user, programme, url: str, events: list[str]) -> list[str]:
    if programme is None or not rules.may_register(user, programme.pk):
        raise PermissionDenied
    check_url(url)
    allowed = {str(event) for event in events_for(user, programme.pk)}
    chosen = sorted(set(events))
    if not chosen:
        raise ValidationError({"events": _("Événements : choisissez-en au moins un.")})
    if not set(chosen) <= allowed:
        raise ValidationError(
            {"events": _("Événements : votre rôle dans ce programme n'ouvre pas tous ceux-ci.")}
        )
    return chosen


@transaction.atomic
def subscription_create(*, user, programme, url: str, events: list[str], name: str = ""):
    events = _clean(user=user, programme=programme, url=url, events=events)
    subscription = Subscription.objects.create(
        owner=user, programme=programme, url=url, events=events, name=name[:100]
    )
    history_record(obj=subscription, user=user, action=SubscriptionAction.CREATED)
    return subscription


@transaction.atomic
def subscription_update(
    *, user, subscription: Subscription, url: str, events: list[str], name: str, active: bool
) -> Subscription:
    if subscription.owner_id != user.pk:
        raise PermissionDenied
    data = {"name": name[:100], "url": url, "active": active}
    if active:
        data["events"] = _clean(user=user, programme=subscription.programme, url=url, events=events)
    else:  # deactivating needs no role any more; only events it had or may have are kept
        if url != subscription.url:
            check_url(url)
        kept = set(subscription.events) | set(events_for(user, subscription.programme_id))
        data["events"] = sorted(set(events) & kept)
    changes = changed_fields(subscription, data)
    if not changes:
        return subscription
    for field, value in data.items():
        setattr(subscription, field, value)
    subscription.save(update_fields=list(changes))
    action = (
        SubscriptionAction.DEACTIVATED
        if changes.get("active") == [True, False]
        else SubscriptionAction.UPDATED
    )
    history_record(obj=subscription, user=user, action=action, payload={"changes": changes})
    return subscription


@transaction.atomic
def delivery_replay(*, user, delivery: Delivery) -> Delivery:
    """Send ``delivery``'s event again, as a new delivery with the same event id."""
    subscription = delivery.subscription
    if subscription.owner_id != user.pk:
        raise PermissionDenied
    if not subscription.active:
        raise ValidationError(_("Réactivez l'abonnement avant de rejouer un envoi."))
    if delivery.status == DeliveryStatus.PENDING:
        raise ValidationError(_("Cet envoi est encore en cours : attendez son issue."))
    replay = Delivery.objects.create(
        subscription=subscription,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        payload=delivery.payload,
        status=DeliveryStatus.PENDING,
        next_attempt_at=timezone.now(),
        replay_of=delivery,
    )
    history_record(
        obj=subscription,
        user=user,
        action=SubscriptionAction.REPLAYED,
        payload={"delivery": delivery.pk, "replay": replay.pk},
    )
    transaction.on_commit(lambda: deliver.enqueue(replay.pk))
    return replay


@transaction.atomic
def subscription_secret_rotate(*, user, subscription: Subscription, now=None) -> Subscription:
    """Give the subscription a new signing secret. For ``WEBHOOKS_SECRET_GRACE_HOURS`` the
    deliveries are signed with both the new and the former secret (two ``v1=``), so the receiver
    switches when it likes; then with the new one only. Rotating again within the grace period
    drops the oldest secret at once (only the one just replaced stays accepted). The caller shows
    the new secret (``subscription.secret``) once."""
    if subscription.owner_id != user.pk:
        raise PermissionDenied
    now = now or timezone.now()
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    locked.previous_secret = locked.secret
    locked.previous_secret_expires_at = now + timedelta(hours=settings.WEBHOOKS_SECRET_GRACE_HOURS)
    locked.secret = new_secret()
    locked.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    history_record(
        obj=locked,
        user=user,
        action=SubscriptionAction.SECRET_ROTATED,
        payload={"former_secret_until": locked.previous_secret_expires_at.isoformat()},
    )
    return locked


def former_secrets_drop(now=None) -> int:
    """Forget the former secrets whose grace period is over (the periodic job); how many.
    Deliveries already stop using them at the deadline (``Subscription.signing_secrets``)."""
    now = now or timezone.now()
    return Subscription.objects.filter(previous_secret_expires_at__lte=now).update(
        previous_secret="", previous_secret_expires_at=None
    )
