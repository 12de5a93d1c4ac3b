import pytest

from essaim.accounts.services import api_token_create
from essaim.applications.models import Application
from essaim.applications.tests.factories import (
    ApplicationFactory,
    PerimeterFactory,
    PersonFactory,
    complete,
    lead_of,
    staff,
)
from essaim.applications.workflow import Status
from essaim.calls.tests.factories import SCHEMA, CallFactory, CriterionFactory, FormVersionFactory

pytestmark = pytest.mark.django_db


def auth(user) -> dict:
    _token, raw = api_token_create(user=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def setup():
    application = ApplicationFactory(answers={"pitch": "Avant"})
    lead = lead_of(application).user
    other_app = ApplicationFactory(form_version=application.form_version)
    other = lead_of(other_app).user
    return application, lead, other_app, other


def test_calls_are_public_with_form_and_grid(client):
    version = FormVersionFactory()
    CriterionFactory(grid__call=version.call, title="Périmètre")
    CallFactory(status="draft")
    response = client.get("/api/v1/calls")
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["items"]] == [version.call_id]
    detail = client.get(f"/api/v1/calls/{version.call_id}").json()
    assert detail["form_schema"] == SCHEMA and detail["form_version"] == 1
    assert detail["grid"]["criteria"][0]["title"] == "Périmètre"
    assert client.get("/api/v1/calls/999999").status_code == 404


def test_applications_need_authentication(client, setup):
    application = setup[0]
    assert client.get("/api/v1/applications").status_code == 401
    assert client.get(f"/api/v1/applications/{application.pk}").status_code == 401
    assert (
        client.patch(
            f"/api/v1/applications/{application.pk}",
            {"answers": {"pitch": "x"}},
            content_type="application/json",
        ).status_code
        == 401
    )


def test_applications_are_scoped(client, setup):
    application, lead, other_app, other = setup
    items = client.get("/api/v1/applications", headers=auth(lead)).json()["items"]
    assert [i["id"] for i in items] == [application.pk]
    response = client.get(f"/api/v1/applications/{other_app.pk}", headers=auth(lead))
    assert response.status_code == 404
    assert str(other_app.pk) in response.json()["detail"]
    detail = client.get(f"/api/v1/applications/{application.pk}", headers=auth(lead)).json()
    assert detail["answers"] == {"pitch": "Avant"}
    assert "pitch" not in {m["field"] for m in detail["missing"]}
    assert detail["transitions"] == ["submit", "withdraw"]


def test_patch_validates_with_the_engine_and_names_the_field(client, setup):
    application, lead, other_app, other = setup
    url = f"/api/v1/applications/{application.pk}"
    response = client.patch(
        url,
        {"answers": {"pitch": "x" * 30, "size": 5}},
        content_type="application/json",
        headers=auth(lead),
    )
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "20 caractères au plus" in errors["answers.pitch"]
    application.refresh_from_db()
    assert application.answers == {"pitch": "Avant", "size": 5}  # the valid answer was saved
    response = client.patch(
        url,
        {"answers": {"defis": [{"titre": "Un"}]}, "title": "Titre API"},
        content_type="application/json",
        headers=auth(lead),
    )
    assert response.status_code == 200
    assert response.json()["answers"]["defis"] == [{"titre": "Un"}]
    assert response.json()["title"] == "Titre API"
    # Another territory's application: 404, nothing changed.
    response = client.patch(
        f"/api/v1/applications/{other_app.pk}",
        {"answers": {"pitch": "Pirate"}},
        content_type="application/json",
        headers=auth(lead),
    )
    assert response.status_code == 404
    other_app.refresh_from_db()
    assert other_app.answers == {}
    reader = PersonFactory(application=application, can_edit=False).user
    response = client.patch(
        url, {"answers": {"pitch": "Lu"}}, content_type="application/json", headers=auth(reader)
    )
    assert response.status_code == 403


def test_post_creates_a_draft(client, setup):
    version = FormVersionFactory()
    perimeter = PerimeterFactory(slug="vallee-de-la-marne")
    lead = setup[1]
    response = client.post(
        "/api/v1/applications",
        {"call_id": version.call_id, "title": "Vallée", "perimeter_slug": "vallee-de-la-marne"},
        content_type="application/json",
        headers=auth(lead),
    )
    assert response.status_code == 201
    assert Application.objects.get(pk=response.json()["id"]).perimeter == perimeter
    response = client.post(
        "/api/v1/applications",
        {"call_id": version.call_id, "title": "X", "perimeter_slug": "nulle-part"},
        content_type="application/json",
        headers=auth(lead),
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "perimeter_slug"


def test_transitions_obey_the_table_and_the_roles(client, setup):
    application, lead, other_app, other = setup
    url = f"/api/v1/applications/{application.pk}/transitions"
    # Incomplete: 422 with the missing list.
    response = client.post(f"{url}/submit", {}, content_type="application/json", headers=auth(lead))
    assert response.status_code == 422
    assert "pitch" not in {e["field"] for e in response.json()["errors"]}
    assert "collective" in {e["field"] for e in response.json()["errors"]}
    complete(application)
    # Wrong state is checked first (409); the wrong role gets 403 once submitted (below).
    assert (
        client.post(
            f"{url}/start_review", {}, content_type="application/json", headers=auth(lead)
        ).status_code
        == 409
    )
    assert (
        client.post(
            f"{url}/submit", {}, content_type="application/json", headers=auth(other)
        ).status_code
        == 404
    )
    response = client.post(f"{url}/submit", {}, content_type="application/json", headers=auth(lead))
    assert response.status_code == 200 and response.json()["status"] == Status.SUBMITTED
    response = client.post(f"{url}/submit", {}, content_type="application/json", headers=auth(lead))
    assert response.status_code == 409
    assert "déposée" in response.json()["detail"]
    assert (
        client.post(
            f"{url}/start_review", {}, content_type="application/json", headers=auth(lead)
        ).status_code
        == 403
    )
    instructor = staff(application.call.programme)
    response = client.post(
        f"{url}/request_changes", {}, content_type="application/json", headers=auth(instructor)
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "comment"
    response = client.post(
        f"{url}/request_changes",
        {"comment": "Précisez"},
        content_type="application/json",
        headers=auth(instructor),
    )
    assert response.status_code == 200 and response.json()["status"] == Status.CHANGES_REQUESTED
    assert (
        client.post(
            f"{url}/fly", {}, content_type="application/json", headers=auth(lead)
        ).status_code
        == 404
    )
    application.refresh_from_db()
    assert application.status == Status.CHANGES_REQUESTED


def test_list_query_budget(client, setup, django_assert_max_num_queries):
    application, lead, *_rest = setup
    for _ in range(40):
        lead_of(ApplicationFactory(form_version=application.form_version), user=lead)
    headers = auth(lead)
    with django_assert_max_num_queries(10) as queries:
        response = client.get("/api/v1/applications", headers=headers)
    assert response.json()["count"] == 41
    # the rows' columns only: not the answers' JSON of 50 applications
    page = [q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"]]
    assert page and all('"applications_application"."answers"' not in sql for sql in page)
