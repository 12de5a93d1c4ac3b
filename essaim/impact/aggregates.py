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
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Q,
    QuerySet,
    Sum,
    When,
    Window,
)
from django.db.models.functions import Cast, NullIf

from essaim.impact.models import VALUE_DIGITS, VALUE_PLACES, Aggregation, Indicator, YearlyFigure

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
    (all of them when None: one more query). Three grouped queries whatever the number of
    indicators: sums, means and weighted means in one (each group's rule picked by a ``CASE`` on
    its indicator), last values in one (a window function), every ratio in one."""
    group = LEVELS[level]
    base = measurements.filter(breakdown_key="").order_by()
    if level == "project":
        base = base.filter(project__isnull=False)
    if indicators is None:
        indicators = list(Indicator.objects.only("pk", "aggregation", "numerator", "denominator"))
    by_rule: dict[str, list[int]] = {rule: [] for rule in Aggregation.values}
    for indicator in indicators:
        by_rule[indicator.aggregation].append(indicator.pk)
    keys = ("indicator_id", "year", group)
    figures: list[Figure] = []

    direct = (
        by_rule[Aggregation.SUM] + by_rule[Aggregation.MEAN] + by_rule[Aggregation.WEIGHTED_MEAN]
    )
    if direct:
        # Each rule's aggregate reads only its own indicators' rows (FILTER): the database
        # computes every aggregate of a group before the CASE picks one.
        means = Q(indicator_id__in=by_rule[Aggregation.MEAN] or [0])
        weights = Q(indicator_id__in=by_rule[Aggregation.WEIGHTED_MEAN] or [0])
        weighted = ExpressionWrapper(F("value") * F("weight"), output_field=_decimal())
        value = Case(
            When(indicator_id__in=by_rule[Aggregation.SUM] or [0], then=Sum("value")),
            When(means, then=Avg("value", filter=means, output_field=_decimal())),
            default=_dividend(Sum(weighted, filter=weights))
            / NullIf(Sum("weight", filter=weights), 0),
            output_field=_decimal(),
        )
        rows = (
            base.filter(indicator_id__in=sorted(direct))
            .values(*keys)
            .annotate(value=value, count=Count("pk"))
        )
        figures += [_figure(row, group) for row in rows]
    if by_rule[Aggregation.LAST]:
        # The latest period of each group by a window function over the group (one pass), not
        # a correlated subquery per row.
        latest_rows = (
            base.filter(indicator_id__in=sorted(by_rule[Aggregation.LAST]))
            .annotate(latest=Window(Max("period_end"), partition_by=[F(key) for key in keys]))
            .filter(period_end=F("latest"))
            .values("pk")
        )
        rows = (
            base.filter(pk__in=latest_rows)
            .values(*keys)
            .annotate(value=Sum("value"), count=Count("pk"))
        )
        figures += [_figure(row, group) for row in rows]
    ratios = [i for i in indicators if i.aggregation == Aggregation.RATIO]
    if ratios:
        figures += _ratios(base, ratios, group)
    figures.sort(key=lambda f: (f.indicator_id, f.group_id, f.year))
    return figures


def _ratios(
    base: QuerySet, ratios: list[Indicator], group: str, *, value: str = "value", count=None
) -> list[Figure]:
    """Every ratio in one grouped query: for each, Σ(numerator) / Σ(denominator) in the group.
    ``value`` is the summed column, ``count(filter)`` the number of rows (the summary's cells
    carry both already summed)."""
    count = count or (lambda only: Count("pk", filter=only))
    terms = sorted({i.numerator_id for i in ratios} | {i.denominator_id for i in ratios})
    annotations = {}
    for ratio in ratios:
        num = Sum(value, filter=Q(indicator_id=ratio.numerator_id))
        den = Sum(value, filter=Q(indicator_id=ratio.denominator_id))
        annotations[f"v{ratio.pk}"] = ExpressionWrapper(
            _dividend(num) / NullIf(den, 0), output_field=_decimal()
        )
        annotations[f"d{ratio.pk}"] = count(Q(indicator_id=ratio.denominator_id))
        annotations[f"u{ratio.pk}"] = count(Q(indicator_id=ratio.numerator_id))
    rows = base.filter(indicator_id__in=terms).values("year", group).annotate(**annotations)
    figures = []
    for row in rows:
        for ratio in ratios:
            if row[f"d{ratio.pk}"] and row[f"u{ratio.pk}"]:  # both terms reported
                figures.append(
                    _figure(
                        {
                            "indicator_id": ratio.pk,
                            "year": row["year"],
                            group: row[group],
                            "value": row[f"v{ratio.pk}"],
                            "count": row[f"d{ratio.pk}"] + row[f"u{ratio.pk}"],
                        },
                        group,
                    )
                )
    return figures


def aggregate_summary(
    summaries: QuerySet | None = None,
    *,
    level: str,
    indicators: list[Indicator] | None = None,
) -> list[Figure]:
    """The same figures as ``aggregate(Measurement.objects.published(), …)``, read from the
    yearly summary (``models.YearlyFigure``, already narrowed by the caller: programme, years…)
    instead of every measurement: a few thousand cells instead of millions of rows. Same rules,
    same arithmetic in the database (a mean is Σ(values) / Σ(counts), which is how ``AVG``
    divides; a weighted mean Σ(value × weight) / Σ(weight)); the last value's latest period is
    picked among the group's cells in Python (one row per series and year). Three queries."""
    group = LEVELS[level]
    base = (YearlyFigure.objects.all() if summaries is None else summaries).order_by()
    if level == "project":
        base = base.filter(project__isnull=False)
    if indicators is None:
        indicators = list(Indicator.objects.only("pk", "aggregation", "numerator", "denominator"))
    by_rule: dict[str, list[int]] = {rule: [] for rule in Aggregation.values}
    for indicator in indicators:
        by_rule[indicator.aggregation].append(indicator.pk)
    keys = ("indicator_id", "year", group)
    figures: list[Figure] = []
    direct = (
        by_rule[Aggregation.SUM] + by_rule[Aggregation.MEAN] + by_rule[Aggregation.WEIGHTED_MEAN]
    )
    if direct:
        means = Q(indicator_id__in=by_rule[Aggregation.MEAN] or [0])
        weights = Q(indicator_id__in=by_rule[Aggregation.WEIGHTED_MEAN] or [0])
        value = Case(
            When(indicator_id__in=by_rule[Aggregation.SUM] or [0], then=Sum("value_sum")),
            When(
                means,
                then=_dividend(Sum("value_sum", filter=means))
                / NullIf(Sum("count", filter=means), 0),
            ),
            default=_dividend(Sum("weighted_sum", filter=weights))
            / NullIf(Sum("weight_sum", filter=weights), 0),
            output_field=_decimal(),
        )
        rows = (
            base.filter(indicator_id__in=sorted(direct))
            .values(*keys)
            .annotate(value=value, count=Sum("count"))
        )
        figures += [_figure(row, group) for row in rows]
    if by_rule[Aggregation.LAST]:
        # Each cell knows its series' latest period: the group's latest period is the latest of
        # its cells', and its value the sum of the cells' values on that day.
        cells = (
            base.filter(indicator_id__in=sorted(by_rule[Aggregation.LAST]))
            .values_list(*keys, "last_period", "last_sum", "last_count")
            .order_by()
        )
        latest: dict[tuple, list] = {}
        for indicator_id, year, group_id, period, total, count in cells:
            key = (indicator_id, year, group_id)
            current = latest.get(key)
            if current is None or period > current[0]:
                latest[key] = [period, Decimal(total), count]
            elif period == current[0]:
                current[1] += Decimal(total)
                current[2] += count
        figures += [
            _figure(
                {"indicator_id": i, "year": y, group: g, "value": v, "count": n},
                group,
            )
            for (i, y, g), (_period, v, n) in latest.items()
        ]
    ratios = [i for i in indicators if i.aggregation == Aggregation.RATIO]
    if ratios:
        figures += _ratios(
            base, ratios, group, value="value_sum", count=lambda only: Sum("count", filter=only)
        )
    figures.sort(key=lambda f: (f.indicator_id, f.group_id, f.year))
    return figures


def by_key(figures: list[Figure]) -> dict[tuple[int, int, int], Figure]:
    """``{(indicator_id, group_id, year): figure}``."""
    return {(f.indicator_id, f.group_id, f.year): f for f in figures}
