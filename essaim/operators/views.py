"""A programme's team, run by its admins: who holds which role, since when and granted by whom;
invitations by e-mail; roles ended at once. And the invitation link, where the invited person
signs up or signs in and receives the role."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from essaim.accounts import permissions, services, teams
from essaim.accounts.models import Invitation, Role
from essaim.calls.models import Programme
from essaim.core.forms import add_service_errors
from essaim.operators import partners, programme_file
from essaim.operators.forms import InviteForm, PartnerInviteForm, ProgrammeCreateForm
from essaim.operators.services import (
    ProgrammeFileRefused,
    partner_invitation_send,
    programme_start,
)
from essaim.operators.settings_forms import ConfigurationFileForm

FORMER_MEMBERS_SHOWN = 30


def _team_programme(request, slug: str) -> Programme:
    programme = get_object_or_404(
        Programme.objects.select_related("expert_partner"), slug=slug[:50]
    )
    if not request.user.has_perm("operators.manage_team", programme):
        raise PermissionDenied
    return programme


@require_GET
def programme_teams(request):
    """The programmes whose team the user runs: straight to the team when there is one."""
    programmes = list(
        permissions.admin_programmes(request.user).filter(Programme.objects.order_by("name"), "pk")
    )
    creates = request.user.has_perm("operators.create_programme")
    if len(programmes) == 1 and not creates:
        return redirect("operators:team", slug=programmes[0].slug)
    if not programmes and not creates:
        raise PermissionDenied
    return render(request, "operators/teams.html", {"programmes": programmes})


@require_GET
def team(request, slug: str):
    return _team_page(request, _team_programme(request, slug))


def _team_page(
    request,
    programme: Programme,
    form: InviteForm | None = None,
    partner_form: PartnerInviteForm | None = None,
):
    members = teams.team_members(programme)
    former = teams.former_members(programme, limit=FORMER_MEMBERS_SHOWN)
    invitations = teams.pending_invitations(programme)
    return render(
        request,
        "operators/team.html",
        {
            "programme": programme,
            "members": members,
            "former": former,
            "partner_members": partners.partner_members(request.user, programme),
            "former_partners": partners.former_partner_members(programme),
            "invitations": invitations,
            "form": form or InviteForm(),
            "partner_form": partner_form or PartnerInviteForm(programme=programme),
        },
        status=200 if form is None and partner_form is None else 422,
    )


@require_POST
def invite(request, slug: str):
    programme = _team_programme(request, slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation, _raw = services.invitation_send(
                user=request.user, programme=programme, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Invitation envoyée à %(email)s (%(role)s) : le lien reçu par courriel est "
                    "valable %(days)s jours."
                )
                % {
                    "email": invitation.email,
                    "role": invitation.get_role_display(),
                    "days": services.INVITATION_DAYS,
                },
            )
            return redirect("operators:team", slug=programme.slug)
    return _team_page(request, programme, form=form)


@require_POST
def invite_partner(request, slug: str):
    programme = _team_programme(request, slug)
    form = PartnerInviteForm(request.POST, programme=programme)
    if form.is_valid():
        try:
            invitation, _raw = partner_invitation_send(
                user=request.user, programme=programme, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Invitation envoyée à %(email)s (%(role)s — %(where)s) : le lien reçu par "
                    "courriel est valable %(days)s jours."
                )
                % {
                    "email": invitation.email,
                    "role": invitation.get_role_display(),
                    "where": invitation.collective or invitation.organisation,
                    "days": services.INVITATION_DAYS,
                },
            )
            return redirect("operators:team", slug=programme.slug)
    return _team_page(request, programme, partner_form=form)


@require_POST
def revoke(request, slug: str, pk: int):
    programme = _team_programme(request, slug)
    membership = teams.team_membership(programme, pk)
    if membership is None:
        raise Http404
    try:
        services.membership_revoke(user=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(person)s n'est plus %(role)s du programme ; son accès a pris fin.")
            % {
                "person": membership.user.get_full_name() or membership.user.email,
                "role": membership.get_role_display(),
            },
        )
    return redirect("operators:team", slug=programme.slug)


@require_POST
def revoke_partner(request, slug: str, pk: int):
    """End a role held in one of the programme's collectives or partner organisations."""
    programme = _team_programme(request, slug)
    membership = partners.partner_membership(programme, pk)
    if membership is None:
        raise Http404
    try:
        partners.partner_role_end(user=request.user, programme=programme, membership=membership)
    except PermissionDenied as refused:
        messages.error(request, str(refused))
        return redirect("operators:team", slug=programme.slug)
    messages.success(
        request,
        _("%(person)s n'est plus %(role)s (%(where)s) ; son accès a pris fin.")
        % {
            "person": membership.user.get_full_name() or membership.user.email,
            "role": membership.get_role_display(),
            "where": membership.collective or membership.organisation,
        },
    )
    back = request.POST.get("next", "")
    if back == "partners":
        return redirect("operators:partners", slug=programme.slug)
    return redirect("operators:team", slug=programme.slug)


@require_POST
def cancel_invitation(request, slug: str, pk: int):
    programme = _team_programme(request, slug)
    invitation = get_object_or_404(Invitation, pk=pk, programme=programme)
    services.invitation_cancel(user=request.user, invitation=invitation)
    messages.success(
        request,
        _("L'invitation de %(email)s est annulée : son lien ne fonctionne plus.")
        % {"email": invitation.email},
    )
    return redirect("operators:team", slug=programme.slug)


@login_not_required
def invitation(request, key: str):
    """The link of an invitation: sign up or sign in with the invited address, then accept."""
    found = Invitation.find(key[:100])
    if found is not None and found.accepted_at is None and request.method == "POST":
        try:
            membership = services.invitation_accept(user=request.user, raw=key)
        except PermissionDenied:
            pass  # the page below says why
        else:
            messages.success(
                request,
                _("Vous faites maintenant partie de l'équipe « %(programme)s » comme %(role)s.")
                % {
                    "programme": found.programme.name,
                    "role": membership.get_role_display(),
                },
            )
            return redirect("accounts:dashboard")
    problem = services.invitation_problem(found, request.user)
    return render(
        request,
        "operators/invitation.html",
        {
            "invitation": found,
            "problem": problem,
            "signed_in": permissions.is_signed_in(request.user),
            "accepted": found is not None and found.accepted_at is not None and not problem,
            "here": reverse("operators:invitation", args=[key]),
            "expert": found is not None and found.role == Role.EXPERT,
        },
        status=404 if found is None else 200,
    )


def programme_create(request):
    """A superuser starts a programme from a shipped configuration; then invites its admins."""
    if not request.user.has_perm("operators.create_programme"):
        raise PermissionDenied
    bound = request.POST if request.method == "POST" else None
    form = ProgrammeCreateForm(bound, templates=programme_file.template_names())
    if request.method == "POST" and form.is_valid():
        try:
            result = programme_start(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except ProgrammeFileRefused as refused:
            for problem in refused.problems:
                form.add_error(None, str(problem))
        else:
            messages.success(
                request,
                _(
                    "Le programme « %(name)s » est créé avec ses axes, ses appels (en "
                    "préparation), ses formulaires et ses grilles. Invitez maintenant son "
                    "équipe."
                )
                % {"name": result.programme.name},
            )
            return redirect("operators:team", slug=result.programme.slug)
    return render(
        request,
        "operators/programme_create.html",
        {"form": form, "file_form": ConfigurationFileForm(prefix="from-file"), "problems": []},
        status=422 if form.errors else 200,
    )
