"""Organisations in the API: the directory's search and filters, and an organisation's public
page. Same querysets as the pages (``Organisation.objects.visible_to(user).search(q)``): an
organisation registered through an application is absent until the staff confirm it."""

from datetime import date
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.actors import services
from essaim.actors.models import Organisation, OrganisationKind
from essaim.actors.rules import can_edit_organisation
from essaim.core.api.filters import Code, Search
from essaim.core.api.pagination import PageNumberPagination, paginate
from essaim.core.api.schema import Schema
from essaim.geo.models import Commune, Region

router = Router(tags=["organisations"])

MAX_TEXT = 20_000
Kind = StrEnum("Kind", {kind.name: kind.value for kind in OrganisationKind})


class CommuneRef(Schema):
    insee: str
    name: str


class RegionRef(Schema):
    code: str
    name: str


class OrganisationOut(Schema):
    id: int
    name: str
    acronym: str
    siren: str
    siret: str
    legal_category: str
    legal_category_label: str
    kind: str
    kind_label: str
    is_ess: bool
    esus_approved: bool
    commune: CommuneRef | None
    region: RegionRef | None
    website: str
    is_fictitious: bool
    is_verified: bool = Field(
        description="in the public directory; false: registered through an application and not "
        "yet confirmed by the programme's staff (seen only by those involved)"
    )
    url: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class PersonOut(Schema):
    first_name: str
    last_name: str
    job_title: str


class PartnershipOut(Schema):
    kind: str
    kind_label: str
    direction: str  # "out": this organisation <kind> the other; "in": the other <kind> this one
    organisation_id: int
    organisation_name: str
    started_on: date | None
    ended_on: date | None
    description: str


class CollectiveOut(Schema):
    id: int
    name: str
    role: str
    role_label: str
    perimeter_slug: str
    perimeter_name: str


class OrganisationDetailOut(OrganisationOut):
    description: str
    people: list[PersonOut]
    partnerships: list[PartnershipOut]
    collectives: list[CollectiveOut]

    # The view puts the related rows it selected (public people only, …) on these attributes.
    @staticmethod
    def resolve_people(obj) -> list:
        return obj.api_people

    @staticmethod
    def resolve_partnerships(obj) -> list:
        return obj.api_partnerships

    @staticmethod
    def resolve_collectives(obj) -> list:
        return obj.api_collectives


class OrganisationFilters(Schema):
    q: Search = ""
    region: Code = Field("", description="a région's INSEE code (e.g. 75)")
    kind: Kind | None = None
    ess: bool | None = None
    esus: bool | None = None


@router.get(
    "/organisations",
    response=list[OrganisationOut],
    summary="Search and filter the directory of organisations",
)
@paginate(PageNumberPagination, page_size=50)
def organisation_list(request, filters: Query[OrganisationFilters]):
    """``q`` searches name, acronym, SIREN/SIRET, commune and description (best matches first);
    ``region`` is a région's INSEE code (e.g. 75), matched through the organisation's commune."""
    q, region, kind = filters.q, filters.region, filters.kind
    if region and not Region.objects.filter(code=region).exists():
        raise ValidationError({"region": _("Région inconnue : « %(code)s ».") % {"code": region}})
    return (
        Organisation.objects.visible_to(request.user)
        .select_related("commune__region")
        .filter_directory(
            region=region, kind=kind.value if kind else "", ess=filters.ess, esus=filters.esus
        )
        .search(q)
    )


@router.get(
    "/organisations/{organisation_id}",
    response=OrganisationDetailOut,
    summary="An organisation with its public people, partnerships and collectives",
)
def organisation_detail(request, organisation_id: int):
    return detail_of(request, visible_organisation(request, organisation_id))


def visible_organisation(request, organisation_id: int) -> Organisation:
    """The organisation ``organisation_id`` if the requester may see it (404 otherwise)."""
    organisation = (
        Organisation.objects.visible_to(request.user)
        .select_related("commune__region")
        .filter(pk=organisation_id)
        .first()
    )
    if organisation is None:
        raise Http404(_("Aucune organisation n'a l'identifiant %(id)s.") % {"id": organisation_id})
    return organisation


def detail_of(request, organisation: Organisation) -> Organisation:
    """``organisation`` with what ``OrganisationDetailOut`` reads: its people (the public ones
    unless the requester may edit it), its partnerships with organisations the requester sees,
    its collectives."""
    people = organisation.people.all()
    if not can_edit_organisation(request.user, organisation):
        people = people.filter(is_public=True)
    visible = Organisation.objects.visible_to(request.user)
    partnerships = [
        _partnership(p, "out", p.target)
        for p in organisation.partnerships_out.filter(target__in=visible)
        .select_related("target")
        .order_by("started_on", "pk")
    ] + [
        _partnership(p, "in", p.source)
        for p in organisation.partnerships_in.filter(source__in=visible)
        .select_related("source")
        .order_by("started_on", "pk")
    ]
    collectives = [
        {
            "id": m.collective_id,
            "name": m.collective.name,
            "role": m.role,
            "role_label": str(m.get_role_display()),
            "perimeter_slug": m.collective.perimeter.slug,
            "perimeter_name": m.collective.perimeter.name,
        }
        for m in organisation.collective_memberships.select_related("collective__perimeter")
    ]
    organisation.api_people = list(people)
    organisation.api_partnerships = partnerships
    organisation.api_collectives = collectives
    return organisation


def _partnership(partnership, direction: str, other: Organisation) -> dict:
    return {
        "kind": partnership.kind,
        "kind_label": str(partnership.get_kind_display()),
        "direction": direction,
        "organisation_id": other.pk,
        "organisation_name": other.name,
        "started_on": partnership.started_on,
        "ended_on": partnership.ended_on,
        "description": partnership.description,
    }


class OrganisationIn(Schema):
    """An organisation's identity, as on its form (the commune by its INSEE code)."""

    name: str = Field(min_length=1, max_length=255)
    acronym: str = Field("", max_length=50)
    kind: Kind
    siren: str = Field("", max_length=20, description="9 digits; left empty, taken from the SIRET")
    siret: str = Field("", max_length=30, description="14 digits: the SIREN and the establishment")
    legal_category: str = Field("", max_length=4, description="INSEE legal category code")
    is_ess: bool = False
    esus_approved: bool = False
    commune: Code | None = Field(None, description="the seat's INSEE code")
    website: str = Field("", max_length=200)
    description: str = Field("", max_length=MAX_TEXT)


class OrganisationPatchIn(Schema):
    """Only the fields sent change; ``null`` clears the commune (``name`` and ``kind`` may not be
    cleared)."""

    name: str | None = Field(None, min_length=1, max_length=255)
    acronym: str | None = Field(None, max_length=50)
    kind: Kind | None = None
    siren: str | None = Field(None, max_length=20)
    siret: str | None = Field(None, max_length=30)
    legal_category: str | None = Field(None, max_length=4)
    is_ess: bool | None = None
    esus_approved: bool | None = None
    commune: Code | None = Field(None, description="the seat's INSEE code")
    website: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=MAX_TEXT)


def service_data(sent: dict) -> dict:
    """The services' ``data`` from the fields sent: the commune read from its code (an unknown
    one: a 422 naming ``commune``), the kind as its value, text stripped, ``null`` text as
    empty."""
    data = {}
    for name, value in sent.items():
        if name == "commune":
            data[name] = None if value is None else commune_of(value)
        elif name in {"name", "kind", "is_ess", "esus_approved"} and value is None:
            raise ValidationError({name: _("Ce champ ne peut pas être vidé.")})
        elif name == "kind":
            data[name] = value.value
        elif isinstance(value, str):
            data[name] = value.strip()  # as the form's fields
        else:
            data[name] = "" if value is None else value
    return data


def commune_of(code: str) -> Commune:
    commune = Commune.objects.filter(insee=code.strip().upper()).first()
    if commune is None:
        raise ValidationError(
            {"commune": _("Aucune commune n'a le code INSEE « %(code)s ».") % {"code": code}}
        )
    return commune


@router.post(
    "/organisations",
    response={201: OrganisationDetailOut},
    auth=BearerOrSession(),
    summary="Create an organisation, confirmed at once (programme admins)",
)
def organisation_create(request, payload: OrganisationIn):
    organisation = services.organisation_create(
        user=request.user, data=service_data(payload.dict())
    )
    return Status(201, detail_of(request, visible_organisation(request, organisation.pk)))


@router.patch(
    "/organisations/{organisation_id}",
    response=OrganisationDetailOut,
    auth=BearerOrSession(),
    summary="Change an organisation's fields (its own members)",
)
def organisation_update(request, organisation_id: int, payload: OrganisationPatchIn):
    organisation = visible_organisation(request, organisation_id)
    services.organisation_update(
        user=request.user,
        organisation=organisation,
        data=service_data(payload.dict(exclude_unset=True)),
    )
    return detail_of(request, visible_organisation(request, organisation_id))
