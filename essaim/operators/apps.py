from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperatorsConfig(AppConfig):
    """Running the platform: programmes as portable data (``essaim programme export|import``)."""

    name = "essaim.operators"
    verbose_name = _("exploitation")
