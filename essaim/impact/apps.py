from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    """Axis 5: indicators, indicator plans, reporting campaigns, measurements, aggregation and
    evaluation reports."""

    name = "essaim.impact"
    label = "impact"
    verbose_name = _("impact")

    def ready(self):
        from essaim.core import history, schedule
        from essaim.impact.history import (
            CampaignAction,
            IndicatorAction,
            MeasurementAction,
            PlanAction,
            ReportAction,
        )
        from essaim.impact.models import (
            Campaign,
            CampaignStatus,
            Indicator,
            IndicatorPlan,
            Measurement,
            MeasurementStatus,
            Report,
            ReportStatus,
        )
        from essaim.impact.reminders import send_campaign_reminders

        schedule.register("impact_campaign_reminders", send_campaign_reminders, timedelta(days=1))
        history.describe(Indicator, actions=IndicatorAction)
        history.describe(IndicatorPlan, actions=PlanAction)
        history.describe(Campaign, actions=CampaignAction, states=CampaignStatus)
        history.describe(Report, actions=ReportAction, states=ReportStatus)
        history.describe(Measurement, actions=MeasurementAction, states=MeasurementStatus)
