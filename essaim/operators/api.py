"""/api/v1/programmes/{programme_id}/team and /partners: a programme's team (roles held, pending
invitations) and its partner organisations (added from the directory or created with the
partnership, people invited into them), run by its admins as on the team and partners pages
(``operators:team``, ``operators:partners``). Anyone else — other programmes' staff included —
gets a 404: they learn nothing of the team. Writes go through ``accounts.services``,
``operators.partners`` and ``operators.services``, which ask the same rules again."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Status
from pydantic import EmailStr

from essaim.accounts import services as account_services
from essaim.accounts import teams
from essaim.accounts.api_auth import BearerOrSession
from essaim.accounts.models import Invitation, Membership
from essaim.accounts.services import TEAM_ROLES
from essaim.actors.models import Organisation, OrganisationKind
from essaim.calls.models import PartnerKind, Programme, ProgrammePartner
from essaim.core.api.filters import choices_enum
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.operators import partners
from essaim.operators import services as operator_services

router = Router(tags=["programme team"], auth=BearerOrSession())

TeamRole = str  # one of TEAM_ROLES, checked by the service (422 naming ``role``)
PartnerKindChoice = choices_enum("PartnerKindChoice", PartnerKind)
PartnerOrganisationKind = choices_enum("PartnerOrganisationKind", OrganisationKind)


def programme_of(request, programme_id: int, perm: str) -> Programme:
    """The programme when the caller holds ``perm`` on it; a 404 otherwise (as the pages)."""
    programme = Programme.objects.select_related("expert_partner").filter(pk=programme_id).first()
    if programme is None or not request.user.has_perm(perm, programme):
        raise Http404(_("Programme %(id)s introuvable.") % {"id": programme_id})
    return programme


def _team_programme(request, programme_id: int) -> Programme:
    return programme_of(request, programme_id, "operators.manage_team")


class TeamPersonOut(Schema):
    id: int
    email: str
    name: str


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "email": user.email, "name": user.get_full_name()}


class TeamMemberOut(Schema):
    id: int = Field(description="the role's id (DELETE it to end the role)")
    role: str
    role_label: str
    user: TeamPersonOut
    organisation_id: int | None
    granted_at: datetime.datetime
    granted_by: TeamPersonOut | None


def _member_out(membership: Membership) -> dict:
    return {
        "id": membership.pk,
        "role": membership.role,
        "role_label": str(membership.get_role_display()),
        "user": _person(membership.user),
        "organisation_id": membership.organisation_id,
        "granted_at": membership.created_at,
        "granted_by": _person(membership.granted_by),
    }


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    role_label: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    invited_by: TeamPersonOut | None


def _invitation_out(invitation: Invitation) -> dict:
    return {
        "id": invitation.pk,
        "email": invitation.email,
        "role": invitation.role,
        "role_label": str(invitation.get_role_display()),
        "created_at": invitation.created_at,
        "expires_at": invitation.expires_at,
        "invited_by": _person(invitation.invited_by),
    }


class InvitationIn(Schema):
    email: EmailStr = Field(max_length=254)
    role: TeamRole = Field(max_length=32, description=f"one of {', '.join(TEAM_ROLES)}")


@router.get(
    "/programmes/{programme_id}/team/members",
    response=list[TeamMemberOut],
    summary="The programme's team now: who holds which role (its admins)",
)
@paginate(PageNumberPagination, page_size=100)
def team_member_list(request, programme_id: int):
    return mapped(teams.team_members(_team_programme(request, programme_id)), _member_out)


@router.delete(
    "/programmes/{programme_id}/team/members/{membership_id}",
    response={204: None},
    summary="End a team role at once (the last admin stays)",
)
def team_member_revoke(request, programme_id: int, membership_id: int):
    programme = _team_programme(request, programme_id)
    membership = teams.team_membership(programme, membership_id)
    if membership is None:
        raise Http404(_("Rôle %(id)s introuvable dans l'équipe.") % {"id": membership_id})
    account_services.membership_revoke(user=request.user, membership=membership)
    return Status(204, None)


@router.get(
    "/programmes/{programme_id}/team/invitations",
    response=list[InvitationOut],
    summary="The team's pending invitations",
)
@paginate(PageNumberPagination, page_size=100)
def team_invitation_list(request, programme_id: int):
    invitations = teams.pending_invitations(_team_programme(request, programme_id))
    return mapped(invitations, _invitation_out)


@router.post(
    "/programmes/{programme_id}/team/invitations",
    response={201: InvitationOut},
    summary="Invite someone by e-mail to a team role (the link goes to that address only)",
)
def team_invitation_create(request, programme_id: int, payload: InvitationIn):
    invitation, _raw = account_services.invitation_send(
        user=request.user,
        programme=_team_programme(request, programme_id),
        email=str(payload.email),
        role=payload.role,
    )
    return Status(201, _invitation_out(invitation))


@router.delete(
    "/programmes/{programme_id}/team/invitations/{invitation_id}",
    response={204: None},
    summary="Cancel an invitation: its link stops working",
)
def team_invitation_cancel(request, programme_id: int, invitation_id: int):
    programme = _team_programme(request, programme_id)
    invitation = Invitation.objects.filter(programme=programme, pk=invitation_id).first()
    if invitation is None:
        raise Http404(_("Invitation %(id)s introuvable.") % {"id": invitation_id})
    account_services.invitation_cancel(user=request.user, invitation=invitation)
    return Status(204, None)


class PartnerRoleOut(Schema):
    id: int = Field(description="the role's id")
    role: str
    role_label: str
    user: TeamPersonOut


class PartnerOut(Schema):
    organisation_id: int
    organisation: str
    kind: str
    kind_label: str
    partnership_id: int | None = Field(
        description="null for an expert partner named before partnerships were kept"
    )
    since: datetime.date | None
    people: list[PartnerRoleOut]


def _partner_out(row: partners.PartnerRow) -> dict:
    return {
        "organisation_id": row.organisation.pk,
        "organisation": row.organisation.name,
        "kind": row.kind,
        "kind_label": str(row.kind_label),
        "partnership_id": row.partner.pk if row.partner else None,
        "since": row.partner.since if row.partner else None,
        "people": [
            {
                "id": m.pk,
                "role": m.role,
                "role_label": str(m.get_role_display()),
                "user": _person(m.user),
            }
            for m in row.people
        ],
    }


@router.get(
    "/programmes/{programme_id}/partners",
    response=list[PartnerOut],
    summary="The programme's partner organisations now, the expert partner first, with the "
    "roles held in each",
)
@paginate(PageNumberPagination, page_size=100)
def partner_list(request, programme_id: int):
    programme = _team_programme(request, programme_id)
    return mapped(partners.partner_rows(programme), _partner_out)


class PartnerIn(Schema):
    organisation_id: int = Field(ge=1, le=2_147_483_647, description="in the directory")
    kind: str = Field(max_length=16, description=f"one of {', '.join(PartnerKind.values)}")
    since: datetime.date | None = Field(
        None,
        ge=datetime.date(1900, 1, 1),
        le=datetime.date(2100, 12, 31),
        description="empty: today",
    )


@router.post(
    "/programmes/{programme_id}/partners",
    response={201: PartnerOut},
    summary="Make an organisation of the directory a partner of the programme",
)
def partner_create(request, programme_id: int, payload: PartnerIn):
    programme = _team_programme(request, programme_id)
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    if organisation is None:
        raise ValidationError(
            {"organisation_id": _("Identifiant %(id)s inconnu.") % {"id": payload.organisation_id}}
        )
    partner = partners.partner_add(
        user=request.user,
        programme=programme,
        organisation=organisation,
        kind=payload.kind,
        since=payload.since,
    )
    return Status(201, _added(programme, partner))


def _added(programme: Programme, partner: ProgrammePartner) -> dict:
    programme.refresh_from_db()
    rows = partners.partner_rows(programme)
    return _partner_out(
        next(r for r in rows if r.partner is not None and r.partner.pk == partner.pk)
    )


class PartnerOrganisationIn(Schema):
    """As the partners page's form "create the organisation": the directory's new entry and the
    partnership, in one step."""

    name: str = Field(min_length=1, max_length=255, description="the organisation's name")
    siret: str = Field(
        min_length=1,
        max_length=20,
        description="14 digits (spaces ignored): the SIREN and the establishment; checked, and "
        "not already in the directory",
    )
    organisation_kind: PartnerOrganisationKind = Field(description="the organisation's kind")
    kind: PartnerKindChoice = Field(description="the partnership's kind")


# Declared before DELETE /partners/{partnership_id}, whose path would otherwise take this one.
@router.post(
    "/programmes/{programme_id}/partners/new-organisation",
    response={201: PartnerOut, 409: dict},
    summary="Create an organisation in the directory (confirmed at once) and make it a partner "
    "of the programme",
)
def partner_organisation_create(request, programme_id: int, payload: PartnerOrganisationIn):
    """Its SIRET checked as everywhere (an invalid or already used one: a 422 naming
    ``siret``). A new expert partner replaces the programme's, refused with a 409 while that
    one's experts still hold their role."""
    programme = _team_programme(request, programme_id)
    try:
        partner = partners.partner_add_new(
            user=request.user,
            programme=programme,
            name=payload.name,
            siret=payload.siret,
            organisation_kind=payload.organisation_kind.value,
            kind=payload.kind.value,
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            return Status(409, {"detail": " ".join(exc.messages)})
        # As the page: the SIREN is the SIRET's, the organisation its name.
        renamed: dict[str, list[str]] = {}
        for field, messages in exc.message_dict.items():
            name = {"siren": "siret", "organisation": "name"}.get(field, field)
            renamed.setdefault(name, []).extend(messages)
        raise ValidationError(renamed) from None
    return Status(201, _added(programme, partner))


@router.delete(
    "/programmes/{programme_id}/partners/{partnership_id}",
    response={204: None},
    summary="End a partnership (its people keep their roles in the organisation)",
)
def partner_delete(request, programme_id: int, partnership_id: int):
    programme = _team_programme(request, programme_id)
    partner = ProgrammePartner.objects.filter(
        programme=programme, pk=partnership_id, ended_at__isnull=True
    ).first()
    if partner is None:
        raise Http404(_("Partenariat %(id)s introuvable.") % {"id": partnership_id})
    partners.partner_end(user=request.user, programme=programme, partner=partner)
    return Status(204, None)


class PartnerMembershipOut(Schema):
    id: int = Field(description="the role's id (DELETE it to end the role)")
    role: str
    role_label: str
    user: TeamPersonOut
    collective_id: int | None
    organisation_id: int | None
    endable: bool = Field(
        description="false for a role another programme gave in a shared organisation"
    )


@router.get(
    "/programmes/{programme_id}/partner-roles",
    response=list[PartnerMembershipOut],
    summary="The roles held in the programme's collectives and partner organisations",
)
@paginate(PageNumberPagination, page_size=100)
def partner_role_list(request, programme_id: int):
    programme = _team_programme(request, programme_id)
    return mapped(
        partners.partner_members(request.user, programme),
        lambda m: {
            "id": m.pk,
            "role": m.role,
            "role_label": str(m.get_role_display()),
            "user": _person(m.user),
            "collective_id": m.collective_id,
            "organisation_id": m.organisation_id,
            "endable": m.endable,
        },
    )


@router.delete(
    "/programmes/{programme_id}/partner-roles/{membership_id}",
    response={204: None},
    summary="End a role held in one of the programme's collectives or partner organisations",
)
def partner_role_delete(request, programme_id: int, membership_id: int):
    programme = _team_programme(request, programme_id)
    membership = partners.partner_membership(programme, membership_id)
    if membership is None:
        raise Http404(_("Rôle %(id)s introuvable.") % {"id": membership_id})
    partners.partner_role_end(user=request.user, programme=programme, membership=membership)
    return Status(204, None)


class PartnerInvitationIn(Schema):
    email: EmailStr = Field(max_length=254)
    role: str = Field(
        max_length=32,
        description="a role the partnership's kind allows: financer, company or project_holder "
        "for a financer or an engaged company (their own), any of the three for a network; none "
        "for the expert partner (its experts are invited from the team)",
    )


class PartnerInvitationOut(InvitationOut):
    organisation_id: int
    organisation: str


@router.post(
    "/programmes/{programme_id}/partners/{partnership_id}/invitations",
    response={201: PartnerInvitationOut, 409: dict},
    summary="Invite someone by e-mail into a partner organisation, with a role its partnership "
    "allows (the link goes to that address only)",
)
def partner_invitation_create(
    request, programme_id: int, partnership_id: int, payload: PartnerInvitationIn
):
    """Someone already holding that role there: a 422 naming ``email``; the same address
    invited again: the first invitation's link stops working (one pending). The partnership
    ended meanwhile: a 409."""
    programme = _team_programme(request, programme_id)
    partner = (
        ProgrammePartner.objects.filter(
            programme=programme, pk=partnership_id, ended_at__isnull=True
        )
        .select_related("organisation")
        .first()
    )
    if partner is None:
        raise Http404(_("Partenariat %(id)s introuvable.") % {"id": partnership_id})
    try:
        invitation, _raw = operator_services.partner_organisation_invite(
            user=request.user,
            programme=programme,
            partner=partner,
            email=str(payload.email),
            role=payload.role,
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {}
        if "organisation" in errors:
            return Status(409, {"detail": " ".join(errors["organisation"])})
        raise
    return Status(
        201,
        {
            **_invitation_out(invitation),
            "organisation_id": partner.organisation_id,
            "organisation": partner.organisation.name,
        },
    )
