from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabelsConfig(AppConfig):
    name = "essaim.labels"
    label = "labels"
    verbose_name = _("labels")

    def ready(self):
        from essaim.applications.hooks import application_links
        from essaim.calls.models import Wave, WaveStatus
        from essaim.core import history
        from essaim.labels import queries
        from essaim.labels.history import DecisionAction, LabelAction, WaveAction
        from essaim.labels.models import Decision, Label, LabelStatus, Outcome

        history.describe(Wave, actions=WaveAction, states=WaveStatus)
        history.describe(Decision, actions=DecisionAction, states=Outcome)
        history.describe(Label, actions=LabelAction, states=LabelStatus)
        application_links.register(queries.application_links)
