"""Benchmark: a territory evaluation report's PDF (WeasyPrint), on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_impact \\
        uv run python bench/impact_report.py [--years 2] [--projects 6] [--repeat 3]

The database of ``DATABASE_URL`` is created when missing and migrated; everything the bench
writes is rolled back at the end. It makes one programme with the starter library (16
indicators), 27 labelled territories (the map draws them all) and, for the measured territory:
communes in three départements, ``--projects`` projects, ``--years`` years of quarterly values
of every entered indicator (the territory's own and each project's, the breakdowns by sex of the
summed indicators that have them, a weight for the weighted mean), a baseline and yearly targets
for every indicator, and four narrative sections. Values go through
``services.measurement_record`` (checks, outlier flags, history), as the pages would.

It prints, best of ``--repeat``, measured in the same run:

- the baseline: WeasyPrint's PDF of a trivial one-page HTML document, then of the report's own
  layout (``impact/reports/document.html``) with an empty body;
- the report's figures and charts (``reports.report_context``) and its HTML;
- the report's PDF (``reports.report_pdf``, WeasyPrint), its pages and size;
- the whole background generation (``reports.run_generation``, what the ``generate_report`` task
  runs: claim, figures, HTML, PDF, file saved, history), against the goal of 5 s.
The last line, ``RESULT {json}``, is the headline read by ``bench/all.py``.
"""

import argparse
import datetime
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TERRITORIES = 27
GOAL_SECONDS = 5.0
COMMUNES = (
    ("79191", "Niort", ("79", "Deux-Sèvres")),
    ("79049", "Bressuire", ("79", "Deux-Sèvres")),
    ("79270", "Saint-Maixent-l'École", ("79", "Deux-Sèvres")),
    ("86194", "Poitiers", ("86", "Vienne")),
    ("86066", "Châtellerault", ("86", "Vienne")),
    ("17300", "La Rochelle", ("17", "Charente-Maritime")),
)
SECTION = (
    "Le territoire a accompagné **{n} projets** cette année, dont trois nouveaux.\n\n"
    "- un supermarché coopératif ouvert au printemps\n"
    "- une conciergerie solidaire dans deux quartiers\n"
    "- une ressourcerie et son atelier de réparation\n\n"
    "Les partenaires se réunissent chaque trimestre ; les entreprises engagées ont donné des "
    "heures de mécénat de compétences et acheté auprès des projets. "
)


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
    from django.conf import settings

    django.setup()
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-report-")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def world(years: int, projects: int):
    """The programme, its territories and the measured territory's projects, values, plans and
    sections; returns the report to generate and the number of values entered."""
    from django.utils import timezone

    from essaim.accounts.models import User
    from essaim.actors.tests.factories import commune
    from essaim.geo.models import PerimeterCommune
    from essaim.impact import services, services_reports
    from essaim.impact.models import Aggregation
    from essaim.labels.tests.factories import (
        ApplicationFactory,
        ProgrammeFactory,
        WaveFactory,
        labelled,
    )
    from essaim.projects.tests.factories import ProjectFactory

    root = User.objects.create(
        email=f"bench-{time.time_ns()}@bench.invalid", is_superuser=True, is_staff=True
    )
    programme = ProgrammeFactory(french_impact=True, slug=f"bench-{time.time_ns()}")
    wave = WaveFactory(french_impact=True, programme=programme)
    labels = [
        labelled(ApplicationFactory(proposed=True, wave=wave), root) for _ in range(TERRITORIES)
    ]
    label = labels[0]
    for insee, name, dep in COMMUNES:
        PerimeterCommune.objects.create(
            perimeter=label.perimeter, commune=commune(insee, name, dep=dep)
        )
    indicators = services.library_load(
        user=root, programme=programme, entries=services.starter_library()
    )
    entered = [i for i in indicators if i.aggregation != Aggregation.RATIO]
    owners = [None] + [
        ProjectFactory(perimeter=label.perimeter, collective=label.application.collective)
        for _ in range(projects)
    ]
    last_year = timezone.localdate().year - 1
    span = range(last_year - years + 1, last_year + 1)
    quarters = [
        datetime.date(year, month, day)
        for year in span
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31))
    ]
    count = 0
    for index, indicator in enumerate(entered):
        services.plan_save(
            user=root,
            indicator=indicator,
            label=label,
            baseline=10 + index,
            baseline_year=span[0] - 1,
            targets={year: 40 + index * 3 + (year - span[0]) * 10 for year in span},
        )
        sexes = [{}]
        if indicator.aggregation == Aggregation.SUM and indicator.breakdowns:
            sexes += [{"sexe": "femme"}, {"sexe": "homme"}]
        for owner_index, project in enumerate(owners):
            for quarter_index, day in enumerate(quarters):
                for breakdown in sexes:
                    value = 3 + (index + owner_index + quarter_index) % 7
                    if indicator.aggregation == Aggregation.MEAN:
                        value = 4 + (quarter_index % 3)
                    services.measurement_record(
                        user=root,
                        indicator=indicator,
                        label=label,
                        project=project,
                        period_end=day,
                        value=value if not breakdown else value // 2 + 1,
                        weight=20 + quarter_index
                        if indicator.aggregation == Aggregation.WEIGHTED_MEAN
                        else None,
                        breakdown=breakdown or None,
                        source="Registre du territoire",
                    )
                    count += 1
    report = services_reports.report_create(
        user=root, programme=programme, label=label, year=last_year
    )
    for position, title in enumerate(
        ("Ce qui a marché", "Ce qui reste difficile", "Les coopérations", "Perspectives"), 1
    ):
        services_reports.section_save(
            user=root,
            report=report,
            title=title,
            body="\n\n".join([SECTION.format(n=len(owners) - 1)] * 3),
            position=position * 10,
        )
    return root, report, count


def best(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), result


def pages_of(report, body: str) -> int:
    """The PDF's number of pages (the document ``reports.report_pdf`` renders, laid out once)."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe
    from weasyprint import HTML

    document = render_to_string(
        "impact/reports/document.html",
        {"report": report, "body": mark_safe(body)},  # noqa: S308
    )
    return len(HTML(string=document).render().pages)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--projects", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup()
    from django.db import transaction
    from django.utils import translation
    from weasyprint import HTML

    from essaim.impact import reports, services_reports
    from essaim.impact.models import Report, ReportStatus

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    translation.activate("fr")
    with transaction.atomic():
        started = time.perf_counter()
        root, report, count = world(args.years, args.projects)
        print(
            f"world: {count:,} values of {args.projects} projects and the territory over "
            f"{args.years} years, made in {time.perf_counter() - started:.1f} s"
        )

        def trivial():
            return HTML(
                string="<!DOCTYPE html><html lang='fr'><title>t</title><p>Bonjour.</p></html>"
            ).write_pdf()

        def layout():
            return reports.report_pdf(report, "")

        def context():
            return reports.report_context(report)

        def html():
            return reports.report_html(report, reports.report_context(report))

        trivial_time, _ = best(trivial, args.repeat)
        layout_time, _ = best(layout, args.repeat)
        context_time, _ = best(context, args.repeat)
        html_time, body = best(html, args.repeat)
        pdf_time, pdf = best(lambda: reports.report_pdf(report, body), args.repeat)

        def generation():
            services_reports.report_generate(user=root, report=report)
            if not reports.run_generation(report.pk):
                sys.exit(f"The generation failed: {Report.objects.get(pk=report.pk).error}")
            return Report.objects.get(pk=report.pk)

        generation_time, generated = best(generation, args.repeat)
        if generated.status != ReportStatus.DONE:
            sys.exit(f"The report is {generated.status}: {generated.error}")
        print(f"baseline  WeasyPrint, a trivial one-page HTML      {trivial_time * 1000:8.0f} ms")
        print(f"baseline  WeasyPrint, the report layout, no body   {layout_time * 1000:8.0f} ms")
        print(f"essaim    figures and charts (report_context)      {context_time * 1000:8.0f} ms")
        print(
            f"essaim    figures, charts and HTML (report_html)   {html_time * 1000:8.0f} ms  "
            f"({len(body) / 1024:,.0f} KiB, {body.count('<svg')} SVG, "
            f"{body.count('<table')} tables)"
        )
        print(
            f"essaim    PDF of that HTML (report_pdf)            {pdf_time * 1000:8.0f} ms  "
            f"({len(pdf) / 1024:,.0f} KiB, {pages_of(report, body)} pages)"
        )
        print(
            f"essaim    whole generation (run_generation)        {generation_time * 1000:8.0f} ms"
        )
        print(f"ratio PDF / trivial PDF:    {pdf_time / trivial_time:.1f}")
        print(f"ratio PDF / layout PDF:     {pdf_time / layout_time:.1f}")
        met = generation_time < GOAL_SECONDS
        print(
            f"goal: territory report PDF < {GOAL_SECONDS:.0f} s — "
            f"{'met' if met else 'NOT met'} ({generation_time:.2f} s)"
        )
        result = {
            "bench": "impact_report",
            "figure": f"territory report generated in {generation_time:.2f} s "
            f"({pages_of(report, body)} pages, {args.years} years, {args.projects} projects)",
            "baseline": f"WeasyPrint trivial PDF {trivial_time * 1000:.0f} ms, "
            f"report layout {layout_time * 1000:.0f} ms",
            "goal": f"< {GOAL_SECONDS:.0f} s",
            "met": met,
        }
        print("RESULT " + json.dumps(result))
        transaction.set_rollback(True)  # leave the database as it was


if __name__ == "__main__":
    main()
