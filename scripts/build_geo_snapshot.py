#!/usr/bin/env python3
"""Regenerate ``essaim/geo/data/cog-<year>.json.gz`` from ``@etalab/decoupage-administratif``.

Usage (needs ``npm`` on the PATH, nothing else)::

    uv run python scripts/build_geo_snapshot.py            # version 6.0.0 (COG 2026)
    uv run python scripts/build_geo_snapshot.py --version 6.0.0 --year 2026

The package is fetched with ``npm pack`` into a temporary directory (no ``node_modules``, no
install scripts run), its JSON files are read and a compact snapshot is written: positional rows
instead of objects, current communes only (``commune-actuelle``; no delegated/associated communes
nor Paris/Lyon/Marseille arrondissements), the fields Essaim uses. The output is deterministic
(sorted rows, fixed gzip mtime) so that regenerating an unchanged version gives the same bytes.

Format (``format`` = 1)::

    {"format": 1, "source": {...},
     "columns": {"regions": [...], ...},     # names of the positional fields below
     "regions":      [[code, name, chef_lieu, zone], ...],
     "departements": [[code, name, region_code, chef_lieu, zone], ...],
     "epci":         [[siren, name, kind, financing_mode, population], ...],
     "ept":          [[siren, name, [commune INSEE codes]], ...],
     "communes":     [[insee, name, departement_code, region_code, epci_siren | "",
                       siren | "", population | null, [postal codes]], ...]}
"""

import argparse
import gzip
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@etalab/decoupage-administratif"
DEFAULT_VERSION = "6.0.0"
DEFAULT_YEAR = 2026  # the package's README maps version 6.0.0 to the 2026 vintage of the COG
OUT_DIR = Path(__file__).resolve().parent.parent / "essaim" / "geo" / "data"

COLUMNS = {
    "regions": ["code", "name", "chef_lieu", "zone"],
    "departements": ["code", "name", "region", "chef_lieu", "zone"],
    "epci": ["siren", "name", "kind", "financing_mode", "population"],
    "ept": ["siren", "name", "communes"],
    "communes": [
        "insee",
        "name",
        "departement",
        "region",
        "epci",
        "siren",
        "population",
        "postal_codes",
    ],
}


def fetch(version: str, workdir: Path) -> Path:
    """``npm pack`` the package into ``workdir`` and return its extracted ``data`` folder."""
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{version}", "--silent", "--pack-destination", str(workdir)],
        check=True,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
    )
    (tarball,) = workdir.glob("*.tgz")
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def build(package_dir: Path, version: str, year: int) -> dict:
    data = package_dir / "data"

    def read(name: str):
        return json.loads((data / f"{name}.json").read_text(encoding="utf-8"))

    regions = sorted(
        [r["code"], r["nom"], r.get("chefLieu", ""), r.get("zone", "")] for r in read("regions")
    )
    departements = sorted(
        [d["code"], d["nom"], d["region"], d.get("chefLieu", ""), d.get("zone", "")]
        for d in read("departements")
    )
    epci_rows = read("epci")
    epci_of = {}  # a commune's EPCI comes from the EPCI's "membres"
    for epci in epci_rows:
        for member in epci["membres"]:
            if member["code"] in epci_of:
                raise SystemExit(f"commune {member['code']} is in two EPCI")
            epci_of[member["code"]] = epci["code"]
    epci = sorted(
        [
            e["code"],
            e["nom"].replace("  ", " ").strip(),
            e.get("type", ""),
            e.get("modeFinancement", ""),
            e.get("populationMunicipale"),
        ]
        for e in epci_rows
    )
    ept = sorted(
        [e["code"], e["nom"], sorted(m["code"] for m in e["membres"])] for e in read("ept")
    )
    communes = sorted(
        [
            c["code"],
            c["nom"],
            c["departement"],
            c["region"],
            epci_of.get(c["code"], ""),
            c.get("siren", ""),
            c.get("population"),
            sorted(set(c.get("codesPostaux", []))),
        ]
        for c in read("communes")
        if c.get("type") == "commune-actuelle"
    )
    known = {c[0] for c in communes}
    missing = sorted(code for code in epci_of if code not in known)
    if missing:
        raise SystemExit(f"EPCI members that are not current communes: {missing[:10]}")
    return {
        "format": 1,
        "source": {
            "package": PACKAGE,
            "version": version,
            "cog_year": year,
            "licence": "code MIT; data Licence Ouverte / Open Licence (Etalab)",
            "origin": "INSEE, Code officiel géographique; DGCL, EPCI; La Poste, codes postaux",
        },
        "columns": COLUMNS,
        "regions": regions,
        "departements": departements,
        "epci": epci,
        "ept": ept,
        "communes": communes,
    }


def write(snapshot: dict, path: Path) -> None:
    raw = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with (
        open(path, "wb") as out,
        gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as gz,
    ):
        gz.write(raw)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=DEFAULT_VERSION)
    parser.add_argument("--year", type=int, default=DEFAULT_YEAR)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or OUT_DIR / f"cog-{args.year}.json.gz"
    with tempfile.TemporaryDirectory(prefix="essaim-geo-") as tmp:
        snapshot = build(fetch(args.version, Path(tmp)), args.version, args.year)
    write(snapshot, out)
    print(
        f"{out}: {len(snapshot['regions'])} régions, {len(snapshot['departements'])} départements, "
        f"{len(snapshot['epci'])} EPCI, {len(snapshot['ept'])} EPT, "
        f"{len(snapshot['communes'])} communes, {out.stat().st_size / 1e6:.2f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
