"""Aggregation from projects to territory to programme, each indicator by its own rule, in the
database (one grouped query per rule; one per ratio indicator).

The unit of aggregation is the **row**: a measurement entered for the territory itself (no
project) counts the activity not attributed to a project, beside its projects' rows. For an
indicator, a year and a group (a project, a territory, a programme), over the rows of the totals
(no breakdown cell) that count (not rejected; published only for the public):

- ``sum``: the sum of the values;
- ``mean``: the mean of the rows' values (the programme's mean is the mean over every reporting
  row, not the mean of the territories' means);
- ``weighted_mean``: ``Σ(value × weight) / Σ(weight)`` — each row carries its weight;
- ``ratio``: ``Σ(numerator) / Σ(denominator)`` over the rows of its two indicators — a ratio is
  never summed nor averaged;
- ``last``: the values of the latest period reported in the year within the group, summed (a
  stock, e.g. jobs in place at the end of the year, taken once).

Every level applies the rule to the rows themselves, so a programme's figure is the rule applied
to its territories' rows: its sum is the sum of the territories' sums, its ratio the ratio of
their summed terms.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import Cast, NullIf

from essaim.impact.models import VALUE_DIGITS, VALUE_PLACES, Aggregation, Indicator

LEVELS = {
    "project": "project_id",
    "territory": "label_id",
    "programme": "label__programme_id",
}
QUANTUM = Decimal(1).scaleb(-VALUE_PLACES)


def _dividend(expression):
    """SQLite stores whole decimals as integers and divides them as integers (7 / 2 = 3): there,
    the dividend is made a real. PostgreSQL divides its numerics exactly."""
    if connection.vendor == "sqlite":
        return Cast(expression, FloatField())
    return expression


def _decimal() -> DecimalField:
    return DecimalField(max_digits=VALUE_DIGITS + 10, decimal_places=VALUE_PLACES)


@dataclass(frozen=True)
class Figure:
    indicator_id: int
    year: int
    group_id: int  # the project's, label's or programme's id, by level
    value: Decimal | None
    count: int


def _figure(row: dict, group: str) -> Figure:
    value = row["value"]
    if value is not None:
        value = Decimal(value).quantize(QUANTUM)
    return Figure(row["indicator_id"], row["year"], row[group], value, row["count"])


def aggregate(
    measurements: QuerySet, *, level: str, indicators: list[Indicator] | None = None
) -> list[Figure]:
    """The figures of ``measurements`` (already narrowed: visible, counted or published,
    programme, years…) at ``level`` ("project", "territory" or "programme"), for ``indicators``
    (every rule when None: pass them to bound the ratio queries)."""
    group = LEVELS[level]
    base = measurements.filter(breakdown_key="").order_by()
    if level == "project":
        base = base.filter(project__isnull=False)
    keys = ("indicator_id", "year", group)
    figures: list[Figure] = []

    wanted = None if indicators is None else {i.pk for i in indicators}
    if wanted is not None:
        base_for_rules = base.filter(indicator_id__in=sorted(wanted))
    else:
        base_for_rules = base

    def grouped(name: str):
        return base_for_rules.filter(indicator__aggregation=name).values(*keys)

    for row in grouped(Aggregation.SUM).annotate(value=Sum("value"), count=Count("pk")):
        figures.append(_figure(row, group))
    for row in grouped(Aggregation.MEAN).annotate(
        value=Avg("value", output_field=_decimal()), count=Count("pk")
    ):
        figures.append(_figure(row, group))
    weighted = ExpressionWrapper(F("value") * F("weight"), output_field=_decimal())
    for row in grouped(Aggregation.WEIGHTED_MEAN).annotate(
        value=ExpressionWrapper(
            _dividend(Sum(weighted)) / NullIf(Sum("weight"), 0), output_field=_decimal()
        ),
        count=Count("pk"),
    ):
        figures.append(_figure(row, group))
    # The latest period of each group, by a window function over the group (one pass), not a
    # correlated subquery per row.
    latest_rows = (
        grouped(Aggregation.LAST)
        .annotate(
            latest=Window(Max("period_end"), partition_by=[F(key) for key in keys]),
        )
        .filter(period_end=F("latest"))
        .values("pk")
    )
    for row in (
        base.filter(pk__in=latest_rows)
        .values(*keys)
        .annotate(value=Sum("value"), count=Count("pk"))
    ):
        figures.append(_figure(row, group))
    ratios = Indicator.objects.filter(aggregation=Aggregation.RATIO)
    if wanted is not None:
        ratios = ratios.filter(pk__in=sorted(wanted))
    for ratio in ratios.only("pk", "numerator_id", "denominator_id"):
        figures.extend(_ratio(base, ratio, group))
    figures.sort(key=lambda f: (f.indicator_id, f.group_id, f.year))
    return figures


def _ratio(base: QuerySet, ratio: Indicator, group: str) -> list[Figure]:
    numerator, denominator = ratio.numerator_id, ratio.denominator_id
    rows = (
        base.filter(indicator_id__in=[numerator, denominator])
        .values("year", group)
        .annotate(
            num=Sum("value", filter=Q(indicator_id=numerator)),
            den=Sum("value", filter=Q(indicator_id=denominator)),
            count=Count("pk"),
        )
        .annotate(
            value=ExpressionWrapper(
                _dividend(F("num")) / NullIf(F("den"), 0), output_field=_decimal()
            )
        )
        .filter(num__isnull=False, den__isnull=False)
    )
    return [_figure({**row, "indicator_id": ratio.pk}, group) for row in rows]


def by_key(figures: list[Figure]) -> dict[tuple[int, int, int], Figure]:
    """``{(indicator_id, group_id, year): figure}``."""
    return {(f.indicator_id, f.group_id, f.year): f for f in figures}
