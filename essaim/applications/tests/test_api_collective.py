"""The collective's organisations, the hand-over and the challenges through the API: the same
services and rules as the pages (the lead manages the collective; the editors write the challenges
while the application may be edited)."""

import pytest

from essaim.actors.models import CollectiveMember, CollectiveRole, Organisation
from essaim.actors.tests.factories import OrganisationFactory
from essaim.applications.models import Challenge
from essaim.applications.tests.factories import ApplicationFactory, PersonFactory, lead_of, staff
from essaim.applications.tests.test_api import auth
from essaim.applications.workflow import Status
from essaim.core.models import HistoryEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    application = ApplicationFactory()
    lead = lead_of(application).user
    editor = PersonFactory(application=application).user
    other_app = ApplicationFactory(form_version=application.form_version)
    stranger = lead_of(other_app).user
    return application, lead, editor, stranger


def _json(client, method, url, body, user):
    return getattr(client, method)(url, body, content_type="application/json", headers=auth(user))


def test_the_lead_adds_changes_and_removes_an_organisation(client, world):
    application, lead, _editor, _stranger = world
    organisation = OrganisationFactory(name="Coopérative du Bocage")
    url = f"/api/v1/applications/{application.pk}/members"
    response = _json(client, "post", url, {"organisation_id": organisation.pk}, lead)
    assert response.status_code == 201, response.content
    member = response.json()
    assert member["organisation"] == "Coopérative du Bocage" and member["role"] == "member"
    assert HistoryEvent.objects.for_object(application).filter(action="collective_add").exists()
    listed = client.get(url, headers=auth(lead)).json()["items"]
    assert [m["id"] for m in listed] == [member["id"]]

    response = _json(client, "patch", f"{url}/{member['id']}", {"role": "lead"}, lead)
    assert response.status_code == 200 and response.json()["role"] == "lead"
    assert CollectiveMember.objects.get(pk=member["id"]).role == CollectiveRole.LEAD

    response = client.delete(f"{url}/{member['id']}", headers=auth(lead))
    assert response.status_code == 204
    assert not CollectiveMember.objects.filter(pk=member["id"]).exists()
    assert HistoryEvent.objects.for_object(application).filter(action="collective_remove").exists()


def test_an_organisation_by_siret_and_bad_input_names_the_field(client, world):
    application, lead, _editor, _stranger = world
    url = f"/api/v1/applications/{application.pk}/members"
    response = _json(client, "post", url, {"siret": "12345678901234"}, lead)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "siret"
    response = _json(client, "post", url, {"siret": "35600000000048"}, lead)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "name"
    response = _json(client, "post", url, {"siret": "35600000000048", "name": "La Poste"}, lead)
    assert response.status_code == 201, response.content
    assert Organisation.objects.get(siret="35600000000048").verified_at is None
    response = _json(client, "post", url, {"organisation_id": 10**9, "role": "member"}, lead)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "organisation_id"
    response = _json(client, "post", url, {"organisation_id": 1, "role": "chief"}, lead)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "role"


def test_an_unconfirmed_organisation_of_another_collective_is_not_found(client, world):
    """An organisation registered through another application waits for the staff's
    confirmation and is seen by its own people only: not added, nor named, by its id."""
    application, lead, _editor, _stranger = world
    hidden = OrganisationFactory(name="Association en attente (fictif)", verified_at=None)
    url = f"/api/v1/applications/{application.pk}/members"
    response = _json(client, "post", url, {"organisation_id": hidden.pk}, lead)
    assert response.status_code == 422 and "en attente" not in response.content.decode()
    assert response.json()["errors"][0]["field"] == "organisation_id"
    assert not application.collective.members.filter(organisation=hidden).exists()


def test_others_may_not_touch_the_collective(client, world):
    application, _lead, editor, stranger = world
    url = f"/api/v1/applications/{application.pk}/members"
    body = {"siret": "35600000000048", "name": "La Poste"}
    # An editor sees the application but does not lead it: 403, nothing registered.
    assert _json(client, "post", url, body, editor).status_code == 403
    # Another application's lead does not see it: 404.
    assert _json(client, "post", url, body, stranger).status_code == 404
    assert client.get(url, headers=auth(stranger)).status_code == 404
    # Another programme's staff neither.
    other_staff = staff(ApplicationFactory().call.programme)
    assert client.get(url, headers=auth(other_staff)).status_code == 404
    assert not Organisation.objects.filter(siret="35600000000048").exists()


def test_a_closed_application_is_a_409(client, world):
    application, lead, _editor, _stranger = world
    application.status = Status.WITHDRAWN
    application.submitted_at = application.created_at
    application.save()
    organisation = OrganisationFactory()
    url = f"/api/v1/applications/{application.pk}/members"
    response = _json(client, "post", url, {"organisation_id": organisation.pk}, lead)
    assert response.status_code == 409
    assert "close" in response.json()["detail"]


def test_the_lead_hands_over(client, world):
    application, lead, editor, stranger = world
    url = f"/api/v1/applications/{application.pk}/handover"
    # Someone of another application is nobody here: the field is named.
    response = _json(client, "post", url, {"email": stranger.email}, lead)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "email"
    assert _json(client, "post", url, {"email": editor.email}, editor).status_code == 403
    response = _json(client, "post", url, {"email": editor.email.upper()}, lead)
    assert response.status_code == 204
    assert application.people.get(is_lead=True).user == editor
    assert HistoryEvent.objects.for_object(application).filter(action="lead_handover").exists()


def test_the_editors_write_the_challenges_while_editable(client, world):
    application, _lead, editor, stranger = world
    url = f"/api/v1/applications/{application.pk}/challenges"
    body = {"title": "Mobilité", "description": "Relier", "lines": ["Covoiturage", " "]}
    response = _json(client, "post", url, body, editor)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["lines"] == ["Covoiturage"] and created["position"] == 1
    response = _json(client, "put", f"{url}/{created['id']}", {"title": "Transports"}, editor)
    assert response.status_code == 200 and response.json()["title"] == "Transports"
    assert Challenge.objects.get(pk=created["id"]).lines == []
    assert client.get(url, headers=auth(editor)).json()["items"][0]["title"] == "Transports"
    # Bad input names the field; a stranger does not see the application.
    response = _json(client, "post", url, {"title": ""}, editor)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "title"
    response = _json(client, "post", url, {"title": "x", "lines": ["a"] * 11}, editor)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "lines"
    assert _json(client, "post", url, body, stranger).status_code == 404
    # An instructor sees the application but does not write it.
    instructor = staff(application.call.programme)
    assert _json(client, "post", url, body, instructor).status_code == 403
    # Submitted: no longer editable, a 409 saying why.
    application.status = Status.SUBMITTED
    application.submitted_at = application.created_at
    application.save()
    response = client.delete(f"{url}/{created['id']}", headers=auth(editor))
    assert response.status_code == 409 and "modifiable" in response.json()["detail"]
    assert Challenge.objects.filter(pk=created["id"]).exists()
    application.status = Status.CHANGES_REQUESTED
    application.save()
    assert client.delete(f"{url}/{created['id']}", headers=auth(editor)).status_code == 204
    assert not Challenge.objects.filter(pk=created["id"]).exists()
