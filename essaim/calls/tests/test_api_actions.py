"""The API of a call's status and cut-offs: the admin pages' scoping (another programme's draft:
404; its public call: 403 as on the pages), read-write tokens, 409 for a refused move."""

import datetime

import pytest

from essaim.accounts.models import Role
from essaim.calls.models import CallStatus, CutOff
from essaim.calls.tests.factories import (
    CallFactory,
    CutOffFactory,
    FormVersionFactory,
    ProgrammeFactory,
    WaveFactory,
    admin_of,
)
from essaim.testing import bearer

pytestmark = pytest.mark.django_db


def post(client, url, user, body, access="write"):
    return client.post(url, body, content_type="application/json", headers=bearer(user, access))


@pytest.fixture
def call():
    return CallFactory(status=CallStatus.DRAFT)


@pytest.fixture
def admin(call):
    return admin_of(call.programme)


@pytest.fixture
def other():
    return admin_of(ProgrammeFactory(slug="autre", name="Autre programme"))


class TestStatus:
    def test_open_needs_a_published_form_then_opens(self, client, call, admin):
        url = f"/api/v1/calls/{call.pk}/status"
        refused = post(client, url, admin, {"status": "open"})
        assert refused.status_code == 409 and "formulaire" in refused.json()["detail"]
        FormVersionFactory(call=call)
        response = post(client, url, admin, {"status": "open"})
        assert response.status_code == 200 and response.json()["status"] == "open"
        archived = post(client, url, admin, {"status": "archived"})
        assert archived.status_code == 409
        call.refresh_from_db()
        assert call.status == CallStatus.OPEN

    def test_refused_to_others_instructors_and_read_only_tokens(self, client, call, admin, other):
        FormVersionFactory(call=call)
        url = f"/api/v1/calls/{call.pk}/status"
        body = {"status": "open"}
        assert post(client, url, other, body).status_code == 404  # another programme's draft
        instructor = admin_of(call.programme, Role.INSTRUCTOR)
        assert post(client, url, instructor, body).status_code == 404  # drafts: the admins
        assert post(client, url, admin, body, access="read").status_code == 403
        call.refresh_from_db()
        assert call.status == CallStatus.DRAFT

    def test_bad_status_names_the_field(self, client, call, admin):
        response = post(client, f"/api/v1/calls/{call.pk}/status", admin, {"status": "ferme"})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "status"


class TestCutOffs:
    def test_add_and_remove(self, client, call, admin):
        wave = WaveFactory(programme=call.programme)
        url = f"/api/v1/calls/{call.pk}/cutoffs"
        response = post(client, url, admin, {"date": "2031-06-30", "wave_id": wave.pk})
        assert response.status_code == 201, response.content
        assert response.json()["wave"] == wave.number
        cutoff_id = response.json()["id"]
        assert (
            client.get(f"/api/v1/calls/{call.pk}", headers=bearer(admin)).json()["cutoffs"][0]["id"]
            == cutoff_id
        )
        deleted = client.delete(f"{url}/{cutoff_id}", headers=bearer(admin))
        assert deleted.status_code == 204
        assert not CutOff.objects.exists()

    def test_refused_to_others_and_read_only_tokens(self, client, call, admin, other):
        cutoff = CutOffFactory(call=call)
        url = f"/api/v1/calls/{call.pk}/cutoffs"
        assert post(client, url, other, {"date": "2031-06-30"}).status_code == 404
        assert post(client, url, admin, {"date": "2031-06-30"}, access="read").status_code == 403
        assert client.delete(f"{url}/{cutoff.pk}", headers=bearer(other)).status_code == 404
        read_only = client.delete(f"{url}/{cutoff.pk}", headers=bearer(admin, "read"))
        assert read_only.status_code == 403
        assert list(CutOff.objects.all()) == [cutoff]

    def test_bad_input_names_the_field(self, client, call, admin):
        url = f"/api/v1/calls/{call.pk}/cutoffs"
        foreign = WaveFactory()
        for body, field in (
            ({"date": "30/06/2031"}, "date"),
            ({"date": "2031-06-30", "wave_id": foreign.pk}, "wave_id"),
            ({"date": "2031-06-30", "wave_id": 0}, "wave_id"),
        ):
            response = post(client, url, admin, body)
            assert response.status_code == 422, body
            assert response.json()["errors"][0]["field"] == field
        CutOffFactory(call=call, date=datetime.date(2031, 6, 30))
        duplicate = post(client, url, admin, {"date": "2031-06-30"})
        assert duplicate.status_code == 422 and duplicate.json()["errors"][0]["field"] == "date"
