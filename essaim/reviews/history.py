"""What the history of an expert's review request records (``essaim.core.history``; described
in ``ReviewsConfig``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewAction(models.TextChoices):
    REQUEST = "request", _("avis demandé")
    # The workflow's transitions (``workflow.TRANSITIONS``: same codes, same words).
    DECLARE_CONFLICT = "declare_conflict", _("Déclarer un conflit d'intérêts")
    DECLARE_NO_CONFLICT = "declare_no_conflict", _("Déclarer l'absence de conflit d'intérêts")
    SUBMIT = "submit", _("Rendre l'avis")
    CANCEL = "cancel", _("Annuler la demande")
    REMINDER_SOON = "reminder_soon", _("relance avant la date limite")
    REMINDER_OVERDUE = "reminder_overdue", _("relance après la date limite")
