import pytest

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.applications import queries, workflow
from essaim.applications.history import ApplicationAction
from essaim.applications.tests.factories import ApplicationFactory
from essaim.applications.workflow import ApplicantStatus, Status
from essaim.calls.tests.history_check import assert_history_in_words
from essaim.core import history
from essaim.core.services import history_record

pytestmark = pytest.mark.django_db


def test_every_action_of_an_application_reads_in_words():
    assert_history_in_words(ApplicationFactory(), actions=ApplicationAction, states=Status)


def test_every_transition_has_its_words():
    assert {t.name for t in workflow.TRANSITIONS} <= set(ApplicationAction.values)


def test_the_applicants_read_their_states_in_words_without_internal_comments():
    application = ApplicationFactory(status=Status.PROPOSED)
    history_record(
        obj=application,
        user=None,
        action=ApplicationAction.PROPOSE,
        from_state=Status.IN_REVIEW,
        to_state=Status.PROPOSED,
        comment="Note pour le comité seulement",
        comment_internal=True,
    )
    lead = UserFactory()
    instructor = UserFactory()
    Membership.objects.create(
        user=instructor, role=Role.INSTRUCTOR, programme=application.call.programme
    )
    [seen] = queries.history_rows_visible_to(lead, application)
    assert seen.to_label == str(ApplicantStatus(seen.event.to_state).label)
    assert seen.to_label != str(history.UNKNOWN_CODE) and seen.comment == ""
    [staff] = queries.history_rows_visible_to(instructor, application)
    assert staff.comment == "Note pour le comité seulement" and staff.comment_internal
