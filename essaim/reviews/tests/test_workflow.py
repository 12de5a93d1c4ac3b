from essaim.reviews import workflow
from essaim.reviews.models import ReviewStatus


def test_table_is_the_documented_one():
    table = {(t.name, tuple(sorted(t.source)), t.target, t.actor) for t in workflow.TRANSITIONS}
    assert table == {
        ("declare_conflict", ("requested",), "conflict", "expert"),
        ("declare_no_conflict", ("requested",), "accepted", "expert"),
        ("submit", ("accepted",), "submitted", "expert"),
        ("cancel", ("accepted", "requested"), "cancelled", "instructor"),
    }


def test_final_states_have_no_way_out():
    for status in (ReviewStatus.CONFLICT, ReviewStatus.SUBMITTED, ReviewStatus.CANCELLED):
        assert workflow.transitions_from(status) == []


def test_every_state_is_reachable():
    targets = {t.target for t in workflow.TRANSITIONS} | {ReviewStatus.REQUESTED}
    assert targets == set(ReviewStatus.values)
