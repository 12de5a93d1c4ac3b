"""Downloads of a call's applications (CSV, ZIP of CSV files, XLSX) for the programme's staff.

The export page lists the calls of the user's programmes with their download links; the links
carry the instructor queue's filters (status, cut-off, région, assignee, search) when the page is
reached from the queue. Score filters (computed per application) are not applied to exports.

Anyone without a staff role on a programme gets a 403; a call of another programme is a 404.
"""

from urllib.parse import urlencode

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render

from essaim.applications import rules
from essaim.calls.models import Call
from essaim.reviews import exports
from essaim.reviews.views_instruction import (
    QueueFilterForm,
    _filter,
    instruction_queryset,
    staff_programmes,
)

FORMATS = ("csv", "zip", "xlsx")
FILTER_KEYS = ("q", "status", "cutoff", "region", "assignee")


def _call_of(user, pk: int) -> Call:
    programmes = staff_programmes(user)  # 403 for anyone who is not programme staff
    call = get_object_or_404(
        programmes.filter(Call.objects.select_related("programme"), "programme"), pk=pk
    )
    if not rules.can_export_call(user, call):  # the same answer, asked of the object
        raise Http404
    return call


def _filters(request) -> tuple[QueueFilterForm, dict]:
    programmes = staff_programmes(request.user)
    data = {k: v for k, v in request.GET.items() if k in FILTER_KEYS and v}
    form = QueueFilterForm(data or None, programmes=programmes, user=request.user)
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, {k: cleaned.get(k) for k in FILTER_KEYS if cleaned.get(k)}


def exports_page(request):
    programmes = staff_programmes(request.user)
    form, filters = _filters(request)
    calls = programmes.filter(
        Call.objects.select_related("programme").order_by("programme__name", "-opens_on", "pk"),
        "programme",
    )
    query = urlencode({k: v for k, v in request.GET.items() if k in FILTER_KEYS and v})
    active = []
    for key, value in filters.items():
        field = form.fields[key]
        choices = {str(k): v for k, v in getattr(field, "choices", [])}
        active.append(f"{field.label} : {choices.get(str(value), value)}")
    return render(
        request,
        "reviews/instruction/exports.html",
        {"calls": calls, "query": query, "filters": active},
    )


def export(request, pk: int, fmt: str):
    call = _call_of(request.user, pk)
    if fmt not in FORMATS:
        raise Http404(f"Unknown export format {fmt!r}")
    _form, filters = _filters(request)
    applications = _filter(
        instruction_queryset(request.user).filter(call=call), filters, request.user
    )
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_chunks(exports.application_rows(call, applications)),
            content_type="text/csv; charset=utf-8",
        )
    elif fmt == "zip":
        response = StreamingHttpResponse(
            exports.zip_chunks(exports.sheets(call, applications)),
            content_type="application/zip",
        )
    else:
        return FileResponse(
            exports.write_xlsx(exports.sheets(call, applications)),
            as_attachment=True,
            filename=exports.export_filename(call, "xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename(call, fmt)}"'
    response["Cache-Control"] = "no-store"
    return response
