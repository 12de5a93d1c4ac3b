"""Pages: who sees what (attackers get 404/403 and nothing changes), query budgets, the CSV
report, the chart with its table, the first-time user's way in from the menus."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from essaim.impact import services
from essaim.impact.models import CampaignStatus, Measurement, MeasurementStatus


def login(client, user):
    client.force_login(user)
    return client


def record(world, user=None, code="emplois-crees", value="3", day=(2025, 12, 31), **kw):
    return services.measurement_record(
        user=user or world.lead,
        indicator=world.ind(code),
        label=kw.pop("label", world.label),
        period_end=datetime.date(*day),
        value=value,
        source="Registre",
        **kw,
    )


def test_library_is_public_and_says_the_rules(client, world):
    response = client.get(reverse("impact:library"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Taux de blocages levés" in body and "ratio de deux indicateurs" in body
    assert "8.5" in body  # an SDG target


def test_first_time_lead_reaches_the_form_from_the_menu(client, world):
    login(client, world.lead)
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("impact:home") in dashboard
    home = client.get(reverse("impact:home")).content.decode()
    assert reverse("impact:territory", args=[world.label.pk]) in home
    assert reverse("impact:territory", args=[world.other_label.pk]) not in home
    page = client.get(reverse("impact:territory", args=[world.label.pk])).content.decode()
    assert reverse("impact:measurement_create", args=[world.label.pk]) in page
    response = client.post(
        reverse("impact:measurement_create", args=[world.label.pk]),
        {
            "indicator": world.ind("emplois-crees").pk,
            "period_end": "2025-12-31",
            "value": "4,5",
            "source": "Registre",
        },
    )
    measurement = Measurement.objects.get()
    assert response.status_code == 302 and measurement.value == Decimal("4.5")


def test_form_errors_name_the_field(client, world):
    login(client, world.lead)
    response = client.post(
        reverse("impact:measurement_create", args=[world.label.pk]),
        {
            "indicator": world.ind("emplois-crees").pk,
            "period_end": "2025-12-31",
            "value": "-3",
            "unit": "x",
            "source": "Registre",
        },
    )
    assert response.status_code == 400
    assert "au moins 0" in response.content.decode()
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("who", ["other_lead", "other_admin", "other_holder"])
def test_attackers_see_nothing_of_a_territory(client, world, who):
    m = record(world)
    login(client, getattr(world, who))
    for name, args in (
        ("impact:territory", [world.label.pk]),
        ("impact:measurement_create", [world.label.pk]),
        ("impact:csv_upload", [world.label.pk]),
        ("impact:measurement", [m.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code in (403, 404), name
    for name, args, data in (
        ("impact:measurement_correct", [m.pk], {"value": "9", "comment": "x"}),
        ("impact:measurement_review", [m.pk], {"decision": "reject", "comment": "x"}),
        ("impact:publish", [world.label.pk], {}),
    ):
        assert client.post(reverse(name, args=args), data).status_code in (403, 404), name
    m.refresh_from_db()
    assert (m.value, m.status) == (3, MeasurementStatus.RECORDED)


def test_anonymous_is_sent_to_login(client, world):
    m = record(world)
    for url in (
        reverse("impact:home"),
        reverse("impact:territory", args=[world.label.pk]),
        reverse("impact:measurement", args=[m.pk]),
    ):
        assert client.get(url).status_code == 302


def test_territory_page_chart_table_and_budget(client, world, django_assert_max_num_queries):
    services.plan_save(
        user=world.lead,
        indicator=world.ind("emplois-crees"),
        label=world.label,
        baseline="2",
        baseline_year=2019,
        targets={2024: "5", 2025: "8"},
    )
    for year in (2024, 2025):
        for code in ("emplois-crees", "fonds-leves", "blocages-leves", "blocages-identifies"):
            record(world, code=code, day=(year, 12, 31), value="4")
    login(client, world.instructor)
    url = reverse("impact:territory", args=[world.label.pk])
    with django_assert_max_num_queries(30):
        response = client.get(url)
    body = response.content.decode()
    assert "<svg" in body and 'role="img"' in body
    # Coordinates in the SVG's own syntax, whatever the page's language (never "92,9").
    assert re.search(r'<rect x="\d+\.\d" y="\d+\.\d"', body)
    assert "Emplois créés (ETP) : valeurs et cibles" in body  # the table alternative
    assert "Taux de blocages levés" in body


def test_csv_upload_reports_the_bad_row_and_imports_nothing(client, world):
    login(client, world.lead)
    data = (
        b"indicateur;periode;valeur\n"
        b"emplois-crees;2025-12-31;3\n"
        b"emplois-crees;2025-06-30;beaucoup\n"
    )
    response = client.post(
        reverse("impact:csv_upload", args=[world.label.pk]),
        {"file": SimpleUploadedFile("v.csv", data, "text/csv"), "source": "Registre"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "<td>3</td><td>valeur</td>" in body.replace("\n", "")
    assert "Rien n&#x27;a été importé" in body or "Rien n'a été importé" in body
    assert not Measurement.objects.exists()
    response = client.post(
        reverse("impact:csv_upload", args=[world.label.pk]),
        {
            "file": SimpleUploadedFile("v.csv", data, "text/csv"),
            "source": "Registre",
            "accept_valid": "on",
        },
    )
    # 200, not 400: a 4xx answer is rolled back by the idempotency middleware.
    assert response.status_code == 200
    assert Measurement.objects.get().value == 3


def test_review_and_publish_by_staff(client, world):
    m = record(world)
    Measurement.objects.filter(pk=m.pk).update(status=MeasurementStatus.FLAGGED)
    login(client, world.instructor)
    page = client.get(reverse("impact:measurement", args=[m.pk])).content.decode()
    assert "Vérification" in page
    client.post(reverse("impact:measurement_review", args=[m.pk]), {"decision": "confirm"})
    client.post(reverse("impact:publish", args=[world.label.pk]))
    m.refresh_from_db()
    assert m.status == MeasurementStatus.PUBLISHED


def test_correction_page_keeps_history(client, world):
    m = record(world)
    login(client, world.member)
    client.post(
        reverse("impact:measurement_correct", args=[m.pk]), {"value": "7", "comment": "Bilan"}
    )
    page = client.get(reverse("impact:measurement", args=[m.pk])).content.decode()
    assert "valeur corrigée" in page
    assert "3,0000" in page or "3.0000" in page  # the old value, in the history's changes


@pytest.fixture
def campaign(world):
    c = services.campaign_create(
        user=world.admin,
        programme=world.programme,
        title="Bilan 2025",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        due_on=datetime.date(2026, 1, 31),
        indicators=[world.ind("emplois-crees")],
        labels=[world.label, world.other_label],
    )
    return services.campaign_set_status(user=world.admin, campaign=c, status=CampaignStatus.OPEN)


def test_campaign_page_lists_late_territories(
    client, world, campaign, django_assert_max_num_queries
):
    record(world, campaign=campaign)
    login(client, world.admin)
    with django_assert_max_num_queries(20):
        body = client.get(reverse("impact:campaign", args=[campaign.pk])).content.decode()
    assert 'id="late-reports"' in body
    late = body.split('id="late-reports"')[1].split("</div>")[0]
    assert world.other_label.perimeter.name in late and world.label.perimeter.name not in late


def test_campaign_hidden_from_other_programme_and_lead_sees_own_line(client, world, campaign):
    login(client, world.other_admin)
    assert client.get(reverse("impact:campaign", args=[campaign.pk])).status_code == 404
    assert (
        client.post(reverse("impact:campaign_status", args=[campaign.pk, "closed"])).status_code
        == 404
    )
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN
    login(client, world.lead)
    body = client.get(reverse("impact:campaign", args=[campaign.pk])).content.decode()
    assert world.label.perimeter.name in body and world.other_label.perimeter.name not in body
    assert client.post(reverse("impact:campaign_remind", args=[campaign.pk])).status_code == 403


def test_campaign_create_page(client, world):
    login(client, world.instructor)
    url = reverse("impact:campaign_create", args=[world.programme.slug])
    response = client.post(
        url,
        {
            "title": "Bilan S1",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "due_on": "2026-07-31",
            "indicators": [world.ind("emplois-crees").pk],
            "labels": [world.label.pk],
        },
    )
    assert response.status_code == 302
    login(client, world.other_admin)
    assert client.get(url).status_code == 404


def test_open_data_has_published_only(client, world):
    record(world, value="3")
    record(world, value="4", label=world.other_label, user=world.admin)
    services.measurements_publish(user=world.admin, label=world.label)
    response = client.get(reverse("impact:aggregates_json") + "?niveau=territoire")
    rows = response.json()["rows"]
    assert [(r["territory"], r["value"]) for r in rows if r["indicator"] == "emplois-crees"] == [
        (world.label.perimeter.name, 3.0)
    ]
    text = client.get(reverse("impact:aggregates_csv")).content.decode()
    assert text.splitlines()[0].startswith("programme;territory")
    assert ";emplois-crees;" in text and ";3;" in text
    assert client.get(reverse("impact:open_data")).status_code == 200
