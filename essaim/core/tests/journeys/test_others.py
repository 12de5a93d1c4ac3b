"""Journeys of the single-window officer (finds a ticket in the queue and answers it) and of an
engaged company (signs in, edits its directory entry, reads the projects and their needs), each
from the home page."""

import pytest
from playwright.sync_api import expect

from essaim.accounts.models import Role
from essaim.actors.tests.factories import OrganisationFactory
from essaim.projects.tests.factories import NeedFactory
from essaim.regulatory.models import Ticket
from essaim.regulatory.tests.factories import ProgrammeFactory, officer, ticket
from essaim.support.tests.factories import member

pytestmark = pytest.mark.django_db(transaction=True)


def test_single_window_officer(journey):
    programme = ProgrammeFactory(single_window=True)
    blocker = ticket(programme)
    desk = officer(programme)
    walk = journey("single-window officer")
    page = walk.page

    walk.sign_in(desk.email)
    walk.h1("Mon espace")
    walk.shortcut("Saisines")
    page.get_by_role("link", name=blocker.number).click()
    walk.h1(blocker.title)
    page.get_by_role("button", name="Répondre").first.click()
    answer = page.locator("#action-answer form")
    answer.get_by_label("Réponse (envoyée par courriel à l'auteur)").fill(
        "Le vrac est possible pour ces denrées : voici les conditions d'étiquetage."
    )
    answer.get_by_role("button", name="Répondre").click()
    expect(page.locator("#ticket-state")).to_have_text("répondue")
    expect(page.locator("#thread")).to_contain_text("conditions d'étiquetage")
    assert Ticket.objects.get(pk=blocker.pk).state == "answered"
    walk.done()


def test_engaged_company(journey):
    company = OrganisationFactory(name="Atelier Boréal", kind="company")
    user = member(Role.COMPANY, organisation=company)
    need = NeedFactory(project__title="Ressourcerie du Bocage", purpose="Un camion de collecte")
    walk = journey("engaged company")
    page = walk.page

    walk.sign_in(user.email)
    walk.h1("Mon espace")
    page.locator("main").get_by_role("link", name="Atelier Boréal").first.click()
    walk.h1("Atelier Boréal")
    page.get_by_role("link", name="Modifier", exact=True).click()
    page.get_by_label("Présentation").fill("Menuiserie engagée : mécénat de compétences.")
    page.get_by_role("button", name="Enregistrer").click()
    walk.says("Organisation mise à jour.")
    expect(page.locator("main")).to_contain_text("mécénat de compétences")

    walk.my_space()
    walk.shortcut("Projets et leurs besoins")
    page.get_by_role("link", name=need.project.title).click()
    walk.h1(need.project.title)
    expect(page.locator("main")).to_contain_text("Un camion de collecte")
    walk.done()
