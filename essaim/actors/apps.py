from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActorsConfig(AppConfig):
    name = "essaim.actors"
    label = "actors"
    verbose_name = _("acteurs")

    def ready(self) -> None:
        from essaim.actors.history import OrganisationAction, organisation_details
        from essaim.actors.models import Organisation
        from essaim.core import history

        history.describe(Organisation, actions=OrganisationAction, details=organisation_details)
