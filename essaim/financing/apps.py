from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancingConfig(AppConfig):
    name = "essaim.financing"
    label = "financing"
    verbose_name = _("financement")

    def ready(self):
        from essaim.core import history, schedule
        from essaim.financing.alerts import send_digests
        from essaim.financing.history import InstrumentAction, RequestAction
        from essaim.financing.models import FinancingRequest, Instrument
        from essaim.financing.services import grant_details
        from essaim.financing.views import project_section
        from essaim.financing.workflow import RequestStatus
        from essaim.projects.hooks import project_editor_sections

        schedule.register("financing_alerts", send_digests, timedelta(days=1))
        project_editor_sections.register(project_section)
        history.describe(Instrument, actions=InstrumentAction)
        history.describe(
            FinancingRequest,
            actions=RequestAction,
            states=RequestStatus,
            details=lambda event: grant_details(event.payload),
        )
