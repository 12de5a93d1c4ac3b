"""Reading a programme's team (its staff and experts): the team page's lists. Memberships are
read here, in ``accounts``, like every other question about roles."""

from django.db.models import Q, QuerySet

from essaim.accounts.models import COLLECTIVE_ROLES, Invitation, Membership, Role
from essaim.accounts.services import TEAM_ROLES


def _in_team(programme) -> QuerySet:
    return Membership.objects.filter(programme=programme, role__in=TEAM_ROLES)


def team_members(programme) -> QuerySet:
    """Who holds a team role now, with who granted it."""
    return (
        _in_team(programme)
        .filter(ended_at__isnull=True)
        .select_related("user", "granted_by")
        .order_by("role", "user__last_name", "user__email")
    )


def former_members(programme, *, limit: int) -> QuerySet:
    """The roles ended, latest first, with who ended them."""
    return (
        _in_team(programme)
        .filter(ended_at__isnull=False)
        .select_related("user", "ended_by")
        .order_by("-ended_at")[:limit]
    )


def pending_invitations(programme) -> QuerySet:
    return (
        Invitation.objects.pending()
        .filter(programme=programme)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def team_membership(programme, pk: int) -> Membership | None:
    """One of the team's roles (ended or not), or None."""
    return _in_team(programme).select_related("user").filter(pk=pk).first()


# --- Roles held around a programme: in its collectives and its partner organisations ----------

# The organisation roles a programme's admins give and end (an expert is a team role).
PARTNER_ORGANISATION_ROLES = (Role.FINANCER, Role.COMPANY, Role.PROJECT_HOLDER)


def _partners(collectives, organisations, holders) -> QuerySet:
    """Roles in ``collectives`` (lead, member), in ``organisations`` (financer, engaged company)
    and in ``holders`` (project holder): querysets or id subqueries the caller scoped."""
    return Membership.objects.filter(
        Q(role__in=sorted(COLLECTIVE_ROLES), collective__in=collectives)
        | Q(
            role__in=(Role.FINANCER, Role.COMPANY),
            organisation__in=organisations,
            collective__isnull=True,
        )
        | Q(role=Role.PROJECT_HOLDER, organisation__in=holders, collective__isnull=True)
    )


def partner_members(collectives, organisations, holders) -> QuerySet:
    """Who holds a role there now, with who granted it."""
    return (
        _partners(collectives, organisations, holders)
        .filter(ended_at__isnull=True)
        .select_related("user", "granted_by", "collective", "organisation")
        .order_by("role", "collective__name", "organisation__name", "user__email")
    )


def former_partner_members(collectives, organisations, holders, *, limit: int) -> QuerySet:
    """Their roles ended, latest first, with who ended them."""
    return (
        _partners(collectives, organisations, holders)
        .filter(ended_at__isnull=False)
        .select_related("user", "ended_by", "collective", "organisation")
        .order_by("-ended_at")[:limit]
    )


def partner_membership(collectives, organisations, holders, pk: int) -> Membership | None:
    """One role (ended or not) in those collectives and organisations, or None."""
    return (
        _partners(collectives, organisations, holders)
        .select_related("user", "collective", "organisation")
        .filter(pk=pk)
        .first()
    )


def organisation_people(programme, organisations) -> QuerySet:
    """The people of ``organisations`` for ``programme``'s partners page: their financers,
    engaged-company members and project holders, and the experts reviewing for the
    programme."""
    return (
        Membership.objects.active()
        .filter(organisation__in=organisations, collective__isnull=True)
        .filter(Q(role__in=PARTNER_ORGANISATION_ROLES) | Q(role=Role.EXPERT, programme=programme))
        .select_related("user")
        .order_by("organisation_id", "role", "user__email")
    )


def reviews_for(programme, organisation) -> bool:
    """Whether experts of ``organisation`` still hold their role for ``programme``."""
    return (
        Membership.objects.active()
        .filter(role=Role.EXPERT, programme=programme, organisation=organisation)
        .exists()
    )


def brought_in(programme, organisations) -> set[tuple[int, str, int]]:
    """(user, role, organisation) of the roles in ``organisations`` given through ``programme``'s
    invitations, accepted (one query)."""
    return set(
        Invitation.objects.filter(
            programme=programme,
            accepted_by__isnull=False,
            organisation__in=organisations,
            collective__isnull=True,
        ).values_list("accepted_by_id", "role", "organisation_id")
    )
