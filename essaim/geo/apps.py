from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "essaim.geo"
    label = "geo"
    verbose_name = _("géographie")

    def ready(self) -> None:
        from essaim.core import history
        from essaim.geo.history import PerimeterAction, perimeter_details
        from essaim.geo.models import Perimeter

        history.describe(Perimeter, actions=PerimeterAction, details=perimeter_details)
