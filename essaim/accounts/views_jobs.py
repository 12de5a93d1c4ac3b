"""The user's background jobs ("Mes exports"): the list, one job's page with its progress bar
(``_job_progress.html``, polled by htmx every two seconds until the job is finished) and the
download of its file through the default storage. Anyone but the requester gets a 404
(``rules.can_follow_job``)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from essaim.accounts import rules
from essaim.core import jobs
from essaim.core.models import BackgroundJob

LIST_SIZE = 50


def _job_of(request, pk: int) -> BackgroundJob:
    job = get_object_or_404(BackgroundJob, pk=pk)
    if not rules.can_follow_job(request.user, job):
        raise Http404
    return job


@require_GET
def job_list(request):
    jobs = [
        job
        for job in BackgroundJob.objects.filter(requested_by=request.user)[:LIST_SIZE]
        if rules.can_follow_job(request.user, job)
    ]
    return render(request, "accounts/jobs.html", {"jobs": jobs})


@require_GET
def job_detail(request, pk: int):
    job = _job_of(request, pk)
    return render(request, "accounts/job.html", {"job": job})


@require_GET
def job_progress(request, pk: int):
    """The progress partial alone (what htmx polls)."""
    job = _job_of(request, pk)
    return render(request, "accounts/_job_progress.html", {"job": job})


@require_GET
def job_download(request, pk: int):
    return jobs.result_download(_job_of(request, pk))
