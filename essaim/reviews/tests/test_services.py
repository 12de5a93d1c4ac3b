import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from essaim.accounts.models import Role
from essaim.applications.workflow import Status
from essaim.core.models import HistoryEvent, Notification
from essaim.reviews import services
from essaim.reviews.models import CriterionMark, ReviewRequest, ReviewStatus
from essaim.reviews.tests.factories import (
    ApplicationFactory,
    ReviewRequestFactory,
    applicant,
    expert,
    staff,
)

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + datetime.timedelta(days=10)


def criteria_of(review):
    return list(review.application.call.grid.criteria.all())


def all_marks(review, values, comments=None):
    comments = comments or {}
    return {
        c.pk: (v, comments.get(i, ""))
        for i, (c, v) in enumerate(zip(criteria_of(review), values, strict=True))
    }


# --- Requests ------------------------------------------------------------------------------------


def test_instructor_asks_experts_who_are_notified(django_capture_on_commit_callbacks):
    application = ApplicationFactory(in_review=True)
    programme = application.call.programme
    instructor, first, second = staff(programme), expert(programme), expert(programme)
    with django_capture_on_commit_callbacks(execute=True):
        created = services.review_request_create(
            application=application, user=instructor, experts=[first, second], deadline=SOON
        )
    assert [r.status for r in created] == [ReviewStatus.REQUESTED] * 2
    assert Notification.objects.filter(user__in=[first, second]).count() == 2
    assert len(mail.outbox) == 2
    # The notice names the territory and the deadline, never the application's content.
    assert str(application.perimeter) in mail.outbox[0].body
    assert application.summary not in mail.outbox[0].body
    event = HistoryEvent.objects.for_object(created[0]).get()
    assert (event.action, event.to_state, event.actor) == ("request", "requested", instructor)


@pytest.mark.parametrize("role", [None, Role.EXPERT, Role.TERRITORY_LEAD])
def test_only_programme_staff_ask(role):
    application = ApplicationFactory(in_review=True)
    programme = application.call.programme
    if role == Role.EXPERT:
        user = expert(programme)
    elif role == Role.TERRITORY_LEAD:
        user = applicant(application)
    else:
        user = staff(
            ApplicationFactory(in_review=True).call.programme
        )  # staff of another programme
    with pytest.raises(PermissionDenied):
        services.review_request_create(
            application=application, user=user, experts=[expert(programme)], deadline=SOON
        )
    assert not ReviewRequest.objects.exists()


def test_request_refuses_non_experts_past_deadlines_and_duplicates():
    application = ApplicationFactory(in_review=True)
    programme = application.call.programme
    instructor, reviewer = staff(programme), expert(programme)
    with pytest.raises(ValidationError) as error:
        services.review_request_create(
            application=application, user=instructor, experts=[staff(programme)], deadline=SOON
        )
    assert "n'est pas expert" in error.value.message_dict["experts"][0]
    with pytest.raises(ValidationError) as error:
        services.review_request_create(
            application=application,
            user=instructor,
            experts=[reviewer],
            deadline=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert "deadline" in error.value.message_dict
    services.review_request_create(
        application=application, user=instructor, experts=[reviewer], deadline=SOON
    )
    with pytest.raises(ValidationError) as error:
        services.review_request_create(
            application=application, user=instructor, experts=[reviewer], deadline=SOON
        )
    assert "déjà demandé" in error.value.message_dict["experts"][0]
    assert ReviewRequest.objects.count() == 1


def test_request_refused_on_a_draft():
    application = ApplicationFactory(in_review=True, status=Status.DRAFT)
    programme = application.call.programme
    with pytest.raises(ValidationError):
        services.review_request_create(
            application=application,
            user=staff(programme),
            experts=[expert(programme)],
            deadline=SOON,
        )


# --- Conflict of interest ------------------------------------------------------------------------


def test_declaring_no_conflict_opens_the_content():
    review = ReviewRequestFactory()
    assert not review.content_open
    review = services.review_declare_no_conflict(review=review, user=review.expert)
    assert review.status == ReviewStatus.ACCEPTED and review.content_open
    assert review.conflict_declared_at is not None
    event = HistoryEvent.objects.for_object(review).get()
    assert (event.from_state, event.to_state) == ("requested", "accepted")


def test_declaring_a_conflict_closes_the_request_and_tells_the_instructor():
    review = ReviewRequestFactory()
    with pytest.raises(ValidationError) as error:
        services.review_declare_conflict(review=review, user=review.expert, details="  ")
    assert "details" in error.value.message_dict
    review = services.review_declare_conflict(
        review=review, user=review.expert, details="J'ai conseillé ce collectif en 2018."
    )
    assert review.status == ReviewStatus.CONFLICT and not review.content_open
    assert Notification.objects.filter(user=review.requested_by).exists()
    # After a conflict, nothing more: neither no-conflict nor an opinion.
    with pytest.raises(ValidationError):
        services.review_declare_no_conflict(review=review, user=review.expert)
    with pytest.raises(ValidationError):
        services.review_submit(
            review=review,
            user=review.expert,
            marks=all_marks(review, [3, 3, 3]),
            recommendation="label",
            comment="x",
        )
    review.refresh_from_db()
    assert review.status == ReviewStatus.CONFLICT
    assert not CriterionMark.objects.exists()


def test_only_the_named_expert_declares():
    review = ReviewRequestFactory()
    other = expert(review.application.call.programme)
    with pytest.raises(PermissionDenied):
        services.review_declare_no_conflict(review=review, user=other)
    with pytest.raises(PermissionDenied):
        services.review_declare_no_conflict(review=review, user=review.requested_by)
    review.refresh_from_db()
    assert review.status == ReviewStatus.REQUESTED


def test_opinion_refused_before_the_declaration():
    review = ReviewRequestFactory()
    with pytest.raises(ValidationError) as error:
        services.review_save_draft(
            review=review, user=review.expert, marks=all_marks(review, [3, 3, 3])
        )
    assert "Déclarez d'abord" in error.value.message_dict["status"][0]
    assert not CriterionMark.objects.exists()


# --- Opinion -------------------------------------------------------------------------------------


@pytest.fixture
def accepted():
    review = ReviewRequestFactory(status=ReviewStatus.ACCEPTED)
    return review


def test_draft_saves_partial_marks_then_submit_completes(accepted):
    first, second, third = criteria_of(accepted)
    services.review_save_draft(
        review=accepted, user=accepted.expert, marks={first.pk: (3, "")}, comment="en cours"
    )
    assert CriterionMark.objects.get().mark == 3
    accepted.refresh_from_db()
    assert accepted.status == ReviewStatus.ACCEPTED and accepted.comment == "en cours"
    review = services.review_submit(
        review=accepted,
        user=accepted.expert,
        marks=all_marks(accepted, [4, 1, 3], {1: "Gouvernance floue."}),
        recommendation="label_with_reservations",
        comment="Solide.",
    )
    assert review.status == ReviewStatus.SUBMITTED and review.submitted_at
    assert sorted(review.marks.values_list("mark", flat=True)) == [1, 3, 4]
    assert HistoryEvent.objects.for_object(review).filter(action="submit").count() == 1
    with pytest.raises(ValidationError):
        services.review_save_draft(review=review, user=review.expert, marks={first.pk: (0, "")})


def test_draft_checks_the_scale_too(accepted):
    first = criteria_of(accepted)[0]
    with pytest.raises(ValidationError) as error:
        services.review_save_draft(review=accepted, user=accepted.expert, marks={first.pk: (7, "")})
    assert "entre 0 et 4" in error.value.message_dict[f"mark_{first.pk}"][0]


@pytest.mark.parametrize("bad", [-1, 5, "trois"])
def test_marks_outside_the_scale_name_the_criterion(accepted, bad):
    second = criteria_of(accepted)[1]
    with pytest.raises(ValidationError) as error:
        services.review_submit(
            review=accepted,
            user=accepted.expert,
            marks=all_marks(accepted, [3, bad, 3]),
            recommendation="label",
            comment="x",
        )
    assert "« Critère 2 »" in error.value.message_dict[f"mark_{second.pk}"][0]
    accepted.refresh_from_db()
    assert accepted.status == ReviewStatus.ACCEPTED
    assert not CriterionMark.objects.exists()


def test_comment_required_under_the_threshold_names_the_criterion(accepted):
    third = criteria_of(accepted)[2]
    with pytest.raises(ValidationError) as error:
        services.review_submit(
            review=accepted,
            user=accepted.expert,
            marks=all_marks(accepted, [2, 2, 1]),
            recommendation="not_label",
            comment="x",
        )
    assert list(error.value.message_dict) == [f"comment_{third.pk}"]
    assert "« Critère 3 »" in error.value.message_dict[f"comment_{third.pk}"][0]
    assert "inférieure à 2" in error.value.message_dict[f"comment_{third.pk}"][0]
    # A mark at the threshold needs no comment.
    services.review_submit(
        review=accepted,
        user=accepted.expert,
        marks=all_marks(accepted, [2, 2, 2]),
        recommendation="not_label",
        comment="x",
    )


def test_submit_requires_every_mark_a_recommendation_and_a_comment(accepted):
    first = criteria_of(accepted)[0]
    with pytest.raises(ValidationError) as error:
        services.review_submit(
            review=accepted,
            user=accepted.expert,
            marks={first.pk: (3, "")},
            recommendation="",
            comment="",
        )
    errors = error.value.message_dict
    assert {"recommendation", "comment"} <= set(errors)
    assert len([k for k in errors if k.startswith("mark_")]) == 2


def test_unknown_criterion_refused(accepted):
    other = ReviewRequestFactory(status=ReviewStatus.ACCEPTED)
    foreign = criteria_of(other)[0]
    with pytest.raises(ValidationError) as error:
        services.review_save_draft(
            review=accepted, user=accepted.expert, marks={foreign.pk: (3, "")}
        )
    assert "marks" in error.value.message_dict


def test_another_expert_cannot_write(accepted):
    other = expert(accepted.application.call.programme)
    with pytest.raises(PermissionDenied):
        services.review_save_draft(
            review=accepted, user=other, marks=all_marks(accepted, [1, 1, 1])
        )
    assert not CriterionMark.objects.exists()


# --- Cancel --------------------------------------------------------------------------------------


def test_instructor_cancels_pending_or_accepted(accepted):
    programme = accepted.application.call.programme
    with pytest.raises(PermissionDenied):
        services.review_cancel(review=accepted, user=accepted.expert)
    review = services.review_cancel(review=accepted, user=staff(programme), comment="Trop tard")
    assert review.status == ReviewStatus.CANCELLED
    with pytest.raises(ValidationError):
        services.review_cancel(review=review, user=staff(programme))
    # A cancelled request frees the expert for a new one.
    services.review_request_create(
        application=review.application,
        user=staff(programme),
        experts=[review.expert],
        deadline=SOON,
    )


def test_submitted_opinion_cannot_be_cancelled():
    review = ReviewRequestFactory(status=ReviewStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        services.review_cancel(review=review, user=staff(review.application.call.programme))


def test_a_concurrent_duplicate_request_is_a_clear_error(monkeypatch):
    application = ApplicationFactory(in_review=True)
    programme = application.call.programme
    instructor, reviewer = staff(programme), expert(programme)
    # The other instructor's request lands between our check and our insert.
    ReviewRequestFactory(application=application, expert=reviewer)
    monkeypatch.setattr(
        ReviewRequest.objects, "filter", lambda *a, **k: ReviewRequest.objects.none()
    )
    with pytest.raises(ValidationError) as error:
        services.review_request_create(
            application=application, user=instructor, experts=[reviewer], deadline=SOON
        )
    assert "déjà demandé" in error.value.message_dict["experts"][0]
