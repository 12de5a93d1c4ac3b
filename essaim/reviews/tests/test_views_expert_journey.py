"""The expert's page as a journey: who is in the collective before declaring, the grid beside
the dossier with each criterion's title once and its weight in French, the error summary, and a
recap to confirm before the opinion — which is final — is given."""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from essaim.reviews.models import CriterionMark, ReviewStatus
from essaim.reviews.tests.factories import (
    ApplicationFactory,
    ReviewRequestFactory,
    with_challenge,
    with_collective,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def review():
    application = ApplicationFactory(in_review=True)
    with_challenge(application)
    with_collective(application)
    return ReviewRequestFactory(application=application)


def _accepted(review):
    review.status = ReviewStatus.ACCEPTED
    review.save()
    return review


def _complete(criteria, **overrides) -> dict:
    data = {f"mark_{c.pk}": "3" for c in criteria}
    data |= {"recommendation": "label", "comment": "Dossier solide."}
    return data | overrides


def test_members_listed_before_the_declaration(client, review):
    client.force_login(review.expert)
    html = client.get(reverse("reviews:request_detail", args=[review.pk])).content.decode()
    members = list(review.application.collective.members.select_related("organisation"))
    assert len(members) == 2
    section = html[html.index('id="conflict-members"') : html.index('id="conflict-form"')]
    for member in members:
        assert member.organisation.name in section


def test_grid_beside_the_dossier_titles_once_weights_in_french(client, review):
    _accepted(review)
    criterion = review.application.call.grid.criteria.first()
    criterion.weight = Decimal("1.5")
    criterion.save()
    client.force_login(review.expert)
    html = client.get(reverse("reviews:request_detail", args=[review.pk])).content.decode()
    assert 'class="fr-col-12 fr-col-lg-7 essaim-review-dossier"' in html
    assert "Poids 1,50" in html and "Poids 1,00" in html
    assert "poids 1.5" not in html.lower()
    form = html[html.index('id="opinion-form"') :]
    for c in review.application.call.grid.criteria.all():
        assert form.count(c.title) == 1, c.title


def test_refused_opinion_has_an_error_summary_linking_to_the_fields(client, review):
    _accepted(review)
    criteria = list(review.application.call.grid.criteria.all())
    client.force_login(review.expert)
    url = reverse("reviews:request_opinion", args=[review.pk])
    data = _complete(criteria, comment="Mon avis tapé.")
    del data[f"mark_{criteria[1].pk}"]
    response = client.post(url, data | {"action": "submit"})
    assert response.status_code == 422
    html = response.content.decode()
    summary = html[html.index("data-error-summary") : html.index('id="criterion-')]
    assert "Le formulaire contient une erreur" in summary
    assert f'href="#id_mark_{criteria[1].pk}_0"' in summary
    assert f'id="id_mark_{criteria[1].pk}_0"' in html
    assert "Mon avis tapé." in html  # nothing typed is lost
    review.refresh_from_db()
    assert review.comment == "Mon avis tapé."  # and the draft is saved
    assert review.status == ReviewStatus.ACCEPTED


def test_giving_the_opinion_shows_a_recap_then_confirms(client, review):
    _accepted(review)
    criteria = list(review.application.call.grid.criteria.all())
    client.force_login(review.expert)
    url = reverse("reviews:request_opinion", args=[review.pk])
    data = _complete(criteria, **{f"mark_{criteria[0].pk}": str(4)}) | {"action": "submit"}
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="opinion-recap"' in html and 'value="confirm"' in html
    grid = review.application.call.grid
    assert re.search(r"Total pondéré : [\d,]+ / 100", html)
    assert "," in re.search(r"Total pondéré : ([\d,]+)", html).group(1)
    assert "1,00" in html
    recommendation = html[html.index('id="opinion-recommendation"') :]
    assert "labelliser" in recommendation[: recommendation.index("</p>")]
    assert "Dossier solide." in html
    review.refresh_from_db()
    assert review.status == ReviewStatus.ACCEPTED  # nothing given yet
    assert CriterionMark.objects.filter(review=review).count() == len(criteria)
    response = client.post(url, {"action": "confirm"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Votre avis a été transmis à l'équipe."
    ]
    assert grid.scale_max >= 4


def test_confirming_an_incomplete_draft_is_refused_with_the_summary(client, review):
    _accepted(review)
    client.force_login(review.expert)
    url = reverse("reviews:request_opinion", args=[review.pk])
    response = client.post(url, {"action": "confirm"})
    assert response.status_code == 422
    assert "data-error-summary" in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.ACCEPTED


def test_expert_page_query_budget(client, review, django_assert_max_num_queries):
    client.force_login(review.expert)
    with django_assert_max_num_queries(12):  # the declaration, with the members
        response = client.get(reverse("reviews:request_detail", args=[review.pk]))
    assert response.status_code == 200
    _accepted(review)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("reviews:request_detail", args=[review.pk]))
    assert response.status_code == 200
