"""The yearly summary of published figures (``models.YearlyFigure``): one row per series (a
territory's own rows or one project's), indicator and year, holding the terms of every
aggregation rule. ``refresh`` recomputes the cells a service touched, inside its transaction;
``rebuild`` recomputes everything (migration, benchmark, repair). Both compute the cells from the
measurements with the same two grouped queries, so the summary cannot drift from the rows."""

from django.db import connection, transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Max, Sum, Value, Window
from django.db.models.functions import Coalesce

from essaim.impact.models import (
    VALUE_DIGITS,
    VALUE_PLACES,
    Measurement,
    MeasurementStatus,
    YearlyFigure,
)
from essaim.labels.models import Label

KEYS = ("indicator_id", "label_id", "project_id", "year")
BATCH = 2000


def _decimal(places: int = VALUE_PLACES) -> DecimalField:
    return DecimalField(max_digits=VALUE_DIGITS * 2 + 10, decimal_places=places)


def _cells(measurements) -> list[YearlyFigure]:
    """The summary rows of ``measurements`` (any narrowing of the table): published totals."""
    base = measurements.filter(status=MeasurementStatus.PUBLISHED, breakdown_key="").order_by()
    zero = Value(0, output_field=_decimal())
    weighted = ExpressionWrapper(F("value") * F("weight"), output_field=_decimal(2 * VALUE_PLACES))
    terms = base.values(*KEYS).annotate(
        n=Count("pk"),
        value_sum=Sum("value"),
        weighted_sum=Coalesce(Sum(weighted), zero, output_field=_decimal(2 * VALUE_PLACES)),
        weight_sum=Coalesce(Sum("weight"), zero, output_field=_decimal()),
        last_period=Max("period_end"),
    )
    latest = (
        base.annotate(latest=Window(Max("period_end"), partition_by=[F(key) for key in KEYS]))
        .filter(period_end=F("latest"))
        .values("pk")
    )
    lasts = {
        tuple(row[key] for key in KEYS): row
        for row in base.filter(pk__in=latest)
        .values(*KEYS)
        .annotate(last_sum=Sum("value"), last_count=Count("pk"))
    }
    cells = []
    for row in terms:
        last = lasts[tuple(row[key] for key in KEYS)]
        cells.append(
            YearlyFigure(
                indicator_id=row["indicator_id"],
                label_id=row["label_id"],
                project_id=row["project_id"],
                year=row["year"],
                count=row["n"],
                value_sum=row["value_sum"],
                weighted_sum=row["weighted_sum"],
                weight_sum=row["weight_sum"],
                last_period=row["last_period"],
                last_sum=last["last_sum"],
                last_count=last["last_count"],
            )
        )
    return cells


def refresh(*, label_id: int, indicator_ids, years) -> int:
    """Recompute the territory's cells of ``indicator_ids`` × ``years`` (its projects' included),
    in the caller's transaction. The territory's label row is locked first: two services
    refreshing the same territory wait for each other instead of writing the same cells."""
    indicator_ids, years = sorted(set(indicator_ids)), sorted(set(years))
    if not indicator_ids or not years:
        return 0
    with transaction.atomic():
        list(Label.objects.select_for_update().filter(pk=label_id).values_list("pk"))
        scope = {"label_id": label_id, "indicator_id__in": indicator_ids, "year__in": years}
        YearlyFigure.objects.filter(**scope).delete()
        cells = _cells(Measurement.objects.filter(**scope))
        YearlyFigure.objects.bulk_create(cells, batch_size=BATCH)
    return len(cells)


def refresh_for(measurements) -> int:
    """Refresh the cells of these measurement rows (objects with label, indicator and year)."""
    by_label: dict[int, tuple[set, set]] = {}
    for m in measurements:
        indicators, years = by_label.setdefault(m.label_id, (set(), set()))
        indicators.add(m.indicator_id)
        years.add(m.year)
    return sum(
        refresh(label_id=label_id, indicator_ids=indicators, years=years)
        for label_id, (indicators, years) in sorted(by_label.items())
    )


# The whole summary in one pass over the table (a window gives each row its series' latest
# period). The same terms as ``_cells``; the migration that created the table runs it too.
REBUILD_SQL = """
INSERT INTO impact_yearlyfigure (
    indicator_id, label_id, project_id, year, count, value_sum, weighted_sum, weight_sum,
    last_period, last_sum, last_count)
SELECT indicator_id, label_id, project_id, year, COUNT(*), SUM(value),
       COALESCE(SUM(value * weight), 0), COALESCE(SUM(weight), 0), MAX(period_end),
       SUM(CASE WHEN period_end = latest THEN value ELSE 0 END),
       SUM(CASE WHEN period_end = latest THEN 1 ELSE 0 END)
FROM (
    SELECT indicator_id, label_id, project_id, year, value, weight, period_end,
           MAX(period_end) OVER (PARTITION BY indicator_id, label_id, project_id, year) AS latest
    FROM impact_measurement
    WHERE status = 'published' AND breakdown_key = ''
) AS rows
GROUP BY indicator_id, label_id, project_id, year
"""


def rebuild() -> int:
    """Recompute the whole summary from the measurements (repair; after a bulk load)."""
    with transaction.atomic():
        YearlyFigure.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(REBUILD_SQL)
    return YearlyFigure.objects.count()
