from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActorsConfig(AppConfig):
    name = "essaim.actors"
    label = "actors"
    verbose_name = _("acteurs")
