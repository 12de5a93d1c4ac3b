"""A call's creation and edit, its form's draft and publication and its scoring grid in the API:
the admin pages' services (history recorded), scoping (another programme's draft: 404, its public
call: 403), problems named by field, refusals of the call's state a 409."""

import pytest

from essaim.accounts.models import Role
from essaim.applications.tests.factories import ApplicationFactory
from essaim.calls.history import CallAction
from essaim.calls.models import Call, CallStatus, Criterion, FormVersion
from essaim.calls.tests.factories import (
    SCHEMA,
    CallFactory,
    FormVersionFactory,
    ProgrammeFactory,
    admin_of,
)
from essaim.core.models import HistoryEvent
from essaim.reviews.tests.factories import submitted_review
from essaim.testing import bearer, table_state

pytestmark = pytest.mark.django_db


def send(client, method, url, user, body=None, access="write"):
    return getattr(client, method)(
        url, body, content_type="application/json", headers=bearer(user, access)
    )


def actions(call) -> list[str]:
    return list(
        HistoryEvent.objects.for_object(call).order_by("pk").values_list("action", flat=True)
    )


@pytest.fixture
def call():
    return CallFactory(status=CallStatus.DRAFT)


@pytest.fixture
def admin(call):
    return admin_of(call.programme)


@pytest.fixture
def other():
    return admin_of(ProgrammeFactory(slug="autre", name="Autre programme"))


class TestCreateAndEdit:
    def test_the_admin_creates_then_edits_a_call(self, client, call, admin):
        body = {"programme_id": call.programme_id, "title": "Nouvel appel", "slug": "nouvel-appel"}
        created = send(client, "post", "/api/v1/calls", admin, body)
        assert created.status_code == 201, created.content
        new = Call.objects.get(slug="nouvel-appel")
        assert created.json()["status"] == "draft" and new.grid is not None
        assert actions(new) == [CallAction.CREATE]
        taken = send(client, "post", "/api/v1/calls", admin, body)
        assert taken.status_code == 422 and taken.json()["errors"][0]["field"] == "slug"
        edited = send(client, "patch", f"/api/v1/calls/{new.pk}", admin, {"title": "Appel renommé"})
        assert edited.status_code == 200 and edited.json()["title"] == "Appel renommé"
        assert actions(new)[-1] == CallAction.UPDATE

    def test_strangers_may_not_create_or_edit(self, client, call, admin, other):
        body = {"programme_id": call.programme_id, "title": "X", "slug": "x"}
        refused = send(client, "post", "/api/v1/calls", other, body)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "programme_id"
        instructor = admin_of(call.programme, Role.INSTRUCTOR)
        assert send(client, "post", "/api/v1/calls", instructor, body).status_code == 403
        assert send(client, "patch", f"/api/v1/calls/{call.pk}", other, body).status_code == 404
        public = CallFactory(programme=call.programme, status=CallStatus.OPEN)
        assert (
            send(client, "patch", f"/api/v1/calls/{public.pk}", other, {"title": "X"}).status_code
            == 403
        )
        assert not Call.objects.filter(slug="x").exists()

    def test_dates_out_of_order_are_refused(self, client, call, admin):
        response = send(
            client,
            "patch",
            f"/api/v1/calls/{call.pk}",
            admin,
            {"opens_on": "2031-06-01", "closes_on": "2031-01-01"},
        )
        assert response.status_code == 422, response.content


class TestForm:
    def test_a_draft_is_saved_then_published_never_changed(self, client, call, admin):
        published = FormVersionFactory(call=call)
        url = f"/api/v1/calls/{call.pk}/form-draft"
        assert send(client, "get", url, admin).status_code == 404  # no draft yet
        schema = {**SCHEMA, "sections": [*SCHEMA["sections"]]}
        schema["sections"][0] = {**schema["sections"][0], "title": "Principal renommé"}
        saved = send(client, "put", url, admin, {"form_schema": schema})
        assert saved.status_code == 200, saved.content
        assert saved.json()["number"] == 2 and saved.json()["changes"]
        assert send(client, "get", url, admin).json()["form_schema"] == schema
        published.refresh_from_db()
        assert published.schema == SCHEMA  # the published version never changes
        done = send(client, "post", f"{url}/publish", admin)
        assert done.status_code == 200 and done.json()["number"] == 2
        assert actions(call)[-2:] == [CallAction.FORM_DRAFT, CallAction.FORM_PUBLISH]
        again = send(client, "post", f"{url}/publish", admin)
        assert again.status_code == 409

    def test_a_bad_schema_is_a_422_on_the_field_in_words(self, client, call, admin):
        auth = bearer(admin)
        before = table_state(FormVersion)
        response = client.put(
            f"/api/v1/calls/{call.pk}/form-draft",
            {"form_schema": {"sections": [{"key": "main", "fields": "nope"}]}},
            content_type="application/json",
            headers=auth,
        )
        assert response.status_code == 422, response.content
        assert response.json()["errors"][0]["field"] == "form_schema"
        assert table_state(FormVersion) == before

    def test_strangers_and_instructors_are_refused(self, client, call, other):
        url = f"/api/v1/calls/{call.pk}/form-draft"
        assert send(client, "put", url, other, {"form_schema": SCHEMA}).status_code == 404
        public = CallFactory(programme=call.programme, status=CallStatus.OPEN)
        public_url = f"/api/v1/calls/{public.pk}/form-draft"
        assert send(client, "put", public_url, other, {"form_schema": SCHEMA}).status_code == 403
        assert send(client, "post", f"{public_url}/publish", other).status_code == 403
        assert not FormVersion.objects.exists()


class TestGrid:
    def body(self, **changes):
        return {
            "scale_min": 0,
            "scale_max": 4,
            "scale_labels": {"0": "absent", "4": "excellent"},
            "comment_required_below": 2,
            "criteria": [{"title": "Ancrage", "weight": "2"}, {"title": "Impact"}],
            **changes,
        }

    def test_the_admin_replaces_the_grid(self, client, call, admin):
        response = send(client, "put", f"/api/v1/calls/{call.pk}/grid", admin, self.body())
        assert response.status_code == 200, response.content
        assert [c["title"] for c in response.json()["criteria"]] == ["Ancrage", "Impact"]
        assert response.json()["criteria"][0]["weight"] == 2.0
        assert actions(call)[-1] == CallAction.GRID_SAVE

    @pytest.mark.parametrize(
        "changes, field",
        [
            ({"scale_max": 0}, "scale_max"),
            ({"scale_labels": {"9": "hors échelle"}}, "scale_labels"),
            ({"criteria": []}, "criteria"),
            ({"criteria": [{"title": "A", "weight": "-1"}]}, "criteria.0.weight"),
        ],
    )
    def test_bad_input_names_the_field(self, client, call, admin, changes, field):
        response = send(client, "put", f"/api/v1/calls/{call.pk}/grid", admin, self.body(**changes))
        assert response.status_code == 422, response.content
        assert response.json()["errors"][0]["field"] == field

    def test_a_marked_criterion_is_kept_a_409(self, client):
        call = CallFactory(status=CallStatus.DRAFT, programme__with_experts=True)
        admin = admin_of(call.programme)
        send(client, "put", f"/api/v1/calls/{call.pk}/grid", admin, self.body())
        call.status = CallStatus.OPEN
        call.save()
        FormVersionFactory(call=call)
        application = ApplicationFactory(call=call)
        submitted_review(application, [3, 2])
        kept = Criterion.objects.filter(grid__call=call).order_by("position").first()
        body = self.body(criteria=[{"id": kept.pk, "title": "Ancrage", "weight": "2"}])
        response = send(client, "put", f"/api/v1/calls/{call.pk}/grid", admin, body)
        assert response.status_code == 409, response.content
        assert "Impact" in response.json()["detail"]
        assert Criterion.objects.filter(grid__call=call).count() == 2

    def test_another_programme_is_refused(self, client, call, other):
        response = send(client, "put", f"/api/v1/calls/{call.pk}/grid", other, self.body())
        assert response.status_code == 404
