"""The shipped reference snapshot of the official geography (see ``data/README.md``)."""

import functools
import gzip
import hashlib
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

SNAPSHOT_PATH = Path(__file__).parent / "data" / "cog-2026.json.gz"
SNAPSHOT_FORMAT = 1

_NOT_WORD = re.compile(r"[^a-z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: "Saint-Étienne" → "saint etienne".

    Stored in ``search_name`` and applied to queries, so search ignores accents, case, hyphens
    and apostrophes on SQLite and PostgreSQL alike (no ``unaccent`` extension needed).
    """
    text = text.lower().translate(_LIGATURES)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_WORD.sub(" ", ascii_text).strip()


def snapshot_checksum(path: Path = SNAPSHOT_PATH) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@functools.cache
def _read(path: str, mtime_ns: int) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        snapshot = json.load(fh)
    if snapshot.get("format") != SNAPSHOT_FORMAT:
        raise ValueError(f"{path}: unknown snapshot format {snapshot.get('format')!r}")
    return snapshot


def snapshot_read(path: Path = SNAPSHOT_PATH) -> dict[str, Any]:
    """The snapshot as a dict of positional rows (format in ``scripts/build_geo_snapshot.py``).

    Cached per file version; callers must not mutate it.
    """
    path = Path(path)
    return _read(str(path), path.stat().st_mtime_ns)


def snapshot_write(snapshot: dict[str, Any], path: Path) -> None:
    """Write a snapshot (used by tests to build tiny ones)."""
    raw = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with gzip.open(path, "wb") as fh:
        fh.write(raw)


def ept_communes(name: str, path: Path = SNAPSHOT_PATH) -> list[str]:
    """The INSEE codes of the communes of an établissement public territorial (Grand Paris),
    found by its exact name, e.g. ``ept_communes("Est Ensemble")``."""
    for _siren, ept_name, communes in snapshot_read(path)["ept"]:
        if ept_name == name:
            return list(communes)
    raise LookupError(f"EPT {name!r} not in the snapshot")
