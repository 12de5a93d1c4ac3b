"""``application_transition`` locks the application's row: two people taking the same transition
at once record it once; the second gets a clear "stale state" message. Real concurrency: two
threads, two PostgreSQL connections (skipped on SQLite, which has no row locks)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from essaim.applications.services import application_transition
from essaim.applications.tests.factories import ApplicationFactory, PersonFactory, complete, lead_of
from essaim.applications.workflow import Status
from essaim.core.models import HistoryEvent
from essaim.testing import blocked_on_lock

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-lock concurrency needs PostgreSQL"
    ),
]


def test_two_signatories_submitting_at_once_submit_once():
    application = complete(ApplicationFactory())
    first_user = lead_of(application).user
    second_user = PersonFactory(application=application, is_signatory=True).user
    first_inside, let_first_commit = threading.Event(), threading.Event()
    second_pid: list[int] = []
    outcomes: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                application_transition(application=application, user=first_user, name="submit")
                first_inside.set()
                assert let_first_commit.wait(timeout=20)
            outcomes["first"] = "ok"
        except Exception as exc:  # reported below
            outcomes["first"] = exc
            first_inside.set()
        finally:
            connections.close_all()

    def second():
        try:
            assert first_inside.wait(timeout=20)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            application_transition(application=application, user=second_user, name="submit")
            outcomes["second"] = "ok"
        except Exception as exc:
            outcomes["second"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(2000):
            if (second_pid and blocked_on_lock(second_pid[0])) or "second" in outcomes:
                break
            threading.Event().wait(0.01)
        assert second_pid and blocked_on_lock(second_pid[0]), outcomes
    finally:
        let_first_commit.set()
        for thread in threads:
            thread.join(timeout=30)

    assert outcomes["first"] == "ok"
    error = outcomes["second"]
    assert isinstance(error, ValidationError), error
    assert "la candidature est « déposée »" in str(error)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert HistoryEvent.objects.for_object(application).filter(action="submit").count() == 1
