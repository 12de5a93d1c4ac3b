"""What the histories of waves, decisions and labels record (``essaim.core.history``; described
in ``LabelsConfig``). Waves are ``calls`` models; only the committee's steps change them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WaveAction(models.TextChoices):
    WAVE_CREATE = "wave_create", _("vague créée")
    WAVE_UPDATE = "wave_update", _("vague modifiée")
    WAVE_ADD_APPLICATIONS = "wave_add_applications", _("candidatures ajoutées")
    WAVE_DECIDE = "wave_decide", _("décisions enregistrées")
    WAVE_DECIDED = "wave_decided", _("toutes les décisions prises")
    WAVE_PUBLISH = "wave_publish", _("vague publiée")


class DecisionAction(models.TextChoices):
    DECIDE = "decide", _("décision enregistrée")


class LabelAction(models.TextChoices):
    LABEL_GRANT = "label_grant", _("label attribué")
    LABEL_REVOKE = "label_revoke", _("label révoqué")
