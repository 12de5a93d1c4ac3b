from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperatorsConfig(AppConfig):
    """Running the platform: programmes as portable data (``essaim programme export|import``)."""

    name = "essaim.operators"
    verbose_name = _("exploitation")

    def ready(self):
        from essaim.operators.admin import register_every_model

        register_every_model()
