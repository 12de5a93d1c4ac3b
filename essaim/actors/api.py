"""Organisations in the API: the directory's search and filters, and an organisation's public
page. Same querysets as the pages (``Organisation.objects.visible_to(user).search(q)``): an
organisation registered through an application is absent until the staff confirm it."""

from datetime import date
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from essaim.actors.models import Organisation, OrganisationKind
from essaim.actors.rules import can_edit_organisation
from essaim.core.api.filters import Code, Search
from essaim.core.api.pagination import PageNumberPagination, paginate
from essaim.geo.models import Region

router = Router(tags=["organisations"])

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
    organisation = (
        Organisation.objects.visible_to(request.user)
        .select_related("commune__region")
        .filter(pk=organisation_id)
        .first()
    )
    if organisation is None:
        raise Http404(_("Aucune organisation n'a l'identifiant %(id)s.") % {"id": organisation_id})
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
