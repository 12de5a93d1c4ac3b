"""What the history of a perimeter records (``essaim.core.history``)."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PerimeterAction(models.TextChoices):
    CREATED = "perimeter.created", _("création")
    UPDATED = "perimeter.updated", _("modification")


def perimeter_details(event) -> str:
    """How many communes the perimeter counts (before → after when it changed)."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    count = payload.get("commune_count")
    if count is None:
        return ""
    if isinstance(count, list | tuple):
        count = " → ".join(str(n) for n in count)
    return gettext("communes : %(count)s") % {"count": count}
