"""``application_transition`` locks the application's row: two people taking the same transition
at once record it once; the second gets a clear "stale state" message. Real concurrency: two
threads, two PostgreSQL connections (skipped on SQLite, which has no row locks)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from essaim.applications.services import application_transition
from essaim.applications.tests.factories import ApplicationFactory, PersonFactory, complete, lead_of
from essaim.applications.workflow import Status
from essaim.core.models import HistoryEvent
from essaim.testing import run_while_holding

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
    first, error = run_while_holding(
        lambda: application_transition(application=application, user=first_user, name="submit"),
        lambda: application_transition(application=application, user=second_user, name="submit"),
    )
    assert not isinstance(first, Exception), first
    assert isinstance(error, ValidationError), error
    assert "la candidature est « déposée »" in str(error)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert HistoryEvent.objects.for_object(application).filter(action="submit").count() == 1
