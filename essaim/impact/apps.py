from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    """Axis 5: indicators, indicator plans, reporting campaigns, measurements, aggregation and
    evaluation reports."""

    name = "essaim.impact"
    label = "impact"
    verbose_name = _("impact")
