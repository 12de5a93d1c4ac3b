"""Writes of the geo app: loading the reference geography and building perimeters."""

import hashlib
import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from essaim.core.services import changed_fields, history_record
from essaim.geo import rules
from essaim.geo.history import PerimeterAction
from essaim.geo.models import (
    Commune,
    Departement,
    Epci,
    Perimeter,
    PerimeterCommune,
    PerimeterUnit,
    ReferenceLoad,
    Region,
    UnitKind,
)
from essaim.geo.reference import SNAPSHOT_PATH, fold, snapshot_checksum, snapshot_read

BATCH_SIZE = 2000

# --------------------------------------------------------------------------------------------
# Reference geography


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    stale: Counter = field(default_factory=Counter)
    perimeters_rebuilt: int = 0
    seconds: float = 0.0
    version: str = ""

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def summary(self) -> str:
        parts = []
        for kind in ("regions", "departements", "epci", "communes"):
            parts.append(
                f"{kind}: +{self.created[kind]} ~{self.updated[kind]}"
                + (f" (absent du référentiel : {self.stale[kind]})" if self.stale[kind] else "")
            )
        return (
            f"{self.version} — " + ", ".join(parts) + f"; périmètres recalculés : "
            f"{self.perimeters_rebuilt}; {self.seconds:.1f} s"
        )


def _sync(
    model: type[models.Model],
    key: str,
    rows: dict[str, dict[str, Any]],
    report: LoadReport,
    label: str,
    watch: Iterable[str] = (),
) -> tuple[dict[str, int], bool]:
    """Make ``model``'s rows match ``rows`` ({natural key: field values}) with bulk writes.

    Returns {natural key: pk} and whether a field of ``watch`` changed on any row (or a row was
    created). Rows absent from ``rows`` are kept (other data may point at them) and counted.
    """
    fields = list(next(iter(rows.values())).keys()) if rows else []
    existing = {
        values[0]: (values[1], values[2:])
        for values in model.objects.values_list(key, "pk", *fields).order_by()
    }
    watched = [fields.index(f) for f in watch]
    to_create, to_update, touched = [], [], False
    for natural_key, values in rows.items():
        current = existing.get(natural_key)
        wanted = tuple(values.values())
        if current is None:
            to_create.append((natural_key, *wanted))
            touched = True
        elif current[1] != wanted:
            to_update.append(model(pk=current[0], **{key: natural_key}, **values))
            touched = touched or any(current[1][i] != wanted[i] for i in watched)
    if to_create:
        _insert_many(model, [key, *fields], to_create)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=500)
    report.created[label] += len(to_create)
    report.updated[label] += len(to_update)
    report.stale[label] += len(set(existing) - set(rows))
    if to_create:
        ids = dict(model.objects.values_list(key, "pk").order_by())
    else:
        ids = {natural_key: pk for natural_key, (pk, _values) in existing.items()}
    return ids, touched


def _insert_many(model: type[models.Model], attnames: list[str], rows: list[tuple]) -> None:
    """INSERT plain rows, several hundred per statement.

    ``bulk_create`` spends most of a whole-France load building model instances and compiling
    SQL (about 10x the database's own time, see ``bench/geo_load.py``); the rows here are plain
    values already checked by the snapshot's build, so they go straight to the cursor as
    ``COPY`` on PostgreSQL and multi-row ``VALUES`` on SQLite. JSON values (postal codes) are
    serialised here, as the JSON field would.
    """
    fields = [model._meta.get_field(name) for name in attnames]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    json_fields = {i for i, f in enumerate(fields) if isinstance(f, models.JSONField)}
    if json_fields:
        rows = [
            tuple(json.dumps(value) if i in json_fields else value for i, value in enumerate(row))
            for row in rows
        ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: the fastest path, and psycopg parses no query text per row.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - names from the model
        placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
        max_params = connection.features.max_query_params or 30000
        per_statement = max(1, min(500, max_params // len(fields)))
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            cursor.execute(
                head + ", ".join([placeholders] * len(batch)),
                [value for row in batch for value in row],
            )


@transaction.atomic
def geo_load_reference(
    *, user=None, path: Path | None = None, snapshot: dict[str, Any] | None = None
) -> LoadReport:
    """Load the official geography of ``path`` (default: the shipped snapshot), or of an
    in-memory ``snapshot`` dict in the same format (tests), idempotently.

    Guarantees: one transaction; rows are matched by natural key (INSEE code, SIREN) and only
    the changed ones are written, so a second run writes nothing; names, populations, postal
    codes and memberships update in place; rows missing from the snapshot are kept and counted
    (organisations may point at them); when a commune's département, région or EPCI changed or
    a commune was added, every perimeter is rebuilt. ``user`` is None for system loads.
    """
    started = time.perf_counter()
    if snapshot is None:
        path = Path(path or SNAPSHOT_PATH)
        snapshot = snapshot_read(path)
        checksum = snapshot_checksum(path)
    else:
        checksum = hashlib.sha256(
            json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode("utf-8")
        ).hexdigest()
    report = LoadReport(version=_snapshot_label(snapshot))

    population_by_region: Counter = Counter()
    population_by_departement: Counter = Counter()
    for _insee, _n, dep, reg, _e, _s, population, _p in snapshot["communes"]:
        population_by_region[reg] += population or 0
        population_by_departement[dep] += population or 0

    region_ids, _touched = _sync(
        Region,
        "code",
        {
            code: {
                "name": name,
                "chef_lieu": chef_lieu,
                "zone": zone,
                "population": population_by_region.get(code),
                "search_name": fold(name),
            }
            for code, name, chef_lieu, zone in snapshot["regions"]
        },
        report,
        "regions",
    )
    departement_ids, _touched = _sync(
        Departement,
        "code",
        {
            code: {
                "name": name,
                "region_id": region_ids[region],
                "chef_lieu": chef_lieu,
                "zone": zone,
                "population": population_by_departement.get(code),
                "search_name": fold(name),
            }
            for code, name, region, chef_lieu, zone in snapshot["departements"]
        },
        report,
        "departements",
    )
    epci_ids, _touched = _sync(
        Epci,
        "siren",
        {
            siren: {
                "name": name,
                "kind": kind,
                "financing_mode": financing_mode,
                "population": population,
                "search_name": fold(name),
            }
            for siren, name, kind, financing_mode, population in snapshot["epci"]
        },
        report,
        "epci",
    )
    _commune_ids, membership_changed = _sync(
        Commune,
        "insee",
        {
            insee: {
                "name": name,
                "departement_id": departement_ids[dep],
                "region_id": region_ids[reg],
                "epci_id": epci_ids[epci] if epci else None,
                "siren": siren,
                "population": population,
                "postal_codes": postal_codes,
                "search_name": fold(name),
            }
            for insee, name, dep, reg, epci, siren, population, postal_codes in snapshot["communes"]
        },
        report,
        "communes",
        watch=("departement_id", "region_id", "epci_id"),
    )
    if membership_changed:
        for perimeter in Perimeter.objects.all():
            perimeter_rebuild(perimeter=perimeter)
            report.perimeters_rebuilt += 1

    current = ReferenceLoad.objects.filter(name="cog").first()
    if current is None or (current.version, current.checksum) != (report.version, checksum):
        ReferenceLoad.objects.update_or_create(
            name="cog", defaults={"version": report.version, "checksum": checksum}
        )
    report.seconds = time.perf_counter() - started
    return report


def geo_reference_is_loaded(*, path: Path | None = None) -> bool:
    """True when the snapshot at ``path`` is the one last loaded (a cheap check for the demo)."""
    current = ReferenceLoad.objects.filter(name="cog").first()
    return current is not None and current.checksum == snapshot_checksum(path or SNAPSHOT_PATH)


def _snapshot_label(snapshot: dict[str, Any]) -> str:
    source = snapshot.get("source", {})
    package = f"{source.get('package', '?')} {source.get('version', '?')}"
    return f"COG {source.get('cog_year', '?')} ({package})"


# --------------------------------------------------------------------------------------------
# Perimeters


@dataclass(frozen=True, order=True)
class Unit:
    """An official unit of a perimeter: INSEE code for région, département and commune, SIREN
    for EPCI. ``excluded`` units are removed from the union of the others."""

    kind: str
    code: str
    excluded: bool = False

    def as_payload(self) -> dict[str, Any]:
        return {"kind": self.kind, "code": self.code, "excluded": self.excluded}


def _check_can_create(user) -> None:
    # ``user=None`` is the system (reference loads, demo data); people need the permission.
    if user is not None and not rules.can_create_perimeter(user):
        raise PermissionDenied(_("Seule l'équipe d'un programme peut créer des périmètres."))


def _check_can_change(user, perimeter: Perimeter) -> None:
    if user is not None and not rules.can_change_perimeter(user, perimeter):
        raise PermissionDenied(rules.change_refusal(perimeter))


UNIT_MODELS: dict[str, tuple[type[models.Model], str]] = {
    UnitKind.REGION: (Region, "code"),
    UnitKind.DEPARTEMENT: (Departement, "code"),
    UnitKind.EPCI: (Epci, "siren"),
    UnitKind.COMMUNE: (Commune, "insee"),
}


def _clean_units(units: Iterable[Unit]) -> list[Unit]:
    """Validate the units (known kinds, existing codes, at least one included unit)."""
    cleaned = sorted({Unit(u.kind, str(u.code).strip(), bool(u.excluded)) for u in units})
    errors = []
    if not any(not u.excluded for u in cleaned):
        errors.append(_("Un périmètre doit contenir au moins une unité (non exclue)."))
    by_kind: dict[str, set[str]] = {}
    for unit in cleaned:
        if unit.kind not in UNIT_MODELS:
            errors.append(_("Type d'unité inconnu : « %(kind)s ».") % {"kind": unit.kind})
            continue
        by_kind.setdefault(unit.kind, set()).add(unit.code)
    for kind, codes in by_kind.items():
        model, key = UNIT_MODELS[kind]
        found = set(model.objects.filter(**{f"{key}__in": codes}).values_list(key, flat=True))
        for code in sorted(codes - found):
            errors.append(
                _("%(kind)s « %(code)s » introuvable dans le référentiel géographique.")
                % {"kind": UnitKind(kind).label, "code": code}
            )
    seen: dict[tuple[str, str], bool] = {}
    for unit in cleaned:
        if seen.setdefault((unit.kind, unit.code), unit.excluded) != unit.excluded:
            errors.append(
                _("%(kind)s « %(code)s » est à la fois incluse et exclue.")
                % {"kind": UnitKind(unit.kind).label, "code": unit.code}
            )
    if errors:
        raise ValidationError({"units": errors})
    return cleaned


def _units_of(perimeter: Perimeter) -> list[Unit]:
    return sorted(
        Unit(kind, code, excluded)
        for kind, code, excluded in perimeter.units.values_list("kind", "code", "excluded")
    )


@transaction.atomic
def perimeter_create(
    *,
    user,
    name: str,
    units: Iterable[Unit],
    description: str = "",
    slug: str = "",
) -> Perimeter:
    """Create a perimeter from official units and materialise its communes.

    Guarantees: only programme staff (or the system, ``user=None``) create; the units exist in the
    reference; the slug (default ``slugify(name)``) is free; ``PerimeterCommune``, ``population``
    and ``commune_count`` are filled; ``created_by`` names the creator; one history event.
    """
    _check_can_create(user)
    name = name.strip()
    slug = slug or slugify(name)
    errors = {}
    if not name:
        errors["name"] = _("Le nom du périmètre est obligatoire.")
    elif not slug:
        errors["slug"] = _("Impossible de tirer un identifiant du nom « %(name)s ».") % {
            "name": name
        }
    elif Perimeter.objects.filter(slug=slug).exists():
        errors["slug"] = _("Un périmètre a déjà l'identifiant « %(slug)s ».") % {"slug": slug}
    if errors:
        raise ValidationError(errors)
    cleaned = _clean_units(units)
    perimeter = Perimeter.objects.create(
        name=name,
        slug=slug,
        description=description,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    PerimeterUnit.objects.bulk_create(
        PerimeterUnit(perimeter=perimeter, kind=u.kind, code=u.code, excluded=u.excluded)
        for u in cleaned
    )
    perimeter_rebuild(perimeter=perimeter)
    history_record(
        obj=perimeter,
        user=user,
        action=PerimeterAction.CREATED,
        comment=name,
        payload={
            "units": [u.as_payload() for u in cleaned],
            "commune_count": perimeter.commune_count,
            "population": perimeter.population,
        },
    )
    return perimeter


@transaction.atomic
def perimeter_update(
    *,
    user,
    perimeter: Perimeter,
    name: str | None = None,
    description: str | None = None,
    units: Iterable[Unit] | None = None,
) -> bool:
    """Change a perimeter's name, description and/or units; rebuild its communes when the units
    changed. Returns False (and writes nothing) when nothing differs. One history event per
    call that changes something, with the old and new values.

    Only its creator or a superuser may; once a label uses the perimeter, only the admins of the
    labels' programmes (and a superuser) — ``essaim.geo.rules``. The system (``user=None``) may.
    The row is locked; ``perimeter`` is read again once changed."""
    _check_can_change(user, perimeter)
    given, perimeter = perimeter, Perimeter.objects.select_for_update().get(pk=perimeter.pk)
    data = {}
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": _("Le nom du périmètre est obligatoire.")})
        data["name"] = name.strip()
    if description is not None:
        data["description"] = description
    changes = changed_fields(perimeter, data)
    old_units = _units_of(perimeter)
    new_units = _clean_units(units) if units is not None else old_units
    units_changed = new_units != old_units
    if not changes and not units_changed:
        return False
    payload: dict[str, Any] = {"changes": changes}
    if changes:
        for attribute in changes:
            setattr(perimeter, attribute, data[attribute])
        perimeter.save(update_fields=[*changes, "updated_at"])
    if units_changed:
        perimeter.units.all().delete()
        PerimeterUnit.objects.bulk_create(
            PerimeterUnit(perimeter=perimeter, kind=u.kind, code=u.code, excluded=u.excluded)
            for u in new_units
        )
        before = (perimeter.commune_count, perimeter.population)
        perimeter_rebuild(perimeter=perimeter)
        payload["units"] = {
            "from": [u.as_payload() for u in old_units],
            "to": [u.as_payload() for u in new_units],
        }
        payload["commune_count"] = [before[0], perimeter.commune_count]
        payload["population"] = [before[1], perimeter.population]
    history_record(obj=perimeter, user=user, action=PerimeterAction.UPDATED, payload=payload)
    given.refresh_from_db()
    return True


@transaction.atomic
def perimeter_rebuild(*, perimeter: Perimeter) -> None:
    """Recompute ``perimeter``'s materialised communes, ``commune_count`` and ``population``.

    Set-based: one DELETE, one INSERT … SELECT (union of the included units minus the excluded
    ones, resolved by joins on the unit codes) and one UPDATE, whatever the size, in one
    transaction. Internal: the calling service checks permissions and records the history.
    """
    tables = {
        "pc": PerimeterCommune._meta.db_table,
        "unit": PerimeterUnit._meta.db_table,
        "commune": Commune._meta.db_table,
        "region": Region._meta.db_table,
        "departement": Departement._meta.db_table,
        "epci": Epci._meta.db_table,
        "perimeter": Perimeter._meta.db_table,
    }
    # One predicate per unit kind; the third parameter of each selects included or excluded
    # units. Only table names (from the models) are interpolated; values are parameters.
    matches = """(
        c.region_id IN (SELECT r.id FROM {region} r JOIN {unit} u ON u.code = r.code
            WHERE u.perimeter_id = %s AND u.kind = %s AND u.excluded = %s)
        OR c.departement_id IN (SELECT d.id FROM {departement} d JOIN {unit} u ON u.code = d.code
            WHERE u.perimeter_id = %s AND u.kind = %s AND u.excluded = %s)
        OR c.epci_id IN (SELECT e.id FROM {epci} e JOIN {unit} u ON u.code = e.siren
            WHERE u.perimeter_id = %s AND u.kind = %s AND u.excluded = %s)
        OR c.insee IN (SELECT u.code FROM {unit} u
            WHERE u.perimeter_id = %s AND u.kind = %s AND u.excluded = %s)
    )""".format(**tables)  # noqa: S608
    kinds = [UnitKind.REGION, UnitKind.DEPARTEMENT, UnitKind.EPCI, UnitKind.COMMUNE]

    def params(excluded: bool) -> list[Any]:
        return [value for kind in kinds for value in (perimeter.pk, str(kind), excluded)]

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {tables['pc']} WHERE perimeter_id = %s", [perimeter.pk])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {tables['pc']} (perimeter_id, commune_id) "  # noqa: S608
            f"SELECT %s, c.id FROM {tables['commune']} c "
            f"WHERE {matches} AND NOT {matches}",
            [perimeter.pk, *params(False), *params(True)],
        )
        cursor.execute(
            f"UPDATE {tables['perimeter']} SET "  # noqa: S608
            f"commune_count = (SELECT COUNT(*) FROM {tables['pc']} WHERE perimeter_id = %s), "
            f"population = (SELECT SUM(c.population) FROM {tables['pc']} pc "
            f"JOIN {tables['commune']} c ON c.id = pc.commune_id WHERE pc.perimeter_id = %s) "
            f"WHERE id = %s",
            [perimeter.pk, perimeter.pk, perimeter.pk],
        )
    perimeter.refresh_from_db(fields=["commune_count", "population"])


def perimeter_ensure(
    *, user, name: str, units: Iterable[Unit], description: str = "", slug: str = ""
) -> Perimeter:
    """Create the perimeter ``slug`` (default ``slugify(name)``) or bring it to these units and
    texts; idempotent (a second identical call writes nothing). Used by data loaders."""
    slug = slug or slugify(name)
    perimeter = Perimeter.objects.filter(slug=slug).first()
    if perimeter is None:
        return perimeter_create(
            user=user, name=name, units=units, description=description, slug=slug
        )
    perimeter_update(
        user=user, perimeter=perimeter, name=name, description=description, units=units
    )
    return perimeter
