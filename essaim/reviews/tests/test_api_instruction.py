"""API: the instruction's writes (private notes, the instructor in charge, review requests to
experts and their cancellation), scoped like the instruction page: another programme's staff get
a 404, a read-only token writes nothing, bad input is a 422 naming the field."""

import datetime

import pytest
from django.utils import timezone

from essaim.accounts.models import TokenAccess
from essaim.accounts.services import api_token_create
from essaim.applications.models import PrivateNote
from essaim.reviews.models import ReviewRequest, ReviewStatus
from essaim.reviews.tests.factories import (
    ApplicationFactory,
    ProgrammeFactory,
    ReviewRequestFactory,
    expert,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    return ApplicationFactory(in_review=True)


def _auth(user, access=TokenAccess.WRITE):
    _token, raw = api_token_create(user=user, name="test", access=access)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, url, body, headers, method="post"):
    return getattr(client, method)(url, body, content_type="application/json", **headers)


def _stranger():
    return staff(ProgrammeFactory())


def test_notes_written_and_listed_by_the_programmes_staff(
    client, application, django_assert_max_num_queries
):
    instructor = staff(application.call.programme)
    url = f"/api/v1/applications/{application.pk}/notes"
    response = _post(client, url, {"body": "À vérifier : budget."}, _auth(instructor))
    assert response.status_code == 201
    assert response.json()["body"] == "À vérifier : budget."
    headers = _auth(instructor)
    with django_assert_max_num_queries(8):
        items = client.get(url, **headers).json()["items"]
    assert [n["body"] for n in items] == ["À vérifier : budget."]
    assert client.get(url, **_auth(_stranger())).status_code == 404
    assert _post(client, url, {"body": "x"}, _auth(_stranger())).status_code == 404
    response = _post(client, url, {"body": "x"}, _auth(instructor, TokenAccess.READ))
    assert response.status_code == 403
    response = _post(client, url, {"body": ""}, _auth(instructor))
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "body")
    assert PrivateNote.objects.filter(application=application).count() == 1


def test_assignment_by_the_programmes_staff(client, application):
    programme = application.call.programme
    instructor, colleague = staff(programme), staff(programme)
    url = f"/api/v1/applications/{application.pk}/assignee"
    response = _post(client, url, {"assignee_id": colleague.pk}, _auth(instructor), "put")
    assert response.status_code == 200
    assert response.json()["assignee_id"] == colleague.pk
    application.refresh_from_db()
    assert application.assignee_id == colleague.pk
    body = {"assignee_id": _stranger().pk}
    response = _post(client, url, body, _auth(instructor), "put")
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "assignee_id")
    assert _post(client, url, body, _auth(_stranger()), "put").status_code == 404
    response = _post(client, url, {"assignee_id": None}, _auth(instructor, TokenAccess.READ), "put")
    assert response.status_code == 403
    response = _post(client, url, {"assignee_id": 0}, _auth(instructor), "put")
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "assignee_id")
    assert (
        _post(client, url, {"assignee_id": None}, _auth(instructor), "put").json()["assignee_id"]
        is None
    )


def test_review_requests_asked_and_cancelled(client, application):
    programme = application.call.programme
    instructor, one = staff(programme), expert(programme)
    deadline = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    url = f"/api/v1/applications/{application.pk}/review-requests"
    body = {"expert_ids": [one.pk], "deadline": deadline}
    assert _post(client, url, body, _auth(_stranger())).status_code == 404
    assert _post(client, url, body, _auth(instructor, TokenAccess.READ)).status_code == 403
    response = _post(client, url, body, _auth(instructor))
    assert response.status_code == 201, response.json()
    [created] = response.json()
    assert (created["status"], created["expert"]) == ("requested", str(one))
    response = _post(client, url, body, _auth(instructor))  # asked already
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "expert_ids")
    response = _post(client, url, {**body, "expert_ids": [instructor.pk]}, _auth(instructor))
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "expert_ids")
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = _post(client, url, {**body, "deadline": past}, _auth(instructor))
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "deadline")
    response = _post(client, url, {"expert_ids": [], "deadline": deadline}, _auth(instructor))
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "expert_ids")

    cancel = f"/api/v1/reviews/{created['id']}/cancel"
    assert _post(client, cancel, {}, _auth(_stranger())).status_code == 404
    assert _post(client, cancel, {}, _auth(one)).status_code == 404  # the expert: not theirs
    assert _post(client, cancel, {}, _auth(instructor, TokenAccess.READ)).status_code == 403
    response = _post(client, cancel, {"comment": "Plus utile."}, _auth(instructor))
    assert response.json()["status"] == "cancelled"
    response = _post(client, cancel, {}, _auth(instructor))
    assert response.status_code == 409
    response = _post(client, cancel, {"comment": "x" * 2001}, _auth(instructor))
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "comment")


def test_a_submitted_opinion_cannot_be_cancelled(client):
    review = ReviewRequestFactory(status=ReviewStatus.SUBMITTED, submitted_at=timezone.now())
    response = _post(client, f"/api/v1/reviews/{review.pk}/cancel", {}, _auth(review.requested_by))
    assert response.status_code == 409
    assert ReviewRequest.objects.get(pk=review.pk).status == ReviewStatus.SUBMITTED
