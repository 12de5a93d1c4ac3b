"""Benchmark: the directory's search (``Organisation.objects.search``) on many organisations.

    uv run python bench/actors_search.py [--organisations 20000] [--repeat 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<empty db> uv run python bench/actors_search.py

Synthetic organisations (French words, with accents) in a throw-away SQLite file, or in the
PostgreSQL database of ``DATABASE_URL`` (migrated, then emptied of organisations at the end).
Prints, best of ``--repeat``, for a few queries: the directory's work (count + first page of 20,
ranked) through ``search()``, and the baseline measured in the same run: the same count + page
through a plain ``name LIKE '%word%'`` (accent-sensitive, unranked) — the floor of a naive
search. On PostgreSQL it also prints whether the plan uses the GIN index.

The last line, ``RESULT {json}``, is the headline read by ``bench/all.py``.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "économie",
    "sociale",
    "solidaire",
    "coopérative",
    "insertion",
    "énergie",
    "habitat",
    "alimentation",
    "mobilité",
    "numérique",
    "santé",
    "culture",
    "éducation",
    "réemploi",
    "ressourcerie",
    "épicerie",
    "tiers-lieu",
    "agriculture",
    "jeunesse",
    "emploi",
    "territoire",
    "innovation",
    "réseau",
    "fabrique",
    "atelier",
    "maison",
    "association",
    "collectif",
]
QUERIES = ["economie sociale", "cooperative", "ressourcerie", "numérique jeunesse"]


def setup(tmp: str) -> None:
    os.environ["ESSAIM_MODE"] = "demo"
    os.environ["ESSAIM_VAR_DIR"] = tmp
    os.environ["ESSAIM_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essaim.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(count: int, rng: random.Random) -> None:
    from django.contrib.postgres.search import SearchVector
    from django.db import transaction
    from django.db.models import Value

    from essaim.actors.models import Organisation
    from essaim.core.search import SEARCH_CONFIG, uses_postgres
    from essaim.core.text import normalise

    with transaction.atomic():
        rows = []
        for i in range(count):
            name = " ".join(rng.sample(WORDS, 3)).capitalize() + f" {i}"
            description = " ".join(rng.choices(WORDS, k=12))
            rows.append(
                Organisation(
                    name=name,
                    kind="association",
                    description=description,
                    search_text=normalise(f"{name} {description}"),
                )
            )
        Organisation.objects.bulk_create(rows, batch_size=2000)
        if uses_postgres():
            # Set-based equivalent of organisation_index for rows without commune or acronym.
            Organisation.objects.update(
                search_vector=SearchVector("name", weight="A", config=SEARCH_CONFIG)
                + SearchVector(Value(""), weight="B", config=SEARCH_CONFIG)
                + SearchVector("description", weight="C", config=SEARCH_CONFIG)
            )
    if uses_postgres():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE actors_organisation")


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(tmp)
        from django.db import connection

        from essaim.actors.models import Organisation

        if Organisation.objects.exists() and connection.vendor == "postgresql":
            print("The PostgreSQL database must hold no organisation: use an empty one.")
            return 1
        started = time.perf_counter()
        generate(args.organisations, random.Random(2019))
        print(
            f"{connection.vendor}: {args.organisations} organisations generated in "
            f"{time.perf_counter() - started:.1f} s"
        )
        timings = []
        try:
            for query in QUERIES:
                word = query.split()[0]

                def directory(q=query):
                    qs = Organisation.objects.search(q)
                    return qs.count(), list(qs[:20])

                def baseline(w=word):
                    qs = Organisation.objects.filter(name__icontains=w).order_by("name")
                    return qs.count(), list(qs[:20])

                found = directory()[0]
                ours, floor = best(directory, args.repeat), best(baseline, args.repeat)
                timings.append((ours, floor, query))
                print(
                    f"  {query!r:24} {found:6d} found  search {ours * 1000:7.1f} ms   "
                    f"baseline LIKE {floor * 1000:7.1f} ms   ratio {ours / floor:5.2f}"
                )
            if connection.vendor == "postgresql":
                plan = Organisation.objects.search("economie").explain()
                uses_gin = "actors_organisation_search_gin" in plan
                print(f"  plan uses the GIN index: {uses_gin}")
            ours, floor, query = max(timings)
            postgres = connection.vendor == "postgresql"
            result = {
                "bench": "actors_search",
                "figure": f"slowest search of {args.organisations:,} organisations "
                f"({query!r}) {ours * 1000:.1f} ms ({connection.vendor})",
                "baseline": f"name LIKE {floor * 1000:.1f} ms (ratio {ours / floor:.2f})",
                "goal": "the GIN index used (PostgreSQL)" if postgres else "none stated (SQLite)",
                "met": uses_gin if postgres else None,
            }
            print("RESULT " + json.dumps(result))
        finally:
            if connection.vendor == "postgresql":
                Organisation.objects.all().delete()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
