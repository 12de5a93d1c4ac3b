"""The applicant's journey in Chromium: autosave while typing, the completeness panel, submit."""

import pytest
from playwright.sync_api import expect

from essaim.applications.models import Application
from essaim.applications.tests.factories import ApplicationFactory, complete, lead_of
from essaim.applications.workflow import Status

pytestmark = pytest.mark.django_db(transaction=True)


def test_lead_writes_with_autosave_and_submits(page, live_server, login, assert_accessible):
    application = complete(ApplicationFactory())
    application.answers = {}
    application.save()
    person = lead_of(application)
    person.user.set_password("secret-password")
    person.user.save()
    login(page, live_server, person.user.email, "secret-password")
    page.goto(f"{live_server.url}/candidatures/{application.pk}/modifier/")
    assert_accessible(page)
    expect(page.locator("#completeness")).to_contain_text("Accroche")
    page.get_by_label("Taille").fill("1")
    expect(page.locator("#autosave-error-size")).to_contain_text("au moins 2")
    page.get_by_label("Accroche").fill("Bonjour")
    page.get_by_label("Taille").fill("5")
    expect(page.locator("#autosave-status")).to_contain_text("Enregistré à")
    expect(page.locator("#autosave-error-size")).to_be_empty()
    # Conditional display: the PTCE name shows only when the answer is yes.
    ptce_name = page.locator("#wrap-ptce_name")
    expect(ptce_name).to_be_hidden()
    page.locator("label[for='id_ptce_0']").click()
    expect(ptce_name).to_be_visible()
    page.locator("label[for='id_ptce_1']").click()
    page.locator("[name='defis.0.titre']").fill("Un défi")
    expect(page.locator("#completeness")).not_to_contain_text("Accroche")
    application.refresh_from_db()
    assert application.answers["pitch"] == "Bonjour"
    page.get_by_role("button", name="Enregistrer et vérifier avant de déposer").click()
    expect(page.locator("#submission-recap")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Déposer la candidature").click()
    expect(
        page.get_by_text("Votre candidature a été transmise à l'équipe du programme")
    ).to_be_visible()
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED


def test_error_summary_takes_the_focus_and_leads_to_the_field(
    page, live_server, login, assert_accessible
):
    application = ApplicationFactory()
    person = lead_of(application)
    person.user.set_password("secret-password")
    person.user.save()
    login(page, live_server, person.user.email, "secret-password")
    page.goto(f"{live_server.url}/candidatures/{application.pk}/collectif/")
    page.get_by_label("SIRET").fill("123 456 789 00000")
    page.get_by_label("Nom (si l'organisation n'est pas encore connue)").fill("Coop des Pentes")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Le formulaire contient une erreur")
    expect(page.get_by_label("SIRET")).to_have_value("123 456 789 00000")
    expect(page.get_by_label("Nom (si l'organisation n'est pas encore connue)")).to_have_value(
        "Coop des Pentes"
    )
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("SIRET")).to_be_focused()
