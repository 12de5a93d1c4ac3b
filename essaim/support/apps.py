from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "essaim.support"
    label = "support"
    verbose_name = _("plans d'accompagnement")

    def ready(self):
        from essaim.applications.hooks import application_links
        from essaim.core import history, schedule
        from essaim.labels.hooks import label_granted
        from essaim.support import bridge, queries, services
        from essaim.support.history import ActionEvent, AxisAction, PlanAction
        from essaim.support.models import Action, PlanStatus, SupportAxis, SupportPlan
        from essaim.support.reminders import send_action_reminders
        from essaim.support.workflow import ActionStatus
        from essaim.synergies.hooks import company_space_sections, introduction_results_changed

        schedule.register("action_reminders", send_action_reminders, timedelta(days=1))
        # A granted label opens the territory's support plan, in the same transaction.
        label_granted.register(
            lambda *, label, user: services.support_plan_open(label=label, user=user)
        )
        history.describe(SupportPlan, actions=PlanAction, states=PlanStatus)
        history.describe(SupportAxis, actions=AxisAction)
        history.describe(Action, actions=ActionEvent, states=ActionStatus)
        application_links.register(queries.application_links)
        # Axis 6: the company's space shows its plans' actions; its reported results become
        # impact measurements (synergies and impact import nothing of each other).
        company_space_sections.register(bridge.company_section)
        introduction_results_changed.register(bridge.introduction_results_to_measurements)
