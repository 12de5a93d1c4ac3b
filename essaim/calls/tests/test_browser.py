"""The form builder in Debian's Chromium, with axe-core checks: an admin adds a section and a
required text question with the visual editor (keyboard moves included), previews, saves, reads
what changes and how many drafts it blocks, and publishes after the recap."""

import pytest
from playwright.sync_api import expect

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.applications.tests.factories import ApplicationFactory
from essaim.calls.models import FormVersion
from essaim.calls.tests.factories import FormVersionFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "secret-password"  # UserFactory's


def test_admin_builds_previews_saves_and_publishes(page, live_server, login, assert_accessible):
    v1 = FormVersionFactory()
    call = v1.call
    admin = UserFactory()
    Membership.objects.create(user=admin, role=Role.PROGRAMME_ADMIN, programme=call.programme)
    draft = ApplicationFactory(call=call, form_version=v1, answers={"pitch": "Oi"})

    login(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/appels/{call.slug}/formulaire/")
    expect(page.locator("#fb-s0-heading")).to_have_text("Section 1 : Principal")
    expect(page.locator("[data-advanced]")).not_to_have_attribute("open", "")  # JSON folded
    assert_accessible(page)

    page.get_by_role("button", name="Ajouter une section").click()
    expect(page.locator("#fb-s1-title")).to_be_focused()
    page.keyboard.type("Territoire")
    page.get_by_label("Type de la nouvelle question").last.select_option("short_text")
    page.get_by_role("button", name="Ajouter une question à la section").last.click()
    expect(page.locator("#fb-s1-f0-label")).to_be_focused()
    page.keyboard.type("Code")
    page.locator("label[for=fb-s1-f0-required]").click()
    expect(page.locator("#fb-s1-f0-heading")).to_have_text(
        "Question 1 · Texte court : Code (obligatoire)"
    )
    # Moves with the keyboard: up, then back down, focus kept on the button.
    page.locator("#fb-s1-up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#fb-s0-heading")).to_have_text("Section 1 : Territoire")
    expect(page.locator("#fb-s0-up")).to_be_disabled()
    page.locator("#fb-s0-down").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#fb-s1-heading")).to_have_text("Section 2 : Territoire")
    expect(page.locator("#fb-s1-up")).to_be_focused()  # "Descendre" is now disabled
    # The preview is the engine's, from the server.
    expect(page.locator("#form-preview")).to_contain_text("Territoire")
    expect(
        page.locator("#form-preview").get_by_role("textbox", name="Code", exact=True)
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon de la version 2 enregistré")).to_be_visible()
    changes = page.locator("#draft-changes")
    expect(changes).to_contain_text("Section « Territoire » ajoutée.")
    expect(changes).to_contain_text(
        "Question « Code » ajoutée dans la section « Territoire » (obligatoire)."
    )
    expect(changes).to_contain_text("1 brouillon sur 1 en cours serait bloqué par ce changement")
    expect(changes).to_contain_text(draft.reference)
    assert_accessible(page)

    page.get_by_role("link", name="Publier la version 2…").click()
    expect(page.get_by_text("Publier la version 2 est définitif")).to_be_visible()
    expect(page.locator("#recap-impact")).to_contain_text(
        "Section « Territoire », question « Code » : réponse obligatoire, non remplie."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer la publication de la version 2").click()
    expect(page.get_by_text("Version 2 publiée")).to_be_visible()
    expect(page.get_by_text("1 brouillon(s) devront compléter")).to_be_visible()
    published = FormVersion.objects.get(call=call, number=2)
    assert published.published_at is not None
    section = published.schema["sections"][1]
    assert (section["key"], section["title"]) == ("territoire", "Territoire")
    assert section["fields"] == [
        {"key": "code", "kind": "short_text", "label": "Code", "required": True}
    ]
