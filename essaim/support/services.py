"""Every write on support plans. Each service is keyword-only, takes the acting ``user``, checks
permission, validates (errors name the field), writes and records history in one transaction.

Who may do what (DESIGN.md): the territory's collective (its lead and members) co-builds the plan
with the programme team (admins and instructors of the label's programme). Nobody else may read a
plan, let alone change it. Axes are programme data, changed by programme admins only.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.money import money_error, to_money
from essaim.core.services import changed_fields, history_record
from essaim.support import links as support_links
from essaim.support import rules, workflow
from essaim.support.history import ActionEvent, AxisAction, PlanAction
from essaim.support.models import (
    Action,
    Comment,
    Meeting,
    MeetingDecision,
    Milestone,
    SupportAxis,
    SupportPlan,
)
from essaim.support.workflow import ActionStatus

ACTION_FIELDS = (
    "axis",
    "challenge",
    "title",
    "description",
    "lead_organisation",
    "instrument",
    "starts_on",
    "due_on",
    "budget_planned",
    "budget_committed",
    "budget_spent",
)
BUDGET_FIELDS = ("budget_planned", "budget_committed", "budget_spent")


# --- Permissions (``essaim.support.rules``) ------------------------------------------------------


def _require_edit(user, plan: SupportPlan) -> None:
    if not rules.can_edit_plan(user, plan):
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce plan d'accompagnement."))


# --- Plans --------------------------------------------------------------------------------------


@transaction.atomic
def support_plan_open(*, label, user) -> SupportPlan:
    """Open the labelled territory's support plan. Idempotent: a second call returns the same
    plan and writes nothing. The plan shows its programme's axes (``SupportAxis``), which are
    programme data: a plan opened before the axes are loaded gets them as soon as they exist.

    Called by ``essaim.labels.services.label_grant`` when a label is granted: only the
    programme's admins (who grant labels) open plans."""
    if not rules.can_open_plan(user, label):
        raise PermissionDenied(_("Seuls les administrateurs du programme ouvrent les plans."))
    plan, created = SupportPlan.objects.get_or_create(
        label=label, defaults={"opened_at": timezone.now()}
    )
    if created:
        history_record(obj=plan, user=user, action=PlanAction.OPENED, to_state=plan.status)
    return plan


def axes_of(plan: SupportPlan) -> list[SupportAxis]:
    return list(SupportAxis.objects.filter(programme_id=plan.label.programme_id))


@transaction.atomic
def support_axis_save(
    *, user, programme, code: str, title: str, position: int = 0, description: str = ""
) -> SupportAxis:
    """Create or update a programme's axis (programme admins only)."""
    if not rules.can_manage_axes(user, programme):
        raise PermissionDenied(_("Seule l'équipe du programme modifie les axes."))
    if not title.strip():
        raise ValidationError({"title": _("L'intitulé de l'axe est obligatoire.")})
    axis, created = SupportAxis.objects.update_or_create(
        programme=programme,
        code=code,
        defaults={"title": title, "position": position, "description": description},
    )
    history_record(
        obj=axis, user=user, action=AxisAction.CREATED if created else AxisAction.UPDATED
    )
    return axis


# --- Actions ------------------------------------------------------------------------------------


def _money(name: str, value) -> int:
    """A budget in whole euros (``essaim.core.money``); an empty one is 0."""
    if value is None or value == "":
        return 0
    error = money_error(value)
    if error is not None:
        raise ValidationError({name: error})
    return to_money(value)


def validate_action(action: Action) -> None:
    """Field-named checks, the same as the database constraints, with readable messages."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not (action.title or "").strip():
        add("title", _("L'intitulé de l'action est obligatoire."))
    if action.axis_id is None:
        add("axis", _("Choisissez l'axe de l'action."))
    elif action.axis.programme_id != action.plan.label.programme_id:
        add("axis", _("Cet axe n'appartient pas au programme du plan."))
    if action.challenge_id and action.challenge.application_id != action.plan.label.application_id:
        add("challenge", _("Ce défi n'est pas celui du territoire."))
    if action.instrument_id and not action.instrument.is_published:
        add("instrument", _("Cet outil de financement n'est pas publié."))
    if action.starts_on and action.due_on and action.due_on < action.starts_on:
        add(
            "due_on",
            _("L'échéance (%(due)s) précède le début (%(start)s).")
            % {
                "due": action.due_on.strftime("%d/%m/%Y"),
                "start": action.starts_on.strftime("%d/%m/%Y"),
            },
        )
    for name in BUDGET_FIELDS:
        if getattr(action, name) < 0:
            add(name, _("Le montant doit être positif ou nul."))
    planned, committed, spent = (getattr(action, n) for n in BUDGET_FIELDS)
    if committed > planned:
        add(
            "budget_committed",
            _("Le budget engagé (%(committed)s €) dépasse le budget prévu (%(planned)s €).")
            % {"committed": committed, "planned": planned},
        )
    if spent > committed:
        add(
            "budget_spent",
            _("Le budget dépensé (%(spent)s €) dépasse le budget engagé (%(committed)s €).")
            % {"spent": spent, "committed": committed},
        )
    if errors:
        raise ValidationError(errors)


def _apply(action: Action, data: dict[str, Any]) -> None:
    for name, value in data.items():
        if name not in ACTION_FIELDS:
            raise ValidationError({name: _("Ce champ ne peut pas être modifié ici.")})
        if name in BUDGET_FIELDS:
            value = _money(name, value)
        setattr(action, name, value)


@transaction.atomic
def action_create(
    *,
    user,
    plan: SupportPlan,
    data: dict[str, Any],
    partners=(),
    source_decision: MeetingDecision | None = None,
    is_fictitious: bool = False,
    links: dict[str, Any] | None = None,
) -> Action:
    """Add an action to the plan (territory or programme team). Dates and budgets are checked
    (due after start; spent ≤ committed ≤ planned); the history records the creation.
    ``links`` (``support.links.action_links_set``): what the action drives."""
    _require_edit(user, plan)
    action = Action(plan=plan, created_by=user, is_fictitious=is_fictitious)
    _apply(action, data)
    validate_action(action)
    if source_decision is not None:
        if source_decision.meeting.plan_id != plan.pk:
            raise ValidationError({"decision": _("Cette décision n'est pas de ce plan.")})
        if Action.objects.filter(source_decision=source_decision).exists():
            raise ValidationError({"decision": _("Cette décision a déjà donné une action.")})
        action.source_decision = source_decision
    action.save()
    if partners:
        action.partners.set(partners)
    history_record(
        obj=action,
        user=user,
        action=ActionEvent.CREATED,
        to_state=action.status,
        payload={"plan": plan.pk, "decision": source_decision.pk if source_decision else None},
    )
    if links:
        support_links.action_links_set(user=user, action=action, **links)
    return action


@transaction.atomic
def action_update(
    *, user, action: Action, data: dict[str, Any], partners=None, links=None
) -> Action:
    """Change an action's fields (not its status: see ``action_transition``) and, with
    ``links``, what it drives (``support.links.action_links_set``)."""
    _require_edit(user, action.plan)
    action = Action.objects.select_for_update().select_related("plan__label").get(pk=action.pk)
    for name in data:
        if name not in ACTION_FIELDS:
            raise ValidationError({name: _("Ce champ ne peut pas être modifié ici.")})
    clean = dict(data)
    for name in BUDGET_FIELDS:
        if name in clean:
            clean[name] = _money(name, clean[name])
    changes = changed_fields(action, clean)
    _apply(action, clean)
    validate_action(action)
    action.save()
    if partners is not None:
        before = sorted(action.partners.values_list("pk", flat=True))
        after = sorted(p.pk for p in partners)
        if before != after:
            action.partners.set(partners)
            changes["partners"] = [before, after]
    if changes:
        history_record(obj=action, user=user, action=ActionEvent.UPDATED, payload=changes)
    if links:
        support_links.action_links_set(user=user, action=action, **links)
    return action


def action_allowed_transitions(action: Action, user) -> list[workflow.Transition]:
    if not rules.can_edit_plan(user, action.plan):
        return []
    return workflow.transitions_from(action.status)


@transaction.atomic
def action_transition(*, user, action: Action, name: str, reason: str = "") -> Action:
    """Move the action along the workflow table. Blocking and dropping need a reason; every
    transition is a history row (from, to, reason)."""
    _require_edit(user, action.plan)
    transition = workflow.BY_NAME.get(name)
    if transition is None:
        raise ValidationError(
            {"transition": _("Transition inconnue : « %(name)s ».") % {"name": name}}
        )
    action = Action.objects.select_for_update().select_related("plan__label").get(pk=action.pk)
    if action.status not in transition.source:
        raise ValidationError(
            {
                "transition": _("Impossible de « %(label)s » une action %(status)s.")
                % {"label": str(transition.label).lower(), "status": action.get_status_display()}
            }
        )
    reason = (reason or "").strip()
    if transition.reason_required and not reason:
        raise ValidationError({"reason": _("Indiquez le motif.")})
    from_state = action.status
    action.status = transition.target
    action.status_reason = reason if transition.target in workflow.REASON_STATES else ""
    action.done_on = timezone.localdate() if transition.target == ActionStatus.DONE else None
    action.save(update_fields=["status", "status_reason", "done_on", "updated_at"])
    history_record(
        obj=action,
        user=user,
        action=ActionEvent(f"action_{transition.name}"),
        from_state=from_state,
        to_state=action.status,
        comment=reason,
    )
    return action


@transaction.atomic
def comment_add(*, user, action: Action, body: str) -> Comment:
    """A comment on an action, by anyone who co-builds the plan."""
    _require_edit(user, action.plan)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Le commentaire est vide.")})
    return Comment.objects.create(action=action, author=user, body=body)


# --- Milestones and meetings --------------------------------------------------------------------


@transaction.atomic
def milestone_create(
    *, user, plan: SupportPlan, title: str, due_on: datetime.date, action: Action | None = None
) -> Milestone:
    _require_edit(user, plan)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("L'intitulé du jalon est obligatoire.")
    if due_on is None:
        errors["due_on"] = _("La date du jalon est obligatoire.")
    if action is not None and action.plan_id != plan.pk:
        errors["action"] = _("Cette action n'est pas de ce plan.")
    if errors:
        raise ValidationError(errors)
    milestone = Milestone.objects.create(plan=plan, action=action, title=title, due_on=due_on)
    history_record(
        obj=plan, user=user, action=PlanAction.MILESTONE_CREATED, payload={"id": milestone.pk}
    )
    return milestone


@transaction.atomic
def milestone_reach(*, user, milestone: Milestone, reached_on: datetime.date | None = None):
    _require_edit(user, milestone.plan)
    milestone.reached_on = reached_on or timezone.localdate()
    milestone.save(update_fields=["reached_on"])
    history_record(
        obj=milestone.plan,
        user=user,
        action=PlanAction.MILESTONE_REACHED,
        payload={"id": milestone.pk, "reached_on": milestone.reached_on.isoformat()},
    )
    return milestone


@transaction.atomic
def meeting_create(
    *,
    user,
    plan: SupportPlan,
    title: str,
    held_on: datetime.date,
    agenda: str = "",
    minutes: str = "",
    participants: str = "",
    decisions: list[str] = (),
) -> Meeting:
    """Record a meeting with its minutes; each non-empty line of ``decisions`` is a decision."""
    _require_edit(user, plan)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("L'intitulé de la réunion est obligatoire.")
    if held_on is None:
        errors["held_on"] = _("La date de la réunion est obligatoire.")
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(
        plan=plan,
        title=title,
        held_on=held_on,
        agenda=agenda,
        minutes=minutes,
        participants=participants,
        created_by=user,
    )
    texts = [d.strip() for d in decisions if d and d.strip()]
    MeetingDecision.objects.bulk_create(
        [MeetingDecision(meeting=meeting, position=i, text=t) for i, t in enumerate(texts)]
    )
    history_record(
        obj=plan,
        user=user,
        action=PlanAction.MEETING_CREATED,
        payload={"id": meeting.pk, "decisions": len(texts)},
    )
    return meeting


@transaction.atomic
def action_create_from_decision(
    *, user, decision: MeetingDecision, axis: SupportAxis, data: dict[str, Any] | None = None
) -> Action:
    """Turn a meeting decision into an action of the plan in one step (once per decision)."""
    plan = decision.meeting.plan
    fields = {"axis": axis, "title": decision.text[:255], "description": decision.text}
    fields.update(data or {})
    return action_create(user=user, plan=plan, data=fields, source_decision=decision)
