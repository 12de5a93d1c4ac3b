"""Axes 4 to 6 of a support plan: an action links to the introductions, events, indicators and
campaigns it drives (``action_links_set``, the only write), and the plan reads their state
(``linked_states``: the action's page, the per-axis counts of the plan's progress).

Support sits above ``synergies`` and ``impact`` in the flow (``docs/architecture.md``): it reads
their models and queries; they know nothing of support.

Only an action of an axis that takes links (``SupportAxis.takes_links``: the seed's axes 4 to 6,
set in the programme's axes settings or its configuration file) links to anything; the others
keep no link (an empty list is accepted, to clear what a former axis linked).

What may be linked to an action of a plan:

- an introduction whose project is in the plan's territory (the label's perimeter, or the
  territory's collective);
- an event, an indicator or a campaign of the plan's programme.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from essaim.core.services import history_record
from essaim.impact import aggregates
from essaim.impact.models import (
    Campaign,
    Direction,
    Indicator,
    IndicatorPlan,
    Measurement,
    MeasurementStatus,
)
from essaim.support import rules
from essaim.support.history import ActionEvent
from essaim.support.models import Action, SupportPlan
from essaim.synergies.models import Event, Introduction, IntroductionStatus

KINDS = ("introductions", "events", "indicators", "campaigns")


# --- What may be linked -------------------------------------------------------------------------


def territory_projects_q(plan: SupportPlan, prefix: str = "project__") -> Q:
    """The projects of the plan's territory: its perimeter, or its collective."""
    label = plan.label
    query = Q(**{f"{prefix}perimeter_id": label.perimeter_id})
    if label.application.collective_id:
        query |= Q(**{f"{prefix}collective_id": label.application.collective_id})
    return query


def linkable(plan: SupportPlan, kind: str):
    """The objects of ``kind`` an action of ``plan`` may link to."""
    programme_id = plan.label.programme_id
    if kind == "introductions":
        return Introduction.objects.filter(territory_projects_q(plan)).select_related(
            "project", "company"
        )
    if kind == "events":
        return Event.objects.filter(programme_id=programme_id)
    if kind == "indicators":
        return Indicator.objects.filter(programme_id=programme_id)
    if kind == "campaigns":
        return Campaign.objects.filter(programme_id=programme_id)
    raise ValueError(kind)


MESSAGES = {
    "introductions": gettext_lazy("mise en relation d'un projet hors du territoire du plan"),
    "events": gettext_lazy("rencontre d'un autre programme"),
    "indicators": gettext_lazy("indicateur d'un autre programme"),
    "campaigns": gettext_lazy("campagne d'un autre programme"),
}


def _pks(values) -> list[int]:
    return sorted({int(getattr(v, "pk", v)) for v in values})


@transaction.atomic
def action_links_set(*, user, action: Action, **links) -> Action:
    """Set what the action drives: ``introductions=``, ``events=``, ``indicators=``,
    ``campaigns=`` (objects or ids; a kind not given is left unchanged). Those who co-build the
    plan only; only on an axis that takes links (any other axis: an empty list only); each
    object must be of the plan's territory or programme. One history row lists the changes
    (before, after)."""
    if not rules.can_edit_plan(user, action.plan):
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce plan d'accompagnement."))
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("plan__label__application", "axis")
        .get(pk=action.pk)
    )
    errors: dict[str, str] = {}
    if not action.axis.takes_links:
        refused = [kind for kind, values in links.items() if kind in KINDS and values]
        if refused:
            raise ValidationError(
                {
                    kind: _(
                        "Lien refusé : l'axe « %(axis)s » ne relie ni mises en relation, ni "
                        "rencontres, ni indicateurs, ni campagnes (seuls les axes synergies, "
                        "impact et entreprises engagées le font)."
                    )
                    % {"axis": action.axis.title}
                    for kind in refused
                }
            )
    wanted: dict[str, list[int]] = {}
    for kind, values in links.items():
        if kind not in KINDS:
            raise ValidationError({kind: _("Ce champ ne peut pas être modifié ici.")})
        if values is None:
            continue
        pks = _pks(values)
        allowed = set(linkable(action.plan, kind).filter(pk__in=pks).values_list("pk", flat=True))
        if set(pks) - allowed:
            message = MESSAGES[kind]
            errors[kind] = _("Lien refusé : %(what)s (n° %(ids)s).") % {
                "what": message,
                "ids": ", ".join(str(pk) for pk in sorted(set(pks) - allowed)),
            }
        wanted[kind] = pks
    if errors:
        raise ValidationError(errors)
    changes = {}
    for kind, pks in wanted.items():
        manager = getattr(action, kind)
        before = sorted(manager.values_list("pk", flat=True))
        if before != pks:
            manager.set(pks)
            changes[kind] = [before, pks]
    if changes:
        history_record(obj=action, user=user, action=ActionEvent.LINKED, payload=changes)
    return action


# --- Their state --------------------------------------------------------------------------------


@dataclass
class IndicatorState:
    indicator: Indicator
    year: int | None = None
    value: Decimal | None = None
    target: Decimal | None = None

    @property
    def on_target(self) -> bool:
        if self.value is None or self.target is None:
            return False
        if self.indicator.direction == Direction.LOWER:
            return self.value <= self.target
        return self.value >= self.target


@dataclass
class CampaignState:
    campaign: Campaign
    expected: int
    reported: int

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.reported >= self.expected


@dataclass
class AxisCounts:
    introductions_done: int = 0
    introductions: int = 0
    events_held: int = 0
    events: int = 0
    attendees: int = 0
    indicators_on_target: int = 0
    indicators: int = 0
    campaigns_complete: int = 0
    campaigns: int = 0

    @property
    def any(self) -> bool:
        return bool(self.introductions or self.events or self.indicators or self.campaigns)


@dataclass
class LinkedStates:
    """Per kind: ``{object id: state}``, and ``{action id: [object ids]}``."""

    objects: dict[str, dict] = field(default_factory=dict)
    by_action: dict[str, dict[int, list[int]]] = field(default_factory=dict)
    axis_of: dict[int, int] = field(default_factory=dict)

    def for_action(self, action_id: int, kind: str) -> list:
        return [self.objects[kind][pk] for pk in self.by_action[kind].get(action_id, [])]

    def axis_counts(self) -> dict[int, AxisCounts]:
        """Per axis: each linked object counted once, whatever the number of its actions."""
        per_axis: dict[int, dict[str, set[int]]] = {}
        for kind in KINDS:
            for action_id, pks in self.by_action[kind].items():
                axis = per_axis.setdefault(self.axis_of[action_id], {k: set() for k in KINDS})
                axis[kind].update(pks)
        now = timezone.now()
        result = {}
        for axis_id, sets in per_axis.items():
            intros = [self.objects["introductions"][pk] for pk in sets["introductions"]]
            events = [self.objects["events"][pk] for pk in sets["events"]]
            indicators = [self.objects["indicators"][pk] for pk in sets["indicators"]]
            campaigns = [self.objects["campaigns"][pk] for pk in sets["campaigns"]]
            result[axis_id] = AxisCounts(
                introductions_done=sum(i.status == IntroductionStatus.DONE for i in intros),
                introductions=len(intros),
                events_held=sum(e.starts_at <= now for e in events),
                events=len(events),
                attendees=sum(e.attendees for e in events),
                indicators_on_target=sum(s.on_target for s in indicators),
                indicators=len(indicators),
                campaigns_complete=sum(s.complete for s in campaigns),
                campaigns=len(campaigns),
            )
        return result


def _indicator_states(plan: SupportPlan, pks: set[int]) -> dict[int, IndicatorState]:
    """Each indicator's latest yearly figure for the plan's territory (impact's aggregation, by
    the indicator's rule) beside the territory's target for that year."""
    if not pks:
        return {}
    label = plan.label
    indicators = list(
        Indicator.objects.filter(pk__in=pks).select_related("numerator", "denominator", "weight")
    )
    figures = aggregates.aggregate(
        Measurement.objects.filter(label_id=label.pk).counted(),
        level="territory",
        indicators=indicators,
    )
    latest: dict[int, tuple[int, Decimal | None]] = {}
    for figure in figures:
        if figure.indicator_id not in latest or figure.year > latest[figure.indicator_id][0]:
            latest[figure.indicator_id] = (figure.year, figure.value)
    targets: dict[tuple[int, int], Decimal] = {}
    for plan_row in IndicatorPlan.objects.filter(
        label_id=label.pk, project__isnull=True, indicator_id__in=pks
    ).prefetch_related("targets"):
        for target in plan_row.targets.all():
            targets[(plan_row.indicator_id, target.year)] = target.value
    states = {}
    for indicator in indicators:
        year, value = latest.get(indicator.pk, (None, None))
        states[indicator.pk] = IndicatorState(
            indicator, year, value, targets.get((indicator.pk, year)) if year else None
        )
    return states


def _campaign_states(plan: SupportPlan, pks: set[int]) -> dict[int, CampaignState]:
    """Each campaign's completion for the plan's territory: how many of its indicators have a
    value (not rejected) of the territory in the campaign. One query."""
    if not pks:
        return {}
    reported = (
        Measurement.objects.filter(
            campaign_id=OuterRef("pk"),
            label_id=plan.label_id,
            indicator__campaigns=OuterRef("pk"),
        )
        .exclude(status=MeasurementStatus.REJECTED)
        .order_by()
        .values("campaign_id")
        .annotate(n=Count("indicator_id", distinct=True))
        .values("n")
    )
    campaigns = Campaign.objects.filter(pk__in=pks).annotate(
        expected=Count("indicators", distinct=True),
        reported=Coalesce(Subquery(reported, output_field=IntegerField()), 0),
    )
    return {c.pk: CampaignState(c, c.expected, c.reported) for c in campaigns}


def linked_states(plan: SupportPlan, actions=None) -> LinkedStates:
    """The state of what ``actions`` (the plan's, by default) link to, in a fixed number of
    queries whatever the number of actions and links (four link tables, one query per kind,
    impact's aggregation)."""
    actions = Action.objects.filter(plan=plan) if actions is None else actions
    states = LinkedStates()
    wanted: dict[str, set[int]] = {}
    for kind in KINDS:
        through = getattr(Action, kind).through
        column = f"{getattr(Action, kind).field.m2m_reverse_field_name()}_id"
        rows = through.objects.filter(action__in=actions).values_list(
            "action_id", "action__axis_id", column
        )
        mapping: dict[int, list[int]] = {}
        for action_id, axis_id, pk in rows:
            mapping.setdefault(action_id, []).append(pk)
            states.axis_of[action_id] = axis_id
        states.by_action[kind] = mapping
        wanted[kind] = {pk for pks in mapping.values() for pk in pks}
    states.objects["introductions"] = (
        {
            i.pk: i
            for i in Introduction.objects.filter(pk__in=wanted["introductions"]).select_related(
                "project", "company"
            )
        }
        if wanted["introductions"]
        else {}
    )
    states.objects["events"] = (
        {
            e.pk: e
            for e in Event.objects.filter(pk__in=wanted["events"]).annotate(
                registered=Count("registrations", distinct=True),
                attendees=Count(
                    "registrations", filter=Q(registrations__attended=True), distinct=True
                ),
            )
        }
        if wanted["events"]
        else {}
    )
    states.objects["indicators"] = _indicator_states(plan, wanted["indicators"])
    states.objects["campaigns"] = _campaign_states(plan, wanted["campaigns"])
    for kind in KINDS:
        for pks in states.by_action[kind].values():
            pks.sort(key=lambda pk, kind=kind: _sort_key(states.objects[kind][pk]))
    return states


def _sort_key(state) -> str:
    obj = getattr(state, "indicator", None) or getattr(state, "campaign", None) or state
    if isinstance(obj, Event):
        return obj.starts_at.isoformat()
    return str(obj).lower()
