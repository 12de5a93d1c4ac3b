"""Official geography and perimeters in the API: public reads (anonymous callers welcome); a
perimeter built and changed by the people its pages let (``essaim.geo.rules``, through
``essaim.geo.services``).

The same queries as the pages (``essaim.geo.queries``); lists are paginated (``?page=``) and
every lookup of a code that does not exist is a 404 whose message names the code.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.core.api.filters import MAX_CODE, MAX_SEARCH
from essaim.core.api.pagination import PageNumberPagination, paginate
from essaim.core.api.schema import Schema
from essaim.geo import services
from essaim.geo.models import Commune, Departement, Perimeter, Region, UnitKind
from essaim.geo.queries import (
    communes_of,
    communes_search,
    departements_search,
    epci_search,
    perimeters_containing,
    units_with_names,
)

router = Router(tags=["geo"])

MAX_TEXT = 20_000
MAX_UNITS = 1000


class RegionRef(Schema):
    code: str
    name: str


class DepartementRef(Schema):
    code: str
    name: str


class EpciRef(Schema):
    siren: str
    name: str
    kind: str


class RegionOut(RegionRef):
    chef_lieu: str
    zone: str
    population: int | None


class DepartementOut(DepartementRef):
    region: RegionRef
    chef_lieu: str
    zone: str
    population: int | None


class EpciOut(EpciRef):
    financing_mode: str
    population: int | None


class CommuneOut(Schema):
    insee: str
    name: str
    siren: str
    population: int | None
    postal_codes: list[str]
    departement: DepartementRef
    region: RegionRef
    epci: EpciRef | None


class PerimeterRef(Schema):
    id: int
    slug: str
    name: str
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("geo:perimeter_detail", args=[obj.slug])


class CommuneDetailOut(CommuneOut):
    perimeters: list[PerimeterRef]


class PerimeterOut(PerimeterRef):
    population: int | None
    commune_count: int


class UnitOut(Schema):
    kind: str
    kind_label: str
    code: str
    name: str
    excluded: bool


class PerimeterDetailOut(PerimeterOut):
    description: str
    units: list[UnitOut]
    communes_url: str

    @staticmethod
    def resolve_units(obj) -> list[dict]:
        return obj.units_list


@router.get("/geo/regions", response=list[RegionOut], summary="Les régions (COG)")
def region_list(request):
    return Region.objects.order_by("code")


@router.get(
    "/geo/departements",
    response=list[DepartementOut],
    summary="Les départements, éventuellement d'une région",
)
def departement_list(request, region: str = Query("", max_length=MAX_CODE)):
    """``region``: the INSEE code of a région (e.g. 75)."""
    if region and not Region.objects.filter(code=region).exists():
        raise ValidationError({"region": _("Région inconnue : « %(code)s ».") % {"code": region}})
    return departements_search(region=region)


@router.get("/geo/epci", response=list[EpciOut], summary="Les EPCI à fiscalité propre")
@paginate(PageNumberPagination, page_size=50)
def epci_list(request, q: str = Query("", max_length=MAX_SEARCH)):
    """``q``: part of the name (accents and case ignored) or the start of the SIREN."""
    return epci_search(q)


@router.get("/geo/communes", response=list[CommuneOut], summary="Les communes")
@paginate(PageNumberPagination, page_size=50)
def commune_list(
    request,
    q: str = Query("", max_length=MAX_SEARCH),
    departement: str = Query("", max_length=MAX_CODE),
):
    """``q``: part of the name (accents and case ignored) or the start of the INSEE code;
    ``departement``: a département's code (e.g. 79, 2A, 976)."""
    if departement and not Departement.objects.filter(code=departement).exists():
        raise ValidationError(
            {"departement": _("Département inconnu : « %(code)s ».") % {"code": departement}}
        )
    return communes_search(q, departement=departement)


@router.get(
    "/geo/communes/{insee}",
    response=CommuneDetailOut,
    summary="Une commune, son département, sa région, son EPCI et ses périmètres",
)
def commune_detail(request, insee: str):
    commune = (
        Commune.objects.select_related("departement", "region", "epci").filter(insee=insee).first()
    )
    if commune is None:
        raise Http404(
            _("Commune introuvable : aucun code INSEE « %(insee)s » dans le référentiel.")
            % {"insee": insee}
        )
    commune.perimeters = list(perimeters_containing(insee))
    return commune


@router.get("/geo/perimeters", response=list[PerimeterOut], summary="Les périmètres")
@paginate(PageNumberPagination, page_size=50)
def perimeter_list(request, q: str = Query("", max_length=MAX_SEARCH)):
    """``q``: part of the perimeter's name."""
    queryset = Perimeter.objects.visible_to(request.user).order_by("name")
    if q:
        queryset = queryset.filter(name__icontains=q.strip())
    return queryset


def _perimeter_or_404(request, perimeter_id: int) -> Perimeter:
    perimeter = Perimeter.objects.visible_to(request.user).filter(pk=perimeter_id).first()
    if perimeter is None:
        raise Http404(_("Périmètre introuvable : « %(id)s ».") % {"id": perimeter_id})
    return perimeter


@router.get(
    "/geo/perimeters/{perimeter_id}",
    response=PerimeterDetailOut,
    summary="Un périmètre : ses unités officielles, sa population, son nombre de communes",
)
def perimeter_detail(request, perimeter_id: int):
    """The communes themselves are at ``communes_url`` (paginated)."""
    return _detail(_perimeter_or_404(request, perimeter_id))


def _detail(perimeter: Perimeter) -> Perimeter:
    perimeter.units_list = units_with_names(perimeter)
    perimeter.communes_url = reverse("api:perimeter_communes", args=[perimeter.pk])
    return perimeter


class UnitIn(Schema):
    kind: UnitKind
    code: str = Field(
        min_length=2, max_length=9, description="INSEE code (région, département, commune), SIREN"
    )
    excluded: bool = Field(False, description="removed from the union of the other units")


class PerimeterIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=MAX_TEXT)
    units: list[UnitIn] = Field(min_length=1, max_length=MAX_UNITS)


class PerimeterPatchIn(Schema):
    """Only the fields sent change; the units sent replace them all."""

    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=MAX_TEXT)
    units: list[UnitIn] | None = Field(None, min_length=1, max_length=MAX_UNITS)


def _units(units: list[UnitIn] | None) -> list[services.Unit] | None:
    if units is None:
        return None
    return [services.Unit(u.kind.value, u.code.strip().upper(), u.excluded) for u in units]


def _as_sent(exc: ValidationError):
    """The services name the slug drawn from the name: the caller sent the name (as the form)."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({("name" if k == "slug" else k): v for k, v in exc.message_dict.items()})


@router.post(
    "/geo/perimeters",
    response={201: PerimeterDetailOut},
    auth=BearerOrSession(),
    summary="Build a perimeter from official units (programme staff)",
)
def perimeter_create(request, payload: PerimeterIn):
    try:
        perimeter = services.perimeter_create(
            user=request.user,
            name=payload.name,
            description=payload.description,
            units=_units(payload.units),
        )
    except ValidationError as exc:
        raise _as_sent(exc) from exc
    return Status(201, _detail(perimeter))


@router.patch(
    "/geo/perimeters/{perimeter_id}",
    response=PerimeterDetailOut,
    auth=BearerOrSession(),
    summary="Change a perimeter (its creator; once labelled, the labels' programme admins)",
)
def perimeter_update(request, perimeter_id: int, payload: PerimeterPatchIn):
    perimeter = _perimeter_or_404(request, perimeter_id)
    sent = payload.dict(exclude_unset=True)
    if "name" in sent and sent["name"] is None:
        raise ValidationError({"name": _("Le nom du périmètre est obligatoire.")})
    if "units" in sent and sent["units"] is None:
        raise ValidationError({"units": _("Indiquez au moins une unité officielle.")})
    try:
        services.perimeter_update(
            user=request.user,
            perimeter=perimeter,
            name=sent.get("name"),
            description=sent["description"] or "" if "description" in sent else None,
            units=_units(payload.units) if "units" in sent else None,
        )
    except ValidationError as exc:
        raise _as_sent(exc) from exc
    return _detail(_perimeter_or_404(request, perimeter_id))


@router.get(
    "/geo/perimeters/{perimeter_id}/communes",
    response=list[CommuneOut],
    url_name="perimeter_communes",
    summary="Les communes d'un périmètre",
)
@paginate(PageNumberPagination, page_size=100)
def perimeter_communes(request, perimeter_id: int):
    perimeter = _perimeter_or_404(request, perimeter_id)
    return communes_of(perimeter).select_related("region", "epci")
