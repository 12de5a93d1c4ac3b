"""Journeys of a territory lead: applying from "Candidater" (sign-in on the way), and, once
labelled, reaching the label, its certificate and the support plan."""

import re

import pytest
from playwright.sync_api import expect

from essaim.accounts.models import Role
from essaim.applications.models import Application
from essaim.applications.workflow import Status
from essaim.core.tests.test_journey_labelling import TERRITORY, setting  # noqa: F401
from essaim.support.tests.factories import member
from essaim.support.tests.test_journey import labelled_territory

pytestmark = pytest.mark.django_db(transaction=True)


def autosaved(page, field, value):
    """Type an answer and wait for its autosave: a submit racing it would lose the message."""
    with page.expect_response(re.compile(r"/enregistrer/$")):
        page.get_by_label(field).fill(value)


def test_territory_lead_applies(journey, setting):  # noqa: F811
    call = setting["call"]
    walk = journey("territory lead")
    page = walk.page

    walk.menu("Candidater")  # the open call's page, or the list when several are open
    page.wait_for_url(re.compile(r"/appels/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if page.get_by_role("heading", level=1, name=call.title).count() == 0:
        page.get_by_role("link", name=call.title).click()
    walk.h1(call.title)
    page.get_by_role("link", name="Candidater", exact=True).last.click()
    walk.sign_in(setting["lead"].email, from_header=False)  # the call's button asks to sign in
    page.get_by_label("Titre de la candidature").fill("Niort coopère")
    page.get_by_role("combobox", name=re.compile("^Territoire existant")).select_option(
        label=TERRITORY
    )
    page.get_by_label("Collectif porteur").select_option(label="Collectif niortais")
    page.get_by_role("button", name="Créer le brouillon").click()
    walk.says("Brouillon créé")
    expect(page.locator("#completeness")).to_contain_text("Vision du territoire")
    autosaved(page, "Vision du territoire", "Une économie qui coopère.")
    autosaved(page, "Nombre de structures engagées", "12")

    page.get_by_role("link", name="Défis et axes de travail").click()
    page.get_by_label("Intitulé du défi").fill("Se nourrir localement")
    page.get_by_label("Axes de travail").fill("épiceries coopératives")
    page.get_by_role("button", name="Enregistrer le défi").click()
    expect(page.get_by_role("heading", name="1. Se nourrir localement")).to_be_visible()
    page.get_by_role("link", name="Retour à la candidature").click()
    page.get_by_role("link", name="Compléter le formulaire").click()
    expect(page.locator("#completeness")).not_to_contain_text("Vision du territoire")
    page.get_by_role("button", name="Enregistrer et vérifier avant de déposer").click()
    expect(page.locator("#submission-recap")).to_be_visible()
    page.get_by_role("button", name="Déposer la candidature").click()
    walk.says("Votre candidature a été transmise à l'équipe du programme")
    assert Application.objects.get(title="Niort coopère").status == Status.SUBMITTED
    walk.done()


def test_lead_after_labelling(journey):
    label, _niort = labelled_territory()
    lead = member(Role.TERRITORY_LEAD, collective=label.application.collective)
    walk = journey("lead after labelling")
    page = walk.page

    walk.sign_in(lead.email)
    walk.h1("Mon espace")
    walk.shortcut("Mes candidatures")
    page.locator("#worklist-tabs").get_by_role("link", name=re.compile("Traités")).click()
    page.get_by_role("link", name=label.application.title).click()
    expect(page.locator("#application-status")).to_have_text(re.compile("labellisée", re.I))
    expect(page.get_by_role("link", name="Page publique du territoire labellisé")).to_be_visible()
    with page.expect_response(re.compile(r"/attestation\.pdf$")) as certificate:
        page.get_by_role("link", name="Attestation (PDF)").click()
    assert certificate.value.ok
    assert certificate.value.headers["content-type"] == "application/pdf"
    page.go_back()  # the browser's Back button
    walk.my_space()
    walk.shortcut("Mon plan d'accompagnement")
    walk.h1(label.perimeter.name)
    expect(page.locator("#plan-progress")).to_be_visible()
    walk.done()
