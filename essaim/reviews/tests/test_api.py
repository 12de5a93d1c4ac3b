import pytest

from essaim.accounts.tests.factories import UserFactory
from essaim.reviews.models import CriterionMark, ReviewStatus
from essaim.reviews.tests.factories import (
    ApplicationFactory,
    ReviewRequestFactory,
    applicant,
    expert,
    staff,
    submitted_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def review():
    return ReviewRequestFactory()


def criteria(review):
    return list(review.application.call.grid.criteria.all())


def test_anonymous_gets_401(client, review):
    assert client.get("/api/v1/reviews").status_code == 401
    assert client.get(f"/api/v1/reviews/{review.pk}").status_code == 401
    response = client.post(
        f"/api/v1/reviews/{review.pk}/conflict",
        {"has_conflict": False},
        content_type="application/json",
    )
    assert response.status_code == 401
    review.refresh_from_db()
    assert review.status == ReviewStatus.REQUESTED


def test_expert_lists_own_requests_without_content_before_declaration(client, review):
    ReviewRequestFactory()  # another expert's
    client.force_login(review.expert)
    data = client.get("/api/v1/reviews").json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["territory"] == str(review.application.perimeter)
    assert item["application_title"] is None and item["marks"] == []


def test_other_expert_gets_404_and_changes_nothing(client, review):
    client.force_login(expert(review.application.call.programme))
    assert client.get(f"/api/v1/reviews/{review.pk}").status_code == 404
    response = client.post(
        f"/api/v1/reviews/{review.pk}/conflict",
        {"has_conflict": False},
        content_type="application/json",
    )
    assert response.status_code == 404
    response = client.put(
        f"/api/v1/reviews/{review.pk}", {"marks": []}, content_type="application/json"
    )
    assert response.status_code == 404
    review.refresh_from_db()
    assert review.status == ReviewStatus.REQUESTED


def test_staff_sees_but_cannot_declare(client, review):
    client.force_login(review.requested_by)
    item = client.get(f"/api/v1/reviews/{review.pk}").json()
    assert item["application_title"] == review.application.title
    response = client.post(
        f"/api/v1/reviews/{review.pk}/conflict",
        {"has_conflict": False},
        content_type="application/json",
    )
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.status == ReviewStatus.REQUESTED


def test_full_expert_journey(client, review):
    client.force_login(review.expert)
    first, second, third = criteria(review)
    url = f"/api/v1/reviews/{review.pk}"
    early = client.put(
        url, {"marks": [{"criterion_id": first.pk, "mark": 3}]}, content_type="application/json"
    )
    assert early.status_code == 422
    assert early.json()["errors"][0]["field"] == "status"
    response = client.post(
        f"{url}/conflict", {"has_conflict": False}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert response.json()["application_title"] == review.application.title
    draft = client.put(
        url, {"marks": [{"criterion_id": first.pk, "mark": 3}]}, content_type="application/json"
    )
    assert draft.status_code == 200 and draft.json()["marks"][0]["mark"] == 3
    bad = client.put(
        url,
        {
            "marks": [
                {"criterion_id": first.pk, "mark": 9},
                {"criterion_id": second.pk, "mark": 1},
                {"criterion_id": third.pk, "mark": 3},
            ],
            "recommendation": "label",
            "comment": "Bien",
            "submit": True,
        },
        content_type="application/json",
    )
    assert bad.status_code == 422
    errors = {e["field"]: e["message"] for e in bad.json()["errors"]}
    assert "« Critère 1 »" in errors[f"marks[{first.pk}].mark"]
    assert "« Critère 2 »" in errors[f"marks[{second.pk}].comment"]
    good = client.put(
        url,
        {
            "marks": [
                {"criterion_id": first.pk, "mark": 4},
                {"criterion_id": second.pk, "mark": 1, "comment": "Fragile"},
                {"criterion_id": third.pk, "mark": 3},
            ],
            "recommendation": "label",
            "comment": "Bien",
            "submit": True,
        },
        content_type="application/json",
    )
    assert good.status_code == 200 and good.json()["status"] == "submitted"
    assert CriterionMark.objects.filter(review=review).count() == 3


def test_conflict_via_api_requires_details(client, review):
    client.force_login(review.expert)
    url = f"/api/v1/reviews/{review.pk}/conflict"
    response = client.post(url, {"has_conflict": True}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "details"
    response = client.post(
        url, {"has_conflict": True, "details": "Parent"}, content_type="application/json"
    )
    assert response.json()["status"] == "conflict"
    assert client.get(f"/api/v1/applications/{review.application_id}").status_code == 404


def test_consolidation_endpoint_permission_matrix(client):
    application = ApplicationFactory(in_review=True)
    programme = application.call.programme
    submitted_review(application, [4, 0, 2], comment="x")
    submitted_review(application, [4, 4, 2])
    url = f"/api/v1/applications/{application.pk}/consolidation"
    assert client.get(url).status_code == 401
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(staff(ApplicationFactory(in_review=True).call.programme))
    assert client.get(url).status_code == 404
    client.force_login(applicant(application))
    assert client.get(url).status_code == 403
    reviewer = expert(programme)
    ReviewRequestFactory(application=application, expert=reviewer, status="accepted")
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    client.force_login(staff(programme))
    data = client.get(url).json()
    assert data["review_count"] == 2 and data["disagreement"] is True
    assert [c["spread"] for c in data["criteria"]] == [0, 4, 0]
    assert data["total"] == pytest.approx(62.5)


def test_unknown_status_filter(client, review):
    client.force_login(review.expert)
    response = client.get("/api/v1/reviews", {"status": "nope"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "status"
