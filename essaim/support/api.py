"""/api/v1/support-plans and /api/v1/support-actions: the same services and scoping as the
pages. A plan outside the caller's scope is a 404; a forbidden change a 403."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.actors.models import Organisation
from essaim.applications.models import Challenge
from essaim.core.api.filters import Code, WaveNumber, choices_enum
from essaim.core.api.pagination import PageNumberPagination, paginate
from essaim.core.api.schema import Schema
from essaim.core.money import Money
from essaim.support import links, queries, rules, services
from essaim.support.models import Action, PlanStatus, SupportAxis, SupportPlan

router = Router(tags=["support"])
PLAN_RELATED = ("label__perimeter", "label__programme", "label__wave", "label__application")


class ProgressOut(Schema):
    actions: int = Field(description="actions not dropped")
    done: int
    done_share: int = Field(description="percent of the (not dropped) actions done")
    late: int = Field(description="open actions whose due date has passed")
    blocked: int
    dropped: int
    budget_planned: int
    budget_committed: int
    budget_spent: int


def progress_out(p: queries.Progress) -> dict:
    return {
        "actions": p.counted,
        "done": p.done,
        "done_share": p.done_share,
        "late": p.late,
        "blocked": p.blocked,
        "dropped": p.dropped,
        "budget_planned": p.budget_planned,
        "budget_committed": p.budget_committed,
        "budget_spent": p.budget_spent,
    }


class PlanSummaryOut(Schema):
    id: int
    territory: str
    territory_slug: str
    wave: int
    status: str
    opened_at: datetime.datetime
    next_meeting: datetime.date | None
    progress: ProgressOut


class ActionTransitionOut(Schema):
    name: str
    label: str
    reason_required: bool


class LinkOut(Schema):
    id: int
    name: str
    state: str = Field(
        description=(
            "introductions: proposed, accepted, done or declined; events: upcoming or held; "
            "indicators: no_value, no_target, on_target or below_target; campaigns: complete "
            "or incomplete"
        )
    )
    detail: str = Field(
        description=(
            "events: registered/attended; indicators: latest year's value (and target); "
            "campaigns: indicators reported/expected by the territory"
        )
    )


class ActionLinksOut(Schema):
    """What an action of a linking axis (axes 4 to 6) drives; empty lists on another axis."""

    introductions: list[LinkOut] = []
    events: list[LinkOut] = []
    indicators: list[LinkOut] = []
    campaigns: list[LinkOut] = []


class ActionOut(Schema):
    id: int
    axis_id: int
    axis: str
    challenge_id: int | None
    title: str
    description: str
    lead_organisation_id: int | None
    instrument_id: int | None
    partner_ids: list[int]
    starts_on: datetime.date | None
    due_on: datetime.date | None
    budget_planned: int
    budget_committed: int
    budget_spent: int
    status: str
    status_label: str
    status_reason: str
    late: bool
    transitions: list[ActionTransitionOut]
    links: ActionLinksOut


def _number(value) -> str:
    return f"{value.normalize():f}" if value is not None else ""


def _link_state(kind: str, state, now: datetime.datetime) -> dict:
    """A linked object's id, name and short state, from ``links.linked_states``."""
    if kind == "introductions":
        return {
            "id": state.pk,
            "name": f"{state.company.name} → {state.project.title}",
            "state": state.status,
            "detail": "",
        }
    if kind == "events":
        return {
            "id": state.pk,
            "name": state.title,
            "state": "held" if state.starts_at <= now else "upcoming",
            "detail": f"{state.registered}/{state.attendees}",
        }
    if kind == "indicators":
        if state.value is None:
            short = "no_value"
        elif state.target is None:
            short = "no_target"
        else:
            short = "on_target" if state.on_target else "below_target"
        detail = f"{state.year}: {_number(state.value)}" if state.value is not None else ""
        if state.target is not None:
            detail += f" / {_number(state.target)}"
        return {
            "id": state.indicator.pk,
            "name": state.indicator.name,
            "state": short,
            "detail": detail,
        }
    return {
        "id": state.campaign.pk,
        "name": state.campaign.title,
        "state": "complete" if state.complete else "incomplete",
        "detail": f"{state.reported}/{state.expected}",
    }


def links_out(states: links.LinkedStates, action_id: int) -> dict:
    now = timezone.now()
    return {
        kind: [_link_state(kind, s, now) for s in states.for_action(action_id, kind)]
        for kind in links.KINDS
    }


class AxisOut(Schema):
    id: int
    code: str
    title: str
    progress: ProgressOut
    actions: list[ActionOut]


class PlanOut(Schema):
    id: int
    territory: str
    territory_slug: str
    status: str
    opened_at: datetime.datetime
    progress: ProgressOut
    axes: list[AxisOut]


def action_out(
    action: Action, user, today: datetime.date, can_edit: bool, states: links.LinkedStates
) -> dict:
    return {
        "id": action.pk,
        "axis_id": action.axis_id,
        "axis": action.axis.code,
        "challenge_id": action.challenge_id,
        "title": action.title,
        "description": action.description,
        "lead_organisation_id": action.lead_organisation_id,
        "instrument_id": action.instrument_id,
        "partner_ids": [p.pk for p in action.partners.all()],
        "starts_on": action.starts_on,
        "due_on": action.due_on,
        "budget_planned": action.budget_planned,
        "budget_committed": action.budget_committed,
        "budget_spent": action.budget_spent,
        "status": action.status,
        "status_label": str(action.get_status_display()),
        "status_reason": action.status_reason,
        "late": action.is_late_on(today),
        "transitions": [
            {"name": t.name, "label": str(t.label), "reason_required": t.reason_required}
            for t in (services.workflow.transitions_from(action.status) if can_edit else [])
        ],
        "links": links_out(states, action.pk),
    }


def _single_action_out(action: Action, user) -> dict:
    """One action after a write (its links' state read again: a few queries)."""
    states = links.linked_states(action.plan, Action.objects.filter(pk=action.pk))
    return action_out(action, user, timezone.localdate(), True, states)


def _plan(request, plan_id: int) -> SupportPlan:
    plan = (
        SupportPlan.objects.visible_to(request.user)
        .select_related(*PLAN_RELATED)
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise Http404(_("Plan d'accompagnement %(id)s introuvable.") % {"id": plan_id})
    return plan


PlanStatusFilter = choices_enum("PlanStatusFilter", PlanStatus)


class PlanFilters(Schema):
    territory: Code | None = Field(None, description="the territory's (perimeter's) slug")
    wave: WaveNumber | None = None
    programme: Code | None = Field(None, description="the programme's slug")
    status: PlanStatusFilter | None = None


@router.get(
    "/support-plans",
    response=list[PlanSummaryOut],
    auth=BearerOrSession(),
    summary="The support plans the caller may see, with their progress",
)
@paginate(PageNumberPagination, page_size=50)
def support_plan_list(request, filters: Query[PlanFilters]):
    plans = SupportPlan.objects.visible_to(request.user)
    if filters.territory:
        plans = plans.filter(label__perimeter__slug=filters.territory)
    if filters.wave:
        plans = plans.filter(label__wave__number=filters.wave)
    if filters.programme:
        plans = plans.filter(label__programme__slug=filters.programme)
    if filters.status:
        plans = plans.filter(status=filters.status.value)
    rows = queries.programme_rows(plans)
    return [
        {
            "id": r.plan.pk,
            "territory": r.plan.label.perimeter.name,
            "territory_slug": r.plan.label.perimeter.slug,
            "wave": r.plan.label.wave.number,
            "status": r.plan.status,
            "opened_at": r.plan.opened_at,
            "next_meeting": r.next_meeting,
            "progress": progress_out(r.progress),
        }
        for r in rows
    ]


def plan_out(plan: SupportPlan, user) -> dict:
    today = timezone.localdate()
    progress = queries.plan_progress(plan, today)
    can_edit = rules.can_edit_plan(user, plan)
    actions = (
        Action.objects.filter(plan=plan)
        .select_related("axis")
        .prefetch_related("partners")
        .order_by("axis__position", "due_on", "pk")
    )
    # What the actions of axes 4 to 6 drive, with its state: a fixed number of queries.
    states = links.linked_states(plan)
    by_axis: dict[int, list[dict]] = {}
    for action in actions:
        by_axis.setdefault(action.axis_id, []).append(
            action_out(action, user, today, can_edit, states)
        )
    return {
        "id": plan.pk,
        "territory": plan.label.perimeter.name,
        "territory_slug": plan.label.perimeter.slug,
        "status": plan.status,
        "opened_at": plan.opened_at,
        "progress": progress_out(progress.overall),
        "axes": [
            {
                "id": row.axis.pk,
                "code": row.axis.code,
                "title": row.axis.title,
                "progress": progress_out(row.progress),
                "actions": by_axis.get(row.axis.pk, []),
            }
            for row in progress.axes
        ],
    }


@router.get(
    "/support-plans/{plan_id}",
    response=PlanOut,
    auth=BearerOrSession(),
    summary="One support plan: its axes, actions and progress",
)
def support_plan_detail(request, plan_id: int):
    return plan_out(_plan(request, plan_id), request.user)


class ActionIn(Schema):
    axis_id: int
    title: str = Field(..., max_length=255)
    description: str = ""
    challenge_id: int | None = None
    lead_organisation_id: int | None = None
    partner_ids: list[int] = []
    starts_on: datetime.date | None = None
    due_on: datetime.date | None = None
    budget_planned: Money = 0
    budget_committed: Money = 0
    budget_spent: Money = 0


def _related(queryset, pk, field: str):
    """The object ``pk`` among ``queryset`` (scoped to the plan: its programme's axes, its
    territory's challenges); any other id is unknown."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("Identifiant %(id)s inconnu.") % {"id": pk}})
    return found


@router.post(
    "/support-plans/{plan_id}/actions",
    response={201: ActionOut},
    auth=BearerOrSession(),
    summary="Add an action to a plan (the territory's collective or the programme team)",
)
def support_action_create(request, plan_id: int, payload: ActionIn):
    plan = _plan(request, plan_id)
    if not rules.can_edit_plan(request.user, plan):
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce plan d'accompagnement."))
    partners = list(Organisation.objects.filter(pk__in=payload.partner_ids))
    if len(partners) != len(set(payload.partner_ids)):
        raise ValidationError({"partner_ids": _("Une des structures partenaires est inconnue.")})
    action = services.action_create(
        user=request.user,
        plan=plan,
        data={
            "axis": _related(
                SupportAxis.objects.filter(programme_id=plan.label.programme_id),
                payload.axis_id,
                "axis_id",
            ),
            "challenge": _related(
                Challenge.objects.filter(application_id=plan.label.application_id),
                payload.challenge_id,
                "challenge_id",
            ),
            "lead_organisation": _related(
                Organisation.objects.all(), payload.lead_organisation_id, "lead_organisation_id"
            ),
            "title": payload.title,
            "description": payload.description,
            "starts_on": payload.starts_on,
            "due_on": payload.due_on,
            "budget_planned": payload.budget_planned,
            "budget_committed": payload.budget_committed,
            "budget_spent": payload.budget_spent,
        },
        partners=partners,
    )
    return Status(201, _single_action_out(action, request.user))


class ActionTransitionIn(Schema):
    reason: str = ""


@router.post(
    "/support-actions/{action_id}/transitions/{name}",
    response=ActionOut,
    auth=BearerOrSession(),
    summary="Move an action along its workflow (block and drop need a reason)",
)
def support_action_transition(request, action_id: int, name: str, payload: ActionTransitionIn):
    action = (
        Action.objects.visible_to(request.user)
        .select_related("axis", *(f"plan__{r}" for r in PLAN_RELATED))
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404(_("Action %(id)s introuvable.") % {"id": action_id})
    action = services.action_transition(
        user=request.user, action=action, name=name, reason=payload.reason
    )
    return _single_action_out(action, request.user)
