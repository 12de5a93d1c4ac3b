"""Two programme admins deciding the same application at once: exactly one decision is recorded,
the other gets a clear message. Real concurrency: two threads, two PostgreSQL connections.

Skipped on SQLite: its in-memory test database is private to one connection, and SQLite has no row
locks (it serialises whole write transactions), so the race cannot be expressed there.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from essaim.applications.workflow import Status
from essaim.labels import services
from essaim.labels.models import Decision, Outcome
from essaim.labels.services import DecisionInput
from essaim.labels.tests.factories import ApplicationFactory, WaveFactory, programme_admin
from essaim.testing import blocked_on_lock

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-lock concurrency needs PostgreSQL"
    ),
]


def test_two_admins_deciding_at_once_record_exactly_one_decision():
    wave = WaveFactory(french_impact=True, number=1)
    application = ApplicationFactory(proposed=True, wave=wave)
    first_admin = programme_admin(wave.programme)
    second_admin = programme_admin(wave.programme)

    first_inside = threading.Event()
    let_first_commit = threading.Event()
    second_pid: list[int] = []
    outcomes: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                services.wave_decide(
                    wave=wave,
                    user=first_admin,
                    decisions=[DecisionInput(application.pk, Outcome.LABELLED, "Oui")],
                )
                first_inside.set()
                # Hold the locks until the second admin is seen waiting on them.
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
            services.wave_decide(
                wave=wave,
                user=second_admin,
                decisions=[DecisionInput(application.pk, Outcome.NOT_LABELLED, "Non")],
            )
            outcomes["second"] = "ok"
        except Exception as exc:
            outcomes["second"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    try:
        # Wait (bounded) until the second connection is blocked on the first one's lock.
        for _ in range(2000):
            if second_pid and blocked_on_lock(second_pid[0]):
                break
            if "second" in outcomes:
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
    assert "a déjà une décision" in str(error)
    assert application.reference in str(error)
    decision = Decision.objects.get(application=application)
    assert decision.outcome == Outcome.LABELLED
    assert decision.decided_by == first_admin
    application.refresh_from_db()
    assert application.status == Status.LABELLED
