from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "essaim.calls"
    label = "calls"
    verbose_name = _("appels")

    def ready(self):
        from essaim.calls.history import CallAction, ProgrammeAction
        from essaim.calls.models import Call, CallStatus, Programme
        from essaim.core import history

        history.describe(Call, actions=CallAction, states=CallStatus)
        history.describe(Programme, actions=ProgrammeAction)
