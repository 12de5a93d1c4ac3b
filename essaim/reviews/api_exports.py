"""The instruction queue's exports in the API, as on the exports page (``reviews:exports``): a
call's applications with the queue's filters (search, status, cut-off, région, assignee), for
its programme's staff.

- ``POST /instruction/exports`` starts the XLSX (or ZIP of CSV files) as a background job
  (``services_exports.call_export_start``, the page's service: the same export asked again while
  it runs is the same job) and answers 202 with the job; poll ``GET /jobs/{id}``
  (``essaim.accounts.api_jobs``) until it is finished, then download its file.
- ``GET /instruction/exports/{call_id}/csv`` streams the CSV in the request, as the page does.

Scoped like the page: anyone without a staff role on a programme gets a 403, a call of another
programme a 404. Unlike the page, which ignores a filter it does not know, a filter value the
queue would not offer the caller (another programme's cut-off, an unknown status or région) is a
422 naming it: a script must not get every application when it asked for some."""

from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.accounts.api_jobs import JobOut, job_out
from essaim.applications import rules
from essaim.calls.models import Call
from essaim.core.api.filters import Code, Id, Search
from essaim.core.api.schema import Schema
from essaim.reviews import exports, services_exports
from essaim.reviews.views_instruction import (
    QueueFilterForm,
    _filter,
    instruction_queryset,
    staff_programmes,
)

router = Router(tags=["reviews"])

# The API's names of the queue's filters (``services_exports.FILTER_KEYS``).
FILTER_NAMES = {
    "q": "q",
    "status": "status",
    "cutoff_id": "cutoff",
    "region": "region",
    "assignee": "assignee",
}

CSV = {
    "responses": {
        200: {
            "description": "The applications as CSV (UTF-8 with a BOM, `;`), as an attachment",
            "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class ExportFilters(Schema):
    """The instruction queue's filters; none: every application of the call."""

    q: Search = Field("", description="words of the reference, the title or the territory")
    status: Code = Field("", description="an application status (not `draft`)")
    cutoff_id: Id | None = Field(None, description="a cut-off date of the call's programme")
    region: Code = Field("", description="a région's INSEE code")
    assignee: str = Field(
        "",
        max_length=20,
        description="`me`, `none` (nobody in charge) or the id of a staff member",
    )


class ExportIn(ExportFilters):
    call_id: Id = Field(description="a call of a programme the caller instructs")
    format: Literal["xlsx", "zip"] = Field(
        description="`xlsx`: one sheet per table; `zip`: one CSV file per table"
    )


def _call(request, call_id: int) -> Call:
    programmes = staff_programmes(request.user)  # 403 for anyone who is not programme staff
    call = (
        programmes.filter(Call.objects.select_related("programme"), "programme")
        .filter(pk=call_id)
        .first()
    )
    if call is None or not rules.can_export_call(request.user, call):
        raise Http404(_("Appel %(id)s introuvable.") % {"id": call_id})
    return call


def _filters(request, payload: ExportFilters) -> tuple[dict, dict]:
    """The filters as the queue's form names them (what the job keeps) and their cleaned values
    (what ``_filter`` applies), checked by the queue's form: a value it would not offer the
    caller is a 422 naming the API's field."""
    data = {
        key: str(getattr(payload, name))
        for name, key in FILTER_NAMES.items()
        if getattr(payload, name) not in (None, "")
    }
    if not data:
        return {}, {}
    form = QueueFilterForm(data, programmes=staff_programmes(request.user), user=request.user)
    if not form.is_valid():
        api_names = {key: name for name, key in FILTER_NAMES.items()}
        raise ValidationError(
            {api_names.get(field, field): list(errors) for field, errors in form.errors.items()}
        )
    return data, {key: form.cleaned_data[key] for key in data if form.cleaned_data.get(key)}


@router.post(
    "/instruction/exports",
    response={202: JobOut},
    auth=BearerOrSession(),
    summary="Export a call's applications as XLSX or ZIP: a background job (its staff)",
)
def export_start(request, payload: ExportIn):
    """Answers 202 with the job: poll its ``url`` (``GET /jobs/{id}``) until ``finished``, then
    fetch ``download_url``; the file is kept a week, and e-mailed as a link too. The same export
    asked again while it runs answers the same job."""
    call = _call(request, payload.call_id)
    query, _cleaned = _filters(request, payload)
    job, _created = services_exports.call_export_start(
        user=request.user, call=call, fmt=payload.format, query=query
    )
    job.refresh_from_db()  # the immediate backend (tests, demo) may have run it already
    return Status(202, job_out(job))


@router.get(
    "/instruction/exports/{call_id}/csv",
    auth=BearerOrSession(),
    summary="A call's applications as CSV, streamed, with the queue's filters (its staff)",
    openapi_extra=CSV,
)
def export_csv(request, call_id: int, filters: Query[ExportFilters]):
    """The applications table only (the XLSX and ZIP add challenges, members and marks)."""
    call = _call(request, call_id)
    _data, cleaned = _filters(request, filters)
    applications = _filter(
        instruction_queryset(request.user).filter(call=call), cleaned, request.user
    )
    response = StreamingHttpResponse(
        exports.csv_chunks(exports.application_rows(call, applications)),
        content_type="text/csv; charset=utf-8",
    )
    filename = exports.export_filename(call, "csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
