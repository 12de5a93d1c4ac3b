from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "essaim.support"
    label = "support"
    verbose_name = _("plans d'accompagnement")

    def ready(self):
        from essaim.core import schedule
        from essaim.support.reminders import send_action_reminders

        schedule.register("action_reminders", send_action_reminders, timedelta(days=1))
