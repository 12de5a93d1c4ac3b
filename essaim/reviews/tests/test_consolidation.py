import pytest

from essaim.reviews.consolidation import consolidate
from essaim.reviews.models import ReviewStatus
from essaim.reviews.tests.factories import (
    ApplicationFactory,
    GridFactory,
    ReviewRequestFactory,
    submitted_review,
)

pytestmark = pytest.mark.django_db


def test_means_spread_weighted_total_and_disagreement():
    application = ApplicationFactory(
        in_review=True
    )  # grid 0–4, weights 1, 1, 2, disagreement from 2
    submitted_review(application, [4, 2, 3])
    submitted_review(application, [4, 4, 1])
    result = consolidate([application])[application.pk]
    assert result.review_count == 2
    first, second, third = result.criteria
    assert (first.marks, first.mean, first.spread, first.disagreement) == ([4, 4], 4, 0, False)
    assert (second.mean, second.spread, second.disagreement) == (3, 2, True)
    assert (third.mean, third.spread, third.disagreement) == (2, 2, True)
    # (1 × 4/4 + 1 × 3/4 + 2 × 2/4) / (1 + 1 + 2) = 2.75 / 4 → 68.75 out of 100
    assert result.total == pytest.approx(68.8, abs=0.05)
    assert result.disagreement
    assert result.recommendations == {"label": 2}


def test_spread_under_the_threshold_is_no_disagreement():
    application = ApplicationFactory(in_review=True)
    submitted_review(application, [3, 3, 3])
    submitted_review(application, [4, 2, 4])
    result = consolidate([application])[application.pk]
    assert not result.disagreement
    assert [c.spread for c in result.criteria] == [1, 1, 1]


def test_single_review_never_disagrees_and_normalises_to_100():
    call = GridFactory(reviewed=True, scale_min=1, scale_max=5, criteria=[3]).call
    application = ApplicationFactory(in_review=True, call=call)
    submitted_review(application, [5])
    result = consolidate([application])[application.pk]
    assert result.total == 100 and not result.disagreement
    other = ApplicationFactory(in_review=True, call=call)
    submitted_review(other, [1])
    assert consolidate([other])[other.pk].total == 0


def test_only_submitted_reviews_count():
    application = ApplicationFactory(in_review=True)
    submitted_review(application, [4, 4, 4])
    draft = ReviewRequestFactory(application=application, status=ReviewStatus.ACCEPTED)
    criteria = list(application.call.grid.criteria.all())
    draft.marks.create(criterion=criteria[0], mark=0)
    result = consolidate([application])[application.pk]
    assert result.review_count == 1
    assert result.criteria[0].marks == [4]
    assert result.total == 100


def test_application_without_reviews_or_grid():
    application = ApplicationFactory(in_review=True)
    result = consolidate([application])[application.pk]
    assert result.review_count == 0 and result.total is None and not result.disagreement
    assert [c.mean for c in result.criteria] == [None, None, None]
    application.call.grid.delete()
    result = consolidate([application.pk])[application.pk]
    assert result.criteria == [] and result.total is None
    assert consolidate([]) == {}


def test_query_count_does_not_grow_with_applications(django_assert_max_num_queries):
    grid = GridFactory(reviewed=True)
    applications = [ApplicationFactory(in_review=True, call=grid.call) for _ in range(30)]
    other_call_application = ApplicationFactory(in_review=True)  # a second call and grid
    for index, application in enumerate(applications):
        submitted_review(application, [index % 5, 4, 2])
        submitted_review(application, [4, index % 5, 2])
    submitted_review(other_call_application, [1, 1, 1])
    everything = [*applications, other_call_application]
    with django_assert_max_num_queries(2):
        result = consolidate(everything)
    assert len(result) == 31
    assert result[other_call_application.pk].total == 25
    with django_assert_max_num_queries(3):
        by_ids = consolidate([a.pk for a in everything])
    assert by_ids[applications[0].pk].total == result[applications[0].pk].total
    from essaim.applications.models import Application

    with django_assert_max_num_queries(3):
        consolidate(Application.objects.all())
