"""Reads of support plans: progress per plan and per axis, the programme view, the timeline.

Every figure comes from SQL aggregates: a plan's progress is two queries, whatever the number of
actions, and the programme view one query, whatever the number of plans.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, Count, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.support import links as support_links
from essaim.support import rules as support_rules
from essaim.support.models import Action, Meeting, Milestone, SupportAxis, SupportPlan
from essaim.support.workflow import ActionStatus

CLOSED = [ActionStatus.DONE, ActionStatus.DROPPED]
ZERO = Value(0, output_field=BigIntegerField())


@dataclass
class Progress:
    total: int = 0
    done: int = 0
    dropped: int = 0
    blocked: int = 0
    late: int = 0
    budget_planned: int = 0  # whole euros (essaim.core.money)
    budget_committed: int = 0
    budget_spent: int = 0

    @property
    def counted(self) -> int:
        """Dropped actions do not count against the plan."""
        return self.total - self.dropped

    @property
    def done_share(self) -> int:
        """Share of the (not dropped) actions done, in whole percent."""
        return round(100 * self.done / self.counted) if self.counted else 0

    @property
    def spent_share(self) -> int:
        if not self.budget_planned:
            return 0
        return round(100 * self.budget_spent / self.budget_planned)


def _aggregates(prefix: str, today: datetime.date) -> dict:
    """The annotations of a ``Progress``; ``prefix`` is "" on actions, "actions__" on plans."""
    status = f"{prefix}status"
    return {
        "total": Count(f"{prefix}pk", distinct=False),
        "done": Count(f"{prefix}pk", filter=Q(**{status: ActionStatus.DONE})),
        "dropped": Count(f"{prefix}pk", filter=Q(**{status: ActionStatus.DROPPED})),
        "blocked": Count(f"{prefix}pk", filter=Q(**{status: ActionStatus.BLOCKED})),
        "late": Count(
            f"{prefix}pk",
            filter=Q(**{f"{prefix}due_on__lt": today}) & ~Q(**{f"{status}__in": CLOSED}),
        ),
        "budget_planned": Coalesce(Sum(f"{prefix}budget_planned"), ZERO),
        "budget_committed": Coalesce(Sum(f"{prefix}budget_committed"), ZERO),
        "budget_spent": Coalesce(Sum(f"{prefix}budget_spent"), ZERO),
    }


def _progress(row: dict) -> Progress:
    return Progress(**{k: row[k] for k in Progress.__dataclass_fields__})


@dataclass
class AxisProgress:
    axis: SupportAxis
    progress: Progress
    # Axes 4 to 6: what the axis's actions drive (``support.links``), when asked for.
    links: support_links.AxisCounts | None = None


@dataclass
class PlanProgress:
    overall: Progress
    axes: list[AxisProgress] = field(default_factory=list)


def plan_progress(
    plan: SupportPlan, today: datetime.date | None = None, *, with_links: bool = False
) -> PlanProgress:
    """Per axis and overall: actions, done share, late, blocked, budgets. Two queries.

    ``with_links`` adds, per axis, the counts of what its actions drive (introductions done out
    of those linked, events held and their attendees, indicators on target, campaigns completed
    by the territory): a fixed number of queries more (``support.links.linked_states``)."""
    today = today or timezone.localdate()
    axes = list(SupportAxis.objects.filter(programme_id=plan.label.programme_id))
    rows = {
        r["axis_id"]: _progress(r)
        for r in Action.objects.filter(plan=plan)
        .order_by()
        .values("axis_id")
        .annotate(**_aggregates("", today))
    }
    overall = Progress()
    for row in rows.values():
        for name in Progress.__dataclass_fields__:
            setattr(overall, name, getattr(overall, name) + getattr(row, name))
    counts = support_links.linked_states(plan).axis_counts() if with_links else {}
    return PlanProgress(
        overall=overall,
        axes=[
            AxisProgress(
                axis=a,
                progress=rows.get(a.pk, Progress()),
                links=counts.get(a.pk, support_links.AxisCounts()) if with_links else None,
            )
            for a in axes
        ],
    )


@dataclass
class PlanRow:
    plan: SupportPlan
    progress: Progress
    next_meeting: datetime.date | None


def programme_rows(plans, today: datetime.date | None = None) -> list[PlanRow]:
    """One row per plan of ``plans`` (already scoped to the user) with its figures and next
    meeting, in one query."""
    today = today or timezone.localdate()
    next_meeting = Subquery(
        Meeting.objects.filter(plan=OuterRef("pk"), held_on__gte=today)
        .order_by("held_on")
        .values("held_on")[:1]
    )
    annotated = (
        plans.select_related("label__perimeter", "label__wave")
        .annotate(**_aggregates("actions__", today))
        .annotate(next_meeting=next_meeting)
        .order_by("label__perimeter__name")
    )
    return [
        PlanRow(plan=p, progress=_progress(p.__dict__), next_meeting=p.next_meeting)
        for p in annotated
    ]


def programme_totals(rows: list[PlanRow]) -> Progress:
    total = Progress()
    for row in rows:
        for name in Progress.__dataclass_fields__:
            setattr(total, name, getattr(total, name) + getattr(row.progress, name))
    return total


@dataclass
class TimelineItem:
    day: datetime.date
    kind: str  # "action_start", "action_due", "milestone", "meeting"
    obj: object
    late: bool = False


def timeline(plan: SupportPlan, today: datetime.date | None = None) -> list[TimelineItem]:
    """Actions (start and due dates), milestones and meetings of the plan, by date. Three
    queries."""
    today = today or timezone.localdate()
    items: list[TimelineItem] = []
    for action in Action.objects.filter(plan=plan).select_related("axis"):
        if action.starts_on:
            items.append(TimelineItem(action.starts_on, "action_start", action))
        if action.due_on:
            items.append(
                TimelineItem(action.due_on, "action_due", action, late=action.is_late_on(today))
            )
    for milestone in Milestone.objects.filter(plan=plan).select_related("action"):
        late = milestone.reached_on is None and milestone.due_on < today
        items.append(TimelineItem(milestone.due_on, "milestone", milestone, late=late))
    for meeting in Meeting.objects.filter(plan=plan):
        items.append(TimelineItem(meeting.held_on, "meeting", meeting))
    order = {"meeting": 0, "milestone": 1, "action_start": 2, "action_due": 3}
    items.sort(key=lambda i: (i.day, order[i.kind], i.obj.pk))
    return items


def application_links(*, application, user) -> list[dict]:
    """The support plan the application's label opened, for those who may see it: for the
    ``application_links`` hook."""
    plan = (
        SupportPlan.objects.select_related("label__application")
        .filter(label__application=application)
        .first()
    )
    if plan is None or not support_rules.can_view_plan(user, plan):
        return []
    return [
        {"label": _("Le plan d'accompagnement"), "url": reverse("support:plan", args=[plan.pk])}
    ]
