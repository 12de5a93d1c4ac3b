"""The committee decides and publishes a wave; the public then finds the territory on the map and
in the table, opens its page, downloads its certificate and verifies it — in Debian's Chromium,
under our CSP, with an axe-core check on each public page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from essaim.labels.models import Label
from essaim.labels.tests.factories import (
    ApplicationFactory,
    WaveFactory,
    programme_admin,
    with_collective_details,
    with_communes,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def proposed():
    today = timezone.localdate()
    wave = WaveFactory(
        french_impact=True,
        number=1,
        committee_on=today - datetime.timedelta(days=20),
        announced_on=today - datetime.timedelta(days=1),
    )
    application = ApplicationFactory(
        proposed=True,
        wave=wave,
        title="Territoire French Impact — Vallée de la Marne",
        collective__perimeter__name="Vallée de la Marne",
        collective__perimeter__slug="vallee-de-la-marne",
    )
    with_collective_details(application)
    with_communes(application.perimeter, ["77001", "77002"], region_code="11")
    admin = programme_admin(wave.programme, email="comite@example.test")
    return wave, application, admin


def test_decide_publish_then_the_public_verifies_the_certificate(
    page, live_server, login, assert_accessible, proposed
):
    wave, application, _admin = proposed
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )

    # The committee: one decision with its motivation, then publication.
    login(page, live_server, "comite@example.test", "secret-password")
    page.goto(f"{live_server.url}/labels/vagues/{wave.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vague 1")
    assert_accessible(page)
    fieldset = page.locator("fieldset", has_text=application.reference)
    fieldset.get_by_label("Décision").select_option("labelled")
    fieldset.get_by_label("Motivation").fill("Collectif solide, stratégie ambitieuse.")
    page.get_by_role("button", name="Enregistrer les décisions").click()
    expect(page.get_by_text("1 décision(s) enregistrée(s).")).to_be_visible()
    page.get_by_role("button", name="Publier la vague").click()
    expect(page.get_by_text("La vague est publiée")).to_be_visible()
    label = Label.objects.get(application=application)
    page.context.clear_cookies()

    # The public: the table, the map, the territory page, the certificate and its verification.
    page.goto(f"{live_server.url}/territoires/")
    table = page.locator("#territory-table")
    expect(table.get_by_role("link", name="Vallée de la Marne")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("tab", name="Carte").click()
    # The map is drawn on the server: the territory is a link (keyboard included) to its page.
    territory = page.locator("#territory-map").get_by_role("link", name="Vallée de la Marne")
    expect(territory).to_be_visible()
    expect(page.locator("#territory-map-legend")).to_contain_text("Vague 1 (1 territoire)")
    assert_accessible(page)

    # Back to the list (its table tab is the default): a click during the DSFR tab panels'
    # transition could be lost on a loaded machine.
    page.goto(f"{live_server.url}/territoires/")
    link = page.locator("#territory-table").get_by_role("link", name="Vallée de la Marne")
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url("**/territoires/vallee-de-la-marne/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vallée de la Marne")
    expect(page.locator("#collective-members")).to_contain_text("Région témoin")
    expect(page.get_by_text("supermarchés coopératifs")).to_be_visible()
    assert_accessible(page)

    href = page.locator("#certificate-link").get_attribute("href")
    # The first certificate of a process imports WeasyPrint (several seconds on a busy machine).
    certificate = page.request.get(live_server.url + href, timeout=90_000)
    assert certificate.ok
    assert certificate.headers["content-type"] == "application/pdf"
    assert certificate.body().startswith(b"%PDF")

    page.get_by_role("link", name="Vérifier le label").click()
    expect(page).to_have_url(re.compile(rf"/labels/verifier/{label.verification_code}/$"))
    expect(page.get_by_role("heading", name="Label valide")).to_be_visible()
    assert_accessible(page)

    # A made-up code, typed in the form.
    page.get_by_label("Code de vérification").fill("code-invente")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("heading", name="Code introuvable")).to_be_visible()
    assert not errors, errors
