"""What the history of the portal's objects records, in words (``essaim.core.history``). The
codes are the strings stored in ``HistoryEvent.action``: never change one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NewsAction(models.TextChoices):
    CREATED = "news_create", _("actualité créée")
    UPDATED = "news_update", _("actualité modifiée")
    PUBLISHED = "news_publish", _("actualité publiée")
    UNPUBLISHED = "news_unpublish", _("actualité dépubliée")
