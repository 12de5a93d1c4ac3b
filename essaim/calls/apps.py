from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "essaim.calls"
    label = "calls"
    verbose_name = _("appels")

    def ready(self):
        from essaim.calls.history import CallAction, PartnerAction, ProgrammeAction
        from essaim.calls.models import Call, CallStatus, Programme, ProgrammePartner
        from essaim.core import history

        history.describe(Call, actions=CallAction, states=CallStatus)
        history.describe(ProgrammePartner, actions=PartnerAction)
        history.describe(Programme, actions=ProgrammeAction)
