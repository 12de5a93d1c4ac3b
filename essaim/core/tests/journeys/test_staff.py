"""Journeys of the programme's staff and experts, each from the home page: the instructor finds
an application to instruct, asks an expert, requests changes; the expert finds the open review
request, declares no conflict, scores and gives an opinion; the programme admin opens the call's
pages, decides a wave and publishes it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from essaim.actors.models import CollectiveMember
from essaim.actors.tests.factories import OrganisationFactory
from essaim.applications.models import Challenge
from essaim.applications.workflow import Status
from essaim.labels.models import Label
from essaim.labels.tests.factories import ApplicationFactory, WaveFactory, programme_admin
from essaim.reviews.models import ReviewStatus
from essaim.reviews.tests.factories import ReviewRequestFactory, expert, staff

pytestmark = pytest.mark.django_db(transaction=True)


def test_instructor(journey):
    application = ApplicationFactory(in_review=True)
    programme = application.call.programme
    instructor = staff(programme)
    partner_expert = expert(programme)
    walk = journey("instructor")
    page = walk.page

    walk.sign_in(instructor.email)
    walk.h1("Mon espace")
    walk.shortcut("Instruction des candidatures")
    page.get_by_role("link", name=application.reference).click()
    walk.h1(application.title)

    request_form = page.locator("#review-request-form")
    request_form.get_by_label(re.compile(re.escape(partner_expert.email))).check(force=True)
    request_form.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator("#reviews")).to_contain_text(str(partner_expert))

    changes = page.locator("#action-request_changes")
    changes.get_by_role("textbox").fill("Précisez la gouvernance du collectif.")
    changes.get_by_role("button").click()
    expect(page.locator("#application-status")).to_have_text(
        re.compile("compléments demandés", re.I)
    )
    application.refresh_from_db()
    assert application.status == Status.CHANGES_REQUESTED
    walk.done()


def test_expert(journey):
    review = ReviewRequestFactory()
    criteria = list(review.application.call.grid.criteria.all())
    walk = journey("expert")
    page = walk.page

    walk.sign_in(review.expert.email)
    walk.h1("Mon espace")
    walk.shortcut("Mes demandes d'avis")
    page.get_by_role("link", name=review.application.perimeter.name).click()
    page.get_by_text("Non, je n'ai aucun conflit d'intérêts").click()
    page.get_by_role("button", name="Enregistrer ma déclaration").click()
    expect(page.locator("main")).to_contain_text("Une ambition secrète du territoire")
    for criterion in criteria:
        page.locator(f"input[name='mark_{criterion.pk}'][value='3']").check(force=True)
    page.get_by_label("Recommandation").select_option("label")
    page.get_by_label("Avis général").fill("Un collectif solide.")
    page.get_by_role("button", name="Vérifier et rendre l'avis").click()
    page.get_by_role("button", name="Confirmer et transmettre l'avis").click()
    walk.says("Votre avis a été transmis à l'équipe.")
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    walk.done()


def test_programme_admin(journey):
    wave = WaveFactory(
        french_impact=True,
        number=4,
        committee_on=timezone.localdate() - datetime.timedelta(days=2),
        announced_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    application = ApplicationFactory(proposed=True, wave=wave, title="Vallée solidaire")
    for position, role in enumerate(("lead", "member")):
        CollectiveMember.objects.create(
            collective=application.collective,
            organisation=OrganisationFactory(),
            role=role,
            position=position,
        )
    Challenge.objects.create(application=application, title="Mobilité", lines=["covoiturage"])
    admin = programme_admin(wave.programme)
    walk = journey("programme admin")
    page = walk.page

    walk.sign_in(admin.email)
    walk.h1("Mon espace")
    walk.shortcut("Appels et formulaires")
    page.get_by_role("link", name=application.call.title).click()
    walk.h1(application.call.title)
    page.get_by_role("link", name="Gérer l'appel").click()
    expect(page.get_by_role("link", name="Formulaire")).to_be_visible()
    expect(page.get_by_role("link", name="Grille de notation")).to_be_visible()

    walk.my_space()
    walk.shortcut("Vagues et décisions")
    page.get_by_role("link", name=str(wave)).click()
    fieldset = page.locator("fieldset", has_text=application.reference)
    fieldset.get_by_label("Décision").select_option("labelled")
    fieldset.get_by_label("Motivation").fill("Une coopération exemplaire.")
    page.get_by_role("button", name="Enregistrer les décisions").click()
    walk.says("1 décision(s) enregistrée(s).")
    page.get_by_role("button", name="Publier la vague").click()
    walk.says("La vague est publiée")
    assert Label.objects.filter(application=application).exists()
    walk.done()
