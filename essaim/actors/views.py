"""Pages of the directory: the public list and organisation pages, and the forms that create and
edit organisations (through the services)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim.actors import rules, services
from essaim.actors.forms import DirectoryFilterForm, OrganisationForm, PartnershipForm, PersonForm
from essaim.actors.models import Organisation, OrganisationKind, PartnershipKind
from essaim.actors.rules import (
    can_create_organisation,
    can_edit_organisation,
    can_verify_organisation,
    can_view_organisation_history,
)
from essaim.core import cache
from essaim.core.forms import add_service_errors
from essaim.core.history import history_rows
from essaim.core.pagination import paginate
from essaim.geo.models import Region

PAGE_SIZE = 20
RESULTS_ID = "directory-results"


def _directory_parts(request) -> dict:
    """The filter form and the results of the directory for ``request``'s query string."""
    form = DirectoryFilterForm(request.GET or None, regions=list(Region.objects.order_by("name")))
    organisations = Organisation.objects.visible_to(request.user).select_related("commune__region")
    query = ""
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
        organisations = organisations.filter_directory(**form.filters()).search(query)
    page_obj = paginate(request, organisations, PAGE_SIZE)
    page_obj.pages_list = list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    )
    context = {
        "form": form,
        "page_obj": page_obj,
        "organisations": page_obj.object_list,
        "query": query,
        "results_id": RESULTS_ID,
    }
    return {
        "form": render_to_string("actors/_directory_form.html", context, request),
        "results": render_to_string("actors/_directory_results.html", context, request),
    }


@login_not_required
def directory(request):
    """The public directory: search, filters, pagination. An htmx request aimed at the results
    gets only the results; without JavaScript the same URL renders the whole page. What
    anonymous readers are shown is cached (``essaim.core.cache``, topic directory)."""
    parts = cache.for_anonymous(
        request,
        "directory",
        topics=(cache.DIRECTORY,),
        compute=partial(_directory_parts, request),
    )
    if request.htmx and request.htmx.target == RESULTS_ID:
        return HttpResponse(parts["results"])
    # Programme staff: how many organisations met through applications wait for a confirmation.
    verifies = rules.to_verify_q(request.user) is not None
    context = {
        **parts,
        "can_create": can_create_organisation(request.user),
        "to_verify_count": _to_verify(request.user).count() if verifies else None,
    }
    return render(request, "actors/directory.html", context)


@login_not_required
def organisation_detail(request, pk: int):
    organisation = get_object_or_404(
        Organisation.objects.visible_to(request.user).select_related("commune__region"), pk=pk
    )
    can_edit = can_edit_organisation(request.user, organisation)
    people = organisation.people.all()
    if not can_edit:
        people = people.filter(is_public=True)
    # Partners the visitor may not see (unconfirmed organisations) are left out.
    visible = Organisation.objects.visible_to(request.user)
    partnerships_out = (
        organisation.partnerships_out.filter(target__in=visible)
        .select_related("target")
        .order_by("started_on", "pk")
    )
    partnerships_in = (
        organisation.partnerships_in.filter(source__in=visible)
        .select_related("source")
        .order_by("started_on", "pk")
    )
    # An entrepreneurial network (kind "réseau") lists its member organisations.
    network_members = None
    if organisation.kind == OrganisationKind.NETWORK:
        network_members = (
            organisation.partnerships_in.filter(
                source__in=visible,
                kind__in=[PartnershipKind.NETWORK_MEMBER, PartnershipKind.MEMBER_OF],
            )
            .select_related("source")
            .order_by("source__name", "pk")
        )
    memberships = organisation.collective_memberships.select_related(
        "collective__perimeter"
    ).order_by("collective__name")
    history = None
    if can_view_organisation_history(request.user, organisation):
        history = history_rows(organisation)
    return render(
        request,
        "actors/organisation_detail.html",
        {
            "organisation": organisation,
            "people": people,
            "partnerships_out": partnerships_out,
            "partnerships_in": partnerships_in,
            "network_members": network_members,
            "memberships": memberships,
            "history": history,
            "can_edit": can_edit,
            "can_verify": can_verify_organisation(request.user, organisation),
        },
    )


def organisation_create(request):
    if not can_create_organisation(request.user):
        raise PermissionDenied(_("Seule l'équipe du programme peut créer une organisation."))
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(user=request.user, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Organisation créée."))
            return redirect(organisation)
    return render(request, "actors/organisation_form.html", {"form": form, "organisation": None})


def _to_verify(user):
    query = rules.to_verify_q(user)
    if query is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(query)


def organisations_to_verify(request):
    """The organisations registered through the applications of the user's programmes, waiting
    for a confirmation (programme staff)."""
    if rules.to_verify_q(request.user) is None:
        raise PermissionDenied(_("Réservé à l'équipe des programmes."))
    organisations = (
        _to_verify(request.user)
        .select_related("commune__region", "created_by")
        .prefetch_related("collective_memberships__collective")
        .order_by("created_at", "pk")
    )
    page_obj = paginate(request, organisations, PAGE_SIZE)
    return render(
        request,
        "actors/to_verify.html",
        {"page_obj": page_obj, "organisations": page_obj.object_list},
    )


@require_POST
def organisation_verify(request, pk: int):
    """Confirm an organisation: it enters the public directory."""
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
    try:
        services.organisation_verify(user=request.user, organisation=organisation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("« %(name)s » est confirmée : elle entre dans l'annuaire public.")
            % {"name": organisation.name},
        )
    if request.POST.get("next") == "list":
        return redirect("actors:organisations_to_verify")
    return redirect(organisation)


def organisation_update(request, pk: int):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
    if not can_edit_organisation(request.user, organisation):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette organisation."))
    # The form works on its own copy: the page keeps showing the saved name on error.
    form = OrganisationForm(
        request.POST or None, instance=Organisation.objects.get(pk=organisation.pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                user=request.user, organisation=organisation, data=form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Organisation mise à jour."))
            return redirect(organisation)
    return render(
        request, "actors/organisation_form.html", {"form": form, "organisation": organisation}
    )


def person_add(request, pk: int):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
    if not can_edit_organisation(request.user, organisation):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette organisation."))
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_add(user=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Personne ajoutée."))
            return redirect(organisation)
    return render(
        request,
        "actors/related_form.html",
        {"form": form, "organisation": organisation, "title": _("Ajouter une personne")},
    )


def partnership_add(request, pk: int):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
    if not can_edit_organisation(request.user, organisation):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette organisation."))
    form = PartnershipForm(request.POST or None, organisation=organisation, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_add(user=request.user, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Partenariat ajouté."))
            return redirect(organisation)
    return render(
        request,
        "actors/related_form.html",
        {"form": form, "organisation": organisation, "title": _("Déclarer un partenariat")},
    )
