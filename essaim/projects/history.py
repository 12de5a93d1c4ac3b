"""What the history of a project records, in words (``essaim.core.history``). The codes are the
strings stored in ``HistoryEvent.action``: never change one (old rows would lose their words)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectAction(models.TextChoices):
    """What can happen to a project. Its states are those of its needs (``NeedStatus``): a
    need's status change is recorded on its project."""

    CREATED = "created", _("projet créé")
    UPDATED = "updated", _("projet modifié")
    NEED_ADDED = "need_added", _("besoin ajouté")
    NEED_STATUS = "need_status", _("état d'un besoin changé")
