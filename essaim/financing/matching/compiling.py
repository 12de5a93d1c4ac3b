"""Instruments and projects compiled from the database into plain records, in a few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Max
from django.utils import timezone

from essaim.financing.legal import describe_legal_form, families_of
from essaim.financing.matching.records import (
    ESS_BY_LAW,
    InstrumentTerms,
    ProjectFacts,
)
from essaim.financing.models import Instrument, TicketBand
from essaim.geo.models import PerimeterCommune
from essaim.projects.models import Project

# --- Compilation from the database --------------------------------------------------------------


INSTRUMENT_COLUMNS = (
    "pk",
    "name",
    "short_name",
    "provider__name",
    "provider_id",
    "kinds",
    "share_of_costs_max",
    "legal_families",
    "legal_categories",
    "requires_ess",
    "requires_esus",
    "min_age_years",
    "max_age_years",
    "max_yearly_budget",
    "is_national",
    "themes",
    "opens_on",
    "closes_on",
    "is_published",
)


def compile_instruments(queryset=None) -> list[InstrumentTerms]:
    """Published instruments (or ``queryset``) as plain records, in six queries of plain values
    (no model instances)."""
    if queryset is None:
        queryset = Instrument.objects.published()
    rows = list(queryset.order_by("pk").values_list(*INSTRUMENT_COLUMNS))
    ids = [row[0] for row in rows]
    bands: dict[int, list] = defaultdict(list)
    m2m: dict[str, dict[int, set[int]]] = {}
    if ids:
        ids_query = queryset.values("pk")
        for instrument_id, stage, low, high in (
            TicketBand.objects.filter(instrument_id__in=ids_query)
            .order_by("pk")
            .values_list("instrument_id", "stage", "min_amount", "max_amount")
        ):
            bands[instrument_id].append((stage, low, high))
    for name, target in (
        ("regions", "region_id"),
        ("perimeters", "perimeter_id"),
        ("excluded_regions", "region_id"),
        ("excluded_perimeters", "perimeter_id"),
    ):
        through = getattr(Instrument, name).through
        found: dict[int, set[int]] = defaultdict(set)
        if ids:
            for instrument_id, target_id in through.objects.filter(
                instrument_id__in=queryset.values("pk")
            ).values_list("instrument_id", target):
                found[instrument_id].add(target_id)
        m2m[name] = found
    empty: frozenset = frozenset()
    return [
        InstrumentTerms(
            id=pk,
            name=name,
            label=short_name or name,
            provider=provider,
            provider_id=provider_id,
            kinds=frozenset(kinds),
            bands=tuple(bands.get(pk, ())),
            share=float(share) if share is not None else None,
            families=frozenset(families),
            categories=frozenset(categories.split()) if categories else empty,
            requires_ess=requires_ess,
            requires_esus=requires_esus,
            min_age=min_age,
            max_age=max_age,
            max_budget=max_budget,
            national=national,
            regions=frozenset(m2m["regions"].get(pk, empty)),
            perimeters=frozenset(m2m["perimeters"].get(pk, empty)),
            excluded_regions=frozenset(m2m["excluded_regions"].get(pk, empty)),
            excluded_perimeters=frozenset(m2m["excluded_perimeters"].get(pk, empty)),
            themes=frozenset(themes),
            opens_on=opens_on,
            closes_on=closes_on,
            published=published,
        )
        for (
            pk,
            name,
            short_name,
            provider,
            provider_id,
            kinds,
            share,
            families,
            categories,
            requires_ess,
            requires_esus,
            min_age,
            max_age,
            max_budget,
            national,
            themes,
            opens_on,
            closes_on,
            published,
        ) in rows
    ]


_CACHE: dict = {}


def published_instruments() -> list[InstrumentTerms]:
    """The compiled published instruments, reused while nothing changed: one cheap query checks
    the number of instruments and bands and the latest change (every service that changes
    terms, bands or perimeters saves the instrument, which moves ``updated_at``)."""
    stamp = Instrument.objects.aggregate(
        n=Count("pk", distinct=True), last=Max("updated_at"), bands=Count("bands")
    )
    key = (stamp["n"], stamp["last"], stamp["bands"])
    cached = _CACHE.get("published")
    if cached is not None and cached[0] == key:
        return cached[1]
    compiled = compile_instruments()
    _CACHE["published"] = (key, compiled)
    return compiled


def terms_snapshot(instrument) -> dict:
    """The terms of one instrument as JSON, frozen into a request when it is sent."""
    return {
        "name": instrument.name,
        "provider": instrument.provider.name,
        "kinds": list(instrument.kinds),
        "bands": [
            {"stage": b.stage, "min_amount": b.min_amount, "max_amount": b.max_amount}
            for b in instrument.bands.all()
        ],
        "share_of_costs_max": (
            float(instrument.share_of_costs_max)
            if instrument.share_of_costs_max is not None
            else None
        ),
        "legal_families": list(instrument.legal_families),
        "requires_ess": instrument.requires_ess,
        "requires_esus": instrument.requires_esus,
        "min_age_years": instrument.min_age_years,
        "max_age_years": instrument.max_age_years,
        "max_yearly_budget": instrument.max_yearly_budget,
        "opens_on": instrument.opens_on.isoformat() if instrument.opens_on else None,
        "closes_on": instrument.closes_on.isoformat() if instrument.closes_on else None,
        "conditions": instrument.conditions,
        "url": instrument.url,
        "updated_at": instrument.updated_at.isoformat() if instrument.updated_at else None,
    }


def project_facts(
    project_ids: Iterable[int] | None = None,
    *,
    needs: dict | None = None,
    queryset=None,
    today=None,
) -> list[ProjectFacts]:
    """Projects as plain records, in four queries whatever their number. ``needs`` maps a
    project id to the Need to match (None: no amount)."""
    year = (today or timezone.localdate()).year
    qs = queryset if queryset is not None else Project.objects.all()
    if project_ids is not None:
        qs = qs.filter(pk__in=list(project_ids))
    rows = list(
        qs.order_by("pk").values_list(
            "pk",
            "title",
            "stage",
            "founded_year",
            "yearly_budget",
            "perimeter_id",
            "perimeter__name",
            "domains",
            "holder__legal_category",
            "holder__kind",
            "holder__is_ess",
            "holder__esus_approved",
            "holder__commune__region_id",
        )
    )
    ids = [row[0] for row in rows]
    communes: dict[int, set[int]] = defaultdict(set)
    regions: dict[int, set[int]] = defaultdict(set)
    through = Project.communes.through
    if ids:
        for project_id, commune_id, region_id in through.objects.filter(
            project_id__in=qs.values("pk")
        ).values_list("project_id", "commune_id", "commune__region_id"):
            communes[project_id].add(commune_id)
            regions[project_id].add(region_id)
    # Perimeters that contain a served commune: only those instruments name matter.
    named = set()
    for name in ("perimeters", "excluded_perimeters"):
        named.update(
            getattr(Instrument, name).through.objects.values_list("perimeter_id", flat=True)
        )
    commune_perimeters: dict[int, set[int]] = defaultdict(set)
    if named and communes:
        containment = PerimeterCommune.objects.filter(perimeter_id__in=named)
        served = set().union(*communes.values())
        if len(served) <= 500:  # one project or a few: only their communes
            containment = containment.filter(commune_id__in=served)
        for perimeter_id, commune_id in containment.values_list("perimeter_id", "commune_id"):
            commune_perimeters[commune_id].add(perimeter_id)
    facts = []
    needs = needs or {}
    for (
        pk,
        title,
        stage,
        founded,
        budget,
        perimeter_id,
        perimeter_name,
        domains,
        category,
        kind,
        is_ess,
        esus,
        holder_region,
    ) in rows:
        families = families_of(category or "", kind or "")
        perimeters = {perimeter_id} if perimeter_id else set()
        for commune_id in communes.get(pk, ()):
            perimeters |= commune_perimeters.get(commune_id, set())
        project_regions = regions.get(pk) or ({holder_region} if holder_region else set())
        need = needs.get(pk)
        facts.append(
            ProjectFacts(
                id=pk,
                title=title,
                stage=stage,
                amount=need.amount if need is not None else None,
                need_id=need.pk if need is not None else None,
                families=families,
                legal_category=category or "",
                legal_label=describe_legal_form(category or "", kind or ""),
                is_ess=bool(is_ess or (families & ESS_BY_LAW)),
                esus=bool(esus),
                age=(year - founded) if founded else None,
                budget=budget,
                regions=frozenset(project_regions),
                perimeters=frozenset(perimeters),
                domains=frozenset(domains),
                territory=perimeter_name or "",
                territory_id=perimeter_id,
            )
        )
    return facts
