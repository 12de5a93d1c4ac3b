"""The collective and the people of an application: members, search, invitations, rights,
handover."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim.accounts import identity
from essaim.actors.models import Organisation
from essaim.applications import forms, rules
from essaim.applications.models import (
    ApplicationPerson,
)
from essaim.applications.services import applying
from essaim.applications.views.common import errors_to_messages, visible_application
from essaim.core.forms import add_service_errors


def collective(request, pk: int):
    application = visible_application(request, pk)
    if not rules.can_lead_application(request.user, application):
        raise PermissionDenied
    return _collective_page(request, application)


def _collective_page(request, application, *, siret_form=None, invite_form=None, status=200):
    """The collective page; a refused SIRET or invitation comes back in its own form, with
    what was typed and the error under its field."""
    context = {
        "application": application,
        "members": application.collective.members.select_related("organisation"),
        "people": application.people.select_related("user").order_by("-is_lead", "email"),
        "siret_form": siret_form or forms.OrganisationSiretForm(),
        "invite_form": invite_form or forms.PersonInviteForm(),
        "role_choices": forms.RoleForm.base_fields["role"].choices,
    }
    return render(request, "applications/collective.html", context, status=status)


def organisation_search(request, pk: int):
    """htmx: organisations matching a name, to add to the collective."""
    application = visible_application(request, pk)
    if not rules.can_lead_application(request.user, application):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    results = []
    if len(query) >= 2:
        results = list(
            Organisation.objects.visible_to(request.user)
            .filter(Q(name__icontains=query) | Q(acronym__icontains=query))
            .exclude(collective_memberships__collective=application.collective)
            .order_by("name")[:10]
        )
    return render(
        request,
        "applications/includes/organisation_results.html",
        {
            "application": application,
            "results": results,
            "query": query,
            "role_choices": forms.RoleForm.base_fields["role"].choices,
        },
    )


@require_POST
def member_add(request, pk: int):
    application = visible_application(request, pk)
    if not rules.can_lead_application(request.user, application):
        # Before looking the SIRET up: a refused request adds nothing to the directory either.
        raise PermissionDenied
    if not request.POST.get("organisation"):
        return _member_add_by_siret(request, application)
    try:
        form = forms.OrganisationPickForm(request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        organisation = get_object_or_404(
            Organisation.objects.visible_to(request.user), pk=form.cleaned_data["organisation"]
        )
        applying.collective_member_add(
            user=request.user,
            application=application,
            organisation=organisation,
            role=form.cleaned_data["role"],
        )
        messages.success(
            request, _("« %(name)s » ajoutée au collectif.") % {"name": organisation.name}
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect("applications:collective", pk=application.pk)


def _member_add_by_siret(request, application):
    """Add by SIRET: a refused SIRET (or name, or membership) comes back in the form, with
    what was typed kept and the error under its field."""
    form = forms.OrganisationSiretForm(request.POST)
    if form.is_valid():
        try:
            organisation = applying.organisation_for_siret(
                siret=form.cleaned_data["siret"], name=form.cleaned_data["name"]
            )
            applying.collective_member_add(
                user=request.user,
                application=application,
                organisation=organisation,
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("« %(name)s » ajoutée au collectif.") % {"name": organisation.name}
            )
            return redirect("applications:collective", pk=application.pk)
    return _collective_page(request, application, siret_form=form, status=422)


@require_POST
def member_role(request, pk: int, member_pk: int):
    application = visible_application(request, pk)
    member = get_object_or_404(application.collective.members, pk=member_pk)
    try:
        applying.collective_member_set_role(
            user=request.user,
            application=application,
            member=member,
            role=request.POST.get("role", ""),
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect("applications:collective", pk=application.pk)


@require_POST
def member_remove(request, pk: int, member_pk: int):
    application = visible_application(request, pk)
    member = get_object_or_404(application.collective.members, pk=member_pk)
    try:
        applying.collective_member_remove(user=request.user, application=application, member=member)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect("applications:collective", pk=application.pk)


@require_POST
def person_invite(request, pk: int):
    application = visible_application(request, pk)
    form = forms.PersonInviteForm(request.POST)
    if form.is_valid():
        try:
            applying.person_invite(user=request.user, application=application, **form.cleaned_data)
            messages.success(request, _("Invitation envoyée à %(email)s.") % form.cleaned_data)
        except ValidationError as exc:
            errors_to_messages(request, exc)
    else:
        if not rules.can_lead_application(request.user, application):
            raise PermissionDenied
        return _collective_page(request, application, invite_form=form, status=422)
    return redirect("applications:collective", pk=application.pk)


def _person(application, person_pk) -> ApplicationPerson:
    return get_object_or_404(application.people, pk=person_pk)


@require_POST
def person_update(request, pk: int, person_pk: int):
    application = visible_application(request, pk)
    form = forms.PersonRightsForm(request.POST)
    form.is_valid()
    try:
        applying.person_update(
            user=request.user,
            application=application,
            person=_person(application, person_pk),
            can_edit=form.cleaned_data.get("can_edit", False),
            is_signatory=form.cleaned_data.get("is_signatory", False),
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect("applications:collective", pk=application.pk)


@require_POST
def person_remove(request, pk: int, person_pk: int):
    application = visible_application(request, pk)
    try:
        applying.person_remove(
            user=request.user, application=application, person=_person(application, person_pk)
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect("applications:collective", pk=application.pk)


@require_POST
def handover(request, pk: int, person_pk: int):
    application = visible_application(request, pk)
    try:
        applying.lead_handover(
            user=request.user, application=application, person=_person(application, person_pk)
        )
        messages.success(request, _("Vous avez passé la main."))
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect("applications:detail", pk=application.pk)


def invitation(request, token: str):
    person = (
        ApplicationPerson.objects.filter(invitation_token=token)
        .select_related("application")
        .first()
    )
    if person is None:
        raise Http404(_("Invitation inconnue ou déjà acceptée."))
    if not identity.has_verified_email(request.user, person.email):
        # Signed in with another account: say which address to use (accounts' template).
        return render(
            request,
            "accounts/invitation_wrong_account.html",
            {"person": person, "invitation_url": request.path},
            status=403 if request.method == "POST" else 200,
        )
    if request.method == "POST":
        try:
            applying.person_accept(user=request.user, token=token)
        except ValidationError as exc:
            errors_to_messages(request, exc)
            return redirect("applications:mine")
        messages.success(request, _("Vous avez rejoint la candidature."))
        return redirect("applications:detail", pk=person.application_id)
    return render(request, "applications/invitation.html", {"person": person})
