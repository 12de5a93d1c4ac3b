"""Public geography pages: a perimeter's page and the official-unit search used by pickers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from essaim.core.forms import add_service_errors
from essaim.core.history import history_rows
from essaim.core.pagination import paginate
from essaim.geo import rules
from essaim.geo.forms import PerimeterForm, units_to_text
from essaim.geo.models import Perimeter, UnitKind
from essaim.geo.queries import communes_of, units_search, units_with_names
from essaim.geo.services import perimeter_create, perimeter_update

PERIMETERS_PER_PAGE = 50

COMMUNES_PER_PAGE = 50
SEARCH_LIMIT = 10  # per kind


@login_not_required
@require_GET
def perimeter_list(request):
    """Every perimeter, with its population and number of communes (two queries a page)."""
    queryset = Perimeter.objects.visible_to(request.user).order_by("name")
    page_obj = paginate(request, queryset, PERIMETERS_PER_PAGE)
    return render(
        request,
        "geo/perimeter_list.html",
        {
            "page_obj": page_obj,
            "perimeters": page_obj.object_list,
            "can_create": rules.can_create_perimeter(request.user),
        },
    )


@login_not_required
@require_GET
def perimeter_detail(request, slug: str):
    """A perimeter: its official units, population, number of communes, a page of its communes
    and the collectives and labels that use it. A bounded number of queries whatever its size."""
    perimeter = get_object_or_404(Perimeter.objects.visible_to(request.user), slug=slug)
    # The count is materialised: saves a COUNT over the communes.
    communes = communes_of(perimeter).select_related("epci")
    page_obj = paginate(request, communes, COMMUNES_PER_PAGE, count=perimeter.commune_count)
    units = units_with_names(perimeter)
    can_change = rules.can_change_perimeter(request.user, perimeter)
    history = None
    # ``can_view_perimeter_history``, without asking twice who may change it.
    if can_change or rules.can_create_perimeter(request.user):
        history = history_rows(perimeter)
    return render(
        request,
        "geo/perimeter_detail.html",
        {
            "perimeter": perimeter,
            "included_units": [u for u in units if not u["excluded"]],
            "excluded_units": [u for u in units if u["excluded"]],
            "page_obj": page_obj,
            "communes": page_obj.object_list,
            "collectives": list(perimeter.collectives.order_by("name")),
            "labels": list(
                perimeter.labels.filter(status="valid")
                .select_related("programme", "wave")
                .order_by("granted_on")
            ),
            "history": history,
            "can_change": can_change,
        },
    )


def _check_can_create(request) -> None:
    if not rules.can_create_perimeter(request.user):
        raise PermissionDenied(_("Seule l'équipe d'un programme peut créer des périmètres."))


@require_http_methods(["GET", "POST"])
def perimeter_create_view(request):
    """The programme team builds a perimeter from official units (picked with the unit search)."""
    _check_can_create(request)
    form = PerimeterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            perimeter = perimeter_create(
                user=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                units=form.cleaned_data["units"],
            )
        except ValidationError as error:
            add_service_errors(form, error, rename={"slug": "name"})
        else:
            messages.success(request, _("Périmètre créé."))
            return redirect("geo:perimeter_detail", slug=perimeter.slug)
    return render(request, "geo/perimeter_form.html", {"form": form, "perimeter": None})


@require_http_methods(["GET", "POST"])
def perimeter_update_view(request, slug: str):
    """Its creator (or, once labelled, the admins of the labels' programmes) changes it."""
    perimeter = get_object_or_404(Perimeter.objects.visible_to(request.user), slug=slug)
    if not rules.can_change_perimeter(request.user, perimeter):
        raise PermissionDenied(rules.change_refusal(perimeter))
    initial = {
        "name": perimeter.name,
        "description": perimeter.description,
        "units": units_to_text(units_with_names(perimeter)),
    }
    form = PerimeterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = perimeter_update(
                user=request.user,
                perimeter=perimeter,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                units=form.cleaned_data["units"],
            )
        except ValidationError as error:
            add_service_errors(form, error, rename={"slug": "name"})
        else:
            if changed:
                messages.success(request, _("Périmètre mis à jour."))
            else:
                messages.info(request, _("Aucune modification."))
            return redirect("geo:perimeter_detail", slug=perimeter.slug)
    return render(request, "geo/perimeter_form.html", {"form": form, "perimeter": perimeter})


@login_not_required
@require_GET
def unit_search(request):
    """Search official units for territory pickers (public, read-only).

    ``GET /geo/recherche?q=<text>&kinds=region,departement,epci,commune``

    - ``q``: part of a name (accents, case and hyphens ignored) or the start of a code (INSEE
      code of a commune or département, SIREN of an EPCI); under 2 characters, nothing is found.
    - ``kinds``: the comma-separated kinds to search (default: all four); at most 10 results
      per kind, best first (exact name, then names starting with ``q``, then by population).

    Answers an HTML fragment (``geo/_unit_results.html``): a list of buttons carrying
    ``data-geo-unit-kind``, ``data-geo-unit-code`` and ``data-geo-unit-name``. With
    ``Accept: application/json`` it answers ``{"results": [{"kind", "kind_label", "code",
    "name", "context"}]}``.

    Use in a form with htmx and the vendored ``geo/unit-picker.js``::

        <div data-geo-picker>
          <input type="search" name="q" autocomplete="off"
                 hx-get="{% url 'geo:unit_search' %}?kinds=epci,commune"
                 hx-trigger="input delay:300ms, search" hx-target="next [data-geo-results]">
          <div data-geo-results aria-live="polite"></div>
          <input type="hidden" name="unit_kind" data-geo-picker-kind>
          <input type="hidden" name="unit_code" data-geo-picker-code>
        </div>
        <script src="{% static 'geo/unit-picker.js' %}" nonce="{{ request.csp_nonce }}"></script>

    Clicking a result fills the hidden inputs and puts the unit's name in the search box.
    """
    q = request.GET.get("q", "").strip()[:100]
    raw_kinds = [k.strip() for k in request.GET.get("kinds", "").split(",") if k.strip()]
    unknown = [k for k in raw_kinds if k not in UnitKind.values]
    wants_json = "application/json" in request.headers.get("Accept", "")
    if unknown:
        message = _("kinds : type d'unité inconnu « %(kind)s » (attendu : %(expected)s).") % {
            "kind": unknown[0],
            "expected": ", ".join(UnitKind.values),
        }
        if wants_json:
            return JsonResponse(
                {"detail": message, "errors": [{"field": "kinds", "message": message}]},
                status=400,
            )
        return HttpResponseBadRequest(message)
    kinds = raw_kinds or list(UnitKind.values)
    hits = units_search(q, kinds, limit=SEARCH_LIMIT) if len(q) >= 2 else []
    if wants_json:
        return JsonResponse({"results": [hit.as_dict() for hit in hits]})
    return render(request, "geo/_unit_results.html", {"hits": hits, "query": q})
