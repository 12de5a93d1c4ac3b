"""Benchmark: the territory × indicator × year aggregation of impact measurements, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_impact \\
        uv run python bench/impact_aggregate.py [--rows 2000000] [--repeat 3]

The database of ``DATABASE_URL`` is created when missing and migrated; the bench's rows are
removed at the end. It makes 27 labelled territories (the test factories) with the starter
library (16 indicators: sums, a mean, a weighted mean, a last value, two ratios), then inserts
``--rows`` published measurements in one ``INSERT … SELECT generate_series`` (daily values of
every territory × indicator series), and ``ANALYZE``.

It prints, best of ``--repeat``, measured in the same run:

- the baseline: a plain ``SELECT COUNT(*)`` over the table (the floor of any full scan);
- the raw SQL ``GROUP BY label, indicator, year`` with ``SUM(value)`` (what one rule costs by
  hand);
- Essaim's aggregation from the raw rows (``essaim.impact.aggregates.aggregate(...,
  level="territory")``): every rule, ratios included, in the database;
- Essaim's aggregation from the yearly summary (``aggregates.aggregate_summary``, what the open
  data and ``/api/v1/impact/aggregates`` read), checked equal to the raw one, figure by figure;

and the ratios to the summary read's time. It also prints the summary's full rebuild (one pass
over the table, after the bulk insert) and one territory's refresh (every indicator and year of
a territory: the worst case of what ``measurements_publish`` does in its transaction).
The last line, ``RESULT {json}``, is the headline read by ``bench/all.py``.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TERRITORIES = 27


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def setup() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (created when missing).")
    ensure_database(url)
    os.environ.setdefault("ESSAIM_MODE", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essaim.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def world():
    from essaim.accounts.models import User
    from essaim.impact import services
    from essaim.labels.tests.factories import (
        ApplicationFactory,
        ProgrammeFactory,
        WaveFactory,
        labelled,
    )

    root = User.objects.create(
        email=f"bench-{time.time_ns()}@bench.invalid", is_superuser=True, is_staff=True
    )
    programme = ProgrammeFactory(french_impact=True, slug=f"bench-{time.time_ns()}")
    wave = WaveFactory(french_impact=True, programme=programme)
    labels = [
        labelled(ApplicationFactory(proposed=True, wave=wave), root) for _ in range(TERRITORIES)
    ]
    indicators = services.library_load(
        user=root, programme=programme, entries=services.starter_library()
    )
    return root, programme, labels, indicators


def insert(rows: int, root, labels, indicators) -> float:
    from django.db import connection

    direct = [i for i in indicators if i.aggregation != "ratio"]
    label_ids = [label.pk for label in labels]
    indicator_ids = [i.pk for i in direct]
    series = len(label_ids) * len(indicator_ids)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO impact_measurement (
                indicator_id, label_id, project_id, campaign_id, period_end, year, value, weight,
                breakdown, breakdown_key, status, flag_reason, source, channel, comment,
                author_id, created_at, updated_at, is_fictitious)
            SELECT
                (%(indicators)s::int[])[1 + (g %% %(series)s) %% %(n_ind)s],
                (%(labels)s::int[])[1 + (g %% %(series)s) / %(n_ind)s],
                NULL, NULL, d, extract(year FROM d)::int,
                (g %% 997) + 0.5, 1 + (g %% 7), '{}'::jsonb, '', 'published', '', 'bench', 'api',
                '', %(author)s, now(), now(), true
            FROM generate_series(0, %(rows)s - 1) AS g,
                 LATERAL (SELECT DATE '2000-01-01' + (g / %(series)s)::int AS d) AS day
            """,
            {
                "indicators": indicator_ids,
                "labels": label_ids,
                "series": series,
                "n_ind": len(indicator_ids),
                "rows": rows,
                "author": root.pk,
            },
        )
        cursor.execute("ANALYZE")  # every table: the planner needs the new labels' counts too
    return time.perf_counter() - started


def best(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup()
    from django.db import connection, transaction

    from essaim.impact import aggregates, summary
    from essaim.impact.models import Measurement

    with connection.cursor() as cursor:  # earlier runs' rolled-back rows: not in the count
        cursor.execute("VACUUM ANALYZE impact_measurement")
    with transaction.atomic():
        root, programme, labels, indicators = world()
        loaded = insert(args.rows, root, labels, indicators)
        print(f"inserted {args.rows:,} measurements in {loaded:.1f} s")
        started = time.perf_counter()
        cells = summary.rebuild()
        rebuilt = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE impact_yearlyfigure")
        print(f"summary rebuilt ({cells:,} cells) in {rebuilt * 1000:.0f} ms")
        started = time.perf_counter()
        refreshed = summary.refresh(
            label_id=labels[0].pk,
            indicator_ids=[i.pk for i in indicators],
            years=range(2000, 2101),
        )
        print(
            f"one territory's summary refreshed ({refreshed:,} cells) "
            f"in {(time.perf_counter() - started) * 1000:.0f} ms"
        )

        def count():
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM impact_measurement")
                return cursor.fetchone()[0]

        def raw_group_by():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT label_id, indicator_id, year, SUM(value) FROM impact_measurement "
                    "WHERE status = 'published' AND breakdown_key = '' "
                    "GROUP BY label_id, indicator_id, year"
                )
                return len(cursor.fetchall())

        def essaim():
            return aggregates.aggregate(
                Measurement.objects.published(),  # the whole table, like the raw GROUP BY
                level="territory",
                indicators=indicators,
            )

        def essaim_summary():
            return aggregates.aggregate_summary(level="territory", indicators=indicators)

        baseline, rows = best(count, args.repeat)
        raw, groups = best(raw_group_by, args.repeat)
        ours, figures = best(essaim, args.repeat)
        read, summarised = best(essaim_summary, args.repeat)
        same = [(f.value, f.count) for f in figures] == [(f.value, f.count) for f in summarised]
        print(
            f"baseline  SELECT COUNT(*)                   {baseline * 1000:8.0f} ms  "
            f"({rows:,} rows)"
        )
        print(
            f"raw SQL   GROUP BY label×ind×year            {raw * 1000:8.0f} ms  "
            f"({groups:,} groups)"
        )
        print(
            f"essaim    aggregate(), from the raw rows     {ours * 1000:8.0f} ms  "
            f"({len(figures):,} figures)"
        )
        print(
            f"essaim    aggregate_summary(), the summary   {read * 1000:8.0f} ms  "
            f"({len(summarised):,} figures, {'equal' if same else 'DIFFERENT'})"
        )
        print(f"ratio raw GROUP BY / summary read:  {raw / read:.1f}")
        print(f"ratio COUNT(*) / summary read:      {baseline / read:.1f}")
        print(f"ratio raw GROUP BY / raw aggregate: {raw / ours:.2f}")
        result = {
            "bench": "impact_aggregate",
            "figure": f"territory x indicator x year over {args.rows:,} rows, from the summary: "
            f"{read * 1000:.0f} ms ({'equal' if same else 'DIFFERENT'} to the raw aggregation)",
            "baseline": f"raw SQL GROUP BY {raw * 1000:.0f} ms (ratio {raw / read:.1f}), "
            f"COUNT(*) {baseline * 1000:.0f} ms",
            "goal": "raw GROUP BY / summary read >= 0.8, figures equal",
            "met": same and raw / read >= 0.8,
        }
        print("RESULT " + json.dumps(result))
        if not same:
            sys.exit("The summary's figures differ from the raw aggregation.")
        transaction.set_rollback(True)  # leave the database as it was


if __name__ == "__main__":
    main()
