"""The reporting journey in Debian's Chromium: the territory lead goes from "Mon espace" to their
territory's impact page, uploads a CSV with one bad row (refused with the row's number and
reason, nothing imported), accepts the valid rows, and sees the value in the table and the chart;
axe-core checks the territory page."""

import re

import pytest
from playwright.sync_api import expect

from essaim.impact.models import Measurement

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "secret-password"  # noqa: S105 - UserFactory's test password


def test_lead_reports_by_csv_from_the_menu(
    world, page, live_server, login, assert_accessible, tmp_path
):
    csv_file = tmp_path / "valeurs.csv"
    csv_file.write_text(
        "indicateur;periode;valeur;unite;source\n"
        "emplois-crees;2025-12-31;6;ETP;Registre\n"
        "emplois-crees;2025-06-30;six;ETP;Registre\n",
        encoding="utf-8",
    )
    login(page, live_server, world.lead.email, PASSWORD)
    page.get_by_role("link", name="Mesure d'impact").first.click()
    page.get_by_role("link", name=world.label.perimeter.name).click()
    expect(page).to_have_url(re.compile(rf"/impact/territoires/{world.label.pk}/$"))
    assert_accessible(page)

    page.get_by_role("link", name="Importer un fichier CSV").click()
    page.get_by_label("Fichier CSV").set_input_files(str(csv_file))
    page.get_by_role("button", name="Vérifier et importer").click()
    report = page.locator("table").filter(has_text="Erreurs, ligne par ligne")
    expect(report).to_contain_text("3")
    expect(report).to_contain_text("« six » n'est pas un nombre.")
    expect(page.locator("#csv-report")).to_contain_text("Rien n'a été importé.")
    assert not Measurement.objects.exists()

    page.get_by_label("Fichier CSV").set_input_files(str(csv_file))
    page.locator("label[for=id_accept_valid]").click()
    page.get_by_role("button", name="Vérifier et importer").click()
    expect(page.locator("#csv-report")).to_contain_text("1 ligne valide importée.")
    assert Measurement.objects.get().value == 6

    page.get_by_role("link", name=world.label.perimeter.name).first.click()
    expect(page.locator("#measurements")).to_contain_text("Emplois créés")
    expect(page.locator("#serie-emplois-crees svg")).to_be_visible()
