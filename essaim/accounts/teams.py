"""Reading a programme's team (its staff and experts): the team page's lists. Memberships are
read here, in ``accounts``, like every other question about roles."""

from django.db.models import QuerySet

from essaim.accounts.models import Invitation, Membership
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
