"""Published aggregates as open data: the same rows for the API, the CSV and the JSON files.
Only published values count; ``level`` is "programme" or "territory". They are read from the
yearly summary (``models.YearlyFigure``, kept by the services that publish and correct values),
not from every measurement."""

from essaim.impact import aggregates
from essaim.impact.models import Indicator, YearlyFigure
from essaim.labels.models import Label

LEVELS = ("programme", "territory")
COLUMNS = (
    "programme",
    "territory",
    "territory_slug",
    "indicator",
    "indicator_name",
    "unit",
    "aggregation",
    "year",
    "value",
    "values_counted",
)


def published_rows(
    *, programme=None, level: str = "programme", year: int | None = None, label=None
) -> list[dict]:
    """The published figures; ``label``: one territory's only (at the territory level)."""
    summaries = YearlyFigure.objects.all()
    if label is not None:
        summaries = summaries.filter(label=label)
    indicators = Indicator.objects.select_related("programme")
    if programme is not None:
        summaries = summaries.filter(label__programme=programme)
        indicators = indicators.filter(programme=programme)
    if year is not None:
        summaries = summaries.filter(year=year)
    indicators = {i.pk: i for i in indicators}
    figures = aggregates.aggregate_summary(
        summaries, level=level, indicators=list(indicators.values())
    )
    labels = {}
    if level == "territory":
        labels = Label.objects.select_related("perimeter").in_bulk(
            sorted({f.group_id for f in figures})
        )
    rows = []
    for figure in figures:
        indicator = indicators.get(figure.indicator_id)
        if indicator is None or figure.value is None:
            continue
        label = labels.get(figure.group_id)
        rows.append(
            {
                "programme": indicator.programme.slug,
                "territory": label.perimeter.name if label else "",
                "territory_slug": label.perimeter.slug if label else "",
                "indicator": indicator.code,
                "indicator_name": indicator.name,
                "unit": indicator.unit,
                "aggregation": indicator.aggregation,
                "year": figure.year,
                "value": figure.value,
                "values_counted": figure.count,
            }
        )
    rows.sort(key=lambda r: (r["programme"], r["territory"], r["indicator"], r["year"]))
    return rows
