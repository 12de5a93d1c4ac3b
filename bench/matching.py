"""Matching benchmark: one project against 1,000 instruments (target < 20 ms) and the gaps view,
20,000 projects against 1,000 instruments (target < 10 s, one core), with the ratio to a plain
SQL count of the candidate (need, ticket band) pairs measured in the same run.

Times are CPU time of this process (``time.process_time``: SQLite runs in-process, so the SQL
baseline is counted the same way), which is what "on one core" means and stays meaningful on a
busy machine; wall-clock times are printed alongside.

Synthetic data in a throw-away SQLite database:

    uv run python bench/matching.py [--projects 20000] [--instruments 1000]

The last line, ``RESULT {json}``, is the headline read by ``bench/all.py``.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(tmp: str) -> None:
    os.environ["ESSAIM_MODE"] = "demo"
    os.environ["ESSAIM_VAR_DIR"] = tmp
    os.environ["ESSAIM_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essaim.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(n_projects: int, n_instruments: int, rng: random.Random) -> None:
    from django.db import transaction

    from essaim.actors.models import Organisation
    from essaim.financing.models import Instrument, TicketBand
    from essaim.geo.models import Commune, Departement, Perimeter, PerimeterCommune, Region
    from essaim.projects.models import Need, Project

    stages = ["emergence", "seed", "development", "scale_up", "spreading"]
    with transaction.atomic():
        regions = Region.objects.bulk_create(
            [Region(code=f"{10 + i}", name=f"Région {i}") for i in range(13)]
        )
        deps = Departement.objects.bulk_create(
            [
                Departement(code=f"{i:02d}", name=f"Dép {i}", region=regions[i % 13])
                for i in range(1, 96)
            ]
        )
        communes = Commune.objects.bulk_create(
            [
                Commune(
                    insee=f"{i:05d}",
                    name=f"Commune {i}",
                    departement=deps[i % len(deps)],
                    region=deps[i % len(deps)].region,
                )
                for i in range(2000)
            ]
        )
        perimeters = Perimeter.objects.bulk_create(
            [Perimeter(name=f"Territoire {i}", slug=f"territoire-{i}") for i in range(30)]
        )
        PerimeterCommune.objects.bulk_create(
            [
                PerimeterCommune(perimeter=perimeters[i % 30], commune=c)
                for i, c in enumerate(communes)
            ]
        )
        forms = [("9220", "association", True), ("5458", "cooperative", True),
                 ("5710", "company", False), ("5560", "cooperative", True)]  # fmt: skip
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Structure {i}",
                    kind=forms[i % 4][1],
                    legal_category=forms[i % 4][0],
                    is_ess=forms[i % 4][2],
                    esus_approved=i % 7 == 0,
                )
                for i in range(2000)
            ]
        )
        provider = orgs[0]
        instruments = Instrument.objects.bulk_create(
            [
                Instrument(
                    provider=provider,
                    name=f"Outil {i}",
                    kinds=rng.sample(
                        [
                            "grant",
                            "loan",
                            "equity",
                            "guarantee",
                            "orientation",
                            "recoverable_advance",
                            "quasi_equity",
                        ],
                        2,
                    ),  # fmt: skip
                    share_of_costs_max=rng.choice([None, "0.5", "0.8"]),
                    legal_families=rng.sample(
                        ["association", "cooperative", "company"], rng.randint(0, 2)
                    ),
                    requires_ess=rng.random() < 0.3,
                    requires_esus=rng.random() < 0.05,
                    min_age_years=rng.choice([None, None, 2, 3]),
                    max_age_years=rng.choice([None, None, 3, 10]) or None,
                    max_yearly_budget=rng.choice([None, None, 300_000, 2_000_000]),
                    is_national=rng.random() < 0.2,
                    themes=rng.sample(["food", "mobility", "health", "housing"], rng.randint(0, 2)),
                )
                for i in range(n_instruments)
            ]
        )
        for inst in instruments:  # min_age ≤ max_age
            if (
                inst.min_age_years
                and inst.max_age_years
                and inst.min_age_years > inst.max_age_years
            ):
                inst.max_age_years = None
        Instrument.objects.bulk_update(instruments, ["max_age_years"])
        bands = []
        for inst in instruments:
            choices = ["emergence", "seed", "development", "scale_up"] * 3 + [""]
            for stage in rng.sample(choices, rng.randint(1, 3)):
                if any(b.instrument is inst and b.stage == stage for b in bands[-3:]):
                    continue
                low = rng.choice([None, 5_000, 30_000, 100_000, 1_000_000])
                high = rng.choice([30_000, 200_000, 500_000, 5_000_000] * 4 + [None])
                if low is not None and high is not None and low > high:
                    low, high = high, low
                bands.append(TicketBand(instrument=inst, stage=stage, min_amount=low,
                                        max_amount=high))  # fmt: skip
        TicketBand.objects.bulk_create(bands)
        through_r = Instrument.regions.through
        through_p = Instrument.perimeters.through
        through_x = Instrument.excluded_perimeters.through
        through_r.objects.bulk_create(
            [
                through_r(instrument_id=inst.pk, region_id=r.pk)
                for inst in instruments
                if not inst.is_national
                for r in rng.sample(regions, rng.randint(1, 3))
            ]
        )
        through_p.objects.bulk_create(
            [
                through_p(instrument_id=inst.pk, perimeter_id=rng.choice(perimeters).pk)
                for inst in instruments
                if not inst.is_national and rng.random() < 0.3
            ]
        )
        through_x.objects.bulk_create(
            [
                through_x(instrument_id=inst.pk, perimeter_id=rng.choice(perimeters).pk)
                for inst in instruments
                if rng.random() < 0.05
            ]
        )
        projects = Project.objects.bulk_create(
            [
                Project(
                    title=f"Projet {i}",
                    summary="Projet synthétique",
                    holder=orgs[i % len(orgs)],
                    perimeter=perimeters[i % 30],
                    stage=stages[i % 5],
                    founded_year=2026 - rng.randint(0, 15),
                    yearly_budget=rng.choice([None, 50_000, 250_000, 1_000_000, 5_000_000]),
                    domains=rng.sample(["food", "mobility", "health", "housing"], 1),
                )
                for i in range(n_projects)
            ],
            batch_size=2000,
        )
        links = Project.communes.through
        links.objects.bulk_create(
            [
                links(project_id=p.pk, commune_id=communes[(i * 7 + k * 13) % 2000].pk)
                for i, p in enumerate(projects)
                for k in range(1 + i % 2)
            ],
            batch_size=5000,
        )
        Need.objects.bulk_create(
            [
                Need(
                    project=p,
                    kind="financing",
                    amount=rng.choice(
                        [3_000, 15_000, 40_000, 120_000, 400_000, 2_000_000, 8_000_000]
                    ),
                    purpose="Besoin",
                )
                for p in projects
                for _k in range(1 + (p.pk % 4 == 0))
            ],
            batch_size=5000,
        )


CANDIDATE_PAIRS_SQL = """
SELECT COUNT(*)
FROM projects_need n
JOIN projects_project p ON p.id = n.project_id
JOIN financing_ticketband b
  ON (b.stage = p.stage OR b.stage = '')
 AND (b.min_amount IS NULL OR b.min_amount <= n.amount)
 AND (b.max_amount IS NULL OR b.max_amount >= n.amount)
WHERE n.kind = 'financing' AND n.status = 'open'
"""


def best_of(runs: int, func):
    """(best CPU time, best wall time, result) over ``runs`` runs."""
    cpu, wall = [], []
    result = None
    for _ in range(runs):
        started, started_wall = time.process_time(), time.perf_counter()
        result = func()
        cpu.append(time.process_time() - started)
        wall.append(time.perf_counter() - started_wall)
    return min(cpu), min(wall), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--instruments", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="essaim-bench-") as tmp:
        setup(tmp)
        from django.db import connection

        from essaim.financing.matching import (
            compile_instruments,
            covered_by_rules,
            find_gaps,
            match_project,
            project_facts,
            rank,
        )
        from essaim.projects.models import Need, Project

        rng = random.Random(args.seed)
        started = time.perf_counter()
        generate(args.projects, args.instruments, rng)
        print(
            f"data: {args.projects} projects, {Need.objects.count()} needs, "
            f"{args.instruments} instruments ({time.perf_counter() - started:.1f} s to generate)"
        )

        def sql_count():
            with connection.cursor() as cursor:
                cursor.execute(CANDIDATE_PAIRS_SQL)
                return cursor.fetchone()[0]

        sql_best, sql_wall, pairs = best_of(3, sql_count)
        print(
            f"baseline: SQL count of candidate (need, ticket band) pairs = {pairs}: "
            f"{sql_best:.2f} s CPU ({sql_wall:.2f} s wall)"
        )

        compile_best, compile_wall, instruments = best_of(3, compile_instruments)
        print(
            f"compile {len(instruments)} instruments: {compile_best * 1000:.1f} ms CPU "
            f"({compile_wall * 1000:.1f} ms wall)"
        )

        sample = list(Project.objects.order_by("?")[:50])
        needs = {n.project_id: n for n in Need.objects.filter(project__in=sample)}
        facts = project_facts([p.pk for p in sample], needs=needs)
        rank_times = []
        for fact in facts:
            started = time.process_time()
            rank(instruments, fact)
            rank_times.append(time.process_time() - started)
        one = statistics.median(rank_times)
        full_times = []
        for project in sample[:20]:
            started = time.process_time()
            match_project(project, needs.get(project.pk), instruments=instruments)
            full_times.append(time.process_time() - started)
        one_full = statistics.median(full_times)
        print(
            f"one project x {len(instruments)} instruments, all {len(instruments) * 13} rule "
            f"verdicts: median {one * 1000:.1f} ms CPU; with the project's queries "
            f"{one_full * 1000:.1f} ms; with compiling the instruments too "
            f"{(one_full + compile_best) * 1000:.1f} ms "
            f"— target < 20 ms: {'OK' if one_full < 0.020 else 'MISSED'}"
        )

        gaps_best, gaps_wall, report = best_of(2, find_gaps)
        print(
            f"gaps: {report.needs_checked} needs x {report.instruments} instruments "
            f"({report.needs_checked * report.instruments:,} pairs), {len(report.gaps)} gaps: "
            f"{gaps_best:.2f} s CPU ({gaps_wall:.2f} s wall), end to end with its queries "
            f"— target < 10 s: {'OK' if gaps_best < 10 else 'MISSED'}"
        )
        print(f"ratio gaps / SQL candidate-pair count: {gaps_best / sql_best:.2f}")

        # The same question asked pair by pair through the rules (no masks), on a sample.
        all_facts = project_facts(queryset=Project.objects.all())[:300]
        amounts = dict(Need.objects.values_list("project_id", "amount"))
        from dataclasses import replace

        sample_facts = [replace(f, amount=amounts.get(f.id)) for f in all_facts]
        started = time.process_time()
        for fact in sample_facts:
            covered_by_rules(instruments, fact)
        pairwise = (time.process_time() - started) / len(sample_facts) * report.needs_checked
        print(
            f"for comparison, pair by pair through the rules (extrapolated from "
            f"{len(sample_facts)} needs): {pairwise:.1f} s ({pairwise / gaps_best:.0f}x slower)"
        )
        result = {
            "bench": "matching",
            "figure": f"one project x {len(instruments)} instruments {one_full * 1000:.1f} ms; "
            f"gaps of {args.projects:,} projects {gaps_best:.2f} s (CPU)",
            "baseline": f"SQL count of the candidate pairs {sql_best:.2f} s "
            f"(gaps {gaps_best / sql_best:.2f}x)",
            "goal": "one project < 20 ms, gaps < 10 s (for 20,000 projects x 1,000 instruments)",
            "met": one_full < 0.020 and gaps_best < 10,
        }
        print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
