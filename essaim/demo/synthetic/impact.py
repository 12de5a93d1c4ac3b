"""Indicators and their measurements (PostgreSQL: one COPY; elsewhere bulk inserts), the yearly
summary rebuilt from them, and the search columns filled set-wise."""

import calendar
import json
from datetime import date

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone

from essaim.core.search import SEARCH_CONFIG, uses_postgres
from essaim.demo.synthetic.base import EPOCH, Run, bulk
from essaim.impact import services as impact_services
from essaim.impact import summary
from essaim.impact.models import Measurement, MeasurementStatus, YearlyFigure
from essaim.regulatory.models import Ticket

PROJECT_INDICATORS = 3  # series per project of a labelled territory
COLUMNS = (
    "indicator_id", "label_id", "project_id", "campaign_id", "period_end", "year", "value",
    "weight", "breakdown", "breakdown_key", "status", "flag_reason", "source", "channel",
    "comment", "author_id", "created_at", "updated_at", "is_fictitious",
)  # fmt: skip


def indicators(run: Run) -> int:
    """The starter library, loaded through impact's own service."""
    made = run.made
    loaded = impact_services.library_load(
        user=made["admin"], programme=made["programme"], entries=impact_services.starter_library()
    )
    made["indicators"] = [i for i in loaded if i.aggregation != "ratio"]
    return len(loaded)


def _series(run: Run) -> list[tuple]:
    """(indicator, label, project, lowest, span, weighted) of every measured series: each
    territory's own, then a few per project of a labelled territory."""
    made = run.made
    shapes = [
        (
            i.pk,
            int(i.min_value or 0),
            max(1, min(1000, int((i.max_value or 1000) - (i.min_value or 0)))),
            i.aggregation == "weighted_mean",
        )
        for i in made["indicators"]
    ]
    series = [
        (ind, label.pk, None, lo, span, w)
        for label in made["labels"]
        for ind, lo, span, w in shapes
    ]
    label_of = {label.perimeter_id: label.pk for label in made["labels"]}
    for n, project in enumerate(made["projects"]):
        label = label_of.get(project.perimeter_id)
        if label is None:
            continue
        for k in range(PROJECT_INDICATORS):
            ind, lo, span, weighted = shapes[(n + k) % len(shapes)]
            series.append((ind, label, project.pk, lo, span, weighted))
    return series


def _month_end(months: int) -> date:
    year, month = EPOCH.year + months // 12, months % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def _rows(run: Run):
    """The measurement rows as tuples of ``COLUMNS``: row ``g`` is series ``g % n`` at month
    ``g // n``, its value a hash of ``g`` within the indicator's bounds."""
    series, total = _series(run), run.counts["measurements"]
    now, author = timezone.now(), run.made["staff"].pk
    ends = [_month_end(m) for m in range(total // len(series) + 1)]
    published = MeasurementStatus.PUBLISHED
    for g in range(total):
        ind, label, project, lo, span, weighted = series[g % len(series)]
        end = ends[g // len(series)]
        value = lo + (g * 2654435761 >> 7) % (span + 1)
        yield (
            ind, label, project, None, end, end.year, value, 1 + g % 7 if weighted else None,
            "{}", "", published, "", "données générées", "api", "", author, now, now, True,
        )  # fmt: skip


def measurements(run: Run) -> int:
    if uses_postgres():
        with connection.cursor() as cursor:
            sql = f"COPY impact_measurement ({', '.join(COLUMNS)}) FROM STDIN"  # noqa: S608
            with cursor.cursor.copy(sql) as copy:
                for row in _rows(run):
                    copy.write_row(row)
    else:
        batch = []
        for row in _rows(run):
            values = dict(zip(COLUMNS, row, strict=True))
            values["breakdown"] = json.loads(values["breakdown"])
            batch.append(Measurement(**values))
        bulk(Measurement, batch)
    return run.counts["measurements"]


def yearly_figures(run: Run) -> int:
    """impact's own bulk path: the whole summary recomputed from the measurements."""
    summary.rebuild()
    if uses_postgres():
        # Statistics for the two tables just filled, not the whole database: ANALYZE writes a
        # table's size in place (it outlives a rolled-back transaction), and a table analysed
        # while empty here (the geography, in a test) then made PostgreSQL plan nested loops
        # over thousands of rows for every later query of the test run.
        tables = ", ".join(
            connection.ops.quote_name(model._meta.db_table) for model in (Measurement, YearlyFigure)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")
    return YearlyFigure.objects.filter(indicator__programme=run.made["programme"]).count()


ORGANISATION_VECTOR = """
UPDATE actors_organisation AS o SET search_vector =
    setweight(to_tsvector(%(config)s::regconfig, o.name || ' ' || o.acronym || ' ' || o.siren
        || ' ' || o.siret), 'A')
    || setweight(to_tsvector(%(config)s::regconfig, coalesce(c.name || ' ' || c.insee, '')), 'B')
    || setweight(to_tsvector(%(config)s::regconfig, o.description), 'C')
FROM actors_organisation AS self LEFT JOIN geo_commune AS c ON c.id = self.commune_id
WHERE self.id = o.id AND o.id = ANY(%(ids)s)
"""


def search_vectors(run: Run) -> int:
    """What ``organisation_index`` and the tickets' ``index`` write, for every row at once
    (their ``search_text`` was set at insertion)."""
    if not uses_postgres():
        return 0
    ids = run.made["organisations"]
    with connection.cursor() as cursor:
        cursor.execute(ORGANISATION_VECTOR, {"config": SEARCH_CONFIG, "ids": ids})
    tickets = Ticket.objects.filter(programme=run.made["programme"])
    space = Value(" ")
    tickets.update(
        search_vector=SearchVector(
            Concat("number", space, "title", output_field=TextField()),
            weight="A",
            config=SEARCH_CONFIG,
        )
        + SearchVector("rules_text", weight="B", config=SEARCH_CONFIG)
        + SearchVector(
            Concat(
                "wants_to_do", space, "blocked_by", space, "project_title", output_field=TextField()
            ),
            weight="C",
            config=SEARCH_CONFIG,
        )
    )
    return len(ids) + run.counts["tickets"]
