from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "essaim.reviews"
    label = "reviews"
    verbose_name = _("instruction et avis")

    def ready(self):
        from essaim.core import history, jobs, schedule
        from essaim.reviews.history import ReviewAction
        from essaim.reviews.models import ReviewRequest, ReviewStatus
        from essaim.reviews.services_exports import KIND, run_call_export
        from essaim.reviews.tasks import review_reminders_run

        history.describe(ReviewRequest, actions=ReviewAction, states=ReviewStatus)
        schedule.register("review_reminders", review_reminders_run, timedelta(days=1))
        jobs.register(KIND, run_call_export)
