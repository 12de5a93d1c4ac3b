import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.tests.factories import UserFactory
from essaim.reviews.models import CriterionMark, ReviewRequest, ReviewStatus
from essaim.reviews.tests.factories import (
    ApplicationFactory,
    ReviewRequestFactory,
    applicant,
    expert,
    with_challenge,
)

pytestmark = pytest.mark.django_db

SECRET = "Une ambition secrète du territoire"


def detail(review):
    return reverse("reviews:request_detail", args=[review.pk])


@pytest.fixture
def review():
    application = ApplicationFactory(in_review=True)
    with_challenge(application)
    return ReviewRequestFactory(application=application)


def test_my_requests_lists_only_mine_without_content_before_declaration(client, review):
    other = ReviewRequestFactory()
    client.force_login(review.expert)
    response = client.get(reverse("reviews:my_requests"))
    assert response.status_code == 200
    html = response.content.decode()
    assert str(review.application.perimeter) in html
    assert review.application.title not in html  # not before the declaration
    assert str(other.application.perimeter) not in html


def test_before_declaration_only_territory_and_deadline(client, review):
    client.force_login(review.expert)
    response = client.get(detail(review))
    html = response.content.decode()
    assert response.status_code == 200
    assert str(review.application.perimeter) in html
    assert review.deadline.strftime("%d/%m/%Y") in html
    for hidden in (SECRET, review.application.summary, review.application.title, "Alimentation"):
        assert hidden not in html
    assert 'id="conflict-form"' in html
    # Nor through the applicant pages or the API.
    app_url = reverse("applications:detail", args=[review.application_id])
    assert client.get(app_url).status_code == 404
    assert client.get(f"/api/v1/applications/{review.application_id}").status_code == 404


def test_declaring_no_conflict_opens_the_content(client, review):
    client.force_login(review.expert)
    response = client.post(
        reverse("reviews:request_conflict", args=[review.pk]), {"has_conflict": "no"}
    )
    assert response.status_code == 302
    html = client.get(detail(review)).content.decode()
    assert review.application.summary in html and "Alimentation" in html
    assert 'id="opinion-form"' in html
    assert "excellent" in html  # the scale's meanings are shown
    assert (
        client.get(reverse("applications:detail", args=[review.application_id])).status_code == 200
    )


def test_conflict_requires_details_and_keeps_the_content_closed(client, review):
    client.force_login(review.expert)
    url = reverse("reviews:request_conflict", args=[review.pk])
    response = client.post(url, {"has_conflict": "yes", "details": ""})
    assert response.status_code == 422
    assert "nature du conflit" in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.REQUESTED
    client.post(url, {"has_conflict": "yes", "details": "Administrateur d'une des structures."})
    review.refresh_from_db()
    assert review.status == ReviewStatus.CONFLICT
    html = client.get(detail(review)).content.decode()
    assert review.application.summary not in html and 'id="opinion-form"' not in html
    response = client.post(
        reverse("reviews:request_opinion", args=[review.pk]), {"action": "submit"}
    )
    assert response.status_code == 409
    assert not CriterionMark.objects.exists()
    assert (
        client.get(reverse("applications:detail", args=[review.application_id])).status_code == 404
    )


def test_opinion_form_draft_then_submit(client, review):
    review.status = ReviewStatus.ACCEPTED
    review.save()
    criteria = list(review.application.call.grid.criteria.all())
    client.force_login(review.expert)
    url = reverse("reviews:request_opinion", args=[review.pk])
    response = client.post(url, {"action": "draft", f"mark_{criteria[0].pk}": "3"})
    assert response.status_code == 302
    assert CriterionMark.objects.get().mark == 3
    data = {
        "action": "submit",
        f"mark_{criteria[0].pk}": "4",
        f"mark_{criteria[1].pk}": "1",
        f"mark_{criteria[2].pk}": "3",
        "recommendation": "label",
        "comment": "Bon dossier.",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "« Critère 2 » : un commentaire est obligatoire" in html
    assert 'value="Bon dossier.' in html or "Bon dossier." in html  # what was typed is kept
    review.refresh_from_db()
    assert review.status == ReviewStatus.ACCEPTED
    data[f"comment_{criteria[1].pk}"] = "Gouvernance à préciser."
    # A recap to confirm first (the draft is saved), then the opinion is given.
    assert 'id="opinion-recap"' in client.post(url, data).content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.ACCEPTED
    assert client.post(url, {"action": "confirm"}).status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    html = client.get(detail(review)).content.decode()
    assert 'id="my-marks"' in html and "Gouvernance à préciser." in html


@pytest.mark.parametrize("who", ["anonymous", "other_expert", "instructor", "applicant", "nobody"])
def test_someone_else_cannot_open_or_answer(client, review, who):
    if who == "other_expert":
        user = expert(review.application.call.programme)
    elif who == "instructor":
        user = review.requested_by
    elif who == "applicant":
        user = applicant(review.application)
    elif who == "nobody":
        user = UserFactory()
    if who != "anonymous":
        client.force_login(user)
    responses = [
        client.get(detail(review)),
        client.post(reverse("reviews:request_conflict", args=[review.pk]), {"has_conflict": "no"}),
    ]
    for response in responses:
        if who == "anonymous":
            assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
        else:
            assert response.status_code == 404
    review.refresh_from_db()
    assert review.status == ReviewStatus.REQUESTED


def test_cancelled_requests_disappear_for_the_expert(client, review):
    review.status = ReviewStatus.CANCELLED
    review.save()
    client.force_login(review.expert)
    assert client.get(detail(review)).status_code == 404
    assert (
        str(review.application.perimeter)
        not in client.get(reverse("reviews:my_requests")).content.decode()
    )


def test_my_requests_query_budget(client, django_assert_max_num_queries):
    first = ReviewRequestFactory()
    for _ in range(40):
        ReviewRequest.objects.create(
            application=ApplicationFactory(in_review=True, call=first.application.call),
            expert=first.expert,
            requested_by=first.requested_by,
            deadline=timezone.localdate() + datetime.timedelta(days=3),
        )
    client.force_login(first.expert)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reviews:my_requests"))
    assert response.status_code == 200
