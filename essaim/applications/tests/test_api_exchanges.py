"""The thread and the attachments of an application through the API: multipart uploads with the
page's checks, downloads with the page's permission (and closed), removal by the editors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.applications.models import Attachment, Message
from essaim.applications.tests.factories import ApplicationFactory, PersonFactory, lead_of, staff
from essaim.applications.tests.test_api import auth
from essaim.applications.workflow import Status
from essaim.core.models import Notification
from essaim.testing import close_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    application = ApplicationFactory()
    lead = lead_of(application).user
    editor = PersonFactory(application=application).user
    instructor = staff(application.call.programme)
    other_app = ApplicationFactory(form_version=application.form_version)
    stranger = lead_of(other_app).user
    other_staff = staff(ApplicationFactory().call.programme)
    return application, lead, editor, instructor, stranger, other_staff


def pdf(name="lettre.pdf", size=0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 " + b"0" * size)


def test_the_thread_is_written_and_read_by_both_sides(client, world):
    application, lead, _editor, instructor, stranger, other_staff = world
    url = f"/api/v1/applications/{application.pk}/messages"
    response = client.post(
        url, {"body": "Bonjour", "attachment": pdf("note.pdf")}, headers=auth(lead)
    )
    assert response.status_code == 201, response.content
    posted = response.json()
    assert posted["from_staff"] is False and posted["attachment_name"] == "note.pdf"
    assert Notification.objects.filter(user=instructor).exists()
    response = client.post(url, {"body": "Reçu"}, headers=auth(instructor))
    assert response.status_code == 201 and response.json()["from_staff"] is True
    items = client.get(url, headers=auth(lead)).json()["items"]
    assert [m["body"] for m in items] == ["Bonjour", "Reçu"]

    download = client.get(f"{url}/{posted['id']}/attachment", headers=auth(instructor))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert "note.pdf" in download["Content-Disposition"]
    close_response(download)
    # Strangers: another programme's staff, another application's lead do not see it.
    for user in (stranger, other_staff):
        assert client.get(url, headers=auth(user)).status_code == 404
        assert client.post(url, {"body": "x"}, headers=auth(user)).status_code == 404
        assert client.get(f"{url}/{posted['id']}/attachment", headers=auth(user)).status_code == 404
    assert Message.objects.count() == 2


def test_a_message_names_its_bad_field(client, world):
    application, lead, *_rest = world
    url = f"/api/v1/applications/{application.pk}/messages"
    response = client.post(url, {"body": "  "}, headers=auth(lead))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "body"
    response = client.post(
        url, {"body": "Voici", "attachment": SimpleUploadedFile("x.exe", b"MZ")}, headers=auth(lead)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "attachment"
    assert not Message.objects.exists()


def test_a_territory_person_sees_the_application_but_not_its_thread(client, world):
    application, *_rest = world
    person = UserFactory()
    Membership.objects.create(
        user=person, role=Role.TERRITORY_MEMBER, collective=application.collective
    )
    assert (
        client.get(f"/api/v1/applications/{application.pk}", headers=auth(person)).status_code
        == 200
    )
    url = f"/api/v1/applications/{application.pk}/messages"
    assert client.get(url, headers=auth(person)).status_code == 403
    assert client.post(url, {"body": "x"}, headers=auth(person)).status_code == 403


def test_an_editor_uploads_downloads_and_removes_an_attachment(client, world):
    application, lead, editor, instructor, stranger, other_staff = world
    url = f"/api/v1/applications/{application.pk}/attachments"
    response = client.post(url, {"field": "letter", "file": pdf()}, headers=auth(editor))
    assert response.status_code == 201, response.content
    attachment = response.json()
    assert attachment["field"] == "letter" and attachment["name"] == "lettre.pdf"
    application.refresh_from_db()
    assert application.answers["letter"]["attachment"] == attachment["id"]
    assert [a["id"] for a in client.get(url, headers=auth(lead)).json()["items"]] == [
        attachment["id"]
    ]

    # Whoever sees the application downloads it, as on the page; the others get a 404.
    download = client.get(f"{url}/{attachment['id']}", headers=auth(instructor))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.4")
    close_response(download)
    for user in (stranger, other_staff):
        assert client.get(f"{url}/{attachment['id']}", headers=auth(user)).status_code == 404
        assert client.delete(f"{url}/{attachment['id']}", headers=auth(user)).status_code == 404
    # The instructor sees but does not edit.
    assert client.delete(f"{url}/{attachment['id']}", headers=auth(instructor)).status_code == 403

    response = client.delete(f"{url}/{attachment['id']}", headers=auth(editor))
    assert response.status_code == 204
    application.refresh_from_db()
    assert "letter" not in application.answers
    assert not Attachment.objects.exists()


def test_an_upload_is_checked_like_on_the_page(client, world):
    application, _lead, editor, *_rest = world
    url = f"/api/v1/applications/{application.pk}/attachments"
    big = pdf(size=1024 * 1024 + 10)
    response = client.post(url, {"field": "letter", "file": big}, headers=auth(editor))
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "file" and "1 Mo au maximum" in error["message"]
    fake = SimpleUploadedFile("lettre.pdf", b"not a pdf")
    response = client.post(url, {"field": "letter", "file": fake}, headers=auth(editor))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file"
    response = client.post(url, {"field": "pitch", "file": pdf()}, headers=auth(editor))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "field"
    response = client.post(url, {"field": "letter"}, headers=auth(editor))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file"
    # A repeated block's index in other digits than 0-9 (int() refuses "²"): a field error.
    response = client.post(url, {"field": "team.².cv", "file": pdf()}, headers=auth(editor))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "field"
    assert not Attachment.objects.exists()


def test_a_submitted_application_takes_no_upload(client, world):
    application, _lead, editor, *_rest = world
    application.status = Status.SUBMITTED
    application.submitted_at = application.created_at
    application.save()
    url = f"/api/v1/applications/{application.pk}/attachments"
    response = client.post(url, {"field": "letter", "file": pdf()}, headers=auth(editor))
    assert response.status_code == 409 and "modifiable" in response.json()["detail"]
    assert not Attachment.objects.exists()


def test_a_multipart_message_sent_twice_with_one_idempotency_key_is_posted_once(client, world):
    application, lead, *_rest = world
    url = f"/api/v1/applications/{application.pk}/messages"
    headers = {**auth(lead), "Idempotency-Key": "message-1"}
    first = client.post(url, {"body": "Bonjour", "attachment": pdf("a.pdf")}, headers=headers)
    again = client.post(url, {"body": "Bonjour", "attachment": pdf("a.pdf")}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert Message.objects.count() == 1
