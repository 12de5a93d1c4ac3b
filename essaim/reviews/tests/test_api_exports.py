"""API: the instruction queue's exports (``POST /instruction/exports``: the XLSX or ZIP as a
background job, followed through ``GET /jobs/{id}`` and downloaded; ``GET /instruction/exports/
{call id}/csv`` streamed), with the queue's filters checked (422 naming the field), scoped like
the exports page, and a job followed by its requester only."""

import csv
import io
import zipfile

import pytest

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.applications.tests.factories import OrganisationFactory, lead_of
from essaim.calls.tests.factories import CallFactory, CutOffFactory
from essaim.core.models import BackgroundJob, JobState
from essaim.reviews.tests.factories import staff
from essaim.reviews.tests.test_exports import _xlsx, build_world
from essaim.testing import bearer, close_response

pytestmark = pytest.mark.django_db
URL = "/api/v1/instruction/exports"


@pytest.fixture
def world():
    return build_world()


def expert(programme):
    """An expert reviewing for ``programme`` (for its partner organisation)."""
    user = UserFactory()
    Membership.objects.create(
        user=user, role=Role.EXPERT, organisation=OrganisationFactory(), programme=programme
    )
    return user


def _post(client, user, body, access="write"):
    return client.post(URL, body, content_type="application/json", headers=bearer(user, access))


def _content(response) -> bytes:
    content = b"".join(response.streaming_content)
    close_response(response)
    return content


def _csv_rows(response) -> list[list[str]]:
    text = _content(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_xlsx_is_a_job_polled_then_downloaded(
    world, client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    instructor, call = world["instructor"], world["call"]
    body = {"call_id": call.pk, "format": "xlsx", "status": "submitted"}
    with django_capture_on_commit_callbacks(execute=True):  # the job runs once committed
        response = _post(client, instructor, body)
    assert response.status_code == 202, response.content
    started = response.json()
    assert started["state"] == "queued" and started["download_url"] is None
    assert started["url"] == f"/api/v1/jobs/{started['id']}"
    job = BackgroundJob.objects.get()
    assert job.requested_by == instructor and job.programme_id == call.programme_id
    assert job.params["filters"] == {"status": "submitted"}

    headers = bearer(instructor, "read")
    with django_assert_max_num_queries(8):
        polled = client.get(started["url"], headers=headers)
    assert polled.status_code == 200, polled.content
    answer = polled.json()
    assert answer["state"] == "done" and answer["finished"] and answer["percent"] == 100
    assert answer["download_url"] == f"/api/v1/jobs/{job.pk}/download"
    download = client.get(answer["download_url"], headers=headers)
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = _xlsx(_content(download))
    applications = sheets["candidatures"]
    assert [row[0] for row in applications[1:]] == ["E-0001"]  # the submitted one only

    listing = client.get("/api/v1/jobs", headers=headers).json()
    assert [item["id"] for item in listing["items"]] == [job.pk]


def test_zip_and_the_same_export_asked_again_is_the_same_job(
    world, client, django_capture_on_commit_callbacks
):
    instructor, call = world["instructor"], world["call"]
    body = {"call_id": call.pk, "format": "zip", "q": "Candidature"}
    with django_capture_on_commit_callbacks(execute=False):  # nothing runs: it stays queued
        first = _post(client, instructor, body)
        again = _post(client, instructor, body)
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    assert BackgroundJob.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        other = _post(client, instructor, {**body, "format": "xlsx"})
    assert other.json()["id"] != first.json()["id"]
    job = BackgroundJob.objects.get(pk=first.json()["id"])
    assert job.state == JobState.QUEUED
    download = client.get(f"/api/v1/jobs/{job.pk}/download", headers=bearer(instructor))
    assert download.status_code == 404  # not ready yet


def test_csv_is_streamed_with_the_filters(world, client):
    instructor, call = world["instructor"], world["call"]
    url = f"{URL}/{call.pk}/csv"
    headers = bearer(instructor, "read")
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert sorted(row[0] for row in rows[1:]) == ["E-0001", "E-0002"]  # never the draft
    filtered = client.get(url, {"status": "in_review"}, headers=headers)
    assert [row[0] for row in _csv_rows(filtered)[1:]] == ["E-0002"]
    searched = client.get(url, {"q": "Candidature 1", "assignee": "none"}, headers=headers)
    assert [row[0] for row in _csv_rows(searched)[1:]] == ["E-0001"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"status": "draft"}, "status"),  # the queue never shows drafts
        ({"status": "x" * 101}, "status"),
        ({"region": "99"}, "region"),
        ({"assignee": "123456789"}, "assignee"),
        ({"q": "x" * 201}, "q"),
        ({"format": "csv"}, "format"),  # streamed by GET …/csv, not a job
        ({"call_id": 0}, "call_id"),
    ],
)
def test_a_filter_the_queue_would_not_offer_is_a_422_naming_it(world, client, extra, field):
    body = {"call_id": world["call"].pk, "format": "xlsx", **extra}
    response = _post(client, world["instructor"], body)
    assert response.status_code == 422, response.content
    assert field in {error["field"] for error in response.json()["errors"]}
    assert not BackgroundJob.objects.exists()


def test_another_programmes_cut_off_is_refused_not_ignored(world, client):
    """Ignoring it (as the page does with an unknown filter) would export every application."""
    foreign = CutOffFactory(call=CallFactory())
    body = {"call_id": world["call"].pk, "format": "xlsx", "cutoff_id": foreign.pk}
    response = _post(client, world["instructor"], body)
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "cutoff_id")
    csv_url = f"{URL}/{world['call'].pk}/csv"
    refused = client.get(csv_url, {"cutoff_id": foreign.pk}, headers=bearer(world["instructor"]))
    assert refused.status_code == 422
    assert not BackgroundJob.objects.exists()


def test_attackers(world, client):
    call = world["call"]
    body = {"call_id": call.pk, "format": "xlsx"}
    csv_url = f"{URL}/{call.pk}/csv"
    other_staff = staff(CallFactory().programme, role=Role.PROGRAMME_ADMIN)
    for user, status in [
        (other_staff, 404),  # another programme's staff: its call does not exist for them
        (expert(call.programme), 403),  # an expert of the programme instructs nothing
        (lead_of(world["applications"][0]).user, 403),  # an applicant
    ]:
        assert _post(client, user, body).status_code == status, user
        assert client.get(csv_url, headers=bearer(user)).status_code == status, user
    read_only = _post(client, world["instructor"], body, access="read")
    assert read_only.status_code == 403
    assert client.post(URL, body, content_type="application/json").status_code == 401
    assert client.get(csv_url).status_code == 401
    unknown = _post(client, world["instructor"], {**body, "call_id": 10**12})
    assert unknown.status_code == 404
    assert not BackgroundJob.objects.exists()


def test_someone_elses_job_is_a_404(world, client, django_capture_on_commit_callbacks):
    instructor, call = world["instructor"], world["call"]
    with django_capture_on_commit_callbacks(execute=True):
        started = _post(client, instructor, {"call_id": call.pk, "format": "xlsx"}).json()
    job_url, file_url = f"/api/v1/jobs/{started['id']}", f"/api/v1/jobs/{started['id']}/download"
    colleague = staff(call.programme)  # same programme, not the requester
    other_staff = staff(CallFactory().programme)
    root = staff(call.programme)
    root.is_superuser = True
    root.save()
    for user in (colleague, other_staff, root, expert(call.programme)):
        headers = bearer(user)
        assert client.get(job_url, headers=headers).status_code == 404, user
        assert client.get(file_url, headers=headers).status_code == 404, user
        assert client.get("/api/v1/jobs", headers=headers).json()["items"] == []
    assert client.get(job_url).status_code == 401
    headers = bearer(instructor)
    download = client.get(file_url, headers=headers)
    assert download.status_code == 200
    close_response(download)
    instructor.memberships.all().delete()  # no longer the programme's staff
    assert client.get(job_url, headers=headers).status_code == 404
    assert client.get(file_url, headers=headers).status_code == 404
    assert client.get("/api/v1/jobs", headers=headers).json()["items"] == []


def test_a_failed_job_says_why_and_has_no_file(world, client, django_capture_on_commit_callbacks):
    instructor, call = world["instructor"], world["call"]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        started = _post(client, instructor, {"call_id": call.pk, "format": "zip"}).json()
    instructor.memberships.all().delete()  # no longer staff when the job runs
    for callback in queued:
        callback()
    headers = bearer(instructor)
    answer = client.get(started["url"], headers=headers)
    assert answer.status_code == 404  # nor followed any more
    Membership.objects.create(user=instructor, role=Role.INSTRUCTOR, programme=call.programme)
    answer = client.get(started["url"], headers=headers).json()
    assert answer["state"] == "failed" and "plus accès" in answer["error"]
    assert answer["finished"] and answer["download_url"] is None
    assert client.get(f"{started['url']}/download", headers=headers).status_code == 404


def test_an_archive_job_holds_one_csv_per_table(world, client, django_capture_on_commit_callbacks):
    instructor, call = world["instructor"], world["call"]
    with django_capture_on_commit_callbacks(execute=True):
        started = _post(client, instructor, {"call_id": call.pk, "format": "zip"}).json()
    download = client.get(f"{started['url']}/download", headers=bearer(instructor))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(_content(download))).namelist()
    assert len(names) == 4 and all(name.endswith(".csv") for name in names)
