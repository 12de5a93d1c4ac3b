"""A published wave's certificates as one background job, shown on the wave's page."""

import io
import zipfile

import pytest
from django.urls import reverse

from essaim.calls.models import WaveStatus
from essaim.core.models import BackgroundJob, JobState
from essaim.labels.tests.factories import (
    ApplicationFactory,
    WaveFactory,
    instructor,
    labelled,
    programme_admin,
)
from essaim.testing import close_response

pytestmark = pytest.mark.django_db


def test_admin_starts_the_batch_and_downloads_the_zip(client, django_capture_on_commit_callbacks):
    wave = WaveFactory(french_impact=True, number=1, status=WaveStatus.PUBLISHED)
    admin = programme_admin(wave.programme)
    application = ApplicationFactory(proposed=True, wave=wave)
    label = labelled(application, admin)
    page_url = reverse("labels:wave_committee", args=[wave.pk])
    start_url = reverse("labels:wave_certificates", args=[wave.pk])

    client.force_login(instructor(wave.programme))  # staff, not admin
    assert client.post(start_url).status_code == 403
    assert not BackgroundJob.objects.exists()

    client.force_login(admin)
    assert "Préparer les attestations" in client.get(page_url).text
    with django_capture_on_commit_callbacks(execute=False):
        client.post(start_url)
        client.post(start_url)  # a second click: the same job
    job = BackgroundJob.objects.get()
    assert job.state == JobState.QUEUED
    page = client.get(page_url).text
    assert 'hx-trigger="every 2s"' in page and "Préparer les attestations" not in page

    BackgroundJob.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(start_url)
    job = BackgroundJob.objects.get()
    assert job.state == JobState.DONE and (job.done, job.total) == (1, 1)
    download = client.get(reverse("accounts:job_download", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    close_response(download)
    [name] = archive.namelist()
    assert name == f"attestation-{application.perimeter.slug}.pdf"
    assert archive.read(name).startswith(b"%PDF")
    label.refresh_from_db()
    assert label.certificate  # stored, served from now on without being made again
    assert f"/comptes/exports/{job.pk}/telecharger/" in client.get(page_url).text
