"""A wave's creation and edit in the API (``POST /waves``, ``PATCH /waves/{id}``): the pages'
services (history recorded), their scoping (another programme's staff: 404; the programme's
instructor: 403), problems named by field, a published wave kept (409)."""

import pytest

from essaim.calls.models import Wave, WaveStatus
from essaim.calls.tests.factories import ProgrammeFactory
from essaim.core.models import HistoryEvent
from essaim.labels.history import WaveAction
from essaim.labels.tests.factories import WaveFactory, instructor, programme_admin
from essaim.testing import bearer, table_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave():
    return WaveFactory(french_impact=True, number=1)


@pytest.fixture
def admin(wave):
    return programme_admin(wave.programme)


@pytest.fixture
def other():
    return programme_admin(ProgrammeFactory(slug="autre", name="Autre programme"))


def send(client, method, url, user, body, access="write"):
    headers = user if isinstance(user, dict) else bearer(user, access)
    return getattr(client, method)(url, body, content_type="application/json", headers=headers)


def actions(wave) -> list[str]:
    return list(
        HistoryEvent.objects.for_object(wave).order_by("pk").values_list("action", flat=True)
    )


def test_the_admin_plans_a_wave_numbered_next(client, wave, admin):
    body = {"programme_id": wave.programme_id, "title": "Printemps", "committee_on": "2031-03-01"}
    response = send(client, "post", "/api/v1/waves", admin, body)
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2 and response.json()["status"] == "planned"
    new = Wave.objects.get(pk=response.json()["id"])
    assert new.title == "Printemps" and actions(new) == [WaveAction.WAVE_CREATE]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"number": 1}, "number"),  # already used
        ({"committee_on": "2031-03-01", "announced_on": "2031-02-01"}, "announced_on"),
        ({"number": 0}, "number"),
    ],
)
def test_bad_input_names_the_field(client, wave, admin, changes, field):
    auth = bearer(admin)
    before = table_state(Wave)
    body = {"programme_id": wave.programme_id, **changes}
    response = send(client, "post", "/api/v1/waves", auth, body)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == field
    assert table_state(Wave) == before


def test_others_may_not_create_in_the_programme(client, wave, other):
    body = {"programme_id": wave.programme_id}
    response = send(client, "post", "/api/v1/waves", other, body)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "programme_id"
    assert (
        send(client, "post", "/api/v1/waves", instructor(wave.programme), body).status_code == 403
    )
    assert Wave.objects.count() == 1


def test_the_admin_edits_a_planned_wave_not_a_published_one(client, wave, admin):
    url = f"/api/v1/waves/{wave.pk}"
    body = {"title": "Vague d'hiver", "announced_at": "Lyon", "committee_on": None}
    response = send(client, "patch", url, admin, body)
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Vague d'hiver" and response.json()["committee_on"] is None
    assert actions(wave)[-1] == WaveAction.WAVE_UPDATE
    Wave.objects.filter(pk=wave.pk).update(status=WaveStatus.PUBLISHED)
    refused = send(client, "patch", url, admin, {"title": "Autre"})
    assert refused.status_code == 409 and "publiée" in refused.json()["detail"]
    wave.refresh_from_db()
    assert wave.title == "Vague d'hiver"


def test_strangers_get_a_404_the_instructor_a_403(client, wave, other):
    url = f"/api/v1/waves/{wave.pk}"
    assert send(client, "patch", url, other, {"title": "X"}).status_code == 404
    assert send(client, "patch", url, instructor(wave.programme), {"title": "X"}).status_code == 403
    wave.refresh_from_db()
    assert wave.title != "X"
