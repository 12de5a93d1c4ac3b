"""Evaluation reports: what a report shows, and its generation in the background.

A report (``models.Report``) of a programme for one year, for one labelled territory or the whole
programme, shows:

- the **key figures** of the year against their targets (met or not, by the indicator's
  direction);
- each indicator's **series against its targets** (``charts.series_chart``, the same SVG as the
  territory page), followed by the same figures as a table;
- the **breakdowns** of the year (e.g. by sex, age band) of the indicators that have them and are
  summed, as bars and a table;
- a **map** of the territories with their value of the headline indicator: a disc in the
  département holding most of each territory's communes, its area growing with the value, over
  the départements' outlines (``essaim.geo.shapes``); a territory's report shows that territory
  only (its people may not see the others' figures); followed by a table;
- the team's **narrative sections**.

Figures are the counted values (not rejected) as they stand at generation: publishing a report
publishes its snapshot. The HTML snapshot (``Report.html``) is shown on the report's page; the PDF
is made from the same HTML by WeasyPrint, as the label certificates and the support plans are.

``generate_report`` is a ``django.tasks`` task run by ``essaim worker`` (the tests run it
immediately): it claims a queued report, updates its progress after each step, and records a
failure with its reason (the report may be generated again).
"""

import logging
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from essaim.core.services import history_record
from essaim.geo import queries as geo_queries
from essaim.geo.shapes import METRO_VIEW_BOX, departement_shapes
from essaim.impact import aggregates, charts, queries
from essaim.impact.history import ReportAction
from essaim.impact.models import (
    Aggregation,
    Direction,
    Indicator,
    Measurement,
    Report,
    ReportStatus,
    Target,
)
from essaim.labels.models import Label

logger = logging.getLogger(__name__)
HEADLINE_CODES = ("emplois-crees", "projets-accompagnes", "personnes-touchees")
MAP_RADIUS = (6.0, 28.0)
BAR_WIDTH, BAR_ROW = 360, 22


# --- Narrative text -----------------------------------------------------------------------------


def render_text(body: str) -> str:
    """A section's text as HTML, escaped: blank lines make paragraphs, lines starting with "- "
    a list, ``**words**`` bold. Nothing else is interpreted."""
    blocks = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append(f"<p>{'<br>'.join(_inline(line) for line in lines)}</p>")
    return mark_safe("".join(blocks))  # noqa: S308 - every piece escaped above


def _inline(text: str) -> str:
    parts = escape(text).split("**")
    return "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts))


# --- Content ------------------------------------------------------------------------------------


@dataclass
class KeyFigure:
    indicator: Indicator
    value: Decimal | None
    target: Decimal | None

    @property
    def share(self) -> int | None:
        if self.value is None or not self.target:
            return None
        return round(100 * self.value / self.target)

    @property
    def met(self) -> bool | None:
        if self.value is None or self.target is None:
            return None
        if self.indicator.direction == Direction.LOWER:
            return self.value <= self.target
        return self.value >= self.target


@dataclass
class Breakdown:
    indicator: Indicator
    rows: list[tuple[str, Decimal]]
    bars: list[dict] = field(default_factory=list)
    height: int = 0


@dataclass
class MapPoint:
    label: Label
    value: Decimal | None
    cx: float | None = None
    cy: float | None = None
    r: float | None = None
    highlighted: bool = False


def _programme_series(programme, measurements, indicators) -> list[queries.Series]:
    """The programme's yearly figures (each indicator's rule over every territory's rows)
    beside the sum of its territories' targets for summed indicators."""
    figures = aggregates.aggregate(
        measurements.filter(label__programme=programme), level="programme", indicators=indicators
    )
    values = {(f.indicator_id, f.year): f.value for f in figures}
    summed = [i.pk for i in indicators if i.aggregation == Aggregation.SUM]
    targets = {
        (row["plan__indicator_id"], row["year"]): row["total"]
        for row in Target.objects.filter(
            plan__indicator_id__in=summed,
            plan__label__programme=programme,
            plan__project__isnull=True,
        )
        .values("plan__indicator_id", "year")
        .annotate(total=Sum("value"))
        .order_by()
    }
    result = []
    for indicator in indicators:
        years = sorted({y for (i, y) in values if i == indicator.pk})
        years = sorted(set(years) | {y for (i, y) in targets if i == indicator.pk})
        if not years:
            continue
        result.append(
            queries.Series(
                indicator=indicator,
                plan=None,
                points=[
                    queries.SeriesPoint(
                        year, values.get((indicator.pk, year)), targets.get((indicator.pk, year))
                    )
                    for year in years
                ],
            )
        )
    return result


def _breakdowns(report: Report, measurements, indicators) -> list[Breakdown]:
    """The year's breakdown cells of the summed indicators that have breakdowns: one query."""
    with_dims = {i.pk: i for i in indicators if i.breakdowns and i.aggregation == Aggregation.SUM}
    if not with_dims:
        return []
    if report.label_id:
        measurements = measurements.filter(label_id=report.label_id)
    else:
        measurements = measurements.filter(label__programme_id=report.programme_id)
    rows = (
        measurements.filter(indicator_id__in=list(with_dims), year=report.year)
        .exclude(breakdown_key="")
        .values("indicator_id", "breakdown_key")
        .annotate(total=Sum("value"))
        .order_by("indicator_id", "breakdown_key")
    )
    grouped: dict[int, list[tuple[str, Decimal]]] = {}
    for row in rows:
        cell = row["breakdown_key"].replace(";", ", ").replace("=", " : ")
        grouped.setdefault(row["indicator_id"], []).append((cell, row["total"]))
    result = []
    for indicator_id, cells in grouped.items():
        top = max([abs(v) for _cell, v in cells] + [Decimal(1)])
        bars = [
            {
                "y": i * BAR_ROW,
                "text_y": i * BAR_ROW + 15,
                "width": f"{float(abs(v)) / float(top) * BAR_WIDTH:.1f}",
                "cell": cell,
                "value": v,
            }
            for i, (cell, v) in enumerate(cells)
        ]
        result.append(Breakdown(with_dims[indicator_id], cells, bars, len(cells) * BAR_ROW))
    return result


def _headline(indicators) -> Indicator | None:
    by_code = {i.code: i for i in indicators}
    for code in HEADLINE_CODES:
        if code in by_code:
            return by_code[code]
    return next((i for i in indicators if i.aggregation == Aggregation.SUM), None)


def _map(report: Report, measurements, headline: Indicator | None) -> dict | None:
    """Territories with their value of the headline indicator for the year (three queries)."""
    if headline is None:
        return None
    labels = Label.objects.filter(programme_id=report.programme_id).select_related("perimeter")
    if report.label_id:
        labels = labels.filter(pk=report.label_id)
    labels = list(labels.order_by("perimeter__name"))
    figures = aggregates.aggregate(
        measurements.filter(label__in=labels, year=report.year),
        level="territory",
        indicators=[headline],
    )
    values = {f.group_id: f.value for f in figures}
    counts = geo_queries.perimeter_departement_counts({lb.perimeter_id for lb in labels})
    shapes = departement_shapes()
    top = max([abs(v) for v in values.values() if v is not None] + [Decimal(1)])
    points = []
    for label in labels:
        point = MapPoint(label, values.get(label.pk), highlighted=label.pk == report.label_id)
        per_dep = counts.get(label.perimeter_id, {})
        metro = {c: n for c, n in per_dep.items() if c in shapes and not shapes[c].overseas}
        if metro and point.value is not None:
            code = max(metro, key=lambda c: (metro[c], c))
            small, large = MAP_RADIUS
            share = math.sqrt(float(abs(point.value)) / float(top))
            point.cx, point.cy = shapes[code].centre
            point.r = round(small + (large - small) * share, 1)
        points.append(point)
    return {
        "indicator": headline,
        "view_box": METRO_VIEW_BOX,
        "background": [s.d for s in shapes.values() if not s.overseas],
        "points": points,
        "drawn": [p for p in points if p.r is not None],
    }


def report_context(report: Report) -> dict:
    """Everything the report's template shows. A fixed number of queries."""
    indicators = list(
        Indicator.objects.filter(programme_id=report.programme_id).select_related(
            "numerator", "denominator", "weight"
        )
    )
    measurements = Measurement.objects.counted()
    if report.label is not None:
        series = queries.territory_series(report.label, Measurement.objects.all())
    else:
        series = _programme_series(report.programme, measurements, indicators)
    key_figures = []
    for item in series:
        item.chart = charts.series_chart(item.points)
        point = next((p for p in item.points if p.year == report.year), None)
        if point is not None:
            key_figures.append(KeyFigure(item.indicator, point.value, point.target))
    return {
        "report": report,
        "programme": report.programme,
        "label": report.label,
        "key_figures": key_figures,
        "series": [s for s in series if s.points],
        "breakdowns": _breakdowns(report, measurements, indicators),
        "map": _map(report, measurements, _headline(indicators)),
        "sections": [
            {"title": s.title, "html": render_text(s.body)}
            for s in report.sections.order_by("position", "pk")
        ],
        "generated_at": timezone.now(),
    }


def report_html(report: Report, context: dict | None = None) -> str:
    """The report's body (the snapshot shown on its page), in French."""
    with translation.override("fr"):
        return render_to_string("impact/reports/_body.html", context or report_context(report))


def report_pdf(report: Report, body: str, *, compress: bool = True) -> bytes:
    from weasyprint import HTML

    with translation.override("fr"):
        document = render_to_string(
            "impact/reports/document.html",
            {"report": report, "body": mark_safe(body)},  # noqa: S308 - our own rendering
        )
    return HTML(string=document).write_pdf(uncompressed_pdf=not compress)


# --- Generation ---------------------------------------------------------------------------------


def _progress(report: Report, percent: int, step: str) -> None:
    """Written at once (outside any transaction), so that the page shows it while the rest
    runs."""
    Report.objects.filter(pk=report.pk).update(progress=percent, step=step[:200])


def _claim(report_pk: int) -> Report | None:
    """The queued report, now running; None if it is not queued (already taken, or done)."""
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("programme", "label__perimeter", "label__application")
            .filter(pk=report_pk)
            .first()
        )
        if report is None or report.status != ReportStatus.QUEUED:
            return None
        report.status = ReportStatus.RUNNING
        report.progress = 5
        report.step = _("Démarrage")
        report.save(update_fields=["status", "progress", "step", "updated_at"])
    return report


def run_generation(report_pk: int) -> bool:
    """Generate a queued report: figures, charts, HTML, PDF. On failure the report says why."""
    report = _claim(report_pk)
    if report is None:
        return False
    try:
        _progress(report, 20, _("Calcul des chiffres clés et des séries"))
        context = report_context(report)
        _progress(report, 50, _("Mise en page du rapport"))
        body = report_html(report, context)
        _progress(report, 70, _("Fabrication du PDF"))
        pdf = report_pdf(report, body)
        _progress(report, 90, _("Enregistrement"))
        with transaction.atomic():
            if report.pdf:
                report.pdf.delete(save=False)
            report.pdf.save(f"rapport-{report.pk}-{report.year}.pdf", ContentFile(pdf), save=False)
            Report.objects.filter(pk=report.pk).update(
                status=ReportStatus.DONE,
                progress=100,
                step="",
                error="",
                html=body,
                pdf=report.pdf.name,
                generated_at=timezone.now(),
            )
            history_record(
                obj=report,
                user=None,
                action=ReportAction.GENERATED,
                from_state=ReportStatus.RUNNING,
                to_state=ReportStatus.DONE,
            )
    except Exception as exc:
        logger.exception("Report %s could not be generated", report.pk)
        reason = f"{type(exc).__name__}: {exc}"[:2000]
        with transaction.atomic():
            Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error=reason)
            history_record(
                obj=report,
                user=None,
                action=ReportAction.FAILED,
                from_state=ReportStatus.RUNNING,
                to_state=ReportStatus.FAILED,
                comment=reason,
            )
        return False
    return True


@task()
def generate_report(*, report_pk: int) -> bool:
    """The background task queued by ``services_reports.report_generate``."""
    return run_generation(report_pk)
