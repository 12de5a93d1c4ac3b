"""API: the instruction queue's bulk actions (``POST /instruction/bulk-actions``), all or
nothing as on the queue: one application that cannot take the action and nothing is done (409
listing why, per application); applications the caller does not instruct: 404; bad choices: 422
naming the field."""

import pytest

from essaim.accounts.models import TokenAccess
from essaim.accounts.services import api_token_create
from essaim.accounts.tests.factories import UserFactory
from essaim.applications.models import Application
from essaim.applications.workflow import Status
from essaim.core.models import HistoryEvent
from essaim.reviews.tests.factories import ApplicationFactory, ProgrammeFactory, staff

pytestmark = pytest.mark.django_db
URL = "/api/v1/instruction/bulk-actions"


def _post(client, body, user, access=TokenAccess.WRITE):
    _token, raw = api_token_create(user=user, name="test", access=access)
    return client.post(
        URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )


@pytest.fixture
def applications():
    first = ApplicationFactory(in_review=True)
    second = ApplicationFactory(in_review=True, call=first.call, status=Status.SUBMITTED)
    return first, second


def test_assign_me_on_several(client, applications):
    instructor = staff(applications[0].call.programme)
    ids = [a.pk for a in applications]
    response = _post(client, {"action": "assign_me", "application_ids": ids}, instructor)
    assert response.status_code == 200, response.content
    assert response.json()["application_ids"] == sorted(ids)
    assert "attribuées" in response.json()["detail"]
    assert set(Application.objects.values_list("assignee_id", flat=True)) == {instructor.pk}
    for application in applications:
        assert HistoryEvent.objects.for_object(application).filter(action="assign").exists()


def test_all_or_nothing(client, applications):
    instructor = staff(applications[0].call.programme)
    ids = [a.pk for a in applications]
    response = _post(client, {"action": "start_review", "application_ids": ids}, instructor)
    assert response.status_code == 409, response.content
    body = response.json()
    assert "Rien n'a été fait" in body["detail"]
    assert len(body["refused"]) == 1
    assert body["refused"][0].startswith(applications[0].reference)
    assert Application.objects.get(pk=applications[1].pk).status == Status.SUBMITTED
    alone = _post(client, {"action": "start_review", "application_ids": [ids[1]]}, instructor)
    assert alone.status_code == 200, alone.content
    assert Application.objects.get(pk=applications[1].pk).status == Status.IN_REVIEW


def test_choices_checked_and_strangers_refused(client, applications):
    instructor = staff(applications[0].call.programme)
    ids = [a.pk for a in applications]
    missing = _post(client, {"action": "assign", "application_ids": ids}, instructor)
    assert (missing.status_code, missing.json()["errors"][0]["field"]) == (422, "assignee_id")
    stranger = staff(ProgrammeFactory())
    foreign = {"action": "assign", "application_ids": ids, "assignee_id": stranger.pk}
    response = _post(client, foreign, instructor)
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "assignee_id")
    review = {"action": "request_review", "application_ids": ids, "expert_ids": [1]}
    response = _post(client, review, instructor)
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "deadline")
    unknown = _post(client, {"action": "archive", "application_ids": ids}, instructor)
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (422, "action")
    many = _post(
        client, {"action": "assign_me", "application_ids": list(range(1, 202))}, instructor
    )
    assert (many.status_code, many.json()["errors"][0]["field"]) == (422, "application_ids")
    body = {"action": "assign_me", "application_ids": ids}
    assert _post(client, body, stranger).status_code == 404
    assert _post(client, body, UserFactory()).status_code == 403
    assert _post(client, body, instructor, TokenAccess.READ).status_code == 403
    assert set(Application.objects.values_list("assignee_id", flat=True)) == {None}
