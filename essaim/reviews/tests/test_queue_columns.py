"""The columns the instruction queue reads instead of a subquery per row (the thread's last
message, the resubmission, the expert requests' deadline and counts) are right after each
service that changes them, and a stale object saved later does not put old values back."""

import datetime

import pytest
from django.utils import timezone

from essaim.applications.models import Application
from essaim.applications.services import application_transition, applying, snapshot
from essaim.applications.workflow import Status
from essaim.core.models import HistoryEvent
from essaim.reviews import services
from essaim.reviews.tests.factories import (
    ApplicationFactory,
    GridFactory,
    applicant,
    expert,
    staff,
    with_challenge,
    with_collective,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


@pytest.fixture
def call():
    return GridFactory(reviewed=True).call


def fresh(application) -> Application:
    return Application.objects.get(pk=application.pk)


def test_posting_a_message_dates_the_thread_and_says_who_wrote_last(call):
    application = ApplicationFactory(in_review=True, call=call, status=Status.IN_REVIEW)
    instructor, lead = staff(call.programme), applicant(application)
    assert fresh(application).last_message_at is None
    first = applying.message_post(user=lead, application=application, body="Voici")
    row = fresh(application)
    assert (row.last_message_at, row.last_message_from_staff) == (first.created_at, False)
    answer = applying.message_post(user=instructor, application=application, body="Merci")
    row = fresh(application)
    assert (row.last_message_at, row.last_message_from_staff) == (answer.created_at, True)
    # A comment addressed to the applicant is a message of the thread too.
    application_transition(
        application=application, user=instructor, name="request_changes", comment="Précisez."
    )
    row = fresh(application)
    latest = application.messages.latest("created_at", "pk")
    assert latest.body == "Précisez."
    assert (row.last_message_at, row.last_message_from_staff) == (latest.created_at, True)


def test_a_resubmission_is_dated_and_a_stale_save_keeps_it(call):
    application = ApplicationFactory(in_review=True, call=call, status=Status.SUBMITTED)
    with_challenge(application)
    with_collective(application)
    lead, instructor = applicant(application), staff(call.programme)
    Application.objects.filter(pk=application.pk).update(submitted_snapshot=snapshot(application))
    application_transition(
        application=application, user=instructor, name="request_changes", comment="Précisez."
    )
    stale = fresh(application)
    assert stale.resubmitted_at is None
    application_transition(application=fresh(application), user=lead, name="resubmit")
    row = fresh(application)
    event = HistoryEvent.objects.for_object(application).get(action="resubmit")
    assert row.resubmitted_at == event.at and row.status == Status.IN_REVIEW
    # An object loaded before the resubmission, saved afterwards, leaves the column alone.
    stale.title = "Titre changé"
    stale.save()
    again = fresh(application)
    assert again.title == "Titre changé" and again.resubmitted_at == row.resubmitted_at


def test_expert_requests_keep_the_deadline_and_the_counts(call):
    application = ApplicationFactory(in_review=True, call=call, status=Status.IN_REVIEW)
    instructor = staff(call.programme)
    first, second = expert(call.programme), expert(call.programme)
    (late,) = services.review_request_create(
        application=application, user=instructor, experts=[first], deadline=day(20)
    )
    (soon,) = services.review_request_create(
        application=application, user=instructor, experts=[second], deadline=day(5)
    )
    row = fresh(application)
    assert (row.review_deadline, row.reviews_open, row.reviews_submitted) == (day(5), 2, 0)
    # The earliest request is closed: the deadline moves to the next one.
    services.review_declare_conflict(review=soon, user=second, details="J'y travaille.")
    row = fresh(application)
    assert (row.review_deadline, row.reviews_open, row.reviews_submitted) == (day(20), 1, 0)
    services.review_declare_no_conflict(review=late, user=first)
    services.review_submit(
        review=late,
        user=first,
        marks={c.pk: (3, "") for c in call.grid.criteria.all()},
        recommendation="label",
        comment="Solide.",
    )
    row = fresh(application)
    assert (row.review_deadline, row.reviews_open, row.reviews_submitted) == (None, 0, 1)
    # A request cancelled: no longer outstanding.
    third = expert(call.programme)
    (review,) = services.review_request_create(
        application=application, user=instructor, experts=[third], deadline=day(9)
    )
    assert (fresh(application).review_deadline, fresh(application).reviews_open) == (day(9), 1)
    services.review_cancel(review=review, user=instructor)
    row = fresh(application)
    assert (row.review_deadline, row.reviews_open, row.reviews_submitted) == (None, 0, 1)
