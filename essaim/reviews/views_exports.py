"""Downloads of a call's applications (CSV, ZIP of CSV files, XLSX) for the programme's staff.

The export page lists the calls of the user's programmes with their download links; the links
carry the instructor queue's filters (status, cut-off, région, assignee, search) when the page is
reached from the queue. Score filters (computed per application) are not applied to exports.

Anyone without a staff role on a programme gets a 403; a call of another programme is a 404.

The CSV is streamed in the request (its first bytes leave at once). The ZIP and the XLSX of the
page are background jobs (``services_exports``): a POST starts one (or finds the same one still
running) and answers with its progress, polled by htmx, the file arriving by e-mail too; a GET of
the ZIP still streams it (scripts), a GET of the XLSX — which cannot be streamed — is refused.
"""

from urllib.parse import urlencode

from django.http import Http404, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from essaim.applications import rules
from essaim.calls.models import Call
from essaim.core.models import BackgroundJob
from essaim.reviews import exports, services_exports
from essaim.reviews.services_exports import FILTER_KEYS, JOB_FORMATS, queue_filters
from essaim.reviews.views_instruction import _filter, instruction_queryset, staff_programmes

FORMATS = ("csv", "zip", "xlsx")
RECENT_JOBS = 5


def _call_of(user, pk: int) -> Call:
    programmes = staff_programmes(user)  # 403 for anyone who is not programme staff
    call = get_object_or_404(
        programmes.filter(Call.objects.select_related("programme"), "programme"), pk=pk
    )
    if not rules.can_export_call(user, call):  # the same answer, asked of the object
        raise Http404
    return call


def _filters(request):
    return queue_filters(request.user, request.GET)


def exports_page(request):
    programmes = staff_programmes(request.user)
    form, filters = _filters(request)
    calls = programmes.filter(
        Call.objects.select_related("programme").order_by("programme__name", "-opens_on", "pk"),
        "programme",
    )
    params = {k: v for k, v in request.GET.items() if k in FILTER_KEYS and v}
    query = urlencode(params)
    active = []
    for key, value in filters.items():
        field = form.fields[key]
        choices = {str(k): v for k, v in getattr(field, "choices", [])}
        active.append(f"{field.label} : {choices.get(str(value), value)}")
    recent = BackgroundJob.objects.filter(
        requested_by=request.user, kind=services_exports.KIND
    ).only("pk", "title", "state", "done", "total", "created_at", "expires_at")[:RECENT_JOBS]
    return render(
        request,
        "reviews/instruction/exports.html",
        {
            "calls": calls,
            "query": query,
            "params": sorted(params.items()),
            "filters": active,
            "jobs": recent,
            "job_formats": [("zip", _("ZIP de CSV")), ("xlsx", _("XLSX"))],
        },
    )


def _start_job(request, call: Call, fmt: str):
    job, _created = services_exports.call_export_start(
        user=request.user, call=call, fmt=fmt, query=request.POST
    )
    if request.htmx:
        job.refresh_from_db()  # the immediate backend (tests, demo) may have run it already
        return render(request, "accounts/_job_progress.html", {"job": job})
    return redirect("accounts:job", pk=job.pk)


def export(request, pk: int, fmt: str):
    call = _call_of(request.user, pk)
    if fmt not in FORMATS:
        raise Http404(f"Unknown export format {fmt!r}")
    if request.method == "POST" and fmt in JOB_FORMATS:
        return _start_job(request, call, fmt)
    if fmt == "xlsx":
        return HttpResponseNotAllowed(["POST"])
    _form, filters = _filters(request)
    applications = _filter(
        instruction_queryset(request.user).filter(call=call), filters, request.user
    )
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_chunks(exports.application_rows(call, applications)),
            content_type="text/csv; charset=utf-8",
        )
    else:
        response = StreamingHttpResponse(
            exports.zip_chunks(exports.sheets(call, applications)),
            content_type="application/zip",
        )
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename(call, fmt)}"'
    response["Cache-Control"] = "no-store"
    return response
