from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegulatoryConfig(AppConfig):
    name = "essaim.regulatory"
    label = "regulatory"
    verbose_name = _("guichet unique")
