"""The financing journey in Debian's Chromium: a holder views the matches of the cooperative
supermarket, sends a request to the first instrument, the financer reviews and grants it, and
the totals show the granted amount; axe-core checks the key pages."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "secret-password"  # noqa: S105 - UserFactory's test password


def test_matches_request_grant_totals(world, page, live_server, login, assert_accessible):
    project = world.supermarket
    login(page, live_server, world.holder.email, PASSWORD)
    page.goto(f"{live_server.url}/financement/projets/{project.pk}/")
    ranked = page.locator("#ranked-matches > li")
    expect(ranked.first).to_contain_text("FISO #2")
    expect(page.locator("#excluded-matches")).to_contain_text(
        "NovESS : le besoin de 40 000 € est inférieur à son minimum de 100 000 €"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Demander à FISO #2").click()
    # FISO #2 funds at most half of the costs: half of the 40 000 € need, and the field says why
    expect(page.get_by_label("Montant demandé (€)")).to_have_value("20000")
    expect(page.locator("#id_amount_helptext")).to_contain_text("50 % du besoin de 40 000 €")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page).to_have_url(re.compile(r"/financement/demandes/\d+/$"))
    expect(page.locator("#request-status")).to_have_text("reçue")
    request_url = page.url

    page.context.clear_cookies()
    login(page, live_server, world.financer.email, PASSWORD)
    page.goto(request_url)
    page.get_by_role("button", name="Instruire").click()
    expect(page.locator("#request-status")).to_have_text("en instruction")
    page.get_by_role("link", name="Accorder…").click()
    page.get_by_label("Montant accordé (€)").fill("15000")
    page.get_by_label("Conditions de l'accord").fill("Bilan à 12 mois")
    page.get_by_label("Motif du montant partiel").fill("Plafond annuel")
    page.get_by_role("button", name="Vérifier avant d'accorder").click()
    expect(page.locator("#recap-granted")).to_contain_text("15")
    expect(page.locator("#recap-notified")).to_contain_text("1 courriel au porteur")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Confirmer l'accord")).click()
    expect(page.locator("#request-status")).to_have_text("accordée")
    expect(page.locator(".fr-alert--success, .fr-notice, [role=status]").first).to_contain_text(
        "La demande a été accordée"
    )

    page.goto(f"{live_server.url}/financement/demandes/")
    expect(page.locator("#totals-instrument")).to_contain_text("15")
    assert_accessible(page)

    page.context.clear_cookies()
    login(page, live_server, world.holder.email, PASSWORD)
    page.goto(f"{live_server.url}/projets/{project.pk}/")
    expect(page.locator("#project-requests")).to_contain_text("accordée")


def test_holder_creates_a_project_adds_a_need_and_sees_matches(
    world, page, live_server, login, assert_accessible
):
    login(page, live_server, world.holder.email, PASSWORD)
    page.goto(f"{live_server.url}/projets/nouveau/")
    form = page.locator("#project-form")
    form.get_by_label("Titre").fill("Épicerie vrac itinérante")
    form.get_by_label("Résumé").fill("Une épicerie en vrac qui passe dans les villages.")
    form.get_by_label("Structure porteuse").select_option(label=world.epicerie.name)
    form.get_by_label("Stade").select_option("seed")
    form.locator("label[for=id_domains_0]").click()  # the DSFR label covers the box
    expect(form.get_by_label("alimentation et consommation")).to_be_checked()
    assert_accessible(page)
    form.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Épicerie vrac itinérante")

    need_form = page.locator("#need-form")
    need_form.get_by_label("Nature").select_option("financing")
    need_form.get_by_label("Montant (€)").fill("45000")
    need_form.get_by_label("Objet").fill("Camion aménagé")
    need_form.get_by_role("button", name="Ajouter le besoin").click()
    expect(page.locator("#project-needs")).to_contain_text("45")

    page.get_by_role("link", name="Voir les financements possibles").click()
    expect(page.locator("#ranked-matches > li").first).to_contain_text("FISO #2")
    expect(page.locator("#excluded-matches")).to_contain_text(
        "NovESS : le besoin de 45 000 € est inférieur à son minimum de 100 000 €"
    )
