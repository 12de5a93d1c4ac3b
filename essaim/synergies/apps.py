from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SynergiesConfig(AppConfig):
    """Axes 4 and 6: the ecosystem network, engaged companies' offers matched to projects'
    needs, introductions and events between territories."""

    name = "essaim.synergies"
    label = "synergies"
    verbose_name = _("synergies")
