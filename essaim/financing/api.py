"""/api/v1/instruments, /api/v1/financing-requests, /api/v1/financing-gaps and a project's ranked
matches (/api/v1/projects/{id}/matches)."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.core.api.filters import MAX_ID, Code, Id
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.core.inputs import SMALL_INT_MAX
from essaim.core.money import Money
from essaim.financing import rules, services
from essaim.financing.legal import LegalFamily
from essaim.financing.matching import find_gaps, match_project
from essaim.financing.models import FinancingRequest, Instrument, InstrumentKind
from essaim.financing.workflow import RequestStatus
from essaim.geo.models import Perimeter, Region
from essaim.projects.api import NeedOut, visible_project
from essaim.projects.fields import code_filter
from essaim.projects.models import Domain, Need, Project, Stage

router = Router(tags=["financing"])
INSTRUMENT_M2M = ("regions", "perimeters", "excluded_regions", "excluded_perimeters")


# --- Instruments --------------------------------------------------------------------------------


class BandOut(Schema):
    stage: str
    min_amount: int | None
    max_amount: int | None


class InstrumentOut(Schema):
    id: int
    name: str
    short_name: str
    provider: str
    provider_id: int
    description: str
    kinds: list[str]
    bands: list[BandOut]
    share_of_costs_max: Decimal | None
    legal_families: list[str]
    legal_categories: list[str]
    requires_ess: bool
    requires_esus: bool
    min_age_years: int | None
    max_age_years: int | None
    max_yearly_budget: int | None
    is_national: bool
    regions: list[str] = Field(description="INSEE codes")
    perimeters: list[str] = Field(description="perimeter slugs")
    excluded_regions: list[str]
    excluded_perimeters: list[str]
    themes: list[str]
    opens_on: datetime.date | None
    closes_on: datetime.date | None
    conditions: str
    url: str
    is_published: bool
    updated_at: datetime.datetime


def instrument_out(inst: Instrument) -> dict:
    return {
        "id": inst.pk,
        "name": inst.name,
        "short_name": inst.short_name,
        "provider": inst.provider.name,
        "provider_id": inst.provider_id,
        "description": inst.description,
        "kinds": inst.kinds,
        "bands": [
            {"stage": b.stage, "min_amount": b.min_amount, "max_amount": b.max_amount}
            for b in inst.bands.all()
        ],
        "share_of_costs_max": inst.share_of_costs_max,
        "legal_families": inst.legal_families,
        "legal_categories": sorted(inst.legal_category_codes),
        "requires_ess": inst.requires_ess,
        "requires_esus": inst.requires_esus,
        "min_age_years": inst.min_age_years,
        "max_age_years": inst.max_age_years,
        "max_yearly_budget": inst.max_yearly_budget,
        "is_national": inst.is_national,
        "regions": [r.code for r in inst.regions.all()],
        "perimeters": [p.slug for p in inst.perimeters.all()],
        "excluded_regions": [r.code for r in inst.excluded_regions.all()],
        "excluded_perimeters": [p.slug for p in inst.excluded_perimeters.all()],
        "themes": inst.themes,
        "opens_on": inst.opens_on,
        "closes_on": inst.closes_on,
        "conditions": inst.conditions,
        "url": inst.url,
        "is_published": inst.is_published,
        "updated_at": inst.updated_at,
    }


def _instruments(user):
    return (
        Instrument.objects.visible_to(user)
        .select_related("provider")
        .prefetch_related(
            "bands", "regions", "perimeters", "excluded_regions", "excluded_perimeters"
        )
    )


class InstrumentFilters(Schema):
    kind: Code = ""
    stage: Code = ""
    provider_id: Id | None = None


@router.get("/instruments", response=list[InstrumentOut], summary="The instrument catalogue")
@paginate(PageNumberPagination, page_size=50)
def instrument_list(request, filters: Query[InstrumentFilters]):
    qs = _instruments(request.user)
    if filters.kind:
        qs = qs.filter(**code_filter("kinds", filters.kind))
    if filters.stage:
        qs = qs.filter(bands__stage__in=[filters.stage, ""]).distinct()
    if filters.provider_id:
        qs = qs.filter(provider_id=filters.provider_id)
    return mapped(qs.order_by("name"), instrument_out)


def _instrument(request, instrument_id: int) -> Instrument:
    found = _instruments(request.user).filter(pk=instrument_id).first()
    if found is None:
        raise Http404(_("Outil de financement %(id)s introuvable.") % {"id": instrument_id})
    return found


@router.get("/instruments/{instrument_id}", response=InstrumentOut, summary="One instrument")
def instrument_detail(request, instrument_id: int):
    return instrument_out(_instrument(request, instrument_id))


class BandIn(Schema):
    stage: Stage | None = None
    min_amount: Money | None = None
    max_amount: Money | None = None


class InstrumentPatch(Schema):
    short_name: str | None = Field(None, max_length=60)
    description: str | None = None
    kinds: list[InstrumentKind] | None = None
    share_of_costs_max: Decimal | None = Field(None, ge=0, le=1, max_digits=4, decimal_places=3)
    legal_families: list[LegalFamily] | None = None
    legal_categories: list[str] | None = None
    requires_ess: bool | None = None
    requires_esus: bool | None = None
    min_age_years: int | None = Field(None, ge=0, le=SMALL_INT_MAX)
    max_age_years: int | None = Field(None, ge=0, le=SMALL_INT_MAX)
    max_yearly_budget: Money | None = None
    is_national: bool | None = None
    themes: list[Domain] | None = None
    opens_on: datetime.date | None = None
    closes_on: datetime.date | None = None
    conditions: str | None = None
    url: str | None = None
    is_published: bool | None = None
    bands: list[BandIn] | None = None
    regions: list[str] | None = Field(None, description="INSEE codes of régions")
    perimeters: list[str] | None = Field(None, description="perimeter slugs")
    excluded_regions: list[str] | None = Field(None, description="INSEE codes of régions")
    excluded_perimeters: list[str] | None = Field(None, description="perimeter slugs")


def _resolve_places(data: dict) -> dict:
    """Région codes and perimeter slugs → objects; unknown ones are refused by name."""
    m2m = {}
    errors = {}
    for name, model, key in (
        ("regions", Region, "code"),
        ("excluded_regions", Region, "code"),
        ("perimeters", Perimeter, "slug"),
        ("excluded_perimeters", Perimeter, "slug"),
    ):
        if name not in data:
            continue
        wanted = data.pop(name) or []
        found = list(model.objects.filter(**{f"{key}__in": wanted}))
        missing = sorted(set(wanted) - {getattr(obj, key) for obj in found})
        if missing:
            errors[name] = _("Inconnus : %(values)s.") % {"values": ", ".join(missing)}
        m2m[name] = found
    if errors:
        raise ValidationError(errors)
    return m2m


@router.patch(
    "/instruments/{instrument_id}",
    response=InstrumentOut,
    auth=BearerOrSession(),
    summary="Update an instrument (its provider's financers only); unset fields are kept",
)
def instrument_update(request, instrument_id: int, payload: InstrumentPatch):
    instrument = _instrument(request, instrument_id)
    if not rules.can_edit_instrument(request.user, instrument):
        raise PermissionDenied(_("Vous ne pouvez modifier que les outils de votre structure."))
    data = payload.dict(exclude_unset=True)
    bands = data.pop("bands", None)
    if "legal_categories" in data:
        data["legal_categories"] = " ".join(data["legal_categories"] or [])
    for key in ("kinds", "legal_families", "themes"):
        if key in data and data[key] is not None:
            data[key] = [getattr(v, "value", v) for v in data[key]]
    if bands is not None:
        bands = [
            {
                "stage": getattr(b.get("stage"), "value", b.get("stage")) or "",
                "min_amount": b.get("min_amount"),
                "max_amount": b.get("max_amount"),
            }
            for b in bands
        ]
    m2m = _resolve_places(data)
    services.instrument_update(
        user=request.user, instrument=instrument, data=data, bands=bands, m2m=m2m
    )
    return instrument_out(_instrument(request, instrument_id))


# --- Requests -----------------------------------------------------------------------------------


class RequestTransitionOut(Schema):
    name: str
    label: str
    comment_required: bool
    amount_required: bool


class RequestOut(Schema):
    id: int
    project: dict
    instrument: dict
    need_id: int | None
    amount: int
    purpose: str
    status: str
    status_label: str
    granted_amount: int | None
    grant_conditions: str
    partial_reason: str
    decline_reason: str
    terms: dict
    sent_at: datetime.datetime
    decided_at: datetime.datetime | None
    disbursed_at: datetime.datetime | None
    actions: list[RequestTransitionOut]


def request_out(req: FinancingRequest, user) -> dict:
    return {
        "id": req.pk,
        "project": {"id": req.project_id, "title": req.project.title},
        "instrument": {"id": req.instrument_id, "name": req.instrument.label},
        "need_id": req.need_id,
        "amount": req.amount,
        "purpose": req.purpose,
        "status": req.status,
        "status_label": str(req.get_status_display()),
        "granted_amount": req.granted_amount,
        "grant_conditions": req.grant_conditions,
        "partial_reason": req.partial_reason,
        "decline_reason": req.decline_reason,
        "terms": req.terms,
        "sent_at": req.sent_at,
        "decided_at": req.decided_at,
        "disbursed_at": req.disbursed_at,
        "actions": [
            {
                "name": t.name,
                "label": str(t.label),
                "comment_required": t.comment_required,
                "amount_required": t.amount_required,
            }
            for t in services.request_allowed_transitions(req, user)
        ],
    }


def _requests(user):
    return FinancingRequest.objects.visible_to(user).select_related(
        "project", "instrument", "instrument__provider"
    )


class RequestFilters(Schema):
    status: RequestStatus | None = None
    instrument_id: Id | None = None
    project_id: Id | None = None


@router.get(
    "/financing-requests",
    response=list[RequestOut],
    auth=BearerOrSession(),
    summary="Requests: the holder's and the territory's own, those sent to the financer's "
    "instruments, those of the staff's programmes",
)
@paginate(PageNumberPagination, page_size=50)
def request_list(request, filters: Query[RequestFilters]):
    qs = _requests(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status.value)
    if filters.instrument_id:
        qs = qs.filter(instrument_id=filters.instrument_id)
    if filters.project_id:
        qs = qs.filter(project_id=filters.project_id)
    return mapped(qs, lambda r: request_out(r, request.user))


class TotalsOut(Schema):
    territory: list[dict]
    instrument: list[dict]
    stage: list[dict]


@router.get(
    "/financing-requests/totals",
    response=TotalsOut,
    auth=BearerOrSession(),
    summary="Counts and amounts per territory, instrument and stage, over the visible requests",
)
def request_totals(request):
    totals = services.request_totals(FinancingRequest.objects.visible_to(request.user))
    return {
        key: [{**row, "name": str(row["name"])} for row in rows] for key, rows in totals.items()
    }


def _request(request, request_id: int) -> FinancingRequest:
    found = _requests(request.user).filter(pk=request_id).first()
    if found is None:
        raise Http404(_("Demande de financement %(id)s introuvable.") % {"id": request_id})
    return found


@router.get(
    "/financing-requests/{request_id}",
    response=RequestOut,
    auth=BearerOrSession(),
    summary="One request, with the actions the caller may take",
)
def request_detail(request, request_id: int):
    return request_out(_request(request, request_id), request.user)


class RequestIn(Schema):
    project_id: int
    instrument_id: int
    need_id: int | None = None
    amount: Money
    purpose: str = Field(min_length=1)


@router.post(
    "/financing-requests",
    response={201: RequestOut},
    auth=BearerOrSession(),
    summary="Send a request from a project to an instrument (the project's holders)",
)
def request_create(request, payload: RequestIn):
    project = Project.objects.visible_to(request.user).filter(pk=payload.project_id).first()
    if project is None:
        raise Http404(_("Projet %(id)s introuvable.") % {"id": payload.project_id})
    instrument = Instrument.objects.published().filter(pk=payload.instrument_id).first()
    if instrument is None:
        raise ValidationError(
            {"instrument_id": _("Aucun outil publié n°%(id)s.") % {"id": payload.instrument_id}}
        )
    need = None
    if payload.need_id is not None:
        need = Need.objects.filter(pk=payload.need_id, project=project).first()
        if need is None:
            raise ValidationError(
                {"need_id": _("Ce projet n'a pas de besoin n°%(id)s.") % {"id": payload.need_id}}
            )
    created = services.financing_request_send(
        user=request.user,
        project=project,
        instrument=instrument,
        amount=payload.amount,
        purpose=payload.purpose,
        need=need,
    )
    return Status(201, request_out(_request(request, created.pk), request.user))


class RequestTransitionIn(Schema):
    name: str
    comment: str = ""
    amount: Money | None = None
    conditions: str = Field("", max_length=5000, description="grant: the grant's conditions")
    partial_reason: str = Field(
        "", max_length=5000, description="grant: required when the amount is below the request"
    )


@router.post(
    "/financing-requests/{request_id}/transitions",
    response=RequestOut,
    auth=BearerOrSession(),
    summary="Move a request along the pipeline (received → in_review → granted/declined → …)",
)
def request_transition(request, request_id: int, payload: RequestTransitionIn):
    req = _request(request, request_id)
    services.financing_request_transition(
        user=request.user,
        request=req,
        name=payload.name,
        comment=payload.comment,
        amount=payload.amount,
        conditions=payload.conditions,
        partial_reason=payload.partial_reason,
    )
    return request_out(_request(request, request_id), request.user)


# --- Gaps ---------------------------------------------------------------------------------------


class GapOut(Schema):
    need_id: int
    project_id: int
    title: str
    territory: str
    stage: str
    amount: int


class GapsOut(Schema):
    needs_checked: int
    instruments: int
    gaps: list[GapOut]


@router.get(
    "/financing-gaps",
    response=GapsOut,
    auth=BearerOrSession(),
    summary="Open financing needs that no open instrument can meet (programme staff: their "
    "programmes' projects; territory people: their territory's)",
)
def financing_gaps(request):
    projects = rules.gap_projects(request.user)
    if projects is None:
        raise PermissionDenied(_("Réservé à l'équipe du programme et aux territoires."))
    report = find_gaps(project_queryset=projects)
    return {
        "needs_checked": report.needs_checked,
        "instruments": report.instruments,
        "gaps": [
            {
                "need_id": g.need_id,
                "project_id": g.project_id,
                "title": g.title,
                "territory": g.territory,
                "stage": g.stage,
                "amount": g.amount,
            }
            for g in report.gaps
        ],
    }


# --- Matches --------------------------------------------------------------------------------


class MatchRuleOut(Schema):
    code: str
    title: str
    hard: bool
    verdict: str = Field(description="eligible, partly or not_eligible")
    message: str


class InstrumentRef(Schema):
    id: int
    name: str
    provider: str
    url: str


class MatchOut(Schema):
    instrument: InstrumentRef
    score: int
    eligible: bool
    reasons: list[str]
    rules: list[MatchRuleOut]


class MatchesOut(Schema):
    project_id: int
    need: NeedOut | None
    ranked: list[MatchOut]
    excluded: list[MatchOut]


def match_out(match) -> dict:
    inst = match.instrument
    return {
        "instrument": {
            "id": inst.id,
            "name": inst.label,
            "provider": inst.provider,
            "url": reverse("financing:instrument_detail", args=[inst.id]),
        },
        "score": match.score,
        "eligible": match.eligible,
        "reasons": match.reasons,
        "rules": [
            {
                "code": r.rule.code,
                "title": str(r.rule.title),
                "hard": r.rule.hard,
                "verdict": r.verdict,
                "message": r.message,
            }
            for r in match.results
        ],
    }


@router.get(
    "/projects/{project_id}/matches",
    tags=["projects"],
    operation_id="essaim_projects_api_project_matches",
    response=MatchesOut,
    summary="Every instrument ranked for the project, with each rule's verdict and why",
)
def project_matches(request, project_id: int, need_id: int | None = Query(None, ge=1, le=MAX_ID)):
    project = visible_project(request, project_id)
    need = None
    if need_id is not None:
        need = get_object_or_404(project.needs.all(), pk=need_id)
    result = match_project(project, need)
    if need is None and result.facts.need_id:
        need = next((n for n in project.needs.all() if n.pk == result.facts.need_id), None)
    return {
        "project_id": project.pk,
        "need": (
            {
                "id": need.pk,
                "kind": need.kind,
                "amount": need.amount,
                "purpose": need.purpose,
                "status": need.status,
            }
            if need
            else None
        ),
        "ranked": [match_out(m) for m in result.ranked],
        "excluded": [match_out(m) for m in result.excluded],
    }
