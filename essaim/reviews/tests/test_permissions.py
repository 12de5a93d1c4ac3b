"""Programme ownership of expert opinions: the staff of another programme (admin, instructor,
single-window officer) and its experts get nothing of a programme's review requests — a 404 on
the expert pages and the API — and change nothing; only the assigned expert gives the opinion (a
superuser, staff of every programme, is never an expert by status)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from essaim.applications.models import Application, PrivateNote
from essaim.reviews import rules, services
from essaim.reviews.models import CriterionMark, ReviewRequest, ReviewStatus
from essaim.reviews.tests.factories import (
    ApplicationFactory,
    ProgrammeFactory,
    ReviewRequestFactory,
    expert,
    staff,
    submitted_review,
)
from essaim.testing import other_programme, superuser, table_state

pytestmark = pytest.mark.django_db

TABLES = (Application, ReviewRequest, CriterionMark, PrivateNote)
OUTSIDERS = ("admin", "instructor", "officer", "expert")


@pytest.fixture
def world():
    application = ApplicationFactory(in_review=True)
    programme = application.call.programme
    open_review = ReviewRequestFactory(application=application, status=ReviewStatus.ACCEPTED)
    done = submitted_review(ApplicationFactory(in_review=True, call=application.call), [3, 2, 4])
    other = other_programme()
    other.programme.expert_partner = ProgrammeFactory(with_experts=True).expert_partner
    other.programme.save()
    outsiders = {**other.staff(), "expert": expert(other.programme)}
    return {
        "programme": programme,
        "application": application,
        "open": open_review,
        "done": done,
        "instructor": staff(programme),
        "other": other,
        "outsiders": outsiders,
    }


def _marks(review) -> dict:
    return {c.pk: (3, "Bien") for c in review.application.call.grid.criteria.all()}


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_read_a_review_request(client, world, who):
    client.force_login(world["outsiders"][who])
    mine = client.get("/avis/")
    assert mine.status_code == 200 and not mine.context["page"].object_list
    for review in (world["open"], world["done"]):
        assert client.get(f"/avis/demandes/{review.pk}/").status_code == 404
        assert client.get(f"/api/v1/reviews/{review.pk}").status_code == 404
        consolidation = f"/api/v1/applications/{review.application_id}/consolidation"
        assert client.get(consolidation).status_code == 404
    assert client.get("/api/v1/reviews").json()["count"] == 0


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_answer_a_review_request(client, world, who):
    client.force_login(world["outsiders"][who])
    review = world["open"]
    before = table_state(*TABLES)
    conflict = client.post(f"/avis/demandes/{review.pk}/conflit/", {"has_conflict": "True"})
    assert conflict.status_code == 404
    opinion = {"action": "submit", "recommendation": "label", "comment": "Avis d'un intrus"}
    assert client.post(f"/avis/demandes/{review.pk}/avis/", opinion).status_code == 404
    response = client.post(
        f"/api/v1/reviews/{review.pk}/conflict",
        {"has_conflict": True, "details": "Intrus"},
        content_type="application/json",
    )
    assert response.status_code == 404
    response = client.put(
        f"/api/v1/reviews/{review.pk}",
        {"marks": [], "recommendation": "label", "comment": "Intrus", "submit": True},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert table_state(*TABLES) == before


@pytest.mark.parametrize("who", OUTSIDERS)
def test_services_refuse_outsiders(world, who):
    user = world["outsiders"][who]
    application, review = world["application"], world["open"]
    before = table_state(*TABLES)
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    attempts = [
        lambda: services.review_request_create(
            application=application,
            user=user,
            experts=[expert(world["programme"])],
            deadline=deadline,
        ),
        lambda: services.review_cancel(review=review, user=user, comment="Intrus"),
        lambda: services.application_assign(application=application, user=user, assignee=user),
        lambda: services.private_note_create(application=application, user=user, body="Intrus"),
        lambda: services.review_declare_conflict(review=review, user=user, details="Intrus"),
        lambda: services.review_save_draft(review=review, user=user, marks=_marks(review)),
        lambda: services.review_submit(
            review=review, user=user, marks=_marks(review), recommendation="label", comment="X"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert table_state(*TABLES) == before


def test_staff_of_another_programme_cannot_be_put_in_charge(world):
    before = table_state(*TABLES)
    with pytest.raises(ValidationError):
        services.application_assign(
            application=world["application"],
            user=world["instructor"],
            assignee=world["other"].instructor,
        )
    assert table_state(*TABLES) == before


def test_experts_of_another_programme_cannot_be_asked(world):
    outsider = world["outsiders"]["expert"]
    assert outsider not in rules.eligible_experts(world["programme"])
    before = table_state(*TABLES)
    with pytest.raises(ValidationError):
        services.review_request_create(
            application=world["application"],
            user=world["instructor"],
            experts=[outsider],
            deadline=timezone.localdate() + datetime.timedelta(days=7),
        )
    assert table_state(*TABLES) == before


# --- Superusers ----------------------------------------------------------------------------------


def test_superuser_does_the_staff_work_of_every_programme(client, world):
    root = superuser()
    application = world["application"]
    asked = expert(world["programme"])
    created = services.review_request_create(
        application=application,
        user=root,
        experts=[asked],
        deadline=timezone.localdate() + datetime.timedelta(days=7),
    )
    services.review_cancel(review=created[0], user=root, comment="Finalement non")
    services.application_assign(application=application, user=root, assignee=root)
    services.private_note_create(application=application, user=root, body="Vu")
    application.refresh_from_db()
    assert application.assignee == root
    client.force_login(root)
    consolidation = client.get(f"/api/v1/applications/{world['done'].application_id}/consolidation")
    assert consolidation.status_code == 200 and consolidation.json()["review_count"] == 1


def test_superuser_is_not_treated_as_an_expert(client, world):
    root = superuser()
    review = world["open"]
    assert root not in rules.eligible_experts(world["programme"])
    assert not rules.can_review(root, review)
    before = table_state(*TABLES)
    with pytest.raises(PermissionDenied):
        services.review_submit(
            review=review, user=root, marks=_marks(review), recommendation="label", comment="X"
        )
    with pytest.raises(PermissionDenied):
        services.review_declare_conflict(review=review, user=root, details="Aucun lien")
    client.force_login(root)
    assert client.get(f"/avis/demandes/{review.pk}/").status_code == 404  # not addressed to them
    response = client.put(
        f"/api/v1/reviews/{review.pk}",
        {"marks": [], "recommendation": "label", "comment": "X", "submit": True},
        content_type="application/json",
    )
    assert response.status_code == 403  # staff may read the request, not answer it
    with pytest.raises(ValidationError):
        services.review_request_create(
            application=world["application"],
            user=world["instructor"],
            experts=[root],
            deadline=timezone.localdate() + datetime.timedelta(days=7),
        )
    assert table_state(*TABLES) == before
