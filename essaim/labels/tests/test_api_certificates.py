"""API: a published wave's certificates as one background job (``POST /waves/{id}/certificates``,
as the committee page's button; ``GET`` the caller's latest batch), followed and downloaded
through ``/jobs/{id}``: the programme's admins only, a wave not published yet a 409."""

import io
import zipfile

import pytest

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.calls.models import WaveStatus
from essaim.calls.tests.factories import ProgrammeFactory
from essaim.core.models import BackgroundJob, JobState
from essaim.labels.tests.factories import (
    ApplicationFactory,
    OrganisationFactory,
    WaveFactory,
    instructor,
    labelled,
    programme_admin,
    territory_lead,
)
from essaim.testing import bearer, close_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    wave = WaveFactory(french_impact=True, number=1, status=WaveStatus.PUBLISHED)
    admin = programme_admin(wave.programme)
    application = ApplicationFactory(proposed=True, wave=wave)
    label = labelled(application, admin)
    return {"wave": wave, "admin": admin, "application": application, "label": label}


def _url(wave) -> str:
    return f"/api/v1/waves/{wave.pk}/certificates"


def _post(client, url, user, access="write"):
    return client.post(url, content_type="application/json", headers=bearer(user, access))


def test_admin_starts_the_batch_polls_it_and_downloads_the_zip(
    client, published, django_capture_on_commit_callbacks
):
    wave, admin = published["wave"], published["admin"]
    headers = bearer(admin, "read")
    before = client.get(_url(wave), headers=headers)
    assert before.status_code == 200, before.content
    assert before.json() == {"wave_id": wave.pk, "job": None}

    with django_capture_on_commit_callbacks(execute=True):  # the job runs once committed
        response = _post(client, _url(wave), admin)
    assert response.status_code == 202, response.content
    started = response.json()
    assert started["state"] == "queued" and started["kind"] == "labels.wave_certificates"
    job = BackgroundJob.objects.get()
    assert job.requested_by == admin and job.params == {"wave": wave.pk}

    answer = client.get(started["url"], headers=headers).json()
    assert answer["state"] == "done" and (answer["done"], answer["total"]) == (1, 1)
    latest = client.get(_url(wave), headers=headers).json()
    assert latest["job"]["id"] == job.pk and latest["job"]["download_url"]
    download = client.get(answer["download_url"], headers=headers)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    close_response(download)
    [name] = archive.namelist()
    assert name == f"attestation-{published['application'].perimeter.slug}.pdf"
    assert archive.read(name).startswith(b"%PDF")


def test_asked_again_while_it_runs_is_the_same_job(
    client, published, django_capture_on_commit_callbacks
):
    wave, admin = published["wave"], published["admin"]
    with django_capture_on_commit_callbacks(execute=False):
        first = _post(client, _url(wave), admin)
        again = _post(client, _url(wave), admin)
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    assert BackgroundJob.objects.get().state == JobState.QUEUED
    latest = client.get(_url(wave), headers=bearer(admin)).json()["job"]
    assert latest["state"] == "queued" and latest["download_url"] is None


def test_a_wave_not_published_is_a_409(client):
    wave = WaveFactory(french_impact=True, number=2)
    admin = programme_admin(wave.programme)
    response = _post(client, _url(wave), admin)
    assert response.status_code == 409
    assert "publiée" in response.json()["detail"]
    assert client.get(_url(wave), headers=bearer(admin)).json()["job"] is None
    assert not BackgroundJob.objects.exists()


def test_attackers(client, published):
    wave = published["wave"]
    url = _url(wave)
    expert = UserFactory()
    Membership.objects.create(
        user=expert, role=Role.EXPERT, organisation=OrganisationFactory(), programme=wave.programme
    )
    other_admin = programme_admin(ProgrammeFactory(slug="autre", name="Autre programme"))
    for user, status in [
        (instructor(wave.programme), 403),  # staff, not an admin
        (other_admin, 404),  # another programme's admin: the wave does not exist for them
        (expert, 404),  # not the programme's staff
        (territory_lead(published["application"]), 404),  # the labelled territory
    ]:
        assert _post(client, url, user).status_code == status, user
        assert client.get(url, headers=bearer(user)).status_code == status, user
    assert _post(client, url, published["admin"], access="read").status_code == 403
    assert client.post(url, content_type="application/json").status_code == 401
    assert client.get(url).status_code == 401
    assert not BackgroundJob.objects.exists()


def test_another_admins_batch_is_theirs_only(client, published, django_capture_on_commit_callbacks):
    wave, admin = published["wave"], published["admin"]
    with django_capture_on_commit_callbacks(execute=True):
        started = _post(client, _url(wave), admin).json()
    colleague = programme_admin(wave.programme)  # same programme, another admin
    headers = bearer(colleague)
    assert client.get(started["url"], headers=headers).status_code == 404
    assert client.get(f"{started['url']}/download", headers=headers).status_code == 404
    assert client.get(_url(wave), headers=headers).json()["job"] is None
    admin.memberships.all().delete()  # no longer the programme's staff: the file is not served
    assert client.get(f"{started['url']}/download", headers=bearer(admin)).status_code == 404
