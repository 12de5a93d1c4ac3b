"""A support plan's co-construction in the API, as on its pages: editing an action, the actions'
comments, the plan's milestones and meetings. Scoped like the pages (``visible_to``: a 404
outside); the services check who may edit (``essaim.support.rules``: a 403) and write."""

import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.actors.models import Organisation
from essaim.applications.models import Challenge
from essaim.core.api.filters import Id
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.core.money import Money
from essaim.support import links as support_links
from essaim.support import services
from essaim.support.api import PLAN_RELATED, ActionOut, _plan, _related, _single_action_out
from essaim.support.models import (
    Action,
    Comment,
    Meeting,
    MeetingDecision,
    Milestone,
    SupportAxis,
    SupportPlan,
)

router = Router(tags=["support"])

MAX_TEXT = 20_000
Decision = Annotated[str, Field(max_length=2000)]


LinkIds = Annotated[list[Id], Field(max_length=200)]


class ActionLinksIn(Schema):
    """What the action drives (axes 4 to 6 only): a kind sent replaces its list, a kind left
    out is kept; each id of the plan's territory (introductions) or programme (the others)."""

    introductions: LinkIds | None = None
    events: LinkIds | None = None
    indicators: LinkIds | None = None
    campaigns: LinkIds | None = None


class ActionPatchIn(Schema):
    """Only the fields sent change; ``null`` clears an optional one."""

    title: str | None = Field(None, min_length=1, max_length=255)
    description: str | None = Field(None, max_length=MAX_TEXT)
    challenge_id: Id | None = None
    lead_organisation_id: Id | None = None
    partner_ids: list[Id] | None = Field(None, max_length=100)
    starts_on: datetime.date | None = None
    due_on: datetime.date | None = None
    budget_planned: Money | None = None
    budget_committed: Money | None = None
    budget_spent: Money | None = None
    links: ActionLinksIn | None = Field(None, description="what the action drives")


class CommentIn(Schema):
    body: str = Field(min_length=1, max_length=MAX_TEXT)


class CommentOut(Schema):
    id: int
    action_id: int
    author: str
    body: str
    created_at: datetime.datetime


class MilestoneIn(Schema):
    title: str = Field(min_length=1, max_length=255)
    due_on: datetime.date
    action_id: Id | None = Field(None, description="an action of the plan")


class MilestoneReachIn(Schema):
    reached_on: datetime.date | None = Field(None, description="today when left out")


class MilestoneOut(Schema):
    id: int
    plan_id: int
    action_id: int | None
    title: str
    due_on: datetime.date
    reached_on: datetime.date | None


class MeetingIn(Schema):
    title: str = Field(min_length=1, max_length=255)
    held_on: datetime.date
    agenda: str = Field(default="", max_length=MAX_TEXT)
    minutes: str = Field(default="", max_length=MAX_TEXT)
    participants: str = Field(default="", max_length=MAX_TEXT)
    decisions: list[Decision] = Field(default=[], max_length=50, description="one decision each")


class MeetingDecisionOut(Schema):
    id: int
    text: str
    action_id: int | None


class MeetingOut(Schema):
    id: int
    plan_id: int
    title: str
    held_on: datetime.date
    agenda: str
    minutes: str
    participants: str
    decisions: list[str]
    decision_items: list[MeetingDecisionOut] = Field(
        description="the decisions with their id and the action made from each, if any"
    )


class DecisionActionIn(Schema):
    axis_id: Id = Field(description="an axis of the plan's programme")
    due_on: datetime.date | None = None


def _action(request, action_id: int) -> Action:
    action = (
        Action.objects.visible_to(request.user)
        .select_related("axis", *(f"plan__{r}" for r in PLAN_RELATED))
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404(_("Action %(id)s introuvable.") % {"id": action_id})
    return action


@router.patch(
    "/support-actions/{action_id}",
    response=ActionOut,
    auth=BearerOrSession(),
    summary="Change an action's fields (its status: the transitions)",
)
def support_action_update(request, action_id: int, payload: ActionPatchIn):
    action = _action(request, action_id)
    sent = payload.dict(exclude_unset=True)
    if sent.get("title", "") is None:
        raise ValidationError({"title": _("L'intitulé est obligatoire.")})
    plan = action.plan
    data = {
        k: (v if v is not None or k in {"starts_on", "due_on"} else "")
        for k, v in sent.items()
        if k in {"title", "description", "starts_on", "due_on"}
    }
    for name in ("budget_planned", "budget_committed", "budget_spent"):
        if name in sent:
            data[name] = sent[name] or 0
    if "challenge_id" in sent:
        data["challenge"] = _related(
            Challenge.objects.filter(application_id=plan.label.application_id),
            sent["challenge_id"],
            "challenge_id",
        )
    if "lead_organisation_id" in sent:
        data["lead_organisation"] = _related(
            Organisation.objects.all(), sent["lead_organisation_id"], "lead_organisation_id"
        )
    partners = None
    if sent.get("partner_ids") is not None:
        partners = list(Organisation.objects.filter(pk__in=sent["partner_ids"]))
        if len(partners) != len(set(sent["partner_ids"])):
            raise ValidationError(
                {"partner_ids": _("Une des structures partenaires est inconnue.")}
            )
    links = payload.links.dict(exclude_unset=True) if payload.links is not None else None
    try:
        action = services.action_update(
            user=request.user, action=action, data=data, partners=partners, links=links
        )
    except ValidationError as error:
        if getattr(error, "error_dict", None) and set(error.error_dict) & set(support_links.KINDS):
            raise ValidationError(
                {
                    f"links.{f}" if f in support_links.KINDS else f: m
                    for f, m in error.message_dict.items()
                }
            ) from error
        raise
    return _single_action_out(_action(request, action.pk), request.user)


def _comment_out(comment: Comment) -> dict:
    return {
        "id": comment.pk,
        "action_id": comment.action_id,
        "author": str(comment.author),
        "body": comment.body,
        "created_at": comment.created_at,
    }


@router.get(
    "/support-actions/{action_id}/comments",
    response=list[CommentOut],
    auth=BearerOrSession(),
    summary="An action's comments, oldest first",
)
@paginate(PageNumberPagination, page_size=50)
def support_action_comments(request, action_id: int):
    action = _action(request, action_id)
    return mapped(
        Comment.objects.filter(action=action).select_related("author").order_by("created_at", "pk"),
        _comment_out,
    )


@router.post(
    "/support-actions/{action_id}/comments",
    response={201: CommentOut},
    auth=BearerOrSession(),
    summary="Comment on an action (those who co-build the plan)",
)
def support_action_comment(request, action_id: int, payload: CommentIn):
    action = _action(request, action_id)
    comment = services.comment_add(user=request.user, action=action, body=payload.body)
    return Status(201, _comment_out(comment))


def _milestone_out(milestone: Milestone) -> dict:
    return {
        "id": milestone.pk,
        "plan_id": milestone.plan_id,
        "action_id": milestone.action_id,
        "title": milestone.title,
        "due_on": milestone.due_on,
        "reached_on": milestone.reached_on,
    }


@router.get(
    "/support-plans/{plan_id}/milestones",
    response=list[MilestoneOut],
    auth=BearerOrSession(),
    summary="A plan's milestones, by due date",
)
@paginate(PageNumberPagination, page_size=50)
def support_milestones(request, plan_id: int):
    plan = _plan(request, plan_id)
    return mapped(Milestone.objects.filter(plan=plan).order_by("due_on", "pk"), _milestone_out)


@router.post(
    "/support-plans/{plan_id}/milestones",
    response={201: MilestoneOut},
    auth=BearerOrSession(),
    summary="Add a milestone to a plan (optionally tied to one of its actions)",
)
def support_milestone_create(request, plan_id: int, payload: MilestoneIn):
    plan = _plan(request, plan_id)
    action = _related(Action.objects.filter(plan=plan), payload.action_id, "action_id")
    milestone = services.milestone_create(
        user=request.user, plan=plan, title=payload.title, due_on=payload.due_on, action=action
    )
    return Status(201, _milestone_out(milestone))


@router.post(
    "/support-milestones/{milestone_id}/reach",
    response=MilestoneOut,
    auth=BearerOrSession(),
    summary="Mark a milestone reached (today, or on the date given)",
)
def support_milestone_reach(request, milestone_id: int, payload: MilestoneReachIn):
    milestone = (
        Milestone.objects.filter(plan__in=SupportPlan.objects.visible_to(request.user).values("pk"))
        .select_related(*(f"plan__{r}" for r in PLAN_RELATED))
        .filter(pk=milestone_id)
        .first()
    )
    if milestone is None:
        raise Http404(_("Jalon %(id)s introuvable.") % {"id": milestone_id})
    milestone = services.milestone_reach(
        user=request.user, milestone=milestone, reached_on=payload.reached_on
    )
    return _milestone_out(milestone)


def _meeting_out(meeting: Meeting) -> dict:
    return {
        "id": meeting.pk,
        "plan_id": meeting.plan_id,
        "title": meeting.title,
        "held_on": meeting.held_on,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "participants": meeting.participants,
        "decisions": [d.text for d in meeting.decisions.all()],
        "decision_items": [
            {"id": d.pk, "text": d.text, "action_id": getattr(d, "action_id", None)}
            for d in meeting.decisions.all()
        ],
    }


@router.get(
    "/support-plans/{plan_id}/meetings",
    response=list[MeetingOut],
    auth=BearerOrSession(),
    summary="A plan's meetings with their decisions, newest first",
)
@paginate(PageNumberPagination, page_size=50)
def support_meetings(request, plan_id: int):
    plan = _plan(request, plan_id)
    meetings = (
        Meeting.objects.filter(plan=plan)
        .prefetch_related(
            Prefetch("decisions", MeetingDecision.objects.annotate(action_id=F("action__pk")))
        )
        .order_by("-held_on", "-pk")
    )
    return mapped(meetings, _meeting_out)


@router.post(
    "/support-plans/{plan_id}/meetings",
    response={201: MeetingOut},
    auth=BearerOrSession(),
    summary="Record a meeting with its minutes and decisions",
)
def support_meeting_create(request, plan_id: int, payload: MeetingIn):
    plan = _plan(request, plan_id)
    meeting = services.meeting_create(
        user=request.user,
        plan=plan,
        title=payload.title,
        held_on=payload.held_on,
        agenda=payload.agenda,
        minutes=payload.minutes,
        participants=payload.participants,
        decisions=payload.decisions,
    )
    return Status(201, _meeting_out(meeting))


@router.post(
    "/support-decisions/{decision_id}/action",
    response={201: ActionOut, 409: dict},
    auth=BearerOrSession(),
    summary="Turn a meeting's decision into an action of the plan (once per decision)",
)
def support_decision_action(request, decision_id: int, payload: DecisionActionIn):
    """The action takes the decision's text; a decision that already gave one is a 409."""
    decision = (
        MeetingDecision.objects.filter(
            meeting__plan__in=SupportPlan.objects.visible_to(request.user).values("pk")
        )
        .select_related(*(f"meeting__plan__{r}" for r in PLAN_RELATED))
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        raise Http404(_("Décision %(id)s introuvable.") % {"id": decision_id})
    plan = decision.meeting.plan
    axis = _related(
        SupportAxis.objects.filter(programme_id=plan.label.programme_id), payload.axis_id, "axis_id"
    )
    try:
        action = services.action_create_from_decision(
            user=request.user, decision=decision, axis=axis, data={"due_on": payload.due_on}
        )
    except ValidationError as error:
        if getattr(error, "error_dict", None) and set(error.error_dict) == {"decision"}:
            return Status(409, {"detail": " ".join(error.message_dict["decision"])})
        raise
    return Status(201, _single_action_out(_action(request, action.pk), request.user))
