"""What the history of offers, introductions and events records, in words
(``essaim.core.history``). The codes are the strings stored in ``HistoryEvent.action``: never
change one (old rows would lose their words)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfferAction(models.TextChoices):
    PUBLISHED = "published", _("offre publiée")
    UPDATED = "updated", _("offre modifiée")
    WITHDRAWN = "withdrawn", _("offre retirée")
    REPUBLISHED = "republished", _("offre publiée de nouveau")


class IntroductionAction(models.TextChoices):
    """What can happen to an introduction: each transition of
    ``synergies.workflow.TRANSITIONS`` is recorded under its name."""

    PROPOSED = "proposed", _("mise en relation proposée")
    ACCEPT = "accept", _("mise en relation acceptée")
    DECLINE = "decline", _("mise en relation déclinée")
    MARK_DONE = "mark_done", _("marquée comme réalisée")
    REPORTED = "reported", _("résultats de l'aide déclarés")


class EventAction(models.TextChoices):
    CREATED = "created", _("rencontre créée")
    UPDATED = "updated", _("rencontre modifiée")
    REGISTERED = "registered", _("inscription")
    UNREGISTERED = "unregistered", _("désinscription")
    ATTENDANCE = "attendance", _("présences relevées")


class ProjectRelationAction(models.TextChoices):
    ADDED = "added", _("relation du projet déclarée")
    FROM_INTRODUCTION = "from_introduction", _("relation née d'une mise en relation réalisée")
    ENDED = "ended", _("relation du projet terminée")
