"""A programme's settings page, run by its admins: presentation, zone, logo, label validity
(honoured when labels are granted) and support axes. Other programmes' admins, instructors and
anonymous visitors get nothing and change nothing. (The configuration file from the pages:
``test_settings_import``.)"""

import datetime
import io

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory
from essaim.calls.history import ProgrammeAction
from essaim.calls.models import Programme
from essaim.core.models import HistoryEvent
from essaim.geo.models import Region
from essaim.geo.tests.factories import load_tiny_geography
from essaim.labels import services as label_services
from essaim.labels.models import Outcome
from essaim.labels.services import DecisionInput
from essaim.labels.tests.factories import ApplicationFactory, WaveFactory
from essaim.operators import programme_file
from essaim.operators.tests import settings_world
from essaim.operators.tests.settings_world import (
    page,
    png,
    settings_data,
    url,
)
from essaim.support.models import SupportAxis
from essaim.support.tests.factories import ActionFactory, territory
from essaim.testing import other_programme, superuser, table_state

pytestmark = pytest.mark.django_db

# Fixtures of the settings' world (see settings_world).
media = settings_world.media
programme = settings_world.programme
admin = settings_world.admin


# --- Reaching the page ---------------------------------------------------------------------------


def test_the_admin_reaches_the_settings_from_the_menu_and_the_team_page(client, programme, admin):
    client.force_login(admin)
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("operators:settings_home") in dashboard
    response = client.get(reverse("operators:settings_home"))
    assert response.status_code == 302 and response.url == url("settings", programme)
    assert url("settings", programme) in client.get(url("team", programme)).content.decode()
    content = page(client.get(url("settings", programme)))
    assert "Télécharger la configuration (YAML)" in content
    assert url("configuration_import", programme) in content
    assert url("axes", programme) in content


def test_the_admin_changes_the_settings_and_the_history_says_what_changed(client, programme, admin):
    load_tiny_geography()
    region = Region.objects.order_by("code").first()
    client.force_login(admin)
    response = client.post(
        url("settings", programme),
        {
            **settings_data(
                programme,
                name="Neuf — Territoires",
                home_text="Un programme pour les territoires.",
                contact_email="contact@neuf.example",
                label_validity_years=5,
            ),
            "regions": [region.pk],
        },
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "Neuf — Territoires"
    assert programme.label_validity_years == 5
    assert list(programme.regions.all()) == [region]
    event = HistoryEvent.objects.for_object(programme).get(action=ProgrammeAction.SETTINGS)
    assert event.actor == admin
    assert set(event.payload["changes"]) == {
        "name",
        "home_text",
        "contact_email",
        "label_validity_years",
        "regions",
    }
    content = page(client.get(url("settings", programme)))
    assert "paramètres du programme modifiés" in content and region.name in content
    public = page(client.get(reverse("portal:programme", args=[programme.slug])))
    assert "Un programme pour les territoires." in public

    # The same form again changes nothing and records nothing.
    client.post(
        url("settings", programme),
        {**settings_data(programme), "regions": [region.pk]},
    )
    assert HistoryEvent.objects.for_object(programme).filter(action="settings").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("label_validity_years", 0, "supérieure ou égale à 1"),
        ("label_validity_years", 21, "inférieure ou égale à 20"),
        ("name", "", "obligatoire"),
        ("name", "x" * 201, "200 caractères"),
        ("contact_email", "pas une adresse", "adresse de courriel valide"),
        ("home_text", "x" * 20001, "20000 caractères"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(client, programme, admin, field, value, message):
    client.force_login(admin)
    before = table_state(Programme)
    response = client.post(url("settings", programme), settings_data(programme, **{field: value}))
    assert response.status_code == 422
    assert message in page(response)
    assert f'id="id_{field}"' in response.content.decode()
    assert table_state(Programme) == before


# --- Who may -------------------------------------------------------------------------------------

ROUTES = [
    ("settings", ()),
    ("axes", ()),
    ("configuration_download", ()),
    ("configuration_import", ()),
]


def attackers(programme):
    other = other_programme()
    instructor = MembershipFactory(role=Role.INSTRUCTOR, programme=programme).user
    return {"other programme's admin": other.admin, "instructor": instructor}


def test_other_programmes_admins_and_instructors_get_404_and_change_nothing(client, programme):
    axis = programme.support_axes.first()
    people = attackers(programme)
    before = table_state(Programme, SupportAxis)
    for who, user in people.items():
        client.force_login(user)
        for name, args in ROUTES:
            assert client.get(url(name, programme, *args)).status_code == 404, (who, name)
        posts = [
            (url("settings", programme), settings_data(programme, name="Pris")),
            (url("logo_change", programme), {"remove": "on"}),
            (url("axes", programme), {"title": "Axe pirate"}),
            (url("axis_update", programme, axis.pk), {f"axis-{axis.pk}-title": "Pris"}),
            (url("axis_move", programme, axis.pk), {"direction": "down"}),
            (url("axis_delete", programme, axis.pk), {}),
            (url("configuration_import_confirm", programme), {"content": "e30="}),
        ]
        for target, data in posts:
            assert client.post(target, data).status_code == 404, (who, target)
    assert table_state(Programme, SupportAxis) == before


def test_anonymous_visitors_are_sent_to_the_login_page(client, programme):
    for name, args in ROUTES:
        response = client.get(url(name, programme, *args))
        assert response.status_code == 302 and "/comptes/connexion/" in response.url
    response = client.post(url("settings", programme), settings_data(programme, name="Pris"))
    assert response.status_code == 302 and "/comptes/connexion/" in response.url
    assert Programme.objects.get(pk=programme.pk).name == "Neuf"


def test_an_admin_of_another_programme_cannot_touch_this_programmes_axis_through_their_own(
    client, programme
):
    other = other_programme()
    axis = programme.support_axes.first()
    client.force_login(other.admin)
    target = reverse("operators:axis_update", args=[other.programme.slug, axis.pk])
    assert client.post(target, {f"axis-{axis.pk}-title": "Pris"}).status_code == 404
    target = reverse("operators:axis_delete", args=[other.programme.slug, axis.pk])
    assert client.post(target).status_code == 404
    assert SupportAxis.objects.filter(pk=axis.pk, title=axis.title).exists()


def test_a_superuser_runs_every_programmes_settings(client, programme):
    client.force_login(superuser())
    assert client.get(url("settings", programme)).status_code == 200
    response = client.post(url("settings", programme), settings_data(programme, short_name="N"))
    assert response.status_code == 302
    assert Programme.objects.get(pk=programme.pk).short_name == "N"


def test_a_user_with_no_programme_gets_no_settings_list(client, programme):
    client.force_login(MembershipFactory(role=Role.INSTRUCTOR, programme=programme).user)
    assert client.get(reverse("operators:settings_home")).status_code == 403


# --- Label validity ------------------------------------------------------------------------------


def test_the_label_validity_set_on_the_page_is_the_one_labels_get(client):
    wave = WaveFactory(french_impact=True, number=1)
    programme = wave.programme
    admin = MembershipFactory(role=Role.PROGRAMME_ADMIN, programme=programme).user
    client.force_login(admin)
    response = client.post(
        url("settings", programme), settings_data(programme, label_validity_years=5)
    )
    assert response.status_code == 302

    application = ApplicationFactory(proposed=True, wave=wave)
    label_services.wave_decide(
        wave=wave,
        user=admin,
        decisions=[DecisionInput(application.pk, Outcome.LABELLED, "Dossier solide.")],
    )
    after = wave.announced_on + datetime.timedelta(days=1)
    [label] = label_services.wave_publish(wave=wave, user=admin, today=after)
    granted = label.granted_on
    assert label.valid_until == granted.replace(year=granted.year + 5)


def test_the_label_validity_travels_in_the_configuration_file(programme):
    Programme.objects.filter(pk=programme.pk).update(label_validity_years=4)
    programme.refresh_from_db()
    data = programme_file.export_programme(programme)
    assert data["programme"]["label_validity_years"] == 4
    data["programme"]["label_validity_years"] = 0
    _data, problems = programme_file.read(programme_file.dump(data))
    assert [p.path for p in problems] == ["programme.label_validity_years"]


# --- Logo ----------------------------------------------------------------------------------------


def test_a_png_logo_is_shown_on_the_public_page_and_served_as_an_image(client, programme, admin):
    client.force_login(admin)
    response = client.post(url("logo_change", programme), {"logo": png()})
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.logo.name.endswith(".png")
    client.logout()
    public = client.get(reverse("portal:programme", args=[programme.slug])).content.decode()
    logo_url = reverse("operators:programme_logo", args=[programme.slug])
    assert f'src="{logo_url}"' in public
    served = client.get(logo_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    assert HistoryEvent.objects.for_object(programme).filter(action="logo").exists()


def test_a_new_logo_replaces_the_old_and_removing_it_leaves_none(client, programme, admin):
    client.force_login(admin)
    client.post(url("logo_change", programme), {"logo": png()})
    client.post(url("logo_change", programme), {"logo": png(kind="JPEG")})
    programme.refresh_from_db()
    assert programme.logo.name.endswith(".jpg")
    client.post(url("logo_change", programme), {"remove": "on"})
    programme.refresh_from_db()
    assert not programme.logo
    assert client.get(reverse("operators:programme_logo", args=[programme.slug])).status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile(
                "logo.svg",
                b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                content_type="image/svg+xml",
            ),
            "Le SVG n'est pas accepté",
        ),
        (
            SimpleUploadedFile("logo.png", b"\x89PNG pas une image", content_type="image/png"),
            "pas une image PNG ou JPEG lisible",
        ),
        (
            SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * 600_000, content_type="image/png"),
            "plus de 512 Ko",
        ),
        ("big", "2000 pixels"),
        ("gif", "PNG ou JPEG"),
    ],
)
def test_unsafe_or_oversized_logos_are_refused(client, programme, admin, upload, message):
    if upload == "big":
        upload = png(size=(2500, 10))
    elif upload == "gif":
        buffer = io.BytesIO()
        Image.new("P", (10, 10)).save(buffer, "GIF")
        upload = SimpleUploadedFile("logo.gif", buffer.getvalue(), content_type="image/gif")
    client.force_login(admin)
    response = client.post(url("logo_change", programme), {"logo": upload})
    assert response.status_code == 422
    assert message in page(response)
    programme.refresh_from_db()
    assert not programme.logo


# --- Support axes --------------------------------------------------------------------------------


def test_the_admin_adds_renames_describes_and_reorders_axes(client, programme, admin):
    client.force_login(admin)
    response = client.post(
        url("axes", programme), {"title": "Mobilité solidaire", "description": "Nouvel axe."}
    )
    assert response.status_code == 302
    axis = SupportAxis.objects.get(programme=programme, title="Mobilité solidaire")
    assert axis.code == "mobilite-solidaire"
    assert list(programme.support_axes.order_by("position", "pk"))[-1] == axis

    prefix = f"axis-{axis.pk}"
    client.post(
        url("axis_update", programme, axis.pk),
        {f"{prefix}-title": "Mobilités", f"{prefix}-description": "Transport solidaire."},
    )
    axis.refresh_from_db()
    assert (axis.title, axis.description, axis.code) == (
        "Mobilités",
        "Transport solidaire.",
        "mobilite-solidaire",
    )
    client.post(url("axis_move", programme, axis.pk), {"direction": "up"})
    order = list(programme.support_axes.order_by("position").values_list("code", flat=True))
    assert order[-2] == "mobilite-solidaire"
    assert order == list(
        yaml.safe_load(client.get(url("configuration_download", programme)).content)[
            "support_axes"
        ][i]["code"]
        for i in range(len(order))
    )
    assert HistoryEvent.objects.for_object(axis).filter(action="updated").count() == 2
    history = page(client.get(url("axes", programme)))
    assert "axe modifié</strong> : Mobilités" in history
    assert "Mobilité solidaire → Mobilités" in history

    response = client.post(url("axis_update", programme, axis.pk), {f"{prefix}-title": " "})
    assert response.status_code == 422 and "obligatoire" in page(response)


def test_the_admin_says_which_axes_take_links(client, programme, admin):
    client.force_login(admin)
    response = client.post(url("axes", programme), {"title": "Coopération", "takes_links": "on"})
    assert response.status_code == 302
    axis = SupportAxis.objects.get(programme=programme, title="Coopération")
    assert axis.takes_links
    html = page(client.get(url("axes", programme)))
    assert f'id="axis-{axis.pk}-links"' in html
    assert f'name="axis-{axis.pk}-takes_links"' in html
    prefix = f"axis-{axis.pk}"
    client.post(url("axis_update", programme, axis.pk), {f"{prefix}-title": "Coopération"})
    axis.refresh_from_db()
    assert not axis.takes_links
    assert HistoryEvent.objects.for_object(axis).get(action="updated").payload["changes"] == {
        "takes_links": [True, False]
    }
    client.post(
        url("axis_update", programme, axis.pk),
        {f"{prefix}-title": "Coopération", f"{prefix}-takes_links": "on"},
    )
    exported = yaml.safe_load(client.get(url("configuration_download", programme)).content)
    row = next(a for a in exported["support_axes"] if a["code"] == axis.code)
    assert row["links"] is True


def test_an_unused_axis_is_deleted_one_that_plans_use_never(client, programme, admin):
    client.force_login(admin)
    unused = programme.support_axes.order_by("position").last()
    assert client.post(url("axis_delete", programme, unused.pk)).status_code == 302
    assert not SupportAxis.objects.filter(pk=unused.pk).exists()
    event = HistoryEvent.objects.for_object(programme).get(action="axis_delete")
    assert event.payload["axis"]["code"] == unused.code

    wave = WaveFactory(programme=programme, number=1, announced_on=datetime.date(2019, 2, 25))
    plan = territory(wave, admin)
    used = programme.support_axes.order_by("position").first()
    ActionFactory(plan=plan, axis=used)
    content = page(client.get(url("axes", programme)))
    assert f"Supprimer l'axe « {used.title} »" not in content
    response = client.post(url("axis_delete", programme, used.pk), follow=True)
    assert "ne peut pas être supprimé" in page(response)
    assert SupportAxis.objects.filter(pk=used.pk).exists()
