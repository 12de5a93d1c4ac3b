"""Support-plan pages under /accompagnement/. Thin: reads from ``queries``, writes through
``services``. A plan outside the user's scope is a 404; a forbidden change a 403."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim.core import history
from essaim.core.forms import add_service_errors
from essaim.support import links, queries, rules, services, workflow
from essaim.support.forms import (
    ActionForm,
    CommentForm,
    DecisionActionForm,
    MeetingForm,
    MilestoneForm,
    TransitionForm,
)
from essaim.support.models import (
    Action,
    MeetingDecision,
    Milestone,
    SupportPlan,
)
from essaim.support.pdf import plan_pdf as render_pdf

PLAN_RELATED = ("label__perimeter", "label__programme", "label__wave", "label__application")


def _history(obj, limit: int | None = None) -> list:
    return history.history_rows(obj, limit=limit)


def _plan(request, pk: int) -> SupportPlan:
    return get_object_or_404(
        SupportPlan.objects.visible_to(request.user).select_related(*PLAN_RELATED), pk=pk
    )


def _action(request, pk: int) -> Action:
    return get_object_or_404(
        Action.objects.visible_to(request.user).select_related(
            *(f"plan__{r}" for r in PLAN_RELATED),
            "axis",
            "challenge",
            "lead_organisation",
            "instrument__provider",
            "source_decision__meeting",
        ),
        pk=pk,
    )


def _require_edit(request, plan: SupportPlan) -> None:
    if not rules.can_edit_plan(request.user, plan):
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce plan d'accompagnement."))


# --- Entry points -------------------------------------------------------------------------------


def index(request):
    """The programme view for the programme team; a territory's people go to their plan."""
    if rules.can_see_programme_view(request.user):
        return programme_view(request)
    return my_plan(request)


def my_plan(request):
    """ "Mon plan d'accompagnement": the plan of the user's collective (a list if several)."""
    plans = list(SupportPlan.objects.visible_to(request.user).select_related("label__perimeter"))
    if len(plans) == 1:
        return redirect(plans[0])
    if not plans:
        raise Http404(_("Aucun plan d'accompagnement ne vous est ouvert."))
    return render(request, "support/my_plans.html", {"plans": plans})


def programme_view(request):
    if not rules.can_see_programme_view(request.user):
        raise PermissionDenied(_("La vue d'ensemble est réservée à l'équipe du programme."))
    rows = queries.programme_rows(SupportPlan.objects.visible_to(request.user))
    return render(
        request,
        "support/programme.html",
        {"rows": rows, "totals": queries.programme_totals(rows)},
    )


# --- Plan ---------------------------------------------------------------------------------------


def plan_detail(request, pk: int):
    """The plan, axis by axis. ``?retard=1`` (the only value read) shows the late actions only."""
    plan = _plan(request, pk)
    today = timezone.localdate()
    late_only = request.GET.get("retard") == "1"
    progress = queries.plan_progress(plan, today, with_links=True)
    actions = list(
        plan.actions.select_related(
            "axis", "challenge", "lead_organisation", "instrument"
        ).order_by("axis__position", "due_on", "pk")
    )
    can_edit = rules.can_edit_plan(request.user, plan)
    by_axis: dict[int, list[Action]] = {}
    for action in actions:
        action.late = action.is_late_on(today)
        action.quick_transitions = (
            [t for t in workflow.transitions_from(action.status) if not t.reason_required]
            if can_edit
            else []
        )
        if action.late or not late_only:
            by_axis.setdefault(action.axis_id, []).append(action)
    sections = [
        {
            "axis": row.axis,
            "progress": row.progress,
            "links": row.links,
            "actions": by_axis.get(row.axis.pk, []),
        }
        for row in progress.axes
    ]
    meetings = plan.meetings.prefetch_related(
        Prefetch("decisions", queryset=MeetingDecision.objects.select_related("action"))
    ).order_by("-held_on", "-pk")
    return render(
        request,
        "support/plan_detail.html",
        {
            "plan": plan,
            "progress": progress.overall,
            "sections": sections,
            "milestones": plan.milestones.select_related("action").order_by("due_on", "pk"),
            "meetings": meetings,
            "today": today,
            "late_only": late_only,
            "can_edit": can_edit,
            "milestone_form": MilestoneForm() if can_edit else None,
            "axes": [section["axis"] for section in sections],
            "history": _history(plan, 50),
        },
    )


def plan_timeline(request, pk: int):
    plan = _plan(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "support/timeline.html",
        {"plan": plan, "items": queries.timeline(plan, today), "today": today},
    )


def plan_pdf(request, pk: int):
    plan = _plan(request, pk)
    response = HttpResponse(render_pdf(plan), content_type="application/pdf")
    name = f"plan-accompagnement-{plan.label.perimeter.slug}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- Actions ------------------------------------------------------------------------------------


def _action_data(form) -> dict:
    data = {k: v for k, v in form.cleaned_data.items() if k in services.ACTION_FIELDS}
    for name in services.BUDGET_FIELDS:
        if data.get(name) is None:
            data[name] = 0
    return data


def action_create(request, pk: int):
    plan = _plan(request, pk)
    _require_edit(request, plan)
    form = ActionForm(request.POST or None, plan=plan, initial={"axis": request.GET.get("axe")})
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(
                user=request.user,
                plan=plan,
                data=_action_data(form),
                partners=form.cleaned_data["partners"],
                links=form.links_data(),
            )
            messages.success(request, _("Action ajoutée."))
            return redirect(action)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "support/action_form.html",
        {"form": form, "plan": plan, "action": None},
        status=422 if request.method == "POST" else 200,
    )


def action_edit(request, pk: int):
    action = _action(request, pk)
    plan = action.plan
    _require_edit(request, plan)
    form = ActionForm(request.POST or None, plan=plan, instance=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(
                user=request.user,
                action=action,
                data=_action_data(form),
                partners=form.cleaned_data["partners"],
                links=form.links_data(),
            )
            messages.success(request, _("Action enregistrée."))
            return redirect(action)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "support/action_form.html",
        {"form": form, "plan": plan, "action": action},
        status=422 if request.method == "POST" else 200,
    )


def action_detail(request, pk: int, transition_form=None, comment_form=None, status=200):
    action = _action(request, pk)
    plan = action.plan
    today = timezone.localdate()
    can_edit = rules.can_edit_plan(request.user, plan)
    states = links.linked_states(plan, Action.objects.filter(pk=action.pk))
    return render(
        request,
        "support/action_detail.html",
        {
            "action": action,
            "linked": {kind: states.for_action(action.pk, kind) for kind in links.KINDS},
            "plan": plan,
            "late": action.is_late_on(today),
            "partners": action.partners.order_by("name"),
            "transitions": services.action_allowed_transitions(action, request.user),
            "transition_form": transition_form,
            "comments": action.comments.select_related("author"),
            "comment_form": comment_form or (CommentForm() if can_edit else None),
            "milestones": action.milestones.order_by("due_on"),
            "can_edit": can_edit,
            "history": _history(action),
        },
        status=status,
    )


@require_POST
def action_transition(request, pk: int, name: str):
    action = _action(request, pk)
    _require_edit(request, action.plan)
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        services.action_transition(
            user=request.user, action=action, name=name, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return action_detail(request, pk, transition_form=form, status=422)
    messages.success(request, workflow.done_message(name, action))
    return redirect(request.POST.get("next") == "plan" and action.plan or action)


@require_POST
def action_comment(request, pk: int):
    action = _action(request, pk)
    _require_edit(request, action.plan)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(user=request.user, action=action, body=form.cleaned_data["body"])
            return redirect(action.get_absolute_url() + "#commentaires")
        except ValidationError as exc:
            add_service_errors(form, exc)
    return action_detail(request, pk, comment_form=form, status=422)


# --- Milestones and meetings --------------------------------------------------------------------


@require_POST
def milestone_create(request, pk: int):
    plan = _plan(request, pk)
    _require_edit(request, plan)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        services.milestone_create(user=request.user, plan=plan, **form.cleaned_data)
        messages.success(request, _("Jalon ajouté."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(plan.get_absolute_url() + "#jalons")


@require_POST
def milestone_reach(request, pk: int):
    milestone = get_object_or_404(
        Milestone.objects.filter(
            plan__in=SupportPlan.objects.visible_to(request.user).values("pk")
        ).select_related(*(f"plan__{r}" for r in PLAN_RELATED)),
        pk=pk,
    )
    _require_edit(request, milestone.plan)
    services.milestone_reach(user=request.user, milestone=milestone)
    messages.success(
        request, _("Le jalon « %(title)s » est marqué atteint.") % {"title": milestone.title}
    )
    return redirect(milestone.plan.get_absolute_url() + "#jalons")


def meeting_create(request, pk: int):
    plan = _plan(request, pk)
    _require_edit(request, plan)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["decisions"] = data["decisions"].splitlines()
        try:
            services.meeting_create(user=request.user, plan=plan, **data)
            messages.success(request, _("Réunion enregistrée."))
            return redirect(plan.get_absolute_url() + "#reunions")
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "support/meeting_form.html",
        {"form": form, "plan": plan},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def decision_to_action(request, pk: int):
    decision = get_object_or_404(
        MeetingDecision.objects.filter(
            meeting__plan__in=SupportPlan.objects.visible_to(request.user).values("pk")
        ).select_related(*(f"meeting__plan__{r}" for r in PLAN_RELATED)),
        pk=pk,
    )
    plan = decision.meeting.plan
    _require_edit(request, plan)
    form = DecisionActionForm(request.POST, plan=plan)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(plan.get_absolute_url() + "#reunions")
    try:
        action = services.action_create_from_decision(
            user=request.user,
            decision=decision,
            axis=form.cleaned_data["axis"],
            data={"due_on": form.cleaned_data["due_on"]},
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(plan.get_absolute_url() + "#reunions")
    messages.success(request, _("Action créée à partir de la décision."))
    return redirect(action)
