from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabelsConfig(AppConfig):
    name = "essaim.labels"
    label = "labels"
    verbose_name = _("labels")

    def ready(self):
        from essaim.applications.hooks import application_links
        from essaim.calls.models import Wave, WaveStatus
        from essaim.core import history, jobs
        from essaim.labels import queries
        from essaim.labels.history import DecisionAction, LabelAction, WaveAction
        from essaim.labels.models import Decision, Label, LabelStatus, Outcome
        from essaim.labels.services_certificates import KIND, run_wave_certificates

        history.describe(Wave, actions=WaveAction, states=WaveStatus)
        history.describe(Decision, actions=DecisionAction, states=Outcome)
        history.describe(Label, actions=LabelAction, states=LabelStatus)
        application_links.register(queries.application_links)
        jobs.register(KIND, run_wave_certificates)
