"""The API: public library and aggregates, scoped and bounded measurements."""

import datetime

import pytest

from essaim.impact import services
from essaim.impact.models import Measurement

API = "/api/v1"


def record(world, value="3", label=None, user=None, code="emplois-crees"):
    return services.measurement_record(
        user=user or world.admin,
        indicator=world.ind(code),
        label=label or world.label,
        period_end=datetime.date(2025, 12, 31),
        value=value,
        source="Registre",
    )


def body(world, **kw):
    data = {
        "indicator_id": world.ind("emplois-crees").pk,
        "territory_id": world.label.pk,
        "period_end": "2025-12-31",
        "value": "4.5",
        "source": "Registre",
    }
    data.update(kw)
    return data


def test_indicators_are_public(client, world):
    response = client.get(f"{API}/indicators?programme={world.programme.slug}")
    assert response.status_code == 200
    items = {i["code"]: i for i in response.json()["items"]}
    assert items["taux-blocages-leves"]["numerator"] == "blocages-leves"
    assert items["emplois-crees"]["sdg_targets"] == ["8.5", "8.6"]
    one = client.get(f"{API}/indicators/{world.ind('emplois-crees').pk}").json()
    assert one["imp_dimensions"]["who"]


def test_lead_posts_a_measurement(client, world):
    client.force_login(world.lead)
    response = client.post(f"{API}/measurements", body(world), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == "api"
    assert Measurement.objects.get().author == world.lead


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": "-1"}, "value"),
        ({"unit": "personnes"}, "unit"),
        ({"value": "1e20"}, "value"),
        ({"value": "1.123456"}, "value"),
        ({"period_end": "1990-01-01"}, "period_end"),
        ({"source": ""}, "source"),
        ({"breakdown": {"sexe": "autre"}}, "breakdown"),
    ],
)
def test_bad_values_are_422(client, world, changes, field):
    client.force_login(world.lead)
    response = client.post(
        f"{API}/measurements", body(world, **changes), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in response.content.decode()
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("who", ["other_lead", "other_admin", "other_holder"])
def test_attackers_cannot_write_or_read(client, world, who):
    m = record(world)
    client.force_login(getattr(world, who))
    response = client.post(
        f"{API}/measurements", body(world, period_end="2025-06-30"), content_type="application/json"
    )
    assert response.status_code in (403, 404)
    assert client.get(f"{API}/measurements/{m.pk}").status_code == 404
    assert client.get(f"{API}/measurements").json()["items"] == []
    response = client.post(
        f"{API}/measurements/{m.pk}/corrections",
        {"value": "9", "comment": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Measurement.objects.get().value == 3


def test_anonymous_cannot_read_measurements(client, world):
    record(world)
    assert client.get(f"{API}/measurements").status_code == 401


def test_correction_through_the_api(client, world):
    m = record(world)
    client.force_login(world.lead)
    response = client.post(
        f"{API}/measurements/{m.pk}/corrections",
        {"value": "5", "comment": "Bilan revu"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["value"] == "5.0000"


def test_list_query_budget(client, world, django_assert_max_num_queries):
    for i in range(20):
        services.measurement_record(
            user=world.admin,
            indicator=world.ind("fonds-leves"),
            label=world.label,
            period_end=datetime.date(2024, 1, 1) + datetime.timedelta(days=i),
            value=i,
            source="x",
        )
    client.force_login(world.instructor)
    with django_assert_max_num_queries(8):
        response = client.get(f"{API}/measurements")
    assert response.json()["count"] == 20


def test_aggregates_are_public_and_published_only(client, world):
    record(world, value="3")
    record(world, value="4", label=world.other_label)
    services.measurements_publish(user=world.admin, label=world.label)
    services.measurements_publish(user=world.admin, label=world.other_label)
    record(world, value="100", code="fonds-leves")  # not published
    rows = client.get(f"{API}/impact/aggregates?programme={world.programme.slug}").json()["items"]
    assert [(r["indicator"], r["value"]) for r in rows] == [("emplois-crees", "7.0000")]
    territories = client.get(f"{API}/impact/aggregates?level=territory").json()["items"]
    assert sorted(r["value"] for r in territories) == ["3.0000", "4.0000"]
    assert client.get(f"{API}/impact/aggregates?level=monde").status_code == 422
    assert client.get(f"{API}/impact/aggregates?programme=inconnu").status_code == 404


def test_holder_posts_for_their_project_only(client, world):
    client.force_login(world.holder)
    data = body(world, project_id=world.project.pk)
    response = client.post(f"{API}/measurements", data, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Measurement.objects.get().project == world.project
    # Without the project, the territory is not theirs to report for.
    response = client.post(
        f"{API}/measurements", body(world, period_end="2025-06-30"), content_type="application/json"
    )
    assert response.status_code == 404
    client.force_login(world.other_holder)
    response = client.post(
        f"{API}/measurements",
        body(world, project_id=world.project.pk, period_end="2025-03-31"),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Measurement.objects.count() == 1
