"""The rows of the open data sets (``opendata``), each producer a constant number of queries
whatever the number of rows: the many-row sets (communes, projects) are read with ``iterator``
and merged in order, never one query per row.

Only public records, by each app's own definition: ``Label.objects.public()``,
``Project.objects.visible_to(anonymous)``, ``Instrument.objects.published()``, the published
impact values (``essaim.impact.opendata``); tickets are counted, never listed."""

import datetime
from collections import defaultdict

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max
from django.db.models.functions import TruncMonth
from django.utils import timezone

from essaim.financing.models import Instrument, ProgrammeInstrument
from essaim.geo.models import PerimeterCommune, PerimeterUnit
from essaim.impact import opendata as impact_opendata
from essaim.impact.models import Measurement, MeasurementStatus
from essaim.labels.models import Label
from essaim.projects.models import Project
from essaim.regulatory.knowledge import Theme
from essaim.regulatory.models import Ticket
from essaim.regulatory.workflow import Outcome, TicketState

CHUNK = 2000


def _public_labels():
    return Label.objects.public()


def _public_projects():
    return Project.objects.visible_to(AnonymousUser())


def _public_instruments():
    return Instrument.objects.published()


def _join(values) -> str:
    return " ".join(str(v) for v in values if v not in (None, ""))


# --- Labelled territories ----------------------------------------------------------------------


def territory_rows(base_url: str):
    """One row per public label (5 queries: labels, units, touched départements and régions)."""
    labels = list(
        _public_labels()
        .select_related("perimeter", "wave", "programme")
        .order_by("programme__slug", "perimeter__slug", "wave__number", "pk")
    )
    perimeters = _public_labels().values("perimeter_id")
    units = defaultdict(list)
    for perimeter_id, kind, code, excluded in (
        PerimeterUnit.objects.filter(perimeter_id__in=perimeters)
        .order_by("perimeter_id", "excluded", "kind", "code")
        .values_list("perimeter_id", "kind", "code", "excluded")
    ):
        units[perimeter_id].append(f"{'-' if excluded else ''}{kind}:{code}")
    departements, regions = defaultdict(set), defaultdict(set)
    for perimeter_id, departement, region in (
        PerimeterCommune.objects.filter(perimeter_id__in=perimeters)
        .values_list("perimeter_id", "commune__departement__code", "commune__region__code")
        .order_by()
        .distinct()
    ):
        departements[perimeter_id].add(departement)
        regions[perimeter_id].add(region)
    today = timezone.localdate()
    for label in labels:
        perimeter = label.perimeter
        yield {
            "programme": label.programme.slug,
            "territory": perimeter.slug,
            "territory_name": perimeter.name,
            "wave": label.wave.number,
            "granted_on": label.granted_on,
            "valid_until": label.valid_until,
            "state": label.state_on(today),
            "revoked_on": timezone.localdate(label.revoked_at) if label.revoked_at else None,
            "population": perimeter.population,
            "commune_count": perimeter.commune_count,
            "regions": _join(sorted(regions[perimeter.pk])),
            "departements": _join(sorted(departements[perimeter.pk])),
            "units": _join(units[perimeter.pk]),
            "page_url": base_url + label.get_absolute_url(),
        }


def territory_commune_rows(base_url: str):
    """One row per commune of a publicly labelled territory (one query, streamed)."""
    names = ("territory", "territory_name", "commune", "commune_name", "departement", "region")
    rows = (
        PerimeterCommune.objects.filter(perimeter_id__in=_public_labels().values("perimeter_id"))
        .order_by("perimeter__slug", "commune__insee")
        .values_list(
            "perimeter__slug",
            "perimeter__name",
            "commune__insee",
            "commune__name",
            "commune__departement__code",
            "commune__region__code",
            "commune__epci__siren",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield {**dict(zip(names, row[:6], strict=True)), "epci": row[6] or ""}


def territories_modified():
    latest = _public_labels().aggregate(
        granted=Max("granted_on"),
        published=Max("wave__published_at"),
        revoked=Max("revoked_at"),
        perimeter=Max("perimeter__updated_at"),
    )
    return _latest(*latest.values())


# --- Projects ----------------------------------------------------------------------------------


def project_rows(base_url: str):
    """One row per published project, with the INSEE codes of its communes: two queries read in
    the same order (project id) and merged, whatever the number of projects."""
    projects = (
        _public_projects()
        .select_related("holder", "perimeter")
        .order_by("pk")
        .only(
            "title",
            "summary",
            "stage",
            "domains",
            "publics",
            "methods",
            "founded_year",
            "yearly_budget",
            "jobs",
            "website",
            "is_fictitious",
            "updated_at",
            "holder__name",
            "holder__siren",
            "perimeter__slug",
        )
    )
    links = (
        Project.communes.through.objects.filter(project_id__in=_public_projects().values("pk"))
        .order_by("project_id", "commune__insee")
        .values_list("project_id", "commune__insee")
        .iterator(chunk_size=CHUNK)
    )
    pending = next(links, None)
    for project in projects.iterator(chunk_size=CHUNK):
        communes = []
        while pending is not None and pending[0] <= project.pk:
            if pending[0] == project.pk:
                communes.append(pending[1])
            pending = next(links, None)
        yield {
            "id": project.pk,
            "title": project.title,
            "summary": project.summary,
            "holder": project.holder.name,
            "holder_siren": project.holder.siren,
            "stage": project.stage,
            "domains": _join(project.domains),
            "publics": _join(project.publics),
            "methods": _join(project.methods),
            "territory": project.perimeter.slug if project.perimeter_id else "",
            "communes": _join(communes),
            "founded_year": project.founded_year,
            "yearly_budget": project.yearly_budget,
            "jobs": project.jobs,
            "website": project.website,
            "fictitious": project.is_fictitious,
            "updated_at": project.updated_at,
            "page_url": base_url + project.get_absolute_url(),
        }


def projects_modified():
    return _public_projects().aggregate(latest=Max("updated_at"))["latest"]


# --- Financing instruments ---------------------------------------------------------------------


def _codes_by_instrument(relation: str, target: str, field: str) -> dict[int, list[str]]:
    """{instrument id: the ``field`` of its ``relation``'s rows} for the published instruments
    (one query)."""
    through = getattr(Instrument, relation).through
    value = f"{target}__{field}"
    result = defaultdict(list)
    for instrument_id, code in (
        through.objects.filter(instrument_id__in=_public_instruments().values("pk"))
        .order_by("instrument_id", value)
        .values_list("instrument_id", value)
    ):
        result[instrument_id].append(code)
    return result


def instrument_rows(base_url: str):
    """One row per published instrument (6 queries: instruments, their régions, territories,
    exclusions and the programmes that reference them)."""
    instruments = list(_public_instruments().select_related("provider").order_by("name", "pk"))
    regions = _codes_by_instrument("regions", "region", "code")
    excluded_regions = _codes_by_instrument("excluded_regions", "region", "code")
    territories = _codes_by_instrument("perimeters", "perimeter", "slug")
    excluded_territories = _codes_by_instrument("excluded_perimeters", "perimeter", "slug")
    programmes = defaultdict(list)
    for instrument_id, slug in (
        ProgrammeInstrument.objects.filter(instrument__in=_public_instruments())
        .order_by("programme__slug")
        .values_list("instrument_id", "programme__slug")
    ):
        programmes[instrument_id].append(slug)
    for instrument in instruments:
        pk = instrument.pk
        share = instrument.share_of_costs_max
        yield {
            "id": pk,
            "name": instrument.name,
            "short_name": instrument.short_name,
            "provider": instrument.provider.name,
            "provider_siren": instrument.provider.siren,
            "kinds": _join(instrument.kinds),
            "themes": _join(instrument.themes),
            "share_of_costs_max": share.normalize() if share is not None else None,
            "requires_ess": instrument.requires_ess,
            "requires_esus": instrument.requires_esus,
            "min_age_years": instrument.min_age_years,
            "max_age_years": instrument.max_age_years,
            "max_yearly_budget": instrument.max_yearly_budget,
            "is_national": instrument.is_national,
            "regions": _join(regions[pk]),
            "excluded_regions": _join(excluded_regions[pk]),
            "territories": _join(territories[pk]),
            "excluded_territories": _join(excluded_territories[pk]),
            "opens_on": instrument.opens_on,
            "closes_on": instrument.closes_on,
            "url": instrument.url,
            "programmes": _join(programmes[pk]),
            "fictitious": instrument.is_fictitious,
            "updated_at": instrument.updated_at,
            "page_url": base_url + instrument.get_absolute_url(),
        }


def instruments_modified():
    return _public_instruments().aggregate(latest=Max("updated_at"))["latest"]


# --- Impact ------------------------------------------------------------------------------------


def impact_programme_rows(base_url: str):
    return impact_opendata.published_rows(level="programme")


def impact_territory_rows(base_url: str):
    """The impact app's territory rows, of public labels only (labels are granted when their
    wave is published; this holds it should one ever exist before)."""
    public = set(_public_labels().values_list("programme__slug", "perimeter__slug"))
    return [
        row
        for row in impact_opendata.published_rows(level="territory")
        if (row["programme"], row["territory_slug"]) in public
    ]


def impact_modified():
    published = Measurement.objects.filter(status=MeasurementStatus.PUBLISHED)
    return published.aggregate(latest=Max("updated_at"))["latest"]


# --- Single window -----------------------------------------------------------------------------


def ticket_rows(base_url: str):
    """Counts of tickets by programme, month received, theme, state and outcome (one grouped
    query): no ticket, author, organisation or text leaves the database."""
    groups = (
        Ticket.objects.annotate(month=TruncMonth("received_at"))
        .values("programme__slug", "month", "category", "state", "outcome")
        .annotate(tickets=Count("pk"))
        .order_by("programme__slug", "month", "category", "state", "outcome")
    )
    themes, states, outcomes = dict(Theme.choices), dict(TicketState.choices), dict(Outcome.choices)
    for group in groups:
        yield {
            "programme": group["programme__slug"],
            "month": group["month"].strftime("%Y-%m"),
            "theme": group["category"],
            "theme_label": str(themes.get(group["category"], "")),
            "state": group["state"],
            "state_label": str(states.get(group["state"], "")),
            "outcome": group["outcome"],
            "outcome_label": str(outcomes.get(group["outcome"], "")),
            "tickets": group["tickets"],
        }


def tickets_modified():
    latest = Ticket.objects.aggregate(
        received=Max("received_at"), answered=Max("first_answered_at"), closed=Max("outcome_at")
    )
    return _latest(*latest.values())


def _latest(*moments):
    """The latest of dates and datetimes (a date counts as its local midnight)."""
    found = []
    for moment in moments:
        if moment is None:
            continue
        if not isinstance(moment, datetime.datetime):
            moment = timezone.make_aware(datetime.datetime.combine(moment, datetime.time()))
        found.append(moment)
    return max(found, default=None)
