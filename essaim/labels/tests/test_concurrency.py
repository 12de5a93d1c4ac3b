"""Two programme admins deciding the same application at once: exactly one decision is recorded,
the other gets a clear message. Real concurrency: two threads, two PostgreSQL connections.

Skipped on SQLite: its in-memory test database is private to one connection, and SQLite has no row
locks (it serialises whole write transactions), so the race cannot be expressed there.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from essaim.applications.workflow import Status
from essaim.labels import services
from essaim.labels.models import Decision, Outcome
from essaim.labels.services import DecisionInput
from essaim.labels.tests.factories import ApplicationFactory, WaveFactory, programme_admin
from essaim.testing import run_while_holding

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

    def decide(admin, outcome, motivation):
        return services.wave_decide(
            wave=wave, user=admin, decisions=[DecisionInput(application.pk, outcome, motivation)]
        )

    # The second admin's decision waits on the first one's locks, then is refused.
    first, error = run_while_holding(
        lambda: decide(first_admin, Outcome.LABELLED, "Oui"),
        lambda: decide(second_admin, Outcome.NOT_LABELLED, "Non"),
    )
    assert not isinstance(first, Exception), first
    assert isinstance(error, ValidationError), error
    assert "a déjà une décision" in str(error)
    assert application.reference in str(error)
    decision = Decision.objects.get(application=application)
    assert decision.outcome == Outcome.LABELLED
    assert decision.decided_by == first_admin
    application.refresh_from_db()
    assert application.status == Status.LABELLED
