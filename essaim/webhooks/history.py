"""What can happen to a webhook subscription (its deliveries are logged in their own rows)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubscriptionAction(models.TextChoices):
    CREATED = "webhook_create", _("abonnement créé")
    UPDATED = "webhook_update", _("abonnement modifié")
    DEACTIVATED = "webhook_deactivate", _("abonnement désactivé")
    REPLAYED = "webhook_replay", _("envoi rejoué")
    SECRET_ROTATED = "webhook_secret_rotate", _("secret de signature renouvelé")
