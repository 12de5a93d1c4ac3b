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
        from essaim.impact import public
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
        from essaim.labels.hooks import territory_page_links
        from essaim.projects.hooks import project_editor_sections

        territory_page_links.register(public.territory_links)
        project_editor_sections.register(public.project_section)
        schedule.register("impact_campaign_reminders", send_campaign_reminders, timedelta(days=1))
        history.describe(Indicator, actions=IndicatorAction)
        history.describe(IndicatorPlan, actions=PlanAction)
        history.describe(Campaign, actions=CampaignAction, states=CampaignStatus)
        history.describe(Report, actions=ReportAction, states=ReportStatus)
        history.describe(Measurement, actions=MeasurementAction, states=MeasurementStatus)
