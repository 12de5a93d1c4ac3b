"""A call's ZIP and XLSX exports as background jobs (``essaim.core.jobs``): the export page
starts one with :func:`call_export_start`; ``essaim worker`` runs :func:`run_call_export`, which
builds the file with ``essaim.reviews.exports`` exactly as the in-request download did, counting
its progress.

Progress: each of the four tables (applications, challenges, members, marks) counts for the
number of applications exported; the applications table advances one per row, the side tables
one per application they reach (their rows come grouped by application number), and the end of
each table jumps to its share. The row is written every ``PROGRESS_EVERY`` applications.
"""

import tempfile
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from essaim.applications import rules
from essaim.calls.models import Call
from essaim.core import jobs
from essaim.reviews import exports
from essaim.reviews.views_instruction import (
    QueueFilterForm,
    _filter,
    instruction_queryset,
    staff_programmes,
)

KIND = "reviews.call_export"
JOB_FORMATS = ("zip", "xlsx")
FILTER_KEYS = ("q", "status", "cutoff", "region", "assignee")
CONTENT_TYPES = {
    "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PROGRESS_EVERY = 1000


def queue_filters(user, data: dict) -> tuple[QueueFilterForm, dict]:
    """The instruction queue's filters read from ``data`` (query string or job parameters):
    the bound form and its valid values (invalid ones are ignored, as on the queue)."""
    programmes = staff_programmes(user)
    data = {k: v for k, v in data.items() if k in FILTER_KEYS and v}
    form = QueueFilterForm(data or None, programmes=programmes, user=user)
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, {k: cleaned.get(k) for k in FILTER_KEYS if cleaned.get(k)}


def call_export_start(*, user, call: Call, fmt: str, query: dict) -> tuple:
    """Start (or reuse, if the same one is unfinished) the export of ``call`` in ``fmt`` with
    the queue's filters ``query``; ``(job, created)``."""
    if fmt not in JOB_FORMATS:
        raise ValueError(f"Not a background export format: {fmt!r}")
    filters = {k: str(v)[:200] for k, v in sorted(query.items()) if k in FILTER_KEYS and v}
    title = _("Export %(format)s des candidatures — %(call)s") % {
        "format": fmt.upper(),
        "call": call.title,
    }
    return jobs.job_start(
        user=user,
        kind=KIND,
        title=title,
        params={"call": call.pk, "format": fmt, "filters": filters},
        programme_id=call.programme_id,
    )


def _tracked(rows: Iterator[list], progress: jobs.Progress, *, stage: int, count: int, per_row):
    """``rows`` (header first) unchanged, advancing ``progress`` as they pass."""
    previous = None
    for index, row in enumerate(rows):
        yield row
        if index == 0:
            continue
        if per_row:
            progress.advance()
        elif row[0] != previous:
            previous = row[0]
            progress.advance()
    progress.reach((stage + 1) * count)


def run_call_export(job, progress: jobs.Progress) -> jobs.JobFile:
    user = job.requested_by
    params = job.params
    call = Call.objects.select_related("programme").filter(pk=params.get("call")).first()
    fmt = params.get("format")
    try:
        if call is None or fmt not in JOB_FORMATS or not rules.can_export_call(user, call):
            raise PermissionDenied
        _form, filters = queue_filters(user, params.get("filters") or {})
        applications = _filter(instruction_queryset(user).filter(call=call), filters, user)
    except PermissionDenied as denied:
        raise jobs.JobError(
            _("Vous n'avez plus accès aux candidatures de cet appel : l'export est annulé.")
        ) from denied
    count = applications.count()
    progress.every = PROGRESS_EVERY
    sheets = exports.sheets(call, applications)  # generators: nothing is read yet
    progress.start(len(sheets) * count)
    tables = [
        (name, _tracked(rows, progress, stage=stage, count=count, per_row=stage == 0))
        for stage, (name, rows) in enumerate(sheets)
    ]
    if fmt == "xlsx":
        handle = exports.write_xlsx(tables)
    else:
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed once stored
        for piece in exports.zip_chunks(tables):
            handle.write(piece)
        handle.seek(0)
    return jobs.JobFile(exports.export_filename(call, fmt), CONTENT_TYPES[fmt], handle)
