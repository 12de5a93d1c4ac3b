"""The committee's API: a wave's committee, decisions, publication and label revocation, with
the pages' scoping (another programme's staff: 404), read-write tokens and the services' rules."""

import pytest

from essaim.calls.models import WaveStatus
from essaim.calls.tests.factories import ProgrammeFactory
from essaim.labels.models import Decision, LabelStatus
from essaim.labels.tests.factories import (
    ApplicationFactory,
    WaveFactory,
    instructor,
    labelled,
    programme_admin,
)
from essaim.testing import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee():
    wave = WaveFactory(french_impact=True, number=1)
    apps = [ApplicationFactory(proposed=True, wave=wave) for _ in range(2)]
    return {
        "wave": wave,
        "apps": apps,
        "admin": programme_admin(wave.programme),
        "instructor": instructor(wave.programme),
        "other": programme_admin(ProgrammeFactory(slug="autre", name="Autre programme")),
    }


def decisions(apps, outcome="labelled") -> dict:
    return {
        "decisions": [
            {"application_id": a.pk, "outcome": outcome, "motivation": "Solide.", "addressed": True}
            for a in apps
        ]
    }


def post(client, url, user, body=None, access="write"):
    return client.post(
        url, body or {}, content_type="application/json", headers=bearer(user, access)
    )


class TestCommittee:
    def test_staff_read_it_with_the_decisions(
        self, client, committee, django_assert_max_num_queries
    ):
        wave, [first, _second] = committee["wave"], committee["apps"]
        labelled_app = ApplicationFactory(proposed=True, wave=wave)
        Decision.objects.create(
            application=labelled_app,
            wave=wave,
            outcome="labelled",
            motivation="Interne.",
            decided_by=committee["admin"],
        )
        headers = bearer(committee["instructor"], "read")
        with django_assert_max_num_queries(20):
            response = client.get(f"/api/v1/waves/{wave.pk}/committee", headers=headers)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["wave"]["status"] == "planned" and body["may_decide"] is False
        rows = {r["application_id"]: r for r in body["rows"]}
        assert rows[first.pk]["decision"] is None
        assert rows[labelled_app.pk]["decision"]["motivation"] == "Interne."
        assert body["publish_blockers"]

    def test_a_decision_is_seen_by_no_one_else_before_publication(self, client, committee):
        url = f"/api/v1/waves/{committee['wave'].pk}/committee"
        assert client.get(url, headers=bearer(committee["other"])).status_code == 404
        assert client.get(url).status_code == 401
        assert (
            client.get(
                "/api/v1/waves/abc/committee", headers=bearer(committee["admin"])
            ).status_code
            == 422
        )


class TestDecide:
    def test_admin_decides_the_batch_then_publishes(self, client, committee):
        wave, apps, admin = committee["wave"], committee["apps"], committee["admin"]
        response = post(client, f"/api/v1/waves/{wave.pk}/decisions", admin, decisions(apps))
        assert response.status_code == 200, response.content
        assert response.json()["wave"]["status"] == "decided"
        assert Decision.objects.filter(wave=wave).count() == 2
        response = post(client, f"/api/v1/waves/{wave.pk}/publish", admin)
        assert response.status_code == 200, response.content
        assert response.json()["wave"]["status"] == "published"
        assert len(response.json()["labels"]) == 2
        # Published: decisions closed, publishing again refused, both as 409.
        again = post(client, f"/api/v1/waves/{wave.pk}/decisions", admin, decisions(apps))
        assert again.status_code == 409 and "publiée" in again.json()["detail"]
        assert post(client, f"/api/v1/waves/{wave.pk}/publish", admin).status_code == 409

    def test_refused_to_others_instructors_and_read_only_tokens(self, client, committee):
        wave, apps = committee["wave"], committee["apps"]
        url = f"/api/v1/waves/{wave.pk}/decisions"
        assert post(client, url, committee["other"], decisions(apps)).status_code == 404
        assert post(client, url, committee["instructor"], decisions(apps)).status_code == 403
        read_only = post(client, url, committee["admin"], decisions(apps), access="read")
        assert read_only.status_code == 403 and "lecture seule" in read_only.json()["detail"]
        assert not Decision.objects.exists()

    def test_bad_input_names_the_field(self, client, committee):
        wave, apps, admin = committee["wave"], committee["apps"], committee["admin"]
        url = f"/api/v1/waves/{wave.pk}/decisions"
        response = post(client, url, admin, decisions(apps, outcome="peut-etre"))
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "decisions.0.outcome"
        response = post(client, url, admin, {"decisions": []})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "decisions"
        stranger = ApplicationFactory(proposed=True)
        response = post(client, url, admin, decisions([stranger]))
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == f"application-{stranger.pk}"


class TestPublish:
    def test_undecided_wave_is_a_conflict_saying_why(self, client, committee):
        response = post(client, f"/api/v1/waves/{committee['wave'].pk}/publish", committee["admin"])
        assert response.status_code == 409
        assert "décision" in response.json()["detail"]
        committee["wave"].refresh_from_db()
        assert committee["wave"].status == WaveStatus.PLANNED

    def test_refused_to_others_instructors_and_read_only_tokens(self, client, committee):
        url = f"/api/v1/waves/{committee['wave'].pk}/publish"
        assert post(client, url, committee["other"]).status_code == 404
        assert post(client, url, committee["instructor"]).status_code == 403
        assert post(client, url, committee["admin"], access="read").status_code == 403
        missing = post(client, "/api/v1/waves/99999999999999999999/publish", committee["admin"])
        assert missing.status_code == 404


class TestRevoke:
    @pytest.fixture
    def label(self, committee):
        wave = committee["wave"]
        wave.status = WaveStatus.PUBLISHED
        wave.save()
        return labelled(committee["apps"][0], committee["admin"])

    def test_admin_revokes_with_a_public_reason(self, client, committee, label):
        url = f"/api/v1/labels/{label.pk}/revoke"
        response = post(client, url, committee["admin"], {"reason": "Fraude."})
        assert response.status_code == 200, response.content
        assert response.json()["state"] == "revoked"
        assert response.json()["revocation_reason"] == "Fraude."
        label.refresh_from_db()
        assert label.status == LabelStatus.REVOKED
        again = post(client, url, committee["admin"], {"reason": "Encore."})
        assert again.status_code == 409 and "déjà révoqué" in again.json()["detail"]

    def test_the_public_list_says_it_at_once(self, client, committee, label):
        """``/api/v1/labels`` is kept in the cache of public fragments: a revocation made
        through the services is listed at once, never the cached valid state."""
        listed = client.get("/api/v1/labels").json()["items"]
        assert [(i["id"], i["state"]) for i in listed] == [(label.pk, "valid")]
        response = post(
            client, f"/api/v1/labels/{label.pk}/revoke", committee["admin"], {"reason": "Fraude."}
        )
        assert response.status_code == 200
        listed = client.get("/api/v1/labels").json()["items"]
        assert [(i["id"], i["state"]) for i in listed] == [(label.pk, "revoked")]

    def test_refused_to_others_instructors_and_read_only_tokens(self, client, committee, label):
        url = f"/api/v1/labels/{label.pk}/revoke"
        body = {"reason": "Fraude."}
        assert post(client, url, committee["other"], body).status_code == 404
        assert post(client, url, committee["instructor"], body).status_code == 403
        assert post(client, url, committee["admin"], body, access="read").status_code == 403
        label.refresh_from_db()
        assert label.status == LabelStatus.VALID

    def test_reason_required_and_bounded(self, client, committee, label):
        url = f"/api/v1/labels/{label.pk}/revoke"
        for body in ({}, {"reason": ""}, {"reason": "x" * 5001}):
            response = post(client, url, committee["admin"], body)
            assert response.status_code == 422, body
            assert response.json()["errors"][0]["field"] == "reason"


class TestWaveApplications:
    def test_admin_adds_then_removes(self, client, committee):
        wave, admin = committee["wave"], committee["admin"]
        proposed = ApplicationFactory(proposed=True, call__programme=wave.programme, wave=None)
        url = f"/api/v1/waves/{wave.pk}/applications"
        response = post(client, url, admin, {"application_ids": [proposed.pk]})
        assert response.status_code == 200, response.content
        assert proposed.pk in {r["application_id"] for r in response.json()["rows"]}
        response = client.delete(f"{url}/{proposed.pk}", headers=bearer(admin))
        assert response.status_code == 200, response.content
        proposed.refresh_from_db()
        assert proposed.wave_id is None

    def test_refused_to_others_instructors_and_read_only_tokens(self, client, committee):
        wave, first = committee["wave"], committee["apps"][0]
        url = f"/api/v1/waves/{wave.pk}/applications/{first.pk}"
        assert client.delete(url, headers=bearer(committee["other"])).status_code == 404
        assert client.delete(url, headers=bearer(committee["instructor"])).status_code == 403
        assert client.delete(url, headers=bearer(committee["admin"], "read")).status_code == 403
        first.refresh_from_db()
        assert first.wave_id == wave.pk

    def test_bad_input_and_a_decided_application(self, client, committee):
        wave, admin = committee["wave"], committee["admin"]
        url = f"/api/v1/waves/{wave.pk}/applications"
        in_another_wave = ApplicationFactory(proposed=True)
        response = post(client, url, admin, {"application_ids": [in_another_wave.pk]})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == f"application-{in_another_wave.pk}"
        foreign = ApplicationFactory(proposed=True, wave=None, call__programme=ProgrammeFactory())
        response = post(client, url, admin, {"application_ids": [foreign.pk, 999_999]})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "application_ids"
        response = post(client, url, admin, {"application_ids": []})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "application_ids"
        first = committee["apps"][0]
        post(client, f"/api/v1/waves/{wave.pk}/decisions", admin, decisions([first]))
        refused = client.delete(f"{url}/{first.pk}", headers=bearer(admin))
        assert refused.status_code == 409 and "décision" in refused.json()["detail"]
