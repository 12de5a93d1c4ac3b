"""``application_transition`` locks the application's row: two people taking the same transition
at once record it once; the second gets a clear "stale state" message. Real concurrency: two
threads, two PostgreSQL connections (skipped on SQLite, which has no row locks)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from essaim.applications.services import application_transition, applying
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


def test_the_same_invitation_sent_twice_at_once_invites_once():
    """The API's retries without a key, or two tabs: the second waits for the first, then finds
    the address invited (a 422 naming it), where it would otherwise break the database's
    uniqueness (a 500)."""
    application = ApplicationFactory()
    lead = lead_of(application).user

    def invite():
        return applying.person_invite(user=lead, application=application, email="deux@example.org")

    first, error = run_while_holding(invite, invite)
    assert not isinstance(first, Exception), first
    assert isinstance(error, ValidationError) and "email" in error.message_dict, error
    assert application.people.filter(email="deux@example.org").count() == 1
