"""A programme admin runs the programme's settings from the pages, from *Mon espace*: the public
texts and the label validity, the logo, then the configuration file downloaded, edited,
previewed and imported."""

import re

import pytest
import yaml
from PIL import Image

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory, UserFactory
from essaim.calls.models import Programme
from essaim.operators.services import programme_start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_an_admin_configures_the_programme_and_imports_an_edited_file(
    page, live_server, login, tmp_path
):
    root = UserFactory(email="root@essaim.test", is_superuser=True, is_staff=True)
    programme = programme_start(
        user=root, template="french-impact", slug="bretagne", name="Bretagne"
    ).programme
    MembershipFactory(
        role=Role.PROGRAMME_ADMIN,
        programme=programme,
        user=UserFactory(email="admin@bretagne.test"),
    )
    login(page, live_server, "admin@bretagne.test", "secret-password")

    page.get_by_role("link", name="Paramètres du programme").first.click()
    page.get_by_label("Texte de la page d'accueil").fill("Le programme breton.")
    page.get_by_label("Durée de validité du label (ans)").fill("4")
    page.get_by_role("button", name="Enregistrer les paramètres").click()
    page.get_by_text("Les paramètres du programme sont enregistrés.").wait_for()

    logo = tmp_path / "logo.png"
    Image.new("RGB", (60, 30), (0, 0, 145)).save(logo)
    page.locator("#logo-form input[type=file]").set_input_files(logo)
    page.get_by_role("button", name="Enregistrer le logo").click()
    page.get_by_text("Le logo est enregistré.").wait_for()

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger la configuration (YAML)").click()
    data = yaml.safe_load(download.value.path().read_text(encoding="utf-8"))
    assert data["programme"]["label_validity_years"] == 4
    data["support_axes"].append({"code": "mer", "title": "Économie de la mer"})
    edited = tmp_path / "bretagne.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    page.get_by_role("link", name="Importer une configuration").first.click()
    page.locator("#import-form input[type=file]").set_input_files(edited)
    page.get_by_role("button", name="Vérifier le fichier").click()
    changes = page.locator("#import-changes")
    changes.wait_for()
    assert "Axe ajouté : Économie de la mer" in " ".join(changes.inner_text().split())
    assert not programme.support_axes.filter(code="mer").exists()
    page.get_by_role("button", name="Importer").click()
    page.get_by_text(re.compile("Configuration importée")).wait_for()
    assert programme.support_axes.filter(code="mer").exists()

    page.get_by_role("link", name="Voir la page publique du programme").click()
    page.get_by_text("Le programme breton.").wait_for()
    image = page.locator("#programme-logo")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 60
    assert Programme.objects.get(pk=programme.pk).label_validity_years == 4
