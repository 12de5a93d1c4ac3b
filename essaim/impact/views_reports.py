"""Evaluation report pages under /impact/rapports/. Thin: reads with ``Report.objects
.visible_to``, writes through ``services_reports``. A report outside the user's scope is a 404
(other programmes' staff, another territory's people, the public before publication); a
forbidden change a 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from essaim.accounts import permissions
from essaim.calls.models import Programme
from essaim.core import history
from essaim.core.forms import add_service_errors
from essaim.impact import rules, services_reports
from essaim.impact.forms import ReportForm, ReportSectionForm
from essaim.impact.models import Report, ReportSection, ReportStatus
from essaim.labels.models import Label

REPORT_RELATED = ("programme", "label__perimeter", "label__application", "created_by")


def _report(request, pk: int) -> Report:
    return get_object_or_404(
        Report.objects.visible_to(request.user).select_related(*REPORT_RELATED), pk=pk
    )


@login_not_required
@require_safe
def report_list(request):
    """The reports one may read (published ones for everyone) and, for the programme's staff,
    where to create one."""
    reports = list(
        Report.objects.visible_to(request.user)
        .select_related("programme", "label__perimeter")
        .order_by("-year", "programme__name", "label__perimeter__name", "pk")[:200]
    )
    programmes = permissions.staff_programmes(request.user).filter(Programme.objects.all(), "pk")
    return render(
        request,
        "impact/reports/list.html",
        {
            "reports": reports,
            "programmes": list(programmes.order_by("name")[:20])
            if request.user.is_authenticated
            else [],
        },
    )


def report_create(request, slug: str):
    programme = get_object_or_404(Programme, slug=slug)
    if not rules.can_manage_reports(request.user, programme):
        raise Http404(_("Programme introuvable."))
    labels = (
        Label.objects.filter(programme=programme)
        .select_related("perimeter")
        .order_by("perimeter__name")
    )
    form = ReportForm(request.POST or None, labels=labels)
    if request.method == "POST" and form.is_valid():
        try:
            report = services_reports.report_create(
                user=request.user,
                programme=programme,
                label=form.cleaned_data["label"],
                year=form.cleaned_data["year"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Rapport créé : écrivez ses sections, puis générez-le."))
            return redirect(report)
    return render(
        request,
        "impact/reports/form.html",
        {"form": form, "programme": programme},
        status=400 if request.method == "POST" else 200,
    )


@login_not_required
@require_safe
def report_detail(request, pk: int):
    report = _report(request, pk)
    manage = rules.can_manage_report(request.user, report)
    return render(
        request,
        "impact/reports/detail.html",
        {
            "report": report,
            "sections": list(report.sections.select_related("author").order_by("position", "pk")),
            "snapshot": mark_safe(report.html),  # noqa: S308 - rendered by us, escaped there
            "can_manage": manage,
            "can_write": rules.can_write_section(request.user, report),
            "refresh": report.in_progress,
            "history_rows": history.history_rows(report) if manage else [],
        },
    )


@login_not_required
@require_safe
def report_status(request, pk: int):
    """The generation's state, for the page's progress script."""
    report = get_object_or_404(
        Report.objects.visible_to(request.user).only(
            "pk", "status", "progress", "step", "programme_id", "published_at"
        ),
        pk=pk,
    )
    return JsonResponse(
        {
            "status": report.status,
            "in_progress": report.in_progress,
            "progress": report.progress,
            "step": report.step,
        }
    )


@require_POST
def report_generate(request, pk: int):
    report = _report(request, pk)
    try:
        queued = services_reports.report_generate(user=request.user, report=report)
    except PermissionDenied:
        raise
    if queued:
        messages.success(request, _("Génération demandée : la page suit son avancement."))
    else:
        messages.info(request, _("Une génération est déjà en cours pour ce rapport."))
    return redirect(report)


@require_POST
def report_publish(request, pk: int):
    report = _report(request, pk)
    try:
        services_reports.report_publish(user=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Rapport publié : il est public."))
    return redirect(report)


@login_not_required
@require_safe
def report_pdf(request, pk: int):
    report = _report(request, pk)
    if report.status != ReportStatus.DONE or not report.pdf:
        raise Http404(_("Ce rapport n'a pas encore été généré."))
    return FileResponse(
        report.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"rapport-evaluation-{report.pk}-{report.year}.pdf",
    )


def _section_page(request, report: Report, section: ReportSection | None):
    if not rules.can_write_section(request.user, report):
        raise PermissionDenied(_("Vous ne pouvez pas écrire dans ce rapport."))
    initial = (
        {"title": section.title, "body": section.body, "position": section.position}
        if section
        else {"position": (report.sections.count() + 1) * 10}
    )
    form = ReportSectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services_reports.section_save(
                user=request.user, report=report, section=section, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Section enregistrée : générez le rapport pour l'y faire figurer.")
            )
            return redirect(report)
    return render(
        request,
        "impact/reports/section_form.html",
        {"form": form, "report": report, "section": section},
        status=400 if request.method == "POST" else 200,
    )


def section_create(request, pk: int):
    return _section_page(request, _report(request, pk), None)


def section_edit(request, pk: int):
    section = get_object_or_404(
        ReportSection.objects.filter(
            report__in=Report.objects.visible_to(request.user)
        ).select_related(*(f"report__{r}" for r in REPORT_RELATED)),
        pk=pk,
    )
    return _section_page(request, section.report, section)


@require_POST
def section_delete(request, pk: int):
    section = get_object_or_404(
        ReportSection.objects.filter(
            report__in=Report.objects.visible_to(request.user)
        ).select_related(*(f"report__{r}" for r in REPORT_RELATED)),
        pk=pk,
    )
    report = section.report
    services_reports.section_delete(user=request.user, section=section)
    messages.success(request, _("Section supprimée."))
    return redirect(report)
