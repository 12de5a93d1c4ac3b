"""Journeys of the financing side, each from the home page: the project holder creates and edits
a project, adds a need and asks an instrument for it; the financer finds the requests and the
gaps ("Besoins sans outil"), takes a request into review and grants it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from essaim.financing import services
from essaim.financing.models import FinancingRequest
from essaim.financing.tests.world import world  # noqa: F401
from essaim.testing import grant_partly_on_its_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_project_holder(journey, world):  # noqa: F811
    walk = journey("project holder")
    page = walk.page

    walk.sign_in(world.holder.email)
    walk.h1("Mon espace")
    walk.shortcut("Projets")
    page.get_by_role("link", name="Ajouter un projet").click()
    form = page.locator("#project-form")
    form.get_by_label("Titre").fill("Cantine solidaire du Marais")
    form.get_by_label("Résumé").fill("Des repas locaux à prix libre.")
    form.get_by_label("Structure porteuse").select_option(label=world.epicerie.name)
    form.get_by_label("Territoire", exact=True).select_option(label=world.collective.perimeter.name)
    form.get_by_label("Collectif du territoire").select_option(label=world.collective.name)
    form.get_by_label("Stade").select_option(label="amorçage")
    form.locator("label[for=id_domains_0]").click()  # the DSFR label covers the box
    form.get_by_label("Année de création").fill(str(timezone.localdate().year - 1))
    form.get_by_label("Budget annuel (€)").fill("60000")
    form.get_by_role("button", name="Enregistrer").click()
    walk.h1("Cantine solidaire du Marais")

    page.get_by_role("link", name="Modifier le projet").click()
    page.locator("#project-form").get_by_label("Résumé").fill("Des repas locaux, prix libre.")
    page.locator("#project-form").get_by_role("button", name="Enregistrer").click()
    expect(page.locator("main")).to_contain_text("Des repas locaux, prix libre.")

    need_form = page.locator("#need-form")
    need_form.get_by_label("Nature").select_option("financing")
    need_form.get_by_label("Montant (€)").fill("40000")
    need_form.get_by_label("Objet").fill("Équipement de la cuisine")
    need_form.get_by_role("button", name="Ajouter le besoin").click()
    expect(page.locator("#project-needs")).to_contain_text("Équipement de la cuisine")

    page.get_by_role("link", name="Voir les financements possibles").click()
    expect(page.locator("#ranked-matches > li").first).to_contain_text("FISO #2")
    page.get_by_role("link", name="Demander à FISO #2").click()
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator("#request-status")).to_have_text("reçue")
    assert FinancingRequest.objects.filter(project__title="Cantine solidaire du Marais").exists()
    walk.done()


def test_financer(journey, world):  # noqa: F811
    request = services.financing_request_send(
        user=world.holder,
        project=world.supermarket,
        instrument=world.instruments["FISO #2"],
        amount=40_000,
        purpose="Local et stock",
        need=world.need,
    )
    walk = journey("financer")
    page = walk.page

    walk.sign_in(world.financer.email)
    walk.h1("Mon espace")
    walk.shortcut("Besoins sans outil")
    walk.h1("Besoins sans financement")
    expect(page.locator("main")).to_contain_text("Conciergerie lyonnaise")  # 2 M€: no instrument

    walk.my_space()
    walk.shortcut("Demandes de financement")
    row = page.locator("#request-table tbody tr", has_text=world.supermarket.title)
    expect(row).to_contain_text("reçue")
    row.get_by_role("link").first.click()
    page.get_by_role("button", name="Instruire").click()
    expect(page.locator("#request-status")).to_have_text("en instruction")
    grant_partly_on_its_page(
        page, "35000", conditions="Bilan à 12 mois", reason="Plafond de l'outil"
    )
    expect(page.locator("#request-status")).to_have_text("accordée")
    expect(page.locator("#granted-amount")).to_contain_text(re.compile(r"35\s000"))
    request.refresh_from_db()
    assert request.status == "granted"
    walk.done()
