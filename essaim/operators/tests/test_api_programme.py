"""/api/v1/programmes/{id}/settings, /configuration, /instruments and POST /programmes: the
settings page's actions in the API, through the same services (history recorded), the same
scoping (another programme's admin, the programme's instructor: 404) and the file's problems
named by their path."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory
from essaim.calls.history import ProgrammeAction
from essaim.calls.models import Programme
from essaim.core.models import HistoryEvent
from essaim.demo.financing import load_instruments
from essaim.financing.models import ProgrammeInstrument
from essaim.geo.models import Region
from essaim.geo.tests.factories import load_tiny_geography
from essaim.operators import programme_file
from essaim.operators.services import programme_start
from essaim.operators.tests import settings_world
from essaim.support.models import SupportAxis
from essaim.testing import bearer, other_programme, superuser, table_state

pytestmark = pytest.mark.django_db

media = settings_world.media
programme = settings_world.programme
admin = settings_world.admin


def send(client, method, url, user, body=None, access="write"):
    """``user`` a user (a token made for the call) or the headers of a token made before."""
    headers = user if isinstance(user, dict) else bearer(user, access)
    return getattr(client, method)(url, body, content_type="application/json", headers=headers)


def actions(programme) -> list[str]:
    return list(
        HistoryEvent.objects.for_object(programme).order_by("pk").values_list("action", flat=True)
    )


def test_the_admin_reads_and_changes_the_settings(client, programme, admin):
    load_tiny_geography()
    base = f"/api/v1/programmes/{programme.pk}/settings"
    read = client.get(base, headers=bearer(admin))
    assert read.status_code == 200 and read.json()["name"] == "Neuf"
    assert read.json()["regions"] == [] and read.json()["logo_url"] is None
    from_geo = Region.objects.order_by("code").first().code
    changed = send(
        client,
        "patch",
        base,
        admin,
        {"home_text": "Bienvenue.", "label_validity_years": 5, "regions": [from_geo]},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["regions"] == [from_geo] and changed.json()["home_text"] == "Bienvenue."
    programme.refresh_from_db()
    assert programme.label_validity_years == 5
    assert actions(programme)[-1] == ProgrammeAction.SETTINGS


@pytest.mark.parametrize(
    "body, field",
    [
        ({"website": "pas une adresse"}, "website"),
        ({"label_validity_years": 99}, "label_validity_years"),
        ({"regions": ["999"]}, "regions"),
        ({"contact_email": "nobody"}, "contact_email"),
    ],
)
def test_a_bad_setting_is_a_422_naming_it(client, programme, admin, body, field):
    auth = bearer(admin)
    before = table_state(Programme)
    response = send(client, "patch", f"/api/v1/programmes/{programme.pk}/settings", auth, body)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == field
    assert table_state(Programme) == before


def test_strangers_get_a_404_and_a_read_only_token_a_403(client, programme, admin):
    other = other_programme()
    base = f"/api/v1/programmes/{programme.pk}"
    instructor = MembershipFactory(role=Role.INSTRUCTOR, programme=programme).user
    for user in (other.admin, instructor):
        assert client.get(f"{base}/settings", headers=bearer(user)).status_code == 404
        assert send(client, "patch", f"{base}/settings", user, {"name": "X"}).status_code == 404
        assert client.get(f"{base}/configuration", headers=bearer(user)).status_code == 404
    body = {"name": "X"}
    assert send(client, "patch", f"{base}/settings", admin, body, access="read").status_code == 403
    programme.refresh_from_db()
    assert programme.name == "Neuf"


def test_the_configuration_is_exported_then_an_edited_one_previewed_and_imported(
    client, programme, admin
):
    base = f"/api/v1/programmes/{programme.pk}/configuration"
    exported = client.get(base, headers=bearer(admin)).json()
    assert exported["filename"] == "neuf.yaml"
    assert exported["content"] == programme_file.dump(programme_file.export_programme(programme))
    data = yaml.safe_load(exported["content"])
    data["programme"]["home_text"] = "Texte venu du fichier."
    data["support_axes"].append({"code": "mobilite", "title": "Mobilité", "description": ""})
    text = programme_file.dump(data)

    auth = bearer(admin)
    before = table_state(Programme, SupportAxis)
    preview = send(client, "post", base, auth, {"content": text, "dry_run": True})
    assert preview.status_code == 200, preview.content
    assert preview.json()["changed"] and {"what": "axis", "name": "Mobilité"}.items() <= (
        next(c for c in preview.json()["changes"] if c["what"] == "axis").items()
    )
    assert table_state(Programme, SupportAxis) == before

    imported = send(client, "post", base, admin, {"content": text})
    assert imported.status_code == 200 and imported.json()["changed"]
    assert SupportAxis.objects.filter(programme=programme, code="mobilite").exists()
    assert actions(programme)[-1] == ProgrammeAction.IMPORT
    again = send(client, "post", base, admin, {"content": text})
    assert again.status_code == 200 and not again.json()["changed"]


def test_a_bad_file_is_a_422_naming_each_path_and_changes_nothing(client, programme, admin):
    base = f"/api/v1/programmes/{programme.pk}/configuration"
    data = yaml.safe_load(client.get(base, headers=bearer(admin)).json()["content"])
    data["programme"]["label_validity_years"] = 0
    auth = bearer(admin)
    before = table_state(Programme, SupportAxis)
    refused = send(client, "post", base, auth, {"content": programme_file.dump(data)})
    assert refused.status_code == 422, refused.content
    assert "programme.label_validity_years" in {e["field"] for e in refused.json()["errors"]}
    elsewhere = programme_start(
        user=superuser(), template="french-impact", slug="ailleurs", name="A"
    )
    text = programme_file.dump(programme_file.export_programme(elsewhere.programme))
    before = table_state(Programme, SupportAxis)
    other = send(client, "post", base, auth, {"content": text})
    assert other.status_code == 422
    assert "programme.slug" in {e["field"] for e in other.json()["errors"]}
    broken = send(client, "post", base, auth, {"content": "programme: [unclosed"})
    assert broken.status_code == 422
    assert table_state(Programme, SupportAxis) == before


def test_the_admin_references_and_removes_an_instrument(client, programme, admin):
    fiso = load_instruments()["FISO #2"]
    base = f"/api/v1/programmes/{programme.pk}/instruments"
    added = send(client, "post", base, admin, {"instrument_id": fiso.pk})
    assert added.status_code == 201 and added.json()["name"] == fiso.name
    assert send(client, "post", base, admin, {"instrument_id": fiso.pk}).status_code == 201
    listed = client.get(base, headers=bearer(admin)).json()["items"]
    assert [i["instrument_id"] for i in listed] == [fiso.pk]
    assert actions(programme).count(ProgrammeAction.INSTRUMENT_ADD) == 1
    unknown = send(client, "post", base, admin, {"instrument_id": 999_999})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "instrument_id"
    stranger = other_programme().admin
    assert send(client, "delete", f"{base}/{fiso.pk}", stranger).status_code == 404
    assert send(client, "delete", f"{base}/{fiso.pk}", admin).status_code == 204
    assert not ProgrammeInstrument.objects.exists()
    assert send(client, "delete", f"{base}/{fiso.pk}", admin).status_code == 404
    assert actions(programme)[-1] == ProgrammeAction.INSTRUMENT_REMOVE


def test_a_superuser_starts_a_programme_others_may_not(client, programme, admin):
    body = {"template": "french-impact", "slug": "tout-neuf", "name": "Tout neuf"}
    assert send(client, "post", "/api/v1/programmes", admin, body).status_code == 403
    root = superuser()
    created = send(client, "post", "/api/v1/programmes", root, body)
    assert created.status_code == 201, created.content
    new = Programme.objects.get(slug="tout-neuf")
    assert created.json()["id"] == new.pk and SupportAxis.objects.filter(programme=new).exists()
    taken = send(client, "post", "/api/v1/programmes", root, {**body, "slug": "neuf"})
    assert taken.status_code == 422 and taken.json()["errors"][0]["field"] == "slug"
    unknown = send(client, "post", "/api/v1/programmes", root, {**body, "template": "x"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "template"


def test_the_admin_sends_then_removes_the_logo(client, programme, admin):
    url = f"/api/v1/programmes/{programme.pk}/logo"
    auth = bearer(admin)
    sent = client.post(url, {"logo": settings_world.png()}, headers=auth)
    assert sent.status_code == 200, sent.content
    assert sent.json()["logo_url"] == f"/programmes/{programme.slug}/logo/"
    assert actions(programme)[-1] == ProgrammeAction.LOGO
    svg = SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    refused = client.post(url, {"logo": svg}, headers=auth)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "logo"
    stranger = bearer(other_programme().admin)
    assert client.post(url, {"logo": settings_world.png()}, headers=stranger).status_code == 404
    assert client.delete(url, headers=stranger).status_code == 404
    assert client.delete(url, headers=auth).status_code == 204
    programme.refresh_from_db()
    assert not programme.logo and actions(programme)[-1] == ProgrammeAction.LOGO_REMOVE
