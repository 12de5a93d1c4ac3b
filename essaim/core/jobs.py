"""Background jobs with progress: long work (a large call's export…) run by ``essaim worker``
instead of inside a request, followed on a page polled by htmx, its file e-mailed as a link.

An app declares a kind of job in its ``AppConfig.ready``::

    jobs.register("reviews.call_export", run_call_export)

where ``run_call_export(job, progress)`` does the work, calls ``progress.start(total)`` then
``progress.advance(n)`` as it goes (the row is written every ``progress.every`` units, not per
unit), and returns a :class:`JobFile` (or raises :class:`JobError` with a French message shown
to the requester). A view starts one with :func:`job_start`; the same work asked again while it
is unfinished reuses the running job (a partial unique constraint guards concurrent clicks).

The file is saved in the default storage (local disk or S3) and kept ``JOB_TTL``; a periodic
purge deletes the expired jobs and their files. The requester gets an in-app notification and an
e-mail with the link once the file is ready (``essaim.core.notifications.notify``).
"""

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import IO

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import FileResponse, Http404
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.models import BackgroundJob, JobState
from essaim.core.notifications import notify

logger = logging.getLogger(__name__)

JOB_TTL = timedelta(days=7)
PROGRESS_EVERY = 1000  # units of work between two writes of the progress


class JobError(Exception):
    """A failure the requester can understand: its message (in French) is shown as is."""


@dataclass(frozen=True)
class JobFile:
    filename: str
    content_type: str
    handle: IO[bytes]  # open, binary, read from its start; closed once stored


# Filled by the apps' ``AppConfig.ready`` (core never imports the apps whose work it runs).
RUNNERS: dict[str, Callable[[BackgroundJob, "Progress"], JobFile]] = {}


def register(kind: str, runner: Callable[[BackgroundJob, "Progress"], JobFile]) -> None:
    known = RUNNERS.get(kind)
    if known is not None and known is not runner:
        raise ValueError(f"Background job kind {kind!r} is already registered differently.")
    RUNNERS[kind] = runner


class Progress:
    """Counts the work done and writes it to the job's row every ``every`` units (one cheap
    ``UPDATE`` of two columns), so that the page polling it moves without a write per row."""

    def __init__(self, job: BackgroundJob, every: int = PROGRESS_EVERY):
        self.job_pk = job.pk
        self.every = max(1, every)
        self.done = 0
        self.total = 0
        self._written = 0

    def start(self, total: int) -> None:
        self.total = max(0, int(total))
        self.done = 0
        self._write()

    def advance(self, units: int = 1) -> None:
        self.done += units
        if self.done - self._written >= self.every:
            self._write()

    def reach(self, done: int) -> None:
        """Jump to ``done`` (the end of a stage), written at once."""
        self.done = max(self.done, done)
        self._write()

    def _write(self) -> None:
        done = min(self.done, self.total) if self.total else 0
        BackgroundJob.objects.filter(pk=self.job_pk).update(done=done, total=self.total)
        self._written = self.done


def fingerprint(kind: str, params: dict) -> str:
    text = json.dumps({"kind": kind, "params": params}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def job_url(job: BackgroundJob) -> str:
    return reverse("accounts:job", args=[job.pk])


def ready(job: BackgroundJob) -> bool:
    """Done, with a file not yet expired."""
    return job.state == JobState.DONE and bool(job.result) and not job.expired


def result_download(job: BackgroundJob) -> FileResponse:
    """The job's file as a download, never cached; 404 when not ready, expired or gone."""
    unavailable = _("Le fichier de cette tâche n'est pas disponible.")
    if not ready(job):
        raise Http404(unavailable)
    try:
        handle = job.result.open("rb")
    except FileNotFoundError as missing:
        raise Http404(unavailable) from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.filename,
        content_type=job.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    return response


def job_start(
    *, user, kind: str, title: str, params: dict, programme_id: int | None = None
) -> tuple[BackgroundJob, bool]:
    """The user's unfinished job doing the same work, or a new one queued once this transaction
    commits; ``(job, created)``."""
    if kind not in RUNNERS:
        raise ValueError(f"Unknown background job kind {kind!r}")
    key = fingerprint(kind, params)
    unfinished = BackgroundJob.objects.filter(
        requested_by=user, fingerprint=key, state__in=[JobState.QUEUED, JobState.RUNNING]
    )
    with transaction.atomic():
        existing = unfinished.first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():  # a savepoint: a concurrent twin may win the insert
                job = BackgroundJob.objects.create(
                    requested_by=user,
                    programme_id=programme_id,
                    kind=kind,
                    title=title[:255],
                    params=params,
                    fingerprint=key,
                )
        except IntegrityError:
            return unfinished.get(), False
        transaction.on_commit(lambda: run_job.enqueue(job_pk=job.pk))
    return job, True


def _claim(job_pk: int) -> BackgroundJob | None:
    """Mark the job running, once: a job already taken (or gone) is left alone."""
    claimed = BackgroundJob.objects.filter(pk=job_pk, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    return BackgroundJob.objects.select_related("requested_by").get(pk=job_pk)


def _finish(job: BackgroundJob, output: JobFile) -> None:
    with output.handle:
        name = job.result.storage.save(
            f"jobs/{job.pk}/{output.filename}", File(output.handle, name=output.filename)
        )
    now = timezone.now()
    with transaction.atomic():
        BackgroundJob.objects.filter(pk=job.pk).update(
            state=JobState.DONE,
            result=name,
            filename=output.filename,
            content_type=output.content_type,
            done=F("total"),
            finished_at=now,
            expires_at=now + JOB_TTL,
        )
        notify(
            users=[job.requested_by],
            title=_("Votre fichier est prêt : %(title)s") % {"title": job.title},
            body=_(
                "Le fichier « %(file)s » est prêt. Il peut être téléchargé pendant %(days)d "
                "jours à l'adresse suivante :"
            )
            % {"file": output.filename, "days": JOB_TTL.days},
            url=job_url(job),
        )


def _fail(job: BackgroundJob, message: str) -> None:
    with transaction.atomic():
        BackgroundJob.objects.filter(pk=job.pk).update(
            state=JobState.FAILED, error=message, finished_at=timezone.now()
        )
        notify(
            users=[job.requested_by],
            title=_("Échec de la préparation : %(title)s") % {"title": job.title},
            body=message,
            url=job_url(job),
            email=False,
        )


@task()
def run_job(*, job_pk: int) -> str:
    """Run one queued job (the background task queued by :func:`job_start`)."""
    job = _claim(job_pk)
    if job is None:
        return "skipped"
    runner = RUNNERS.get(job.kind)
    try:
        if runner is None:
            raise JobError(_("Ce type de fichier n'est plus disponible."))
        output = runner(job, Progress(job))
        _finish(job, output)
    except JobError as error:
        _fail(job, str(error))
        return "failed"
    except Exception:
        logger.exception("Background job %s (%s) failed", job.pk, job.kind)
        _fail(
            job,
            _(
                "Une erreur inattendue a empêché de préparer le fichier. L'équipe technique "
                "en est informée ; vous pouvez relancer la demande."
            ),
        )
        return "failed"
    return "done"


def purge_expired(now=None) -> int:
    """Delete the jobs past their expiry, with their files, and the jobs finished (or stuck)
    longer than twice ``JOB_TTL`` ago (the core periodic schedule runs it)."""
    now = now or timezone.now()
    old = BackgroundJob.objects.filter(expires_at__lt=now) | BackgroundJob.objects.filter(
        created_at__lt=now - 2 * JOB_TTL
    )
    count = 0
    for job in old.iterator():
        if job.result:
            job.result.storage.delete(job.result.name)
        job.delete()
        count += 1
    return count
