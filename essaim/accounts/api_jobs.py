"""/api/v1/jobs: the caller's background jobs (``essaim.core.jobs``), as on "Mes exports"
(``/comptes/exports/``): the list, one job's progress and the download of its file once ready.

A job is its requester's only — anyone else, a superuser included, gets a 404 — and a programme's
job (an export of its applications, a wave's certificates) only while the requester is still that
programme's staff (``rules.can_follow_job``). The endpoints that start one answer 202 with
:func:`job_out`, whose ``url`` is where to poll (``POST /instruction/exports``,
``POST /waves/{id}/certificates``)."""

import datetime

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router

from essaim.accounts import rules
from essaim.accounts.api_auth import BearerOrSession
from essaim.core import jobs
from essaim.core.api.filters import choices_enum
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.core.models import BackgroundJob, JobState

router = Router(tags=["jobs"], auth=BearerOrSession())

JobStateChoice = choices_enum("JobStateChoice", JobState)

# What a job's file may be (the exports' ZIP and XLSX, the certificates' ZIP), as served.
FILE = {
    "responses": {
        200: {
            "description": "The job's file, as an attachment (its name in `Content-Disposition`)",
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}}
                for media in (
                    "application/zip",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "application/octet-stream",
                )
            },
        }
    }
}


class JobOut(Schema):
    id: int
    kind: str = Field(description="what the job does: `reviews.call_export`…")
    title: str
    state: JobStateChoice
    done: int = Field(description="units of work done (applications, certificates…)")
    total: int
    percent: int = Field(description="0 to 100; 100 once done")
    finished: bool = Field(description="done or failed: stop polling")
    error: str = Field(description="why it failed, for the requester")
    filename: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    expires_at: datetime.datetime | None = Field(description="the file is kept until then")
    url: str = Field(description="this job: where to poll its progress")
    download_url: str | None = Field(description="its file, once ready and until it expires")


def job_out(job: BackgroundJob) -> dict:
    return {
        "id": job.pk,
        "kind": job.kind,
        "title": job.title,
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "finished": job.finished,
        "error": job.error,
        "filename": job.filename,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "expires_at": job.expires_at,
        "url": reverse("api:job", args=[job.pk]),
        "download_url": reverse("api:job_download", args=[job.pk]) if jobs.ready(job) else None,
    }


def _job(request, job_id: int) -> BackgroundJob:
    job = rules.followed_jobs(request.user).filter(pk=job_id).first()
    if job is None or not rules.can_follow_job(request.user, job):
        raise Http404(_("Tâche %(id)s introuvable.") % {"id": job_id})
    return job


@router.get("/jobs", response=list[JobOut], summary="The caller's background jobs, newest first")
@paginate(PageNumberPagination, page_size=50)
def job_list(request):
    """As "Mes exports": the exports and batches the caller asked for, kept a week once ready."""
    return mapped(rules.followed_jobs(request.user).order_by("-created_at", "-pk"), job_out)


@router.get(
    "/jobs/{job_id}",
    response=JobOut,
    url_name="job",
    summary="One of the caller's background jobs: its progress, then its file's address",
)
def job_detail(request, job_id: int):
    """Poll it (every few seconds) until ``finished``; then ``download_url`` gives the file, or
    ``error`` says why there is none. Someone else's job: 404."""
    return job_out(_job(request, job_id))


@router.get(
    "/jobs/{job_id}/download",
    url_name="job_download",
    summary="The file of one of the caller's finished background jobs",
    openapi_extra=FILE,
)
def job_download(request, job_id: int):
    """Not ready yet, failed or expired: 404 (``GET /jobs/{id}`` says which)."""
    return jobs.result_download(_job(request, job_id))
