"""What the history of impact objects records, in words (``essaim.core.history``). The codes are
the strings stored in ``HistoryEvent.action``: never change one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorAction(models.TextChoices):
    CREATED = "indicator_create", _("indicateur créé")
    UPDATED = "indicator_update", _("indicateur modifié")


class PlanAction(models.TextChoices):
    SAVED = "impact_plan_save", _("plan d'indicateur enregistré")


class CampaignAction(models.TextChoices):
    CREATED = "campaign_create", _("campagne créée")
    OPENED = "campaign_open", _("campagne ouverte")
    CLOSED = "campaign_close", _("campagne close")
    REMINDED = "campaign_remind", _("relance envoyée")


class MeasurementAction(models.TextChoices):
    RECORDED = "measurement_record", _("valeur saisie")
    FLAGGED = "measurement_flag", _("valeur signalée pour vérification")
    CORRECTED = "measurement_correct", _("valeur corrigée")
    CONFIRMED = "measurement_confirm", _("valeur confirmée après vérification")
    REJECTED = "measurement_reject", _("valeur écartée")
    PUBLISHED = "measurement_publish", _("valeur publiée")


class ReportAction(models.TextChoices):
    CREATED = "report_create", _("rapport créé")
    QUEUED = "report_queue", _("génération demandée")
    GENERATED = "report_generate", _("rapport généré")
    FAILED = "report_fail", _("échec de la génération")
    PUBLISHED = "report_publish", _("rapport publié")
    SECTION_SAVED = "report_section_save", _("section enregistrée")
    SECTION_DELETED = "report_section_delete", _("section supprimée")
