from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Signed webhooks: partners subscribe to a programme's events (raised by the typed history
    of the domain apps, through core's ``history_recorded`` hook)."""

    name = "essaim.webhooks"
    label = "webhooks"
    verbose_name = _("webhooks")

    def ready(self):
        from essaim.core import history, schedule
        from essaim.webhooks.delivery import history_event_raised, retry_due
        from essaim.webhooks.history import SubscriptionAction
        from essaim.webhooks.models import Subscription
        from essaim.webhooks.services import former_secrets_drop

        history.describe(Subscription, actions=SubscriptionAction)
        history.history_recorded.register(history_event_raised)
        schedule.register("webhooks_retry_due", retry_due, timedelta(minutes=1))
        schedule.register("webhooks_former_secrets_drop", former_secrets_drop, timedelta(hours=1))
