from datetime import timedelta

import pytest
from django.utils import timezone

from essaim.core import schedule
from essaim.core.models import PeriodicRun

pytestmark = pytest.mark.django_db


def test_every_app_registers_its_periodic_jobs():
    assert set(schedule.BY_NAME) == {
        "review_reminders",
        "action_reminders",
        "financing_alerts",
        "ticket_reminders",
        "mailbox_poll",
        "idempotency_keys_purge",
        "background_jobs_purge",
        "impact_campaign_reminders",
        "webhooks_retry_due",
        "webhooks_former_secrets_drop",
    }
    for job in schedule.jobs():
        assert callable(job.target), job.name


def test_registering_a_name_twice_differently_is_refused():
    schedule.register(
        "review_reminders",
        schedule.BY_NAME["review_reminders"].target,
        schedule.BY_NAME["review_reminders"].every,
    )
    with pytest.raises(ValueError):
        schedule.register("review_reminders", _job, timedelta(days=1))


def test_due_jobs_are_enqueued_once_per_period(monkeypatch, django_capture_on_commit_callbacks):
    ran = []
    monkeypatch.setattr(
        schedule, "BY_NAME", {"a": schedule.Periodic("a", _job, timedelta(hours=1))}
    )
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


def test_run_periodic_runs_the_job_and_answers_its_result(monkeypatch):
    """The task runs the registered target and answers its result as text (the real review
    reminders job: ``essaim/reviews/tests/test_reminders.py``)."""
    monkeypatch.setattr(
        schedule,
        "BY_NAME",
        {"b": schedule.Periodic("b", lambda: {"soon": 1, "overdue": 2}, timedelta(days=1))},
    )
    assert schedule.run_periodic.call("b") == "{'soon': 1, 'overdue': 2}"


_RAN: list = []


def _job():
    _RAN.append(1)
    return len(_RAN)
