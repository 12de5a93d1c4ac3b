"""Benchmark: loading the whole of France (the shipped COG snapshot) into a fresh SQLite file.

    uv run python bench/geo_load.py [--repeat 3]

Prints, for the best of ``--repeat`` runs on fresh files:
- ``first load``: ``geo_load_reference`` into an empty, migrated database (the demo's first start);
- ``second load``: the same again on the loaded database (must write nothing);
- ``rebuild``: rebuilding the "Région Nouvelle-Aquitaine" perimeter (INSERT … SELECT);
- ``baseline``: a plain ``sqlite3`` ``executemany`` of the same rows into tables of the same
  shape, in one transaction (the floor any loader pays on this machine), measured in the same
  run; and the ratio first load / baseline.
The target (issue #2) is under 60 s for the first load; we aim for well under 15 s.
The last line, ``RESULT {json}``, is the headline read by ``bench/all.py``.
"""

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def baseline(snapshot: dict, path: Path) -> float:
    """Insert the same rows with the standard library only (executemany, one transaction)."""
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE region (id INTEGER PRIMARY KEY, code TEXT UNIQUE, name TEXT,
            chef_lieu TEXT, zone TEXT, population INTEGER, search_name TEXT);
        CREATE TABLE departement (id INTEGER PRIMARY KEY, code TEXT UNIQUE, name TEXT,
            region_id INTEGER, chef_lieu TEXT, zone TEXT, population INTEGER, search_name TEXT);
        CREATE TABLE epci (id INTEGER PRIMARY KEY, siren TEXT UNIQUE, name TEXT, kind TEXT,
            financing_mode TEXT, population INTEGER, search_name TEXT);
        CREATE INDEX epci_search ON epci (search_name);
        CREATE TABLE commune (id INTEGER PRIMARY KEY, insee TEXT UNIQUE, name TEXT,
            departement_id INTEGER, region_id INTEGER, epci_id INTEGER, siren TEXT,
            population INTEGER, postal_codes TEXT, search_name TEXT);
        CREATE INDEX commune_dep ON commune (departement_id);
        CREATE INDEX commune_reg ON commune (region_id);
        CREATE INDEX commune_epci ON commune (epci_id);
        CREATE INDEX commune_search ON commune (search_name);
        """
    )
    started = time.perf_counter()
    with db:
        db.executemany(
            "INSERT INTO region (code, name, chef_lieu, zone) VALUES (?, ?, ?, ?)",
            snapshot["regions"],
        )
        regions = dict(db.execute("SELECT code, id FROM region"))
        db.executemany(
            "INSERT INTO departement (code, name, region_id, chef_lieu, zone) "
            "VALUES (?, ?, ?, ?, ?)",
            [(c, n, regions[r], cl, z) for c, n, r, cl, z in snapshot["departements"]],
        )
        departements = dict(db.execute("SELECT code, id FROM departement"))
        db.executemany(
            "INSERT INTO epci (siren, name, kind, financing_mode, population) "
            "VALUES (?, ?, ?, ?, ?)",
            snapshot["epci"],
        )
        epci = dict(db.execute("SELECT siren, id FROM epci"))
        db.executemany(
            "INSERT INTO commune (insee, name, departement_id, region_id, epci_id, siren, "
            "population, postal_codes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (i, n, departements[d], regions[r], epci.get(e), s, p, json.dumps(pc))
                for i, n, d, r, e, s, p, pc in snapshot["communes"]
            ],
        )
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="essaim-bench-geo-"))
    template = workdir / "migrated.sqlite3"
    os.environ["ESSAIM_MODE"] = "demo"
    os.environ["ESSAIM_SQLITE_PATH"] = str(template)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essaim.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from essaim.geo.models import Commune
    from essaim.geo.reference import SNAPSHOT_PATH, snapshot_read
    from essaim.geo.services import Unit, geo_load_reference, perimeter_create, perimeter_rebuild

    call_command("migrate", verbosity=0)
    connection.close()
    snapshot_read(SNAPSHOT_PATH)  # read and cache the snapshot once, as the loader would
    migrated = template.read_bytes()

    firsts, seconds, rebuilds, baselines = [], [], [], []
    for run in range(args.repeat):
        db_file = workdir / f"run{run}.sqlite3"
        db_file.write_bytes(migrated)  # a fresh, migrated, empty database
        connection.settings_dict["NAME"] = str(db_file)
        connection.close()

        started = time.perf_counter()
        report = geo_load_reference(user=None)
        firsts.append(time.perf_counter() - started)
        if not report.created["communes"] == Commune.objects.count() > 34000:
            raise SystemExit("the first load did not create every commune")

        started = time.perf_counter()
        again = geo_load_reference(user=None)
        seconds.append(time.perf_counter() - started)
        if again.changed:
            raise SystemExit(f"the second load changed something: {again.summary()}")

        perimeter = perimeter_create(
            user=None, name="Région Nouvelle-Aquitaine", units=[Unit("region", "75")]
        )
        started = time.perf_counter()
        perimeter_rebuild(perimeter=perimeter)
        rebuilds.append(time.perf_counter() - started)
        connection.close()

        baselines.append(baseline(snapshot_read(SNAPSHOT_PATH), workdir / f"base{run}.sqlite3"))

    first, second, rebuild, base = min(firsts), min(seconds), min(rebuilds), min(baselines)
    print(f"snapshot          {SNAPSHOT_PATH.name}: {report.created['communes']} communes")
    print(f"first load        {first:6.2f} s   (best of {args.repeat}; target < 60 s)")
    print(f"second load       {second:6.2f} s   (writes nothing)")
    print(f"rebuild N-A       {rebuild * 1000:6.0f} ms  ({perimeter.commune_count} communes)")
    print(f"baseline          {base:6.2f} s   (sqlite3 executemany of the same rows)")
    print(f"ratio             {first / base:6.1f} x   first load / baseline")
    result = {
        "bench": "geo_load",
        "figure": f"first load of France {first:.1f} s (second {second:.1f} s)",
        "baseline": f"sqlite3 executemany {base:.1f} s (ratio {first / base:.1f}x)",
        "goal": "first load < 60 s",
        "met": first < 60,
    }
    print("RESULT " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
