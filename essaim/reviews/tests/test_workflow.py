"""The review workflow exercised through its services: from every state, each transition either
moves the request to the table's target and records it in the history, or is refused and changes
nothing."""

import pytest
from django.core.exceptions import ValidationError

from essaim.core.models import HistoryEvent
from essaim.reviews import services, workflow
from essaim.reviews.models import CriterionMark, ReviewRequest, ReviewStatus
from essaim.reviews.tests.factories import ReviewRequestFactory
from essaim.testing import table_state

pytestmark = pytest.mark.django_db


def _take(review: ReviewRequest, name: str) -> ReviewRequest:
    """Take transition ``name`` through its service, as the actor the table names."""
    if name == "declare_conflict":
        return services.review_declare_conflict(
            review=review, user=review.expert, details="Je préside l'association chef de file."
        )
    if name == "declare_no_conflict":
        return services.review_declare_no_conflict(review=review, user=review.expert)
    if name == "submit":
        marks = {c.pk: (3, "") for c in review.application.call.grid.criteria.all()}
        return services.review_submit(
            review=review, user=review.expert, marks=marks, recommendation="label", comment="Avis"
        )
    assert name == "cancel"
    return services.review_cancel(review=review, user=review.requested_by, comment="Doublon")


def test_every_transition_of_the_table_has_a_service():
    assert {t.name for t in workflow.TRANSITIONS} == {
        "declare_conflict",
        "declare_no_conflict",
        "submit",
        "cancel",
    }


ALLOWED = [
    (status, t.name)
    for t in workflow.TRANSITIONS
    for status in ReviewStatus.values
    if status in t.source
]
REFUSED = [
    (status, t.name)
    for t in workflow.TRANSITIONS
    for status in ReviewStatus.values
    if status not in t.source
]


@pytest.mark.parametrize(("status", "name"), ALLOWED)
def test_an_allowed_transition_moves_the_state_and_records_it(status, name):
    review = ReviewRequestFactory(status=status)
    _take(review, name)
    review.refresh_from_db()
    target = workflow.BY_NAME[name].target
    assert review.status == target
    event = HistoryEvent.objects.for_object(review).get(action=name)
    assert (event.from_state, event.to_state) == (status, target)


@pytest.mark.parametrize(("status", "name"), REFUSED)
def test_a_refused_transition_raises_and_changes_nothing(status, name):
    review = ReviewRequestFactory(status=status)
    before = table_state(ReviewRequest, CriterionMark)
    with pytest.raises(ValidationError) as refused:
        _take(review, name)
    assert "status" in refused.value.message_dict
    assert table_state(ReviewRequest, CriterionMark) == before


def test_final_states_have_no_way_out():
    for status in (ReviewStatus.CONFLICT, ReviewStatus.SUBMITTED, ReviewStatus.CANCELLED):
        assert workflow.transitions_from(status) == []
