from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "essaim.core"
    label = "core"
    verbose_name = _("socle")

    def ready(self):
        from django.core import checks

        from essaim.core import lookups
        from essaim.core.money import check_money_constraints

        lookups.register()
        checks.register(check_money_constraints, checks.Tags.models)
