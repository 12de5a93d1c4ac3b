"""Pages of a programme's indicator library (its admins: ``rules.can_manage_library``) and of a
project's indicator plan (its holder, the territory's people, the programme's staff:
``rules.can_plan_project``). Thin: writes go through ``services_library`` and
``services.plan_save``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from essaim.calls.models import Programme
from essaim.core import history
from essaim.core.forms import add_service_errors
from essaim.impact import rules, services, services_library
from essaim.impact.forms import IndicatorForm
from essaim.impact.models import Aggregation, Indicator, IndicatorPlan, Target
from essaim.impact.views import plan_page
from essaim.labels.models import Label
from essaim.projects.models import Project

# --- Library ------------------------------------------------------------------------------------


def _terms(programme, indicator=None):
    """The indicators a ratio or a weighted mean may name: the programme's, not ratios."""
    terms = Indicator.objects.filter(programme=programme).exclude(aggregation=Aggregation.RATIO)
    return terms.exclude(pk=indicator.pk) if indicator is not None else terms


def library_url(indicator: Indicator) -> str:
    return (
        f"{reverse('impact:library')}?programme={indicator.programme.slug}"
        f"#indicateur-{indicator.code}"
    )


def _form_page(request, *, form, save, programme, indicator, success: str):
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(library_url(saved))
    return render(
        request,
        "impact/indicator_form.html",
        {
            "form": form,
            "programme": programme,
            "indicator": indicator,
            "history_rows": history.history_rows(indicator) if indicator else [],
        },
        status=400 if request.method == "POST" else 200,
    )


def indicator_create(request, slug: str):
    programme = get_object_or_404(Programme, slug=slug)
    if not rules.can_manage_library(request.user, programme):
        raise Http404(_("Programme introuvable."))
    form = IndicatorForm(request.POST or None, terms=_terms(programme))
    return _form_page(
        request,
        form=form,
        save=lambda data: services_library.indicator_create(
            user=request.user, programme=programme, **data
        ),
        programme=programme,
        indicator=None,
        success=_("Indicateur créé."),
    )


def indicator_edit(request, pk: int):
    indicator = get_object_or_404(Indicator.objects.select_related("programme"), pk=pk)
    if not rules.can_manage_library(request.user, indicator.programme):
        raise PermissionDenied(
            _("Seuls les administrateurs du programme modifient la bibliothèque.")
        )
    form = IndicatorForm(
        request.POST or None,
        initial=IndicatorForm.initial_of(indicator),
        terms=_terms(indicator.programme, indicator),
    )
    return _form_page(
        request,
        form=form,
        save=lambda data: services_library.indicator_update(
            user=request.user, indicator=indicator, **data
        ),
        programme=indicator.programme,
        indicator=indicator,
        success=_("Indicateur enregistré ; l'ancienne version reste dans l'historique."),
    )


# --- A project's plan ---------------------------------------------------------------------------


def _project_labels(project) -> list[Label]:
    """The valid labels whose territory or collective is the project's (one per programme)."""
    return [
        label
        for label in Label.objects.filter(status="valid")
        .filter(services.label_criteria(project))
        .select_related("perimeter", "programme", "application")
        .order_by("programme__name", "pk")
    ]


def _project_and_labels(request, pk: int):
    project = get_object_or_404(Project.objects.select_related("holder"), pk=pk)
    labels = [
        label
        for label in _project_labels(project)
        if rules.can_plan_project(request.user, label=label, project=project)
    ]
    if not labels:
        raise PermissionDenied(_("Vous ne pouvez pas voir le plan d'indicateurs de ce projet."))
    return project, labels


@require_safe
def project_plan(request, pk: int):
    """A project's indicator plan in each labelled territory it belongs to: per indicator of the
    programme, the baseline and the yearly targets, with a link to change them."""
    project, labels = _project_and_labels(request, pk)
    plans = IndicatorPlan.objects.filter(project=project, label__in=labels).prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("year"))
    )
    plans = {plan.indicator_id: plan for plan in plans}
    indicators = list(
        Indicator.objects.filter(programme_id__in=[label.programme_id for label in labels])
        .select_related("programme")
        .order_by("programme__name", "position", "code")
    )
    sections = [
        {
            "label": label,
            "rows": [
                {"indicator": indicator, "plan": plans.get(indicator.pk)}
                for indicator in indicators
                if indicator.programme_id == label.programme_id
            ],
        }
        for label in labels
    ]
    return render(request, "impact/project_plan.html", {"project": project, "sections": sections})


def project_plan_edit(request, pk: int, indicator: int):
    project, labels = _project_and_labels(request, pk)
    indicator = get_object_or_404(
        Indicator, pk=indicator, programme_id__in=[label.programme_id for label in labels]
    )
    label = next(label for label in labels if label.programme_id == indicator.programme_id)
    return plan_page(
        request,
        indicator=indicator,
        label=label,
        project=project,
        saved=_("Plan d'indicateur du projet enregistré."),
        next_url=reverse("impact:project_plan", args=[project.pk]),
    )
