"""The API of campaigns and evaluation reports: the pages' scoping (another programme's staff:
404), read-write tokens, the services' rules (409 in the wrong state, 422 naming the field)."""

import datetime

import pytest

from essaim.impact import services, services_reports
from essaim.impact.models import Campaign, CampaignStatus, Report, ReportStatus
from essaim.testing import bearer

pytestmark = pytest.mark.django_db


def post(client, url, user, body=None, access="write"):
    return client.post(
        url, body or {}, content_type="application/json", headers=bearer(user, access)
    )


def campaign_body(world, **changes) -> dict:
    return {
        "programme_id": world.programme.pk,
        "title": "Campagne 2025",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "due_on": "2026-01-31",
        "indicator_ids": [world.ind("emplois-crees").pk],
        "label_ids": [world.label.pk, world.other_label.pk],
        **changes,
    }


@pytest.fixture
def campaign(world):
    return services.campaign_create(
        user=world.admin,
        programme=world.programme,
        title="Campagne 2024",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        due_on=datetime.date(2025, 1, 31),
        indicators=[world.ind("emplois-crees")],
        labels=[world.label, world.other_label],
    )


class TestCampaigns:
    def test_create_open_close(self, client, world):
        response = post(client, "/api/v1/impact/campaigns", world.instructor, campaign_body(world))
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["status"] == "draft" and body["indicators"] == ["emplois-crees"]
        assert len(body["lines"]) == 2
        url = f"/api/v1/impact/campaigns/{body['id']}"
        assert post(client, f"{url}/open", world.admin).json()["status"] == "open"
        again = post(client, f"{url}/open", world.admin)
        assert again.status_code == 409 and "impossible" in again.json()["detail"]
        assert post(client, f"{url}/close", world.admin).json()["status"] == "closed"
        assert Campaign.objects.get().status == CampaignStatus.CLOSED

    def test_list_and_detail_scoped(self, client, world, campaign, django_assert_max_num_queries):
        with django_assert_max_num_queries(8):
            items = client.get(
                "/api/v1/impact/campaigns", headers=bearer(world.admin, "read")
            ).json()["items"]
        assert [c["id"] for c in items] == [campaign.pk]
        assert (
            client.get("/api/v1/impact/campaigns", headers=bearer(world.other_admin)).json()[
                "items"
            ]
            == []
        )
        url = f"/api/v1/impact/campaigns/{campaign.pk}"
        assert client.get(url, headers=bearer(world.other_admin)).status_code == 404
        # A territory's lead reads their own line only.
        lines = client.get(url, headers=bearer(world.lead)).json()["lines"]
        assert [line["label_id"] for line in lines] == [world.label.pk]

    def test_refused_to_others_territories_and_read_only_tokens(self, client, world, campaign):
        url = f"/api/v1/impact/campaigns/{campaign.pk}/open"
        assert post(client, url, world.other_admin).status_code == 404
        assert post(client, url, world.lead).status_code == 403
        assert post(client, url, world.admin, access="read").status_code == 403
        other = post(client, "/api/v1/impact/campaigns", world.other_admin, campaign_body(world))
        assert other.status_code == 404
        campaign.refresh_from_db()
        assert campaign.status == CampaignStatus.DRAFT

    def test_bad_input_names_the_field(self, client, world):
        url = "/api/v1/impact/campaigns"
        foreign = campaign_body(world, label_ids=[999_999])
        response = post(client, url, world.admin, foreign)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "label_ids"
        response = post(client, url, world.admin, campaign_body(world, period_end="2024-01-01"))
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "period_end"
        response = post(client, url, world.admin, campaign_body(world, title="x" * 201))
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "title"
        assert not Campaign.objects.exists()


class TestReports:
    def test_create_generate_publish(self, client, world, django_capture_on_commit_callbacks):
        body = {"programme_id": world.programme.pk, "label_id": world.label.pk, "year": 2025}
        response = post(client, "/api/v1/impact/reports", world.admin, body)
        assert response.status_code == 201, response.content
        report_id = response.json()["id"]
        url = f"/api/v1/impact/reports/{report_id}"
        refused = post(client, f"{url}/publish", world.admin)
        assert refused.status_code == 409 and "Générez" in refused.json()["detail"]
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = post(client, f"{url}/generate", world.admin)
        assert response.status_code == 202
        assert response.json()["status"] == "queued" and response.json()["in_progress"]
        assert len(callbacks) == 1  # the background task, enqueued on commit
        Report.objects.filter(pk=report_id).update(status=ReportStatus.DONE)  # as the task would
        response = post(client, f"{url}/publish", world.admin)
        assert response.status_code == 200 and response.json()["published_at"]
        # Published: public.
        assert client.get(url).status_code == 200

    def test_unpublished_is_the_staffs_and_territorys(
        self, client, world, django_assert_max_num_queries
    ):
        report = services_reports.report_create(
            user=world.admin, programme=world.programme, label=world.label, year=2025
        )
        url = f"/api/v1/impact/reports/{report.pk}"
        assert client.get(url).status_code == 404
        assert client.get(url, headers=bearer(world.other_admin)).status_code == 404
        assert client.get(url, headers=bearer(world.lead)).status_code == 200
        with django_assert_max_num_queries(8):
            listed = client.get("/api/v1/impact/reports", headers=bearer(world.admin)).json()
        assert [r["id"] for r in listed["items"]] == [report.pk]
        assert client.get("/api/v1/impact/reports").json()["items"] == []

    def test_refused_to_others_territories_and_read_only_tokens(self, client, world):
        report = services_reports.report_create(
            user=world.admin, programme=world.programme, label=world.label, year=2025
        )
        for action in ("generate", "publish"):
            url = f"/api/v1/impact/reports/{report.pk}/{action}"
            assert post(client, url, world.other_admin).status_code == 404
            assert post(client, url, world.lead).status_code == 403
            assert post(client, url, world.admin, access="read").status_code == 403
        report.refresh_from_db()
        assert report.status == ReportStatus.DRAFT
        body = {"programme_id": world.programme.pk, "year": 2025}
        assert post(client, "/api/v1/impact/reports", world.other_admin, body).status_code == 404

    def test_bad_input_names_the_field(self, client, world):
        url = "/api/v1/impact/reports"
        for body, field in (
            ({"programme_id": world.programme.pk, "year": 1800}, "year"),
            ({"programme_id": world.programme.pk, "year": 2025, "label_id": 999_999}, "label_id"),
            ({"programme_id": world.programme.pk, "year": 2025, "title": "x" * 201}, "title"),
        ):
            response = post(client, url, world.admin, body)
            assert response.status_code == 422, body
            assert response.json()["errors"][0]["field"] == field
        assert not Report.objects.exists()
