from datetime import timedelta

import pytest
from django.utils import timezone

from essaim.core import schedule
from essaim.core.models import PeriodicRun

pytestmark = pytest.mark.django_db


def test_every_job_target_resolves():
    for job in schedule.PERIODIC:
        assert callable(schedule._resolve(job.target)), job.name


def test_due_jobs_are_enqueued_once_per_period(monkeypatch, django_capture_on_commit_callbacks):
    ran = []
    monkeypatch.setattr(
        schedule,
        "BY_NAME",
        {"a": schedule.Periodic("a", "essaim.core.tests.test_schedule:_job", timedelta(hours=1))},
    )
    monkeypatch.setattr(schedule, "PERIODIC", tuple(schedule.BY_NAME.values()))
    monkeypatch.setattr("essaim.core.tests.test_schedule._RAN", ran)
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.enqueue_due(now) == ["a"]
    assert ran == [1]
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.enqueue_due(now + timedelta(minutes=59)) == []
    assert ran == [1]
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.enqueue_due(now + timedelta(minutes=61)) == ["a"]
    assert ran == [1, 1]
    assert PeriodicRun.objects.get(name="a").last_enqueued_at == now + timedelta(minutes=61)


def test_review_reminders_job_runs(django_capture_on_commit_callbacks):
    result = schedule.run_periodic.call("review_reminders")
    assert "reminded" in result or "{" in result


_RAN: list = []


def _job():
    _RAN.append(1)
    return len(_RAN)
