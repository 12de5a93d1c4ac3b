from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "essaim.portal"
    label = "portal"
    verbose_name = _("portail")

    def ready(self):
        from essaim.core import history
        from essaim.portal.history import NewsAction
        from essaim.portal.models import NewsPost, NewsStatus

        history.describe(NewsPost, actions=NewsAction, states=NewsStatus)
