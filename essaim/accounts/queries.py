"""Who holds which role where. Memberships are read once per request and cached on the user."""

from collections.abc import Iterable

from essaim.accounts.models import Membership, Role


def memberships_of(user) -> list[Membership]:
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_essaim_memberships", None)
    if cached is None:
        cached = list(Membership.objects.active().filter(user=user))
        user._essaim_memberships = cached
    return cached


def roles_of(user) -> set[str]:
    return {m.role for m in memberships_of(user)}


def has_role(user, roles: Role | str | Iterable[Role | str]) -> bool:
    wanted = {roles} if isinstance(roles, str) else set(roles)
    return bool(roles_of(user) & wanted)


def scope_ids(user, roles: Role | str | Iterable[Role | str], scope: str) -> set[int]:
    """The ids of the programmes, collectives or organisations in which ``user`` holds a role."""
    wanted = {roles} if isinstance(roles, str) else set(roles)
    attr = f"{scope}_id"
    return {
        getattr(m, attr)
        for m in memberships_of(user)
        if m.role in wanted and getattr(m, attr) is not None
    }
