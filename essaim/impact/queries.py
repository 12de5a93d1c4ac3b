"""Reads of impact data scoped to a user: territories one may see, campaign completion, a
territory's series against its targets."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from essaim.accounts import permissions
from essaim.impact import aggregates
from essaim.impact.models import (
    Campaign,
    Indicator,
    IndicatorPlan,
    Measurement,
    MeasurementStatus,
)
from essaim.labels.models import Label

LABEL_RELATED = ("perimeter", "programme", "application")


def territories_visible_to(user):
    """Labels whose figures ``user`` may see: the programme's staff, the collective's people."""
    staff = permissions.staff_programmes(user)
    collectives = permissions.territory_collectives(user)
    labels = Label.objects.select_related(*LABEL_RELATED).order_by("programme", "perimeter__name")
    if staff.every:
        return labels
    if not staff and not collectives:
        return labels.none()
    return labels.filter(staff.q("programme") | collectives.q("application__collective"))


@dataclass
class CompletionRow:
    label: Label
    expected: int
    reported: int
    flagged: int

    @property
    def complete(self) -> bool:
        return self.reported >= self.expected

    @property
    def share(self) -> int:
        return round(100 * self.reported / self.expected) if self.expected else 100


def campaign_completion(campaign: Campaign) -> list[CompletionRow]:
    """Per territory of the campaign: how many of its indicators have at least one value
    (territory's own or a project's) in the campaign — one query."""
    indicator_ids = list(campaign.indicators.values_list("pk", flat=True))
    in_campaign = (
        Q(impact_measurements__campaign=campaign)
        & Q(impact_measurements__indicator_id__in=indicator_ids)
        & ~Q(impact_measurements__status=MeasurementStatus.REJECTED)
    )
    labels = (
        campaign.labels.select_related("perimeter")
        .annotate(
            reported=Count("impact_measurements__indicator", filter=in_campaign, distinct=True),
            flagged=Count(
                "impact_measurements",
                filter=in_campaign & Q(impact_measurements__status=MeasurementStatus.FLAGGED),
            ),
        )
        .order_by("perimeter__name")
    )
    return [
        CompletionRow(
            label=label, expected=len(indicator_ids), reported=label.reported, flagged=label.flagged
        )
        for label in labels
    ]


def late_rows(campaign: Campaign, rows: list[CompletionRow], today: datetime.date):
    """Territories that have not reported everything once the due date has passed."""
    if today <= campaign.due_on:
        return []
    return [row for row in rows if not row.complete]


@dataclass
class SeriesPoint:
    year: int
    value: Decimal | None
    target: Decimal | None


@dataclass
class Series:
    indicator: Indicator
    plan: IndicatorPlan | None
    points: list[SeriesPoint] = field(default_factory=list)

    @property
    def has_values(self) -> bool:
        return any(p.value is not None for p in self.points)


def territory_series(label: Label, measurements) -> list[Series]:
    """For each indicator of the territory's programme that has a plan or values: its yearly
    figure (the rule, over the territory's counted values) beside its target. A fixed number of
    queries whatever the number of indicators."""
    indicators = list(
        Indicator.objects.filter(programme_id=label.programme_id).select_related(
            "numerator", "denominator", "weight"
        )
    )
    figures = aggregates.aggregate(
        measurements.filter(label=label).counted(), level="territory", indicators=indicators
    )
    values = {(f.indicator_id, f.year): f.value for f in figures}
    plans = {
        plan.indicator_id: plan
        for plan in IndicatorPlan.objects.filter(
            label=label, project__isnull=True
        ).prefetch_related("targets")
    }
    result = []
    for indicator in indicators:
        plan = plans.get(indicator.pk)
        targets = {t.year: t.value for t in plan.targets.all()} if plan else {}
        years = sorted({y for (i, y) in values if i == indicator.pk} | set(targets))
        if not years and plan is None:
            continue
        result.append(
            Series(
                indicator=indicator,
                plan=plan,
                points=[
                    SeriesPoint(year, values.get((indicator.pk, year)), targets.get(year))
                    for year in years
                ],
            )
        )
    return result


def public_measurements():
    return Measurement.objects.published()
