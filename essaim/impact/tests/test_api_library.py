"""The API of impact's review and publication, library, plans and campaign reminders: the pages'
scoping (another programme's staff: 404 or 403 as the pages), the services' rules (409 in the
wrong state, 422 naming the field) and their history."""

import datetime
from decimal import Decimal

import pytest

from essaim.core.models import HistoryEvent
from essaim.impact import services
from essaim.impact.models import (
    CampaignReminder,
    CampaignStatus,
    Indicator,
    IndicatorPlan,
    Measurement,
    MeasurementStatus,
)
from essaim.impact.tests.test_api_actions import bearer, post
from essaim.impact.tests.test_api_actions import campaign as campaign  # noqa: PLC0414 - fixture

pytestmark = pytest.mark.django_db
API = "/api/v1"


def put(client, url, user, body, access="write"):
    return client.put(url, body, content_type="application/json", headers=bearer(user, access))


def record(world, value="3", status=None):
    measurement = services.measurement_record(
        user=world.admin,
        indicator=world.ind("emplois-crees"),
        label=world.label,
        period_end=datetime.date(2025, 12, 31),
        value=value,
        source="Registre",
    )
    if status:
        Measurement.objects.filter(pk=measurement.pk).update(status=status)
    return measurement


class TestReviewAndPublication:
    def test_confirm_then_publish(self, client, world):
        measurement = record(world, status=MeasurementStatus.FLAGGED)
        url = f"{API}/measurements/{measurement.pk}/review"
        response = post(client, url, world.instructor, {"decision": "confirm"})
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "recorded"
        assert (
            HistoryEvent.objects.for_object(measurement)
            .filter(action="measurement_confirm")
            .exists()
        )
        response = post(client, f"{API}/impact/territories/{world.label.pk}/publish", world.admin)
        assert response.status_code == 200, response.content
        assert response.json() == {"territory_id": world.label.pk, "published": 1}
        measurement.refresh_from_db()
        assert measurement.status == MeasurementStatus.PUBLISHED
        # Published: no longer awaiting review.
        again = post(client, url, world.admin, {"decision": "reject", "comment": "Faux"})
        assert again.status_code == 409 and "attente" in again.json()["detail"]

    def test_reject_needs_a_reason(self, client, world):
        measurement = record(world, status=MeasurementStatus.FLAGGED)
        url = f"{API}/measurements/{measurement.pk}/review"
        response = post(client, url, world.admin, {"decision": "reject"})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "comment"
        response = post(client, url, world.admin, {"decision": "maybe"})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "decision"
        response = post(client, url, world.admin, {"decision": "reject", "comment": "Doublon"})
        assert response.json()["status"] == "rejected"

    def test_strangers_refused(self, client, world):
        measurement = record(world, status=MeasurementStatus.FLAGGED)
        url = f"{API}/measurements/{measurement.pk}/review"
        assert post(client, url, world.other_admin, {"decision": "confirm"}).status_code == 404
        assert post(client, url, world.lead, {"decision": "confirm"}).status_code == 403
        assert post(client, url, world.admin, {"decision": "confirm"}, "read").status_code == 403
        publish = f"{API}/impact/territories/{world.label.pk}/publish"
        assert post(client, publish, world.other_admin).status_code == 404
        assert post(client, publish, world.lead).status_code == 403
        assert Measurement.objects.get().status == MeasurementStatus.FLAGGED


def indicator_body(world, **changes) -> dict:
    return {
        "programme_id": world.programme.pk,
        "code": "benevoles",
        "name": "Bénévoles mobilisés",
        "unit": "personnes",
        "aggregation": "sum",
        "breakdowns": [{"dimension": "sexe", "values": ["femme", "homme"]}],
        "sdg_targets": ["8.3"],
        "imp_dimensions": {"who": "Les habitants"},
        **changes,
    }


class TestIndicators:
    def test_create_and_replace(self, client, world):
        response = post(client, f"{API}/indicators", world.admin, indicator_body(world))
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["code"] == "benevoles" and body["imp_dimensions"]["who"] == "Les habitants"
        indicator = Indicator.objects.get(pk=body["id"])
        assert indicator.breakdowns == [{"dimension": "sexe", "values": ["femme", "homme"]}]
        replaced = indicator_body(
            world,
            name="Taux de bénévoles",
            aggregation="ratio",
            numerator="benevoles-x",
            denominator="emplois-crees",
        )
        response = put(client, f"{API}/indicators/{indicator.pk}", world.admin, replaced)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "numerator"
        del replaced["numerator"], replaced["denominator"]
        replaced["aggregation"], replaced["weight"] = "weighted_mean", "emplois-crees"
        response = put(client, f"{API}/indicators/{indicator.pk}", world.admin, replaced)
        assert response.status_code == 200, response.content
        assert response.json()["weight"] == "emplois-crees"
        event = HistoryEvent.objects.for_object(indicator).get(action="indicator_update")
        assert event.payload["changes"]["weight"] == [None, "emplois-crees"]

    def test_bad_fields_and_strangers(self, client, world):
        url = f"{API}/indicators"
        taken = post(client, url, world.admin, indicator_body(world, code="emplois-crees"))
        assert taken.status_code == 422 and taken.json()["errors"][0]["field"] == "code"
        long = post(client, url, world.admin, indicator_body(world, unit="x" * 41))
        assert long.status_code == 422 and long.json()["errors"][0]["field"] == "unit"
        # Instructors do not change the library; another programme's admin does not see it.
        assert post(client, url, world.instructor, indicator_body(world)).status_code == 404
        assert post(client, url, world.other_admin, indicator_body(world)).status_code == 404
        existing = world.ind("emplois-crees")
        body = indicator_body(world, code="emplois-crees")
        assert put(client, f"{url}/{existing.pk}", world.other_admin, body).status_code == 403
        assert not Indicator.objects.filter(code="benevoles").exists()


class TestPlans:
    def test_territory_plan(self, client, world):
        indicator = world.ind("emplois-crees")
        url = f"{API}/impact/territories/{world.label.pk}/plans/{indicator.pk}"
        body = {
            "baseline": "10",
            "baseline_year": 2024,
            "targets": [{"year": 2026, "value": "20"}, {"year": 2025, "value": "15"}],
        }
        response = put(client, url, world.lead, body)
        assert response.status_code == 200, response.content
        assert [t["year"] for t in response.json()["targets"]] == [2025, 2026]
        plan = IndicatorPlan.objects.get(label=world.label, project=None)
        assert plan.baseline == Decimal(10)
        assert HistoryEvent.objects.for_object(plan).exists()
        bad = put(client, url, world.lead, {"baseline_year": 1990})
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "baseline_year"
        twice = put(client, url, world.lead, {"targets": [{"year": 2025, "value": 1}] * 2})
        assert twice.status_code == 422 and twice.json()["errors"][0]["field"] == "targets"
        assert put(client, url, world.other_lead, body).status_code == 404
        assert put(client, url, world.other_admin, body).status_code == 404

    def test_project_plan(self, client, world):
        indicator = world.ind("emplois-crees")
        url = f"{API}/projects/{world.project.pk}/impact-plans/{indicator.pk}"
        response = put(client, url, world.holder, {"targets": [{"year": 2025, "value": "3"}]})
        assert response.status_code == 200, response.content
        assert response.json()["project_id"] == world.project.pk
        assert response.json()["territory_id"] == world.label.pk
        assert IndicatorPlan.objects.filter(project=world.project).count() == 1
        assert put(client, url, world.other_holder, {"targets": []}).status_code in {403, 404}


class TestCampaignReminders:
    def test_remind_open_campaign_only(self, client, world, campaign):
        url = f"{API}/impact/campaigns/{campaign.pk}/remind"
        draft = post(client, url, world.admin)
        assert draft.status_code == 409 and "ouverte" in draft.json()["detail"]
        services.campaign_set_status(user=world.admin, campaign=campaign, status="open")
        response = post(client, url, world.instructor)
        assert response.status_code == 200, response.content
        assert response.json() == {"campaign_id": campaign.pk, "reminded": 2}
        assert CampaignReminder.objects.filter(campaign=campaign).count() == 2
        assert HistoryEvent.objects.for_object(campaign).filter(action="campaign_remind").exists()
        assert post(client, url, world.other_admin).status_code == 404
        assert post(client, url, world.lead).status_code == 403
        campaign.refresh_from_db()
        assert campaign.status == CampaignStatus.OPEN
