"""A programme's whole configuration from its settings page: downloaded (the command's export),
imported — validated whole with every problem and its path, previewed, imported once — and a
new programme created from a file by a superuser. Query budgets of the settings pages."""

import base64
import io

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from essaim.calls.models import Call, FormVersion, Programme
from essaim.core.models import HistoryEvent
from essaim.geo.tests.factories import load_tiny_geography
from essaim.operators import programme_file
from essaim.operators.services import programme_start
from essaim.operators.tests import settings_world
from essaim.operators.tests.settings_world import (
    TEMPLATE,
    page,
    url,
    yaml_upload,
)
from essaim.support.models import SupportAxis
from essaim.testing import other_programme, superuser, table_state

pytestmark = pytest.mark.django_db

# Fixtures of the settings' world (see settings_world).
media = settings_world.media
programme = settings_world.programme
admin = settings_world.admin


# --- Download and import -------------------------------------------------------------------------


def test_the_download_is_the_commands_export(client, programme, admin):
    client.force_login(admin)
    response = client.get(url("configuration_download", programme))
    assert response.status_code == 200
    assert 'filename="neuf.yaml"' in response["Content-Disposition"]
    out = io.StringIO()
    call_command("programme", "export", programme.slug, stdout=out)
    assert response.content.decode() == out.getvalue()


def test_an_edited_file_is_previewed_then_imported_once(client, programme, admin):
    client.force_login(admin)
    data = yaml.safe_load(client.get(url("configuration_download", programme)).content)
    data["programme"]["home_text"] = "Texte venu du fichier."
    data["programme"]["label_validity_years"] = 6
    data["support_axes"].append({"code": "mobilite", "title": "Mobilité", "description": ""})
    text = programme_file.dump(data)

    before = table_state(Programme, SupportAxis, Call, FormVersion)
    response = client.post(url("configuration_import", programme), {"file": yaml_upload(text)})
    assert response.status_code == 200
    content = page(response)
    assert 'id="import-preview"' in content and "axes d'accompagnement" in content
    assert "Axe ajouté : Mobilité" in content
    assert "Durée de validité du label (ans) : 3 → 6" in content
    assert "Texte de la page d'accueil : — → Texte venu du fichier." in content
    assert table_state(Programme, SupportAxis, Call, FormVersion) == before  # only a preview

    confirm = response.context["confirm"].initial["content"]
    response = client.post(url("configuration_import_confirm", programme), {"content": confirm})
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.home_text == "Texte venu du fichier."
    assert programme.label_validity_years == 6
    assert programme.support_axes.filter(code="mobilite").exists()
    assert HistoryEvent.objects.for_object(programme).filter(action="import").count() == 1

    # The same file again: the preview says nothing changes, the import changes nothing.
    after = table_state(Programme, SupportAxis, Call, FormVersion)
    response = client.post(url("configuration_import", programme), {"file": yaml_upload(text)})
    assert 'id="import-nothing"' in response.content.decode()
    client.post(url("configuration_import_confirm", programme), {"content": confirm})
    assert table_state(Programme, SupportAxis, Call, FormVersion) == after


def test_a_wrong_file_is_refused_whole_with_every_problem_and_its_path(client, programme, admin):
    load_tiny_geography()
    client.force_login(admin)
    data = yaml.safe_load(client.get(url("configuration_download", programme)).content)
    data["programme"]["home_text"] = "Ne doit pas arriver."
    data["programme"]["label_validity_years"] = "trois"
    data["programme"]["regions"] = ["99"]
    del data["support_axes"][1]["title"]
    before = table_state(Programme, SupportAxis, Call, FormVersion)
    response = client.post(
        url("configuration_import", programme), {"file": yaml_upload(programme_file.dump(data))}
    )
    assert response.status_code == 422
    content = page(response)
    for path in (
        "programme.label_validity_years",
        "programme.regions[0]",
        "support_axes[1]",
    ):
        assert f"<code>{path}</code>" in content, path
    assert "code INSEE de région inconnu : 99" in content and "il manque « title »" in content
    assert table_state(Programme, SupportAxis, Call, FormVersion) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"format: [unclosed", "ce n'est pas du YAML valide"),
        (b"\xff\xfe\x00n", "pas du texte UTF-8"),
        (b"- une liste", "le fichier doit décrire un programme"),
    ],
)
def test_unreadable_files_are_refused(client, programme, admin, content, message):
    client.force_login(admin)
    upload = SimpleUploadedFile("c.yaml", content, content_type="application/yaml")
    response = client.post(url("configuration_import", programme), {"file": upload})
    assert response.status_code == 422
    assert message in page(response)


def test_a_file_of_another_programme_or_a_forged_confirmation_imports_nothing(
    client, programme, admin
):
    other = other_programme()
    client.force_login(admin)
    text = programme_file.dump(programme_file.export_programme(other.programme))
    before = table_state(Programme, SupportAxis, Call)
    response = client.post(url("configuration_import", programme), {"file": yaml_upload(text)})
    assert response.status_code == 422
    assert "ce fichier décrit le programme « autre-" in page(response)
    # The confirmation step validates again: a forged content is refused the same way.
    from_confirm = client.post(
        url("configuration_import_confirm", programme),
        {"content": base64.b64encode(text.encode()).decode()},
    )
    assert from_confirm.status_code == 422
    assert "<code>programme.slug</code>" in from_confirm.content.decode()
    assert table_state(Programme, SupportAxis, Call) == before


def test_a_file_too_large_is_refused(client, programme, admin):
    client.force_login(admin)
    big = yaml_upload("# " + "x" * (1024 * 1024 + 10))
    response = client.post(url("configuration_import", programme), {"file": big})
    assert response.status_code == 422 and "plus de 1 Mo" in page(response)


# --- A new programme from a file -----------------------------------------------------------------


def test_the_superuser_creates_a_programme_from_a_file(client):
    load_tiny_geography()
    client.force_login(superuser())
    page_before = client.get(reverse("operators:programme_create")).content.decode()
    assert reverse("operators:programme_create_from_file") in page_before
    data = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    target = reverse("operators:programme_create_from_file")
    response = client.post(target, {"from-file-file": yaml_upload(programme_file.dump(data))})
    assert response.status_code == 302
    programme = Programme.objects.get(slug=data["programme"]["slug"])
    assert response.url == url("settings", programme)
    assert programme.support_axes.count() == 6

    # The same identifier again: refused, nothing duplicated.
    before = table_state(Programme, Call)
    response = client.post(target, {"from-file-file": yaml_upload(programme_file.dump(data))})
    assert response.status_code == 422
    assert "Un programme porte déjà cet identifiant." in page(response)
    assert table_state(Programme, Call) == before


def test_a_bad_file_creates_no_programme_and_admins_cannot_create(client, programme, admin):
    data = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    data["programme"]["slug"] = "autre-chose"
    data["programme"]["name"] = 12
    target = reverse("operators:programme_create_from_file")
    before = table_state(Programme, Call)
    client.force_login(superuser())
    response = client.post(target, {"from-file-file": yaml_upload(programme_file.dump(data))})
    assert response.status_code == 422
    assert "<code>programme.name</code>" in response.content.decode()
    client.force_login(admin)
    data["programme"]["name"] = "Pris"
    response = client.post(target, {"from-file-file": yaml_upload(programme_file.dump(data))})
    assert response.status_code == 403
    assert table_state(Programme, Call) == before


# --- Query budgets -------------------------------------------------------------------------------


def test_settings_pages_keep_to_their_query_budget(
    client, programme, admin, django_assert_max_num_queries
):
    load_tiny_geography()
    client.force_login(admin)
    client.get(url("settings", programme))  # warm the session and content types
    for name, budget in (("settings", 16), ("axes", 10), ("configuration_import", 9)):
        with django_assert_max_num_queries(budget):
            assert client.get(url(name, programme)).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(url("configuration_download", programme)).status_code == 200


def test_a_new_programme_starts_with_the_settings_label_validity(settings):
    settings.ESSAIM_LABEL_VALIDITY_YEARS = 4
    result = programme_start(user=superuser(), template="french-impact", slug="x", name="X")
    assert result.programme.label_validity_years == 4
    data = programme_file.export_programme(result.programme)
    data["programme"].pop("label_validity_years")
    data["programme"]["slug"] = "sans-duree"
    data["calls"] = []
    assert programme_file.read(programme_file.dump(data))[1] == []  # the key is optional


def test_what_the_models_refuse_beyond_the_schema_is_a_problem_of_the_file(
    client, programme, admin
):
    client.force_login(admin)
    data = programme_file.export_programme(programme)
    data["programme"]["website"] = "pas une adresse"
    data["programme"]["home_text"] = "Ne doit pas arriver."
    before = table_state(Programme, SupportAxis, Call)
    response = client.post(
        url("configuration_import", programme), {"file": yaml_upload(programme_file.dump(data))}
    )
    assert response.status_code == 422
    assert "<code>programme.website</code>" in response.content.decode()
    assert table_state(Programme, SupportAxis, Call) == before

    client.force_login(superuser())
    data["programme"]["slug"] = "copie"
    data["calls"] = []
    response = client.post(
        reverse("operators:programme_create_from_file"),
        {"from-file-file": yaml_upload(programme_file.dump(data))},
    )
    assert response.status_code == 422
    assert "<code>programme.website</code>" in response.content.decode()
    assert not Programme.objects.filter(slug="copie").exists()
