"""The call exports as background jobs (essaim.core.jobs): lifecycle, progress partial, reuse of
an identical unfinished job, e-mail with the link, permissions, failures shown in French."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from essaim.applications.tests.factories import lead_of, staff
from essaim.calls.tests.factories import CallFactory
from essaim.core import jobs
from essaim.core.models import BackgroundJob, JobState
from essaim.reviews import services_exports
from essaim.reviews.tests.test_exports import _url, build_world
from essaim.testing import close_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _start(user, call, fmt="xlsx"):
    job, created = services_exports.call_export_start(user=user, call=call, fmt=fmt, query={})
    return job, created


def test_lifecycle_progress_file_and_email(
    world, django_capture_on_commit_callbacks, client, django_assert_max_num_queries
):
    instructor, call = world["instructor"], world["call"]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job, created = _start(instructor, call)
    assert created and job.state == JobState.QUEUED and job.programme_id == call.programme_id
    client.force_login(instructor)
    partial = client.get(f"/comptes/exports/{job.pk}/progression/")
    assert 'hx-trigger="every 2s"' in partial.text and "En attente" in partial.text
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail, queued by the job
        for callback in queued:
            callback()  # the immediate backend runs the job now
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert (job.done, job.total) == (8, 8)  # 2 applications x 4 tables
    assert job.filename.endswith(".xlsx") and job.expires_at > timezone.now()
    assert job.result.storage.exists(job.result.name)
    with django_assert_max_num_queries(8):
        partial = client.get(f"/comptes/exports/{job.pk}/progression/")
    assert "every 2s" not in partial.text  # polling stops once done
    assert f"/comptes/exports/{job.pk}/telecharger/" in partial.text
    [message] = mail.outbox
    assert message.to == [instructor.email]
    assert f"/comptes/exports/{job.pk}/" in message.body
    with django_assert_max_num_queries(12):
        listing = client.get("/comptes/exports/")
    assert job.title in listing.text


def test_running_progress_is_shown_accessibly(world, client):
    job, _created = _start(world["instructor"], world["call"])
    BackgroundJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, done=250, total=1000)
    client.force_login(world["instructor"])
    text = client.get(f"/comptes/exports/{job.pk}/progression/").text
    assert 'role="progressbar"' in text and 'aria-valuenow="25"' in text
    assert "250 sur 1000" in text and 'hx-trigger="every 2s"' in text


def test_progress_is_written_every_n_units_not_per_unit(world, django_assert_num_queries):
    job, _created = _start(world["instructor"], world["call"])
    progress = jobs.Progress(job, every=100)
    progress.start(1000)
    with django_assert_num_queries(2):
        for _unit in range(250):
            progress.advance()
    job.refresh_from_db()
    assert job.done == 200


def test_identical_requests_reuse_the_unfinished_job(world, client):
    client.force_login(world["instructor"])
    url = _url(world["call"], "zip")
    for _click in range(10):  # no commit callbacks run: the job stays queued
        response = client.post(url, {"status": "submitted"}, headers={"HX-Request": "true"})
        assert response.status_code == 200 and 'role="progressbar"' in response.text
    assert BackgroundJob.objects.count() == 1
    client.post(url, {"status": "in_review"})  # other filters: another job
    client.post(_url(world["call"], "xlsx"), {"status": "submitted"})  # another format
    assert BackgroundJob.objects.count() == 3
    BackgroundJob.objects.update(state=JobState.DONE)
    client.post(url, {"status": "submitted"})  # finished: a new one
    assert BackgroundJob.objects.count() == 4


def test_export_page_starts_a_job_and_lists_it(world, client, django_assert_max_num_queries):
    client.force_login(world["instructor"])
    page = client.get("/avis/instruction/exports/?status=submitted")
    assert 'hx-post="' in page.text and 'name="status" value="submitted"' in page.text
    assert 'name="idempotency_key"' in page.text
    response = client.post(_url(world["call"], "xlsx"), {"status": "submitted"})
    job = BackgroundJob.objects.get()
    assert response["Location"] == f"/comptes/exports/{job.pk}/"
    assert job.params["filters"] == {"status": "submitted"}
    with django_assert_max_num_queries(12):
        page = client.get("/avis/instruction/exports/")
    assert f"/comptes/exports/{job.pk}/" in page.text


def test_failure_is_recorded_and_shown_in_french(
    world, client, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services_exports.exports, "write_xlsx", broken)
    client.force_login(world["instructor"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(world["call"], "xlsx"))
    job = BackgroundJob.objects.get()
    assert job.state == JobState.FAILED and "erreur inattendue" in job.error
    page = client.get(f"/comptes/exports/{job.pk}/")
    assert page.status_code == 200
    assert "La préparation du fichier a échoué." in page.text and "every 2s" not in page.text
    assert client.get(f"/comptes/exports/{job.pk}/telecharger/").status_code == 404
    assert mail.outbox == []  # the failure is an in-app notification only


def test_lost_access_fails_the_job_with_a_reason(world, django_capture_on_commit_callbacks):
    instructor = world["instructor"]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job, _created = _start(instructor, world["call"])
    instructor.memberships.all().delete()
    for callback in queued:
        callback()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "plus accès" in job.error


def test_only_the_requester_follows_and_downloads(
    world, client, django_capture_on_commit_callbacks
):
    call = world["call"]
    with django_capture_on_commit_callbacks(execute=True):
        job, _created = _start(world["instructor"], call)
    urls = [f"/comptes/exports/{job.pk}/{end}" for end in ("", "progression/", "telecharger/")]
    colleague = staff(call.programme)  # same programme, not the requester
    other_staff = staff(CallFactory().programme)
    applicant = lead_of(world["applications"][0]).user
    for user in (colleague, other_staff, applicant, world["expert"]):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert job.title not in client.get("/comptes/exports/").text
    client.logout()
    assert client.get(urls[2]).status_code == 302  # to the login page
    client.force_login(world["instructor"])
    download = client.get(urls[2])
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    close_response(download)
    world["instructor"].memberships.all().delete()  # no longer the programme's staff
    assert client.get(urls[2]).status_code == 404


def test_expired_file_is_refused_and_purged(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job, _created = _start(world["instructor"], world["call"])
    job.refresh_from_db()
    name, storage = job.result.name, job.result.storage
    BackgroundJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    client.force_login(world["instructor"])
    assert client.get(f"/comptes/exports/{job.pk}/telecharger/").status_code == 404
    assert "plus disponible" in client.get(f"/comptes/exports/{job.pk}/").text
    assert jobs.purge_expired() == 1
    assert not storage.exists(name) and not BackgroundJob.objects.exists()
