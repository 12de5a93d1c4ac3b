import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from essaim.core import schedule
from essaim.core.models import Notification
from essaim.reviews.models import ReviewStatus
from essaim.reviews.services import review_reminders_send
from essaim.reviews.tasks import send_review_reminders
from essaim.reviews.tests.factories import ReviewRequestFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 10)


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


def test_the_periodic_job_reminds_with_the_real_service(django_capture_on_commit_callbacks):
    today = timezone.localdate()
    soon = ReviewRequestFactory(deadline=today + datetime.timedelta(days=2))
    late = ReviewRequestFactory(deadline=today - datetime.timedelta(days=1))
    ReviewRequestFactory(deadline=today + datetime.timedelta(days=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.run_periodic.call("review_reminders") == "{'soon': 1, 'overdue': 1}"
    assert Notification.objects.filter(user=soon.expert, title__startswith="Rappel").count() == 1
    assert Notification.objects.filter(user=late.expert, title__startswith="Relance").count() == 1
    # Run again the same day: nobody is reminded twice.
    assert schedule.run_periodic.call("review_reminders") == "{'soon': 0, 'overdue': 0}"


def test_reminder_before_the_deadline_once(django_capture_on_commit_callbacks):
    soon = ReviewRequestFactory(deadline=day(2))
    far = ReviewRequestFactory(deadline=day(10))
    with django_capture_on_commit_callbacks(execute=True):
        assert review_reminders_send(today=TODAY, days_before=3) == {"soon": 1, "overdue": 0}
    assert Notification.objects.filter(user=soon.expert, title__startswith="Rappel").count() == 1
    assert not Notification.objects.filter(user=far.expert).exists()
    assert len(mail.outbox) == 1 and "Rappel" in mail.outbox[0].subject
    # Same day, next day: nothing more before the deadline.
    assert review_reminders_send(today=TODAY, days_before=3) == {"soon": 0, "overdue": 0}
    soon.refresh_from_db()
    soon.last_reminder_at = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(9)))
    soon.save()
    assert review_reminders_send(today=day(1), days_before=3) == {"soon": 0, "overdue": 0}


def test_overdue_reminders_after_the_deadline_then_weekly():
    late = ReviewRequestFactory(deadline=day(-1), status=ReviewStatus.ACCEPTED)
    assert review_reminders_send(today=TODAY) == {"soon": 0, "overdue": 1}
    assert review_reminders_send(today=TODAY) == {"soon": 0, "overdue": 0}  # once a day
    late.refresh_from_db()
    assert timezone.localdate(late.last_reminder_at) == timezone.localdate()
    # Pretend that reminder went out on TODAY: nothing on day 3, again a week later.
    late.last_reminder_at = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(9)))
    late.save()
    assert review_reminders_send(today=day(3)) == {"soon": 0, "overdue": 0}
    assert review_reminders_send(today=day(7)) == {"soon": 0, "overdue": 1}
    assert Notification.objects.filter(user=late.expert, title__startswith="Relance").count() == 2


def test_an_overdue_reminder_follows_a_before_reminder():
    review = ReviewRequestFactory(deadline=day(0))
    assert review_reminders_send(today=TODAY) == {"soon": 1, "overdue": 0}
    review.refresh_from_db()
    review.last_reminder_at = timezone.make_aware(
        datetime.datetime.combine(TODAY, datetime.time(9))
    )
    review.save()
    assert review_reminders_send(today=day(1)) == {"soon": 0, "overdue": 1}


@pytest.mark.parametrize(
    "status", [ReviewStatus.SUBMITTED, ReviewStatus.CONFLICT, ReviewStatus.CANCELLED]
)
def test_closed_requests_are_never_reminded(status):
    ReviewRequestFactory(deadline=day(-3), status=status)
    ReviewRequestFactory(deadline=day(1), status=status)
    assert review_reminders_send(today=TODAY) == {"soon": 0, "overdue": 0}
    assert not Notification.objects.exists()


def test_command_and_task_are_idempotent_per_day():
    today = timezone.localdate()
    review = ReviewRequestFactory(deadline=today - datetime.timedelta(days=2))
    out = io.StringIO()
    call_command("send_review_reminders", stdout=out)
    assert "0 before the deadline, 1 overdue" in out.getvalue()
    result = send_review_reminders.enqueue()  # the immediate backend runs it now
    assert result.return_value == {"soon": 0, "overdue": 0}
    assert Notification.objects.filter(user=review.expert).count() == 1
