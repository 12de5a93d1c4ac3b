"""Webhook subscriptions (a URL, a programme, the events wanted, a signing secret) and their
deliveries (one row per event sent to one subscription, with its attempts' outcome)."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from essaim.webhooks.events import EventType

# Kept of a receiver's answer, in characters (the log shows what went wrong, not whole pages).
RESPONSE_EXCERPT_CHARS = 2000


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class SubscriptionQuerySet(models.QuerySet):
    def owned_by(self, user) -> "SubscriptionQuerySet":
        """A user's own subscriptions: nobody else's is shown (a 404)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class Subscription(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        verbose_name=_("propriétaire"),
    )
    programme = models.ForeignKey(
        "calls.Programme",
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        verbose_name=_("programme"),
    )
    name = models.CharField(_("nom"), max_length=100, blank=True)
    url = models.URLField(_("adresse de réception"), max_length=500)
    events = models.JSONField(_("événements"), default=list)
    secret = models.CharField(max_length=64, default=new_secret, editable=False)
    # The secret before the last rotation: deliveries carry its signature too until
    # ``previous_secret_expires_at`` (``settings.WEBHOOKS_SECRET_GRACE_HOURS`` after it).
    previous_secret = models.CharField(max_length=64, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(
        _("ancien secret accepté jusqu'au"), null=True, blank=True, editable=False
    )
    active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonnement webhook")
        verbose_name_plural = _("abonnements webhook")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name or self.url

    def signing_secrets(self, now) -> list[str]:
        """The secrets a delivery is signed with at ``now``: the current one, then the former
        one while its grace period runs."""
        if (
            self.previous_secret
            and self.previous_secret_expires_at
            and now < (self.previous_secret_expires_at)
        ):
            return [self.secret, self.previous_secret]
        return [self.secret]

    def event_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels[code]) for code in self.events if code in labels]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    SUCCEEDED = "succeeded", _("réussi")
    FAILED = "failed", _("échoué")


class Delivery(models.Model):
    """One event for one subscription. ``attempts`` counts the tries; a failed try sets
    ``next_attempt_at`` after a growing pause (``essaim.webhooks.delivery.BACKOFF``) until the
    last one, which marks it failed. A replay is a new row (``replay_of``) with the same event
    id, so that the receiver may recognise it."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(_("identifiant de l'événement"), default=uuid.uuid4)
    event_type = models.CharField(_("événement"), max_length=64, choices=EventType.choices)
    payload = models.JSONField(_("contenu"), default=dict)
    status = models.CharField(
        _("état"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(_("code de réponse"), null=True, blank=True)
    response_excerpt = models.TextField(_("réponse (extrait)"), blank=True)
    error = models.CharField(_("erreur"), max_length=255, blank=True)
    duration_ms = models.PositiveIntegerField(_("durée (ms)"), null=True, blank=True)
    replay_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replays"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("dernière tentative"), null=True, blank=True)

    class Meta:
        verbose_name = _("envoi webhook")
        verbose_name_plural = _("envois webhook")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription_id}"
