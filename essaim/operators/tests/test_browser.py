"""Start a programme and its team without code (issue "Operators", done when): a superuser
creates a programme from the French Impact template → invites its admin by e-mail → the admin
signs up through the invitation, invites an instructor and opens a call → a territory lead signs
up from the open call and starts an application. No shell, no ``/admin/``; the only addresses
opened are the home page and the links the e-mails carry."""

import re

import pytest
from django.core import mail

from essaim.accounts.tests.factories import UserFactory
from essaim.applications.models import Application
from essaim.geo.tests.factories import load_tiny_geography

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "ruche-2019-neuve"


def last_link(to: str, pattern: str) -> str:
    message = [m for m in mail.outbox if m.to == [to]][-1]
    return re.search(rf"https?://[^/\s]+({pattern}\S*)", message.body)[1]


def fill_signup(page, email: str) -> None:
    form = page.locator("main form")
    form.locator('input[name="first_name"]').fill("Camille")
    form.locator('input[name="last_name"]').fill("Martin")
    form.locator('input[name="email"]').fill(email)
    form.locator('input[name="password1"]').fill(PASSWORD)
    form.locator('input[name="password2"]').fill(PASSWORD)
    form.locator('button[type="submit"]').click()
    page.wait_for_url(re.compile("/comptes/"))


def sign_up_through(page, live_server, link: str, email: str) -> None:
    """Open an e-mailed link, create the account from it, confirm the address from its mail."""
    page.goto(live_server.url + link)
    page.get_by_role("link", name="Créer mon compte").click()
    fill_signup(page, email)
    page.goto(live_server.url + last_link(email, "/comptes/confirmer-adresse/"))
    page.locator("main form").get_by_role("button").click()


@pytest.fixture
def new_page(browser):
    """Another person's browser (its own context), closed at the end of the test — before the
    database is emptied, so that no request of theirs is still running then."""
    opened = []

    def make():
        opened.append(browser.new_page(locale="fr-FR"))
        return opened[-1]

    yield make
    for other in opened:
        other.context.close()


def test_a_programme_and_its_team_start_from_the_pages(page, new_page, live_server, login):
    load_tiny_geography()
    UserFactory(email="operatrice@essaim.test", is_superuser=True, is_staff=True)
    login(page, live_server, "operatrice@essaim.test", "secret-password")

    page.get_by_role("link", name="Équipe du programme").first.click()
    page.get_by_role("link", name="Nouveau programme").click()
    page.get_by_role("textbox", name="Nom du programme", exact=True).fill(
        "Économie circulaire en Bretagne"
    )
    page.get_by_label("Identifiant").fill("eco-bretagne")
    page.get_by_role("button", name="Créer le programme").click()
    page.get_by_text("Le programme « Économie circulaire en Bretagne » est créé").wait_for()

    page.get_by_role("region", name="Inviter une personne").get_by_role(
        "textbox", name=re.compile("^Adresse électronique")
    ).fill("admin@bretagne.test")
    page.get_by_role("region", name="Inviter une personne").get_by_role(
        "combobox", name=re.compile("^Rôle")
    ).select_option(label="administrateur du programme")
    page.get_by_role("region", name="Inviter une personne").get_by_role(
        "button", name="Envoyer l'invitation"
    ).click()
    page.get_by_text("Invitation envoyée à admin@bretagne.test").wait_for()

    admin = new_page()
    sign_up_through(
        admin, live_server, last_link("admin@bretagne.test", "/invitations/"), "admin@bretagne.test"
    )
    admin.get_by_role("button", name="Accepter l'invitation").click()
    admin.get_by_text("Vous faites maintenant partie de l'équipe").wait_for()

    admin.get_by_role("link", name="Équipe du programme").first.click()
    admin.get_by_role("region", name="Inviter une personne").get_by_role(
        "textbox", name=re.compile("^Adresse électronique")
    ).fill("instruction@bretagne.test")
    admin.get_by_role("region", name="Inviter une personne").get_by_role(
        "combobox", name=re.compile("^Rôle")
    ).select_option(label="instructeur")
    admin.get_by_role("region", name="Inviter une personne").get_by_role(
        "button", name="Envoyer l'invitation"
    ).click()
    admin.get_by_text("Invitation envoyée à instruction@bretagne.test").wait_for()

    admin.get_by_role("link", name="Mon espace").first.click()
    admin.get_by_role("link", name="Appels et formulaires").first.click()
    admin.get_by_role("link", name=re.compile("AMI permanent")).click()
    admin.get_by_role("link", name="Gérer l'appel").click()
    admin.get_by_role("button", name="Ouvrir").click()
    admin.get_by_text(re.compile("ouvert", re.I)).first.wait_for()

    lead = new_page()
    lead.goto(live_server.url + "/")
    lead.get_by_role("link", name="Candidater").first.click()
    lead.wait_for_load_state()
    if not lead.get_by_role("link", name="Créer un compte pour candidater").count():
        lead.get_by_role("link", name=re.compile("AMI permanent")).first.click()  # several open
    lead.get_by_role(
        "link", name=re.compile("Candidater|Créer une candidature|Commencer")
    ).first.click()
    lead.get_by_role("link", name=re.compile("Créer un compte")).first.click()
    fill_signup(lead, "lead@bretagne.test")
    lead.goto(live_server.url + last_link("lead@bretagne.test", "/comptes/confirmer-adresse/"))
    lead.locator("main form").get_by_role("button").click()
    lead.wait_for_url(re.compile("/candidatures/"))
    lead.locator('input[name="title"]').fill("Bretagne circulaire")
    lead.locator("#unit-search").fill("Nantes")
    lead.locator("[data-geo-results]").get_by_role("button").first.click()
    lead.get_by_role("button", name="Créer le brouillon").click()
    lead.wait_for_url(re.compile(r"/candidatures/\d+/"))
    draft = Application.objects.get(title="Bretagne circulaire")
    assert draft.call.programme.slug == "eco-bretagne"
    assert draft.status == "draft"
