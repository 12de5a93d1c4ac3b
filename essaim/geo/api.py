"""Official geography and perimeters in the API: public reads (anonymous callers welcome).

The same queries as the pages (``essaim.geo.queries``); lists are paginated (``?page=``) and
every lookup of a code that does not exist is a 404 whose message names the code.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from essaim.core.api.filters import MAX_CODE, MAX_SEARCH
from essaim.core.api.pagination import PageNumberPagination, paginate
from essaim.geo.models import Commune, Departement, Perimeter, Region
from essaim.geo.queries import (
    communes_of,
    communes_search,
    departements_search,
    epci_search,
    perimeters_containing,
    units_with_names,
)

router = Router(tags=["geo"])


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
    perimeter = _perimeter_or_404(request, perimeter_id)
    perimeter.units_list = units_with_names(perimeter)
    perimeter.communes_url = reverse("api:perimeter_communes", args=[perimeter.pk])
    return perimeter


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
