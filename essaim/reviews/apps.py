from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "essaim.reviews"
    label = "reviews"
    verbose_name = _("instruction et avis")

    def ready(self):
        from essaim.core import schedule
        from essaim.reviews.tasks import review_reminders_run

        schedule.register("review_reminders", review_reminders_run, timedelta(days=1))
