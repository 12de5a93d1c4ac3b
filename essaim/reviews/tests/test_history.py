import pytest

from essaim.calls.tests.history_check import assert_history_in_words
from essaim.reviews import workflow
from essaim.reviews.history import ReviewAction
from essaim.reviews.models import ReviewStatus
from essaim.reviews.tests.factories import ReviewRequestFactory

pytestmark = pytest.mark.django_db


def test_every_action_of_a_review_request_reads_in_words():
    assert_history_in_words(ReviewRequestFactory(), actions=ReviewAction, states=ReviewStatus)


def test_every_transition_has_its_words():
    assert {t.name for t in workflow.TRANSITIONS} <= set(ReviewAction.values)
