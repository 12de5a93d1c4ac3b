"""What the history of support plans, their axes and actions records, in words
(``essaim.core.history``). The codes are the strings stored in ``HistoryEvent.action``: never
change one (old rows would lose their words)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanAction(models.TextChoices):
    """What can happen to a support plan (its milestones and meetings are recorded on it)."""

    OPENED = "support_plan_open", _("plan ouvert")
    MILESTONE_CREATED = "milestone_create", _("jalon ajouté")
    MILESTONE_REACHED = "milestone_reach", _("jalon atteint")
    MEETING_CREATED = "meeting_create", _("réunion ajoutée")


class AxisAction(models.TextChoices):
    CREATED = "created", _("axe créé")
    UPDATED = "updated", _("axe modifié")


class ActionEvent(models.TextChoices):
    """What can happen to an action of a plan: each transition of
    ``support.workflow.TRANSITIONS`` is recorded as ``action_<transition name>``."""

    CREATED = "action_create", _("action créée")
    UPDATED = "action_update", _("action modifiée")
    LINKED = "action_link", _("liens de l'action modifiés")
    STARTED = "action_start", _("action démarrée")
    COMPLETED = "action_complete", _("action réalisée")
    BLOCKED = "action_block", _("blocage signalé")
    UNBLOCKED = "action_unblock", _("action débloquée")
    DROPPED = "action_drop", _("action abandonnée")
    REOPENED = "action_reopen", _("action rouverte")
