from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.accounts import identity, permissions
from essaim.accounts.history import UserAction
from essaim.accounts.models import (
    PROGRAMME_ROLES,
    ApiToken,
    Invitation,
    Membership,
    Role,
    TokenAccess,
    User,
)
from essaim.core.services import history_record
from essaim.core.tasks import send_email

INVITATION_DAYS = 14
# The roles a programme's admins give, by invitation, on the programme's team page.
TEAM_ROLES = (Role.PROGRAMME_ADMIN, Role.INSTRUCTOR, Role.SINGLE_WINDOW_OFFICER, Role.EXPERT)


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str = "",
    ttl_days: int | None = None,
    access: str = TokenAccess.WRITE,
    programme_id: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it with its raw key, which is never stored.
    ``access`` is read or write; ``programme_id`` limits it to a programme the user has a role
    in."""
    if access not in TokenAccess.values:
        raise ValidationError({"access": _("Droits inconnus : lecture ou écriture.")})
    if programme_id is not None and programme_id not in permissions.programmes_with_a_role(user):
        raise ValidationError(
            {"programme": _("Vous n'avez pas de rôle dans ce programme : choisissez-en un autre.")}
        )
    raw, key_hash = ApiToken.new_key()
    days = settings.API_TOKEN_TTL_DAYS if ttl_days is None else ttl_days
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[4:12],
        key_hash=key_hash,
        expires_at=timezone.now() + timedelta(days=days),
        access=access,
        programme_id=programme_id,
    )
    history_record(
        obj=user,
        user=user,
        action=UserAction.API_TOKEN_CREATED,
        payload={"prefix": token.prefix, "access": access, "programme": programme_id},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    """Revoke ``token``; only its owner may. Revoking twice is harmless."""
    if token.user_id != user.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        history_record(
            obj=user,
            user=user,
            action=UserAction.API_TOKEN_REVOKED,
            payload={"prefix": token.prefix},
        )
    return token


@transaction.atomic
def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every usable API token of ``user`` (their own action: a new password, which proves
    they hold the account); return how many were revoked."""
    revoked = ApiToken.objects.usable().filter(user=user).update(revoked_at=timezone.now())
    if revoked:
        history_record(
            obj=user,
            user=user,
            action=UserAction.API_TOKENS_REVOKED,
            payload={"count": revoked, "reason": reason},
        )
    return revoked


@transaction.atomic
def membership_grant(*, user: User | None, member: User, role: str, **scope) -> Membership:
    """Give ``member`` a role in a scope (programme=, collective=, organisation=). Idempotent."""
    membership, created = Membership.objects.get_or_create(
        user=member, role=role, ended_at=None, **scope, defaults={"granted_by": user}
    )
    if created:
        permissions.forget_memberships(member)
        history_record(
            obj=member,
            user=user,
            action=UserAction.MEMBERSHIP_GRANTED,
            payload={"role": role, **{k: str(v.pk) for k, v in scope.items() if v is not None}},
        )
    return membership


# --- A programme's team: invitations and revocations ---------------------------------------------


def _require_team_admin(user, programme) -> None:
    if not permissions.is_programme_admin(user, programme.pk):
        raise PermissionDenied(_("Seuls les administrateurs du programme gèrent son équipe."))


def team_scope(role: str, programme) -> dict:
    """Where a team role is held: the programme; an expert, in its expert partner organisation
    and for the programme."""
    if role == Role.EXPERT:
        return {"organisation": programme.expert_partner, "programme": programme}
    return {"programme": programme}


@transaction.atomic
def invitation_send(*, user, programme, email: str, role: str) -> tuple[Invitation, str]:
    """Invite ``email`` to hold ``role`` in ``programme``'s team; e-mail them the link (sent
    once the transaction commits). A pending invitation for the same address and role is
    replaced (its link stops working). Returns the invitation and its raw key."""
    _require_team_admin(user, programme)
    if role not in TEAM_ROLES:
        raise ValidationError({"role": _("Choisissez un rôle de l'équipe du programme.")})
    if role == Role.EXPERT and programme.expert_partner_id is None:
        raise ValidationError(
            {"role": _("Ce programme n'a pas de partenaire expert : nommez-le d'abord.")}
        )
    scope = team_scope(role, programme)
    return invitation_create(
        invited_by=user,
        programme=programme,
        email=email,
        role=role,
        organisation=scope.get("organisation"),
    )


def invitation_create(
    *, invited_by, programme, email: str, role: str, organisation=None, collective=None
) -> tuple[Invitation, str]:
    """Write and e-mail an invitation to hold ``role`` where the keyword arguments say. The
    caller has checked who may invite there (``invitation_send`` for the team; the operators'
    services for collectives and organisations) and the scope matches the role."""
    now = timezone.now()
    invitation = Invitation(
        email=email.strip().lower(),
        role=role,
        programme=programme,
        organisation=organisation,
        collective=collective,
        invited_by=invited_by,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    email = invitation.email
    held = Membership.objects.active().filter(
        user__email__iexact=email, role=role, **invitation_scope(invitation)
    )
    if held.exists():
        raise ValidationError({"email": _("Cette personne détient déjà ce rôle.")})
    Invitation.objects.pending().filter(
        email=email,
        role=role,
        programme=programme,
        organisation=organisation,
        collective=collective,
    ).update(cancelled_at=now)
    raw, invitation.key_hash = Invitation.new_key()
    invitation.save()
    history_record(
        obj=invited_by,
        user=invited_by,
        action=UserAction.INVITATION_SENT,
        payload={"role": role, "email": email, "programme": str(programme.pk)},
    )
    link = f"{settings.ESSAIM_BASE_URL}/invitations/{raw}/"
    inviter = invited_by.get_full_name() or invited_by.email
    where = collective or organisation
    subject = _("Invitation : %(role)s — %(programme)s") % {
        "role": invitation.get_role_display(),
        "programme": where or programme.name,
    }
    body = _(
        "%(inviter)s vous invite à rejoindre l'équipe du programme « %(programme)s » comme "
        "%(role)s.\n\nOuvrez ce lien, puis créez votre compte ou connectez-vous avec cette "
        "adresse (%(email)s) : %(link)s\n\nLe lien est valable %(days)s jours."
    ) % {
        "inviter": inviter,
        "programme": programme.name,
        "role": invitation.get_role_display() + (f" — {where}" if where is not None else ""),
        "email": email,
        "link": link,
        "days": INVITATION_DAYS,
    }
    transaction.on_commit(partial(send_email.enqueue, to=[email], subject=subject, body=body))
    return invitation, raw


@transaction.atomic
def invitation_cancel(*, user, invitation: Invitation) -> Invitation:
    _require_team_admin(user, invitation.programme)
    if invitation.accepted_at is None and invitation.cancelled_at is None:
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at"])
    return invitation


def invitation_scope(invitation: Invitation) -> dict:
    """Where the invited role is held: a collective's or an organisation's role there, a team
    role in the programme (an expert also in its partner organisation)."""
    if invitation.collective_id is not None:
        return {"collective": invitation.collective}
    if invitation.role in PROGRAMME_ROLES or invitation.role == Role.EXPERT:
        return team_scope(invitation.role, invitation.programme)
    return {"organisation": invitation.organisation}


def invitation_problem(invitation: Invitation | None, user) -> str:
    """Why ``user`` cannot accept ``invitation`` (empty: they can)."""
    if invitation is None or invitation.cancelled_at is not None:
        return _("Cette invitation n'existe pas ou a été annulée.")
    if invitation.accepted_at is not None:
        if invitation.accepted_by_id == getattr(user, "pk", None):
            return ""
        return _("Cette invitation a déjà été acceptée.")
    if invitation.expires_at <= timezone.now():
        return _("Cette invitation a expiré : demandez-en une nouvelle à l'équipe du programme.")
    if permissions.is_signed_in(user) and not identity.has_verified_email(user, invitation.email):
        return identity.invited_address_message(invitation.email)
    return ""


@transaction.atomic
def invitation_accept(*, user, raw: str) -> Membership:
    """Give ``user`` the role ``raw``'s invitation names — only to the invited address; opening
    the link twice is harmless."""
    invitation = Invitation.find(raw)
    if invitation is not None:
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("programme")
            .get(pk=invitation.pk)
        )
    problem = invitation_problem(invitation, user)
    if problem or not permissions.is_signed_in(user):
        raise PermissionDenied(problem or _("Connectez-vous pour accepter l'invitation."))
    scope = invitation_scope(invitation)
    membership = membership_grant(
        user=invitation.invited_by, member=user, role=invitation.role, **scope
    )
    if invitation.accepted_at is None:
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def membership_revoke(*, user, membership: Membership) -> Membership:
    """End a team role at once (pages and API: roles are read at each request). The last admin
    of a programme stays: a programme is never left without one."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.programme is None or membership.role not in TEAM_ROLES:
        raise PermissionDenied
    _require_team_admin(user, membership.programme)
    if membership.ended_at is not None:
        return membership
    if membership.role == Role.PROGRAMME_ADMIN:
        admins = Membership.objects.active().filter(
            role=Role.PROGRAMME_ADMIN, programme=membership.programme
        )
        if admins.select_for_update().count() <= 1:
            raise ValidationError(
                _("C'est le dernier administrateur du programme : nommez-en un autre d'abord.")
            )
    _end(membership, user)
    return membership


def _end(membership: Membership, user) -> None:
    """End a locked, active role now: the next request (page or API token) reads the roles
    again, so access ends at once; recorded in the member's history."""
    membership.ended_at = timezone.now()
    membership.ended_by = user
    membership.save(update_fields=["ended_at", "ended_by"])
    permissions.forget_memberships(membership.user)
    scope = {
        name: str(value)
        for name, value in (
            ("programme", membership.programme_id),
            ("collective", membership.collective_id),
            ("organisation", membership.organisation_id),
        )
        if value is not None
    }
    history_record(
        obj=membership.user,
        user=user,
        action=UserAction.MEMBERSHIP_REVOKED,
        payload={"role": membership.role, **scope},
    )


@transaction.atomic
def partner_membership_end(*, user, membership: Membership) -> Membership:
    """End a role held in a collective or an organisation (lead, member, financer, engaged
    company, project holder) at once, like a team role. The caller has checked that ``user``
    may end it (``essaim.operators.partners``: the admins of a programme the collective applies
    to, or of which the organisation is a partner). Ending twice is harmless."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role in TEAM_ROLES:
        raise PermissionDenied
    if membership.ended_at is None:
        _end(membership, user)
    return membership
