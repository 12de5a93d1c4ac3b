"""Impact pages under /impact/. Thin: reads from ``queries`` and ``aggregates``, writes through
``services`` and ``csv_import``. A territory or value outside the user's scope is a 404; a
forbidden change a 403. The library and the published figures are public."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from essaim.accounts import permissions
from essaim.calls.models import Programme
from essaim.core import history
from essaim.core.forms import add_service_errors
from essaim.impact import charts, csv_import, queries, rules, services
from essaim.impact.forms import CorrectionForm, CsvImportForm, MeasurementForm, PlanForm, ReviewForm
from essaim.impact.models import (
    Campaign,
    CampaignStatus,
    Channel,
    Indicator,
    IndicatorPlan,
    Measurement,
    MeasurementStatus,
)
from essaim.projects.models import Project

MEASUREMENT_RELATED = (
    "indicator__weight",
    "indicator__numerator",
    "indicator__denominator",
    "label__perimeter",
    "label__programme",
    "label__application",
    "project",
    "author",
    "campaign",
)


def _label(request, pk: int):
    return get_object_or_404(queries.territories_visible_to(request.user), pk=pk)


def _measurement(request, pk: int) -> Measurement:
    return get_object_or_404(
        Measurement.objects.visible_to(request.user).select_related(*MEASUREMENT_RELATED), pk=pk
    )


# --- Public -------------------------------------------------------------------------------------


@login_not_required
@require_safe
def library(request):
    """The indicator library of every programme (public): definition, unit, rule, bounds,
    breakdowns, SDG targets, IMP dimensions."""
    programmes = list(Programme.objects.filter(impact_indicators__isnull=False).distinct())
    # A programme's admins also reach their programme while its library is still empty.
    managed = (
        list(
            permissions.admin_programmes(request.user)
            .filter(Programme.objects.all(), "pk")
            .exclude(pk__in=[p.pk for p in programmes])
            .order_by("name")[:20]
        )
        if request.user.is_authenticated
        else []
    )
    programmes = sorted(programmes, key=lambda p: p.name)
    slug = request.GET.get("programme", "")[:80]
    chosen = next(
        (p for p in programmes + managed if p.slug == slug), programmes[0] if programmes else None
    )
    indicators = (
        Indicator.objects.visible_to(request.user)
        .filter(programme=chosen)
        .select_related("numerator", "denominator", "weight")
        if chosen
        else Indicator.objects.none()
    )
    return render(
        request,
        "impact/library.html",
        {
            "programmes": programmes + managed,
            "programme": chosen,
            "indicators": indicators,
            "can_manage": chosen is not None and rules.can_manage_library(request.user, chosen),
        },
    )


# --- The impact space ---------------------------------------------------------------------------


@require_safe
def home(request):
    """Where one's territories, projects and campaigns are."""
    if not rules.has_impact_space(request.user):
        raise PermissionDenied(
            _("Cet espace est celui des territoires, des projets et des équipes.")
        )
    territories = list(queries.territories_visible_to(request.user)[:200])
    holders = permissions.holder_organisations(request.user)
    projects = (
        list(holders.filter(Project.objects.all(), "holder").order_by("title")[:100])
        if holders and not holders.every
        else []
    )
    campaigns = list(
        Campaign.objects.visible_to(request.user)
        .select_related("programme")
        .order_by("-due_on")[:50]
    )
    libraries = (
        list(
            permissions.admin_programmes(request.user)
            .filter(Programme.objects.all(), "pk")
            .order_by("name")[:20]
        )
        if permissions.is_programme_admin(request.user)
        else []
    )
    return render(
        request,
        "impact/home.html",
        {
            "territories": territories,
            "projects": projects,
            "campaigns": campaigns,
            "libraries": libraries,
        },
    )


@require_safe
def territory(request, pk: int):
    label = _label(request, pk)
    visible = Measurement.objects.visible_to(request.user)
    series = queries.territory_series(label, visible)
    for item in series:
        item.chart = charts.series_chart(item.points)
    measurements = (
        visible.filter(label=label)
        .select_related("indicator", "project", "author")
        .order_by("-period_end", "indicator__position", "pk")
    )
    page = Paginator(measurements, 50).get_page(request.GET.get("page"))
    flagged = list(
        visible.filter(label=label, status=MeasurementStatus.FLAGGED)
        .select_related("indicator", "project")
        .order_by("period_end")[:50]
    )
    return render(
        request,
        "impact/territory.html",
        {
            "label": label,
            "series": series,
            "page": page,
            "flagged": flagged,
            "to_publish": visible.filter(label=label, status=MeasurementStatus.RECORDED).count(),
            "can_enter": rules.can_enter_somewhere(request.user, label),
            "can_publish": rules.can_publish(request.user, label),
            "can_plan": rules.can_plan_territory(request.user, label),
            "indicators": Indicator.objects.filter(programme_id=label.programme_id),
        },
    )


def _open_campaigns(label):
    return Campaign.objects.filter(labels=label, status=CampaignStatus.OPEN)


def _record(request, *, label, projects, template_context):
    campaigns = _open_campaigns(label)
    indicators = Indicator.objects.filter(programme_id=label.programme_id)
    form = MeasurementForm(
        request.POST or None, indicators=indicators, projects=projects, campaigns=campaigns
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            breakdown = services.parse_breakdown(data["breakdown"])
            measurement = services.measurement_record(
                user=request.user,
                channel=Channel.FORM,
                indicator=data["indicator"],
                label=label,
                project=data["project"],
                period_end=data["period_end"],
                value=data["value"],
                weight=data["weight"] or None,
                breakdown=breakdown,
                source=data["source"],
                comment=data["comment"],
                campaign=data.get("campaign"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if measurement.status == MeasurementStatus.FLAGGED:
                messages.warning(
                    request,
                    _("Valeur enregistrée et signalée pour vérification : %(reason)s")
                    % {"reason": measurement.flag_reason},
                )
            else:
                messages.success(request, _("Valeur enregistrée."))
            return redirect(measurement.get_absolute_url())
    return render(
        request,
        "impact/measurement_form.html",
        {"form": form, **template_context},
        status=400 if request.method == "POST" else 200,
    )


def measurement_create(request, pk: int):
    label = _label(request, pk)
    if not rules.can_enter_somewhere(request.user, label):
        raise PermissionDenied(_("Vous ne pouvez pas saisir de valeur pour ce territoire."))
    projects = Project.objects.filter(
        Q(perimeter_id=label.perimeter_id) | Q(collective_id=label.application.collective_id)
    ).order_by("title")
    return _record(request, label=label, projects=projects, template_context={"label": label})


def project_measurement_create(request, pk: int):
    """A project holder's form: the values of their project, in its labelled territory."""
    project = get_object_or_404(Project.objects.editable_by(request.user), pk=pk)
    indicator = (
        Indicator.objects.filter(
            programme__labels__perimeter_id=project.perimeter_id, programme__labels__status="valid"
        )
        .order_by("pk")
        .first()
    )
    label = services.label_for_project(indicator, project) if indicator else None
    if label is None or not rules.can_enter(
        request.user, indicator=indicator, label=label, project=project
    ):
        raise PermissionDenied(_("Vous ne pouvez pas saisir de valeur pour ce projet."))
    projects = Project.objects.filter(pk=project.pk)
    return _record(
        request,
        label=label,
        projects=projects,
        template_context={"label": label, "project": project},
    )


def csv_upload(request, pk: int):
    label = _label(request, pk)
    if not rules.can_enter_somewhere(request.user, label):
        raise PermissionDenied(_("Vous ne pouvez pas saisir de valeur pour ce territoire."))
    form = CsvImportForm(
        request.POST or None, request.FILES or None, campaigns=_open_campaigns(label)
    )
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > csv_import.MAX_BYTES:
                raise ValidationError({"file": _("Le fichier dépasse 1 Mo.")})
            report = csv_import.measurements_import(
                user=request.user,
                label=label,
                data=upload.read(csv_import.MAX_BYTES + 1),
                default_source=form.cleaned_data["source"],
                campaign=form.cleaned_data["campaign"],
                accept_valid=form.cleaned_data["accept_valid"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if report.imported:
                messages.success(
                    request,
                    _("%(n)s valeur(s) importée(s), dont %(f)s signalée(s) pour vérification.")
                    % {"n": len(report.imported), "f": report.flagged},
                )
                if not report.errors:
                    return redirect("impact:territory", pk=label.pk)
    # A 4xx answer rolls the request back (essaim.core.idempotency): only a file refused with
    # nothing imported is one; valid rows accepted and imported answer 200 with the report.
    failed = request.method == "POST" and (report is None or not report.imported)
    return render(
        request,
        "impact/csv_upload.html",
        {"label": label, "form": form, "report": report},
        status=400 if failed else 200,
    )


@require_safe
def measurement_detail(request, pk: int):
    measurement = _measurement(request, pk)
    correction = CorrectionForm(
        initial={"value": measurement.value.normalize(), "source": measurement.source}
    )
    return render(
        request,
        "impact/measurement_detail.html",
        {
            "m": measurement,
            "history_rows": history.history_rows(measurement),
            "correction": correction if rules.can_correct(request.user, measurement) else None,
            "review": ReviewForm()
            if rules.can_review(request.user, measurement)
            and measurement.status in (MeasurementStatus.FLAGGED, MeasurementStatus.RECORDED)
            else None,
        },
    )


@require_POST
def measurement_correct(request, pk: int):
    measurement = _measurement(request, pk)
    if not rules.can_correct(request.user, measurement):
        raise PermissionDenied(_("Vous ne pouvez pas corriger cette valeur."))
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.measurement_correct(
                user=request.user,
                measurement=measurement,
                value=form.cleaned_data["value"],
                weight=form.cleaned_data["weight"] or None,
                source=form.cleaned_data["source"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Valeur corrigée ; l'ancienne reste dans l'historique."))
            return redirect(measurement.get_absolute_url())
    return render(
        request,
        "impact/measurement_detail.html",
        {
            "m": measurement,
            "history_rows": history.history_rows(measurement),
            "correction": form,
            "review": None,
        },
        status=400,
    )


@require_POST
def measurement_review(request, pk: int):
    measurement = _measurement(request, pk)
    if not rules.can_review(request.user, measurement):
        raise PermissionDenied(_("Seule l'équipe du programme vérifie les valeurs signalées."))
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.measurement_review(
                user=request.user,
                measurement=measurement,
                confirm=form.cleaned_data["decision"] == "confirm",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Vérification enregistrée."))
            return redirect(measurement.get_absolute_url())
    return render(
        request,
        "impact/measurement_detail.html",
        {
            "m": measurement,
            "history_rows": history.history_rows(measurement),
            "correction": None,
            "review": form,
        },
        status=400,
    )


@require_POST
def publish(request, pk: int):
    label = _label(request, pk)
    if not rules.can_publish(request.user, label):
        raise PermissionDenied(_("Seule l'équipe du programme publie les valeurs."))
    count = services.measurements_publish(user=request.user, label=label)
    messages.success(request, _("%(n)s valeur(s) publiée(s).") % {"n": count})
    return redirect("impact:territory", pk=label.pk)


def plan_edit(request, pk: int, indicator: int):
    label = _label(request, pk)
    if not rules.can_plan_territory(request.user, label):
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce plan d'indicateurs."))
    indicator = get_object_or_404(Indicator, pk=indicator, programme_id=label.programme_id)
    return plan_page(
        request,
        indicator=indicator,
        label=label,
        project=None,
        saved=_("Plan d'indicateur enregistré."),
        next_url=reverse("impact:territory", args=[label.pk]),
    )


def plan_page(request, *, indicator, label, project, saved: str, next_url: str):
    """The plan form of a territory's (``project=None``) or a project's indicator: baseline and
    targets for the label's first seven years, saved through ``services.plan_save``."""
    plan = (
        IndicatorPlan.objects.filter(indicator=indicator, label=label, project=project)
        .prefetch_related("targets")
        .first()
    )
    first = label.granted_on.year
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        initial=PlanForm.initial_of(plan),
        years=range(first, first + 7),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_save(
                user=request.user,
                indicator=indicator,
                label=label,
                project=project,
                baseline=form.cleaned_data["baseline"],
                baseline_year=form.cleaned_data["baseline_year"],
                targets=form.targets(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, saved)
            return redirect(next_url)
    return render(
        request,
        "impact/plan_form.html",
        {
            "label": label,
            "project": project,
            "indicator": indicator,
            "form": form,
            "history_rows": history.history_rows(plan) if plan else [],
        },
        status=400 if request.method == "POST" else 200,
    )
