"""/api/v1/offers (public catalogue; companies create and change theirs), /api/v1/needs (open needs
of published projects) and /api/v1/introductions (for their parties and the programme's staff).
Scoped like the pages: ``visible_to`` and ``essaim.synergies.rules``."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.actors.models import Organisation
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.core.money import Money
from essaim.geo.models import Perimeter, Region
from essaim.projects.models import NeedKind
from essaim.synergies import matching, rules, services
from essaim.synergies.models import (
    MAX_HOURS,
    Introduction,
    IntroductionStatus,
    Offer,
    OfferKind,
    OfferStatus,
)

router = Router(tags=["synergies"])


class Ref(Schema):
    id: int
    name: str


# --- Offers -------------------------------------------------------------------------------------


class OfferOut(Schema):
    id: int
    company: Ref
    kind: str
    kind_label: str
    title: str
    description: str
    conditions: str
    is_national: bool
    regions: list[str] = Field(description="INSEE codes of régions")
    perimeters: list[str] = Field(description="perimeter slugs")
    status: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    updated_at: datetime.datetime


def offer_out(offer: Offer) -> dict:
    return {
        "id": offer.pk,
        "company": {"id": offer.company_id, "name": offer.company.name},
        "kind": offer.kind,
        "kind_label": offer.get_kind_display(),
        "title": offer.title,
        "description": offer.description,
        "conditions": offer.conditions,
        "is_national": offer.is_national,
        "regions": [r.code for r in offer.regions.all()],
        "perimeters": [p.slug for p in offer.perimeters.all()],
        "status": offer.status,
        "starts_on": offer.starts_on,
        "ends_on": offer.ends_on,
        "updated_at": offer.updated_at,
    }


class OfferFilters(Schema):
    kind: OfferKind | None = None
    company_id: int | None = Field(None, ge=1, le=2**31 - 1)
    mine: bool = Field(False, description="only the offers of my companies, withdrawn included")


@router.get("/offers", response=list[OfferOut], summary="Engaged companies' published offers")
@paginate(PageNumberPagination, page_size=50)
def offer_list(request, filters: Query[OfferFilters]):
    if filters.mine:
        companies = rules.companies_for(request.user)
        queryset = Offer.objects.filter(company__in=companies)
    else:
        queryset = Offer.objects.active()
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.company_id:
        queryset = queryset.filter(company_id=filters.company_id)
    return mapped(matching.offers_with_coverage(queryset).order_by("title", "pk"), offer_out)


def _offer(request, offer_id: int) -> Offer:
    found = (
        matching.offers_with_coverage(Offer.objects.visible_to(request.user))
        .filter(pk=offer_id)
        .first()
    )
    if found is None:
        raise Http404(_("Offre %(id)s introuvable.") % {"id": offer_id})
    return found


@router.get("/offers/{offer_id}", response=OfferOut, summary="One offer")
def offer_detail(request, offer_id: int):
    return offer_out(_offer(request, offer_id))


class OfferIn(Schema):
    company_id: int = Field(ge=1, le=2**31 - 1)
    kind: OfferKind
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=5000)
    conditions: str = Field("", max_length=2000)
    is_national: bool = False
    regions: list[str] = Field([], max_length=30, description="INSEE codes of régions")
    perimeters: list[str] = Field([], max_length=100, description="perimeter slugs")
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None


class OfferPatch(Schema):
    kind: OfferKind | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, min_length=1, max_length=5000)
    conditions: str | None = Field(None, max_length=2000)
    is_national: bool | None = None
    regions: list[str] | None = Field(None, max_length=30)
    perimeters: list[str] | None = Field(None, max_length=100)
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    status: OfferStatus | None = None


def _places(data: dict) -> dict:
    """Région codes and perimeter slugs → objects; unknown ones refused by name."""
    found, errors = {}, {}
    for name, model, key in (("regions", Region, "code"), ("perimeters", Perimeter, "slug")):
        if name not in data:
            continue
        wanted = [str(v)[:200] for v in (data.pop(name) or [])]
        objects = list(model.objects.filter(**{f"{key}__in": wanted}))
        missing = sorted(set(wanted) - {getattr(o, key) for o in objects})
        if missing:
            errors[name] = _("Inconnus : %(values)s.") % {"values": ", ".join(missing)}
        found[name] = objects
    if errors:
        raise ValidationError(errors)
    return found


@router.post(
    "/offers",
    response={201: OfferOut},
    auth=BearerOrSession(),
    summary="Publish an offer for one of my engaged companies",
)
def offer_create(request, payload: OfferIn):
    data = payload.dict()
    company = Organisation.objects.filter(pk=data.pop("company_id")).first()
    if company is None or not rules.can_keep_offers_of(request.user, company.pk):
        raise PermissionDenied(_("Vous ne pouvez publier d'offre que pour votre entreprise."))
    places = _places(data)
    data["kind"] = getattr(data["kind"], "value", data["kind"])
    offer = services.offer_create(
        user=request.user,
        company=company,
        data=data,
        regions=places.get("regions", []),
        perimeters=places.get("perimeters", []),
    )
    return Status(201, offer_out(_offer(request, offer.pk)))


@router.patch(
    "/offers/{offer_id}",
    response=OfferOut,
    auth=BearerOrSession(),
    summary="Change or withdraw an offer (its company's members); unset fields are kept",
)
def offer_update(request, offer_id: int, payload: OfferPatch):
    offer = _offer(request, offer_id)
    if not rules.can_edit_offer(request.user, offer):
        raise PermissionDenied(_("Vous ne pouvez modifier que les offres de votre entreprise."))
    data = payload.dict(exclude_unset=True)
    status = data.pop("status", None)
    for key in ("title", "description", "kind", "is_national"):
        if key in data and data[key] is None:
            raise ValidationError({key: _("Ce champ ne peut pas être vide.")})
    if "kind" in data:
        data["kind"] = getattr(data["kind"], "value", data["kind"])
    if "conditions" in data and data["conditions"] is None:
        data["conditions"] = ""
    places = _places(data)
    services.offer_update(
        user=request.user,
        offer=offer,
        data=data,
        regions=places.get("regions"),
        perimeters=places.get("perimeters"),
    )
    if status is not None:
        services.offer_set_status(
            user=request.user, offer=offer, status=getattr(status, "value", status)
        )
    return offer_out(_offer(request, offer_id))


# --- Needs --------------------------------------------------------------------------------------


class OpenNeedOut(Schema):
    id: int
    kind: str
    kind_label: str
    purpose: str
    amount: int | None
    project: Ref
    territory: Ref | None
    url: str


class NeedFilters(Schema):
    kind: NeedKind | None = None
    perimeter_id: int | None = Field(None, ge=1, le=2**31 - 1)


@router.get(
    "/needs", response=list[OpenNeedOut], summary="Open needs of published projects (public)"
)
@paginate(PageNumberPagination, page_size=50)
def need_list(request, filters: Query[NeedFilters]):
    queryset = matching.open_needs()
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.perimeter_id:
        queryset = queryset.filter(project__perimeter_id=filters.perimeter_id)
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "kind_label": n.get_kind_display(),
            "purpose": n.purpose,
            "amount": n.amount,
            "project": {"id": n.project_id, "name": n.project.title},
            "territory": (
                {"id": n.project.perimeter_id, "name": n.project.perimeter.name}
                if n.project.perimeter_id
                else None
            ),
            "url": n.project.get_absolute_url(),
        }
        for n in queryset
    ]


# --- Introductions ------------------------------------------------------------------------------


class TransitionOut(Schema):
    name: str
    label: str
    comment_required: bool


class IntroductionOut(Schema):
    id: int
    need_id: int
    project: Ref
    company: Ref
    offer: Ref | None
    status: str
    status_label: str
    message: str
    decline_reason: str
    company_done: bool
    project_done: bool
    hours: int | None
    purchases: int | None
    invested: int | None
    result: str
    created_at: datetime.datetime
    actions: list[TransitionOut]


def introduction_out(introduction: Introduction, user) -> dict:
    return {
        "id": introduction.pk,
        "need_id": introduction.need_id,
        "project": {"id": introduction.project_id, "name": introduction.project.title},
        "company": {"id": introduction.company_id, "name": introduction.company.name},
        "offer": (
            {"id": introduction.offer_id, "name": introduction.offer.title}
            if introduction.offer_id
            else None
        ),
        "status": introduction.status,
        "status_label": introduction.get_status_display(),
        "message": introduction.message,
        "decline_reason": introduction.decline_reason,
        "company_done": introduction.company_done,
        "project_done": introduction.project_done,
        "hours": introduction.hours,
        "purchases": introduction.purchases,
        "invested": introduction.invested,
        "result": introduction.result,
        "created_at": introduction.created_at,
        "actions": [
            {"name": t.name, "label": str(t.label), "comment_required": t.comment_required}
            for t in services.introduction_allowed_transitions(introduction, user)
        ],
    }


def _introductions(user):
    return Introduction.objects.visible_to(user).select_related("project", "company", "offer")


class IntroductionFilters(Schema):
    status: IntroductionStatus | None = None


@router.get(
    "/introductions",
    response=list[IntroductionOut],
    auth=BearerOrSession(),
    summary="The introductions I am party to (or follow as programme staff)",
)
@paginate(PageNumberPagination, page_size=50)
def introduction_list(request, filters: Query[IntroductionFilters]):
    queryset = _introductions(request.user)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    return mapped(
        queryset.order_by("-created_at", "-pk"), lambda i: introduction_out(i, request.user)
    )


def _introduction(request, introduction_id: int) -> Introduction:
    found = _introductions(request.user).filter(pk=introduction_id).first()
    if found is None:
        raise Http404(_("Mise en relation %(id)s introuvable.") % {"id": introduction_id})
    return found


@router.get(
    "/introductions/{introduction_id}",
    response=IntroductionOut,
    auth=BearerOrSession(),
    summary="One introduction",
)
def introduction_detail(request, introduction_id: int):
    return introduction_out(_introduction(request, introduction_id), request.user)


class IntroductionIn(Schema):
    need_id: int = Field(ge=1, le=2**31 - 1)
    company_id: int = Field(ge=1, le=2**31 - 1)
    offer_id: int | None = Field(None, ge=1, le=2**31 - 1)
    message: str = Field("", max_length=2000)


@router.post(
    "/introductions",
    response={201: IntroductionOut},
    auth=BearerOrSession(),
    summary='"Je peux aider": propose an introduction on an open need (engaged companies)',
)
def introduction_create(request, payload: IntroductionIn):
    company = rules.companies_for(request.user).filter(pk=payload.company_id).first()
    if company is None:
        raise PermissionDenied(
            _("Vous ne pouvez proposer votre aide qu'au nom de votre entreprise.")
        )
    need = matching.open_needs().filter(pk=payload.need_id).first()
    if need is None:
        raise ValidationError(
            {"need_id": _("Aucun besoin ouvert n°%(id)s.") % {"id": payload.need_id}}
        )
    offer = None
    if payload.offer_id is not None:
        offer = Offer.objects.filter(pk=payload.offer_id, company=company).first()
        if offer is None:
            raise ValidationError(
                {
                    "offer_id": _("Votre entreprise n'a pas d'offre n°%(id)s.")
                    % {"id": payload.offer_id}
                }
            )
    created = services.introduction_propose(
        user=request.user, need=need, company=company, offer=offer, message=payload.message
    )
    return Status(201, introduction_out(_introduction(request, created.pk), request.user))


class IntroductionTransitionIn(Schema):
    name: str = Field(max_length=32)
    comment: str = Field("", max_length=2000)


@router.post(
    "/introductions/{introduction_id}/transitions",
    response=IntroductionOut,
    auth=BearerOrSession(),
    summary="Accept, decline (with a reason) or mark done an introduction",
)
def introduction_transition(request, introduction_id: int, payload: IntroductionTransitionIn):
    introduction = _introduction(request, introduction_id)
    services.introduction_transition(
        user=request.user, introduction=introduction, name=payload.name, comment=payload.comment
    )
    return introduction_out(_introduction(request, introduction_id), request.user)


class IntroductionReportIn(Schema):
    """What the help produced, as the results form: the whole report (a field left out is
    cleared)."""

    hours: int | None = Field(None, ge=0, le=MAX_HOURS, description="hours given")
    purchases: Money | None = Field(None, description="purchases, in euros")
    invested: Money | None = Field(None, description="amounts invested, in euros")
    result: str = Field("", max_length=2000, description="what the help produced")


@router.put(
    "/introductions/{introduction_id}/report",
    response={200: IntroductionOut, 409: dict},
    auth=BearerOrSession(),
    summary="Report what the help produced (the company's members; accepted or done only)",
)
def introduction_report(request, introduction_id: int, payload: IntroductionReportIn):
    """Kept in the history: a correction shows the old figure. Before acceptance: a 409."""
    introduction = _introduction(request, introduction_id)
    try:
        services.introduction_report(
            user=request.user, introduction=introduction, data=payload.dict()
        )
    except ValidationError as error:
        if getattr(error, "error_dict", None) and set(error.error_dict) == {"status"}:
            return Status(409, {"detail": " ".join(error.message_dict["status"])})
        raise
    return Status(200, introduction_out(_introduction(request, introduction_id), request.user))
