from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "essaim.core"
    label = "core"
    verbose_name = _("socle")

    def ready(self):
        from essaim.core import lookups

        lookups.register()
