from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "essaim.applications"
    label = "applications"
    verbose_name = _("candidatures")

    def ready(self):
        from essaim.applications import services
        from essaim.applications.history import ApplicationAction
        from essaim.applications.models import Application
        from essaim.applications.workflow import Status
        from essaim.calls import hooks as calls_hooks
        from essaim.core import history

        history.describe(Application, actions=ApplicationAction, states=Status)
        calls_hooks.form_version_drafts.register(services.drafts_affected_by)
        calls_hooks.form_version_published.register(services.drafts_move_to)
        history.history_recorded.register(services.summary.history_recorded)
