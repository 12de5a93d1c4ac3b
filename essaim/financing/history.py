"""What the history of instruments and financing requests records, in words
(``essaim.core.history``). The codes are the strings stored in ``HistoryEvent.action``: never
change one (old rows would lose their words)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstrumentAction(models.TextChoices):
    CREATED = "created", _("créé")
    UPDATED = "updated", _("modifié")


class RequestAction(models.TextChoices):
    """What can happen to a financing request: it is sent, then each transition of
    ``financing.workflow.TRANSITIONS`` is recorded under the transition's name."""

    SENT = "sent", _("demande envoyée")
    START_REVIEW = "start_review", _("mise en instruction")
    GRANT = "grant", _("demande accordée")
    DECLINE = "decline", _("demande refusée")
    DISBURSE = "disburse", _("fonds versés")
    WITHDRAW = "withdraw", _("demande retirée")
