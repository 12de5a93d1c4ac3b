"""The review journey in Debian's Chromium, with axe-core checks: an expert declares no conflict
of interest and gives an opinion; the instructor sees it consolidated and proposes."""

import re

import pytest
from playwright.sync_api import expect

from essaim.applications.workflow import Status
from essaim.reviews.models import ReviewStatus
from essaim.reviews.tests.factories import (
    ApplicationFactory,
    ReviewRequestFactory,
    with_challenge,
)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "secret-password"  # UserFactory's


def test_expert_declares_then_gives_an_opinion_and_instructor_proposes(
    page, live_server, login, assert_accessible
):
    application = ApplicationFactory(
        in_review=True, summary="Un territoire qui coopère déjà beaucoup"
    )
    with_challenge(application)
    review = ReviewRequestFactory(application=application)
    criteria = list(application.call.grid.criteria.all())

    login(page, live_server, review.expert.email, PASSWORD)
    page.goto(f"{live_server.url}/avis/")
    assert_accessible(page)
    page.get_by_role("link", name=str(application.perimeter)).click()
    expect(page.locator("#conflict-form")).to_be_visible()
    expect(page.get_by_text("Un territoire qui coopère")).to_have_count(0)
    assert_accessible(page)
    page.get_by_text("Non, je n'ai aucun conflit d'intérêts").click()
    page.get_by_role("button", name="Enregistrer ma déclaration").click()
    expect(page.get_by_text("Un territoire qui coopère déjà beaucoup")).to_be_visible()
    assert_accessible(page)

    for criterion, mark in zip(criteria, ["4", "1", "3"], strict=True):
        page.locator(f"input[name='mark_{criterion.pk}'][value='{mark}']").check(force=True)
    page.get_by_label("Recommandation").select_option("label_with_reservations")
    page.get_by_label("Avis général").fill("Collectif solide, gouvernance à préciser.")
    page.get_by_role("button", name="Vérifier et rendre l'avis").click()
    # A mark under the threshold without a comment: refused, naming the criterion, nothing lost;
    # the error summary at the top of the grid takes the focus and links to the field.
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "« Critère 2 » : un commentaire est obligatoire"
    )
    expect(page.get_by_label("Avis général")).to_have_value(
        "Collectif solide, gouvernance à préciser."
    )
    assert_accessible(page)
    page.locator("[data-error-summary] a").first.click()
    expect(page.locator(f"#id_comment_{criteria[1].pk}")).to_be_focused()
    page.locator(f"#id_comment_{criteria[1].pk}").fill("Peu de partenaires privés.")
    page.get_by_role("button", name="Vérifier et rendre l'avis").click()
    # Final: a recap (marks, weighted total, recommendation) to confirm.
    expect(page.locator("#opinion-total")).to_contain_text("/ 100")
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer et transmettre l'avis").click()
    expect(page.get_by_text("Votre avis a été transmis à l'équipe.")).to_be_visible()
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED

    page.context.clear_cookies()
    login(page, live_server, review.requested_by.email, PASSWORD)
    page.goto(f"{live_server.url}/avis/instruction/")
    assert_accessible(page)
    page.get_by_role("link", name=application.reference).click()
    expect(page.locator("#consolidation")).to_contain_text("1 avis rendu")
    expect(page.locator("#reviews")).to_contain_text("labelliser avec réserves")
    assert_accessible(page)
    page.locator("#action-propose textarea").fill("Avis favorable avec réserves ; dossier solide.")
    page.locator("#action-propose").get_by_role("button").click()
    expect(page.locator("#application-status")).to_have_text(re.compile("proposée", re.I))
    application.refresh_from_db()
    assert application.status == Status.PROPOSED
