"""A programme's partner organisations, run by its admins: the expert partner, financers,
engaged companies and entrepreneurial networks; add one from the directory (or create it, SIRET
checked), end a partnership, see each partner's people and invite someone into it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from essaim.accounts import services as account_services
from essaim.calls.models import Programme, ProgrammePartner
from essaim.core.forms import add_service_errors
from essaim.operators import partners
from essaim.operators.forms import OrganisationInviteForm, PartnerAddForm, PartnerCreateForm
from essaim.operators.services import partner_invitation_send
from essaim.operators.views import _team_programme


def _page(request, programme: Programme, *, add=None, create=None, invite=None, status=200):
    rows = partners.partner_rows(programme)
    bound = None
    for index, row in enumerate(rows):
        if invite is not None and bound is None and invite[0] == row.organisation.pk:
            bound = row.form = invite[1]
        else:
            row.form = OrganisationInviteForm(kind=row.kind, auto_id=f"id_{index}_%s")
    return render(
        request,
        "operators/partners.html",
        {
            "programme": programme,
            "rows": rows,
            "former": partners.former_partners(programme),
            "add_form": add or PartnerAddForm(),
            "create_form": create or PartnerCreateForm(),
        },
        status=status,
    )


@require_GET
def partners_page(request, slug: str):
    return _page(request, _team_programme(request, slug))


def _added(request, programme, partner) -> None:
    messages.success(
        request,
        _("%(name)s est maintenant %(kind)s du programme.")
        % {"name": partner.organisation.name, "kind": partner.get_kind_display()},
    )


@require_POST
def partner_add(request, slug: str):
    programme = _team_programme(request, slug)
    form = PartnerAddForm(request.POST)
    if form.is_valid():
        try:
            partner = partners.partner_add(
                user=request.user, programme=programme, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _added(request, programme, partner)
            return redirect("operators:partners", slug=programme.slug)
    return _page(request, programme, add=form, status=422)


@require_POST
def partner_create(request, slug: str):
    programme = _team_programme(request, slug)
    form = PartnerCreateForm(request.POST)
    if form.is_valid():
        try:
            partner = partners.partner_add_new(
                user=request.user, programme=programme, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error, rename={"siren": "siret", "organisation": "name"})
        else:
            _added(request, programme, partner)
            return redirect("operators:partners", slug=programme.slug)
    return _page(request, programme, create=form, status=422)


def _ended(request, programme, error: ValidationError | None, name: str):
    if error is not None:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Le partenariat avec %(name)s est terminé. Ses membres gardent leurs rôles dans "
                "l'organisation, que l'équipe du programme ne voit plus."
            )
            % {"name": name},
        )
    return redirect("operators:partners", slug=programme.slug)


@require_POST
def partner_end(request, slug: str, pk: int):
    programme = _team_programme(request, slug)
    partner = get_object_or_404(
        ProgrammePartner.objects.select_related("organisation"), pk=pk, programme=programme
    )
    try:
        partners.partner_end(user=request.user, programme=programme, partner=partner)
    except ValidationError as error:
        return _ended(request, programme, error, "")
    return _ended(request, programme, None, partner.organisation.name)


@require_POST
def expert_partner_end(request, slug: str):
    programme = _team_programme(request, slug)
    if programme.expert_partner is None:
        raise Http404
    try:
        partners.expert_partner_end(user=request.user, programme=programme)
    except ValidationError as error:
        return _ended(request, programme, error, "")
    return _ended(request, programme, None, programme.expert_partner.name)


@require_POST
def partner_invite(request, slug: str, pk: int):
    """Invite someone into one of the programme's partner organisations (the partner
    invitation of the team page, with the organisation already chosen)."""
    programme = _team_programme(request, slug)
    rows = partners.partner_rows(programme)
    index, row = next(((i, r) for i, r in enumerate(rows) if r.organisation.pk == pk), (0, None))
    if row is None:
        raise Http404
    form = OrganisationInviteForm(request.POST, kind=row.kind, auto_id=f"id_{index}_%s")
    if form.is_valid():
        try:
            invitation, _raw = partner_invitation_send(
                user=request.user,
                programme=programme,
                organisation=row.organisation,
                **form.cleaned_data,
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
                    "where": row.organisation.name,
                    "days": account_services.INVITATION_DAYS,
                },
            )
            return redirect("operators:partners", slug=programme.slug)
    return _page(request, programme, invite=(pk, form), status=422)
