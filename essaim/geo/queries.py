"""Reads of the geo app. Geography and perimeters are public: no user scoping is needed, but
every read that could grow is one indexed query."""

import re
from dataclasses import dataclass

from django.db.models import Case, Count, F, QuerySet, Value, When

from essaim.geo.models import (
    Commune,
    Departement,
    Epci,
    Perimeter,
    PerimeterCommune,
    Region,
    UnitKind,
)
from essaim.geo.reference import fold

DEPARTEMENT_CODE = re.compile(r"\d{2,3}|2[abAB]")


def perimeters_containing(insee: str) -> QuerySet[Perimeter]:
    """The perimeters that contain the commune ``insee``: one query, through the materialised
    ``PerimeterCommune`` table and its (commune, perimeter) index."""
    return Perimeter.objects.filter(commune_links__commune__insee=insee).order_by("name")


def communes_of(perimeter: Perimeter | int) -> QuerySet[Commune]:
    """The communes of a perimeter, with their département: one query, through the
    (perimeter, commune) unique index."""
    return (
        Commune.objects.filter(perimeter_links__perimeter=perimeter)
        .select_related("departement")
        .order_by("insee")
    )


def _ranked(queryset: QuerySet, q: str) -> QuerySet:
    """Filter on the folded name (accent- and case-blind); names that start with the query
    come first, then the most populated."""
    folded = fold(q)
    if not folded:
        return queryset
    return (
        queryset.filter(search_name__contains=folded)
        .annotate(
            _rank=Case(
                When(search_name=folded, then=Value(0)),
                When(search_name__startswith=folded, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("_rank", F("population").desc(nulls_last=True), "name")
    )


def regions_search(q: str = "") -> QuerySet[Region]:
    return _ranked(Region.objects.all(), q) if q else Region.objects.order_by("code")


def departements_search(q: str = "", region: str = "") -> QuerySet[Departement]:
    queryset = Departement.objects.select_related("region")
    if region:
        queryset = queryset.filter(region__code=region)
    if DEPARTEMENT_CODE.fullmatch(q.strip()):
        return queryset.filter(code=q.strip().upper())
    return _ranked(queryset, q) if q else queryset.order_by("code")


def epci_search(q: str = "") -> QuerySet[Epci]:
    q = q.strip()
    if q.isdigit():
        return Epci.objects.filter(siren__startswith=q).order_by("siren")
    return _ranked(Epci.objects.all(), q) if q else Epci.objects.order_by("name")


def communes_search(q: str = "", departement: str = "") -> QuerySet[Commune]:
    """Communes by name (accent-blind) or by INSEE code prefix, optionally in a département."""
    queryset = Commune.objects.select_related("departement", "region", "epci")
    if departement:
        queryset = queryset.filter(departement__code=departement)
    q = q.strip()
    if q[:2].isdigit() or q[:2].upper() in {"2A", "2B"}:
        return queryset.filter(insee__startswith=q.upper()).order_by("insee")
    return _ranked(queryset, q) if q else queryset.order_by("insee")


@dataclass(frozen=True)
class UnitHit:
    kind: str
    code: str
    name: str
    context: str  # e.g. the département of a commune, to tell homonyms apart

    @property
    def kind_label(self) -> str:
        return str(UnitKind(self.kind).label)

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "kind_label": self.kind_label,
            "code": self.code,
            "name": self.name,
            "context": self.context,
        }


def units_search(q: str, kinds: list[str], limit: int = 10) -> list[UnitHit]:
    """Official units whose name matches ``q`` (or whose code starts with it), at most
    ``limit`` per kind: one query per kind asked for."""
    hits: list[UnitHit] = []
    if UnitKind.REGION in kinds:
        hits += [
            UnitHit("region", r.code, r.name, "")
            for r in (
                Region.objects.filter(code=q.strip()) if q.strip().isdigit() else regions_search(q)
            )[:limit]
        ]
    if UnitKind.DEPARTEMENT in kinds:
        hits += [
            UnitHit("departement", d.code, d.name, d.region.name)
            for d in departements_search(q)[:limit]
        ]
    if UnitKind.EPCI in kinds:
        hits += [UnitHit("epci", e.siren, e.name, e.kind) for e in epci_search(q)[:limit]]
    if UnitKind.COMMUNE in kinds:
        hits += [
            UnitHit("commune", c.insee, c.name, f"{c.departement.name} ({c.departement.code})")
            for c in communes_search(q)[:limit]
        ]
    return hits


def units_with_names(perimeter: Perimeter) -> list[dict]:
    """The units of a perimeter with the names of the official units: at most five queries."""
    units = list(perimeter.units.order_by("excluded", "kind", "code"))
    codes: dict[str, set[str]] = {}
    for unit in units:
        codes.setdefault(unit.kind, set()).add(unit.code)
    names: dict[tuple[str, str], str] = {}
    for kind, model, key in (
        (UnitKind.REGION, Region, "code"),
        (UnitKind.DEPARTEMENT, Departement, "code"),
        (UnitKind.EPCI, Epci, "siren"),
        (UnitKind.COMMUNE, Commune, "insee"),
    ):
        if codes.get(kind):
            for code, name in model.objects.filter(**{f"{key}__in": codes[kind]}).values_list(
                key, "name"
            ):
                names[(str(kind), code)] = name
    return [
        {
            "kind": unit.kind,
            "kind_label": str(unit.get_kind_display()),
            "code": unit.code,
            "name": names.get((unit.kind, unit.code), ""),
            "excluded": unit.excluded,
        }
        for unit in units
    ]


def perimeter_departement_counts(perimeter_ids) -> dict[int, dict[str, int]]:
    """{perimeter id: {département code: number of its communes there}}, one aggregated query."""
    rows = (
        PerimeterCommune.objects.filter(perimeter_id__in=list(perimeter_ids))
        .values_list("perimeter_id", "commune__departement__code")
        .annotate(communes=Count("pk"))
        .order_by("perimeter_id", "commune__departement__code")
    )
    result: dict[int, dict[str, int]] = {}
    for perimeter_id, code, communes in rows:
        result.setdefault(perimeter_id, {})[code] = communes
    return result


def departement_commune_totals(codes) -> dict[str, int]:
    """{département code: number of its communes}, for ``codes`` only, one aggregated query."""
    rows = (
        Commune.objects.filter(departement__code__in=list(codes))
        .values_list("departement__code")
        .annotate(communes=Count("pk"))
        .order_by()
    )
    return dict(rows)
