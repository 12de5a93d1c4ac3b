"""Perimeter pages and the official-unit picker in Debian's Chromium, with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from essaim.geo.services import Unit, perimeter_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_public_perimeter_page_is_accessible(page, live_server, geography, assert_accessible):
    perimeter_create(user=None, name="Région Nouvelle-Aquitaine", units=[Unit("region", "75")])

    page.goto(f"{live_server.url}/geo/perimetres/region-nouvelle-aquitaine/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Région Nouvelle-Aquitaine")
    expect(page.locator("#perimeter-commune-count")).to_have_text("5")
    expect(page.locator("#perimeter-communes")).to_contain_text("Niort")
    assert_accessible(page)


def test_staff_build_a_perimeter_with_the_unit_picker(
    page, live_server, geography, programme_admin, login, assert_accessible
):
    login(page, live_server, programme_admin.email, "secret-password")
    page.goto(f"{live_server.url}/geo/nouveau-perimetre/")
    assert_accessible(page)

    page.get_by_label("Rechercher").fill("niort")
    page.get_by_role("button", name=re.compile(r"^CA du Niortais")).click()
    page.get_by_role("button", name="Ajouter au périmètre").click()
    page.get_by_label("Rechercher").fill("niort")
    page.get_by_role("button", name=re.compile(r"^Niort\b.*commune")).click()
    page.get_by_role("button", name="Exclure du périmètre").click()

    units = page.locator("#id_units")
    expect(units).to_have_value("epci 200041317 — CA du Niortais\nsauf commune 79191 — Niort")
    page.locator("#id_name").fill("Niortais sans Niort")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page).to_have_url(re.compile(r"/geo/perimetres/niortais-sans-niort/$"))
    expect(page.locator("#perimeter-commune-count")).to_have_text("1")
    expect(page.locator("#perimeter-communes")).to_contain_text("Chauray")
    assert_accessible(page)
