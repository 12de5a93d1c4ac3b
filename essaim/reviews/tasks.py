from django.conf import settings
from django.tasks import task

from essaim.reviews.services import review_reminders_send


def review_reminders_run() -> dict[str, int]:
    """Remind experts of opinions due soon or overdue (idempotent per day); the periodic job."""
    return review_reminders_send(days_before=reminder_days_before())


@task()
def send_review_reminders() -> dict[str, int]:
    return review_reminders_run()


def reminder_days_before() -> int:
    return int(getattr(settings, "ESSAIM_REVIEW_REMINDER_DAYS_BEFORE", 3))
