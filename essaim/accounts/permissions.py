"""The one permission vocabulary: who holds which role, where.

Every "who may" question an app asks is built on the functions of this module; an app's
``rules.py`` combines them with its own objects ("staff of the application's programme", "lead of
the plan's collective", "financer of the request's instrument") and its services, views, API and
exports ask that ``rules.py``. Nothing else reads memberships or ``is_superuser`` (a test guards
it: ``essaim/accounts/tests/test_permission_vocabulary.py``).

Scopes, each answered by one function returning a :class:`Scope`:

================================  =====================================================
question                          function
================================  =====================================================
admin of programme X              ``admin_programmes(user)``
staff (admin or instructor) of X  ``staff_programmes(user)``
single-window officer of X        ``window_programmes(user)``
expert reviewing for X            ``expert_programmes(user)`` (``expert_organisations``)
lead of collective Y              ``lead_collectives(user)``
lead or member of collective Y    ``territory_collectives(user)``
project holder in organisation Z  ``holder_organisations(user)``
financer in organisation Z        ``financer_organisations(user)``
engaged company Z                 ``company_organisations(user)``
any role held in organisation Z   ``member_organisations(user)``
================================  =====================================================

and ``is_<role>(user, scope_id=None)`` predicates over the same scopes (``None``: anywhere).

**Superusers are treated here and nowhere else.** A superuser is staff — admin, instructor and
single-window officer — of every programme, and the owner of every shared object (organisations,
instruments, perimeters: see ``docs/architecture.md``). A superuser never acts *as* someone: they
are not a member of any collective or organisation nor an expert unless they hold that membership,
so they do not write applications, give opinions or answer as a financer in anybody's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from essaim.accounts.models import (
    Membership,
    Role,
    User,
)

_CACHE_ATTR = "_essaim_memberships"


@dataclass(frozen=True, slots=True)
class Scope:
    """A set of programme, collective or organisation ids — or every one of them.

    ``pk in scope`` answers a single question; ``scope.q("call__programme")`` and
    ``scope.filter(queryset, "programme")`` turn it into a database filter, so that pages, API and
    exports narrow their querysets with the same answer."""

    every: bool = False
    ids: frozenset[int] = frozenset()

    def __contains__(self, pk: object) -> bool:
        return self.every or (pk is not None and pk in self.ids)

    def __bool__(self) -> bool:
        return self.every or bool(self.ids)

    def q(self, lookup: str) -> Q:
        """``Q(<lookup>__in=ids)``; always true for every one; never true when empty.
        ``lookup`` names the foreign key (``"programme"``, ``"call__programme"``).

        "Always true" is ``~Q(pk__in=[])``, not ``Q()``: Django drops an empty ``Q()`` from an
        ``|``, so ``Q(author=user) | EVERY.q(...)`` would silently mean ``Q(author=user)``."""
        if self.every:
            return ~Q(pk__in=[])
        return Q(**{f"{lookup}__in": sorted(self.ids)})

    def filter(self, queryset: QuerySet, lookup: str) -> QuerySet:
        if self.every:
            return queryset
        if not self.ids:
            return queryset.none()
        return queryset.filter(self.q(lookup))

    def __or__(self, other: Scope) -> Scope:
        if self.every or other.every:
            return EVERY
        return Scope(ids=self.ids | other.ids)

    def sorted(self) -> list[int]:
        """The ids in order (not meaningful for ``EVERY``: check ``scope.every`` first)."""
        return sorted(self.ids)


EVERY = Scope(every=True)
NOTHING = Scope()


# --- Who is signed in ---------------------------------------------------------------------------


def is_signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _token_programme_id(user) -> int | None:
    """The programme an API token limits this request to (``None``: no such limit)."""
    token = getattr(user, "api_token", None)
    return token.programme_id if token is not None else None


def is_superuser(user) -> bool:
    """The one test of superuser status in the code base. A token limited to one programme
    does not carry it."""
    return is_signed_in(user) and bool(user.is_superuser) and _token_programme_id(user) is None


def memberships_of(user) -> list[Membership]:
    """The user's active memberships, read once per request (cached on the user object).
    Call :func:`forget_memberships` after changing them within the same request.

    Under an API token limited to a programme, the roles held in other programmes are left out
    (roles in a collective or an organisation are not tied to a programme and stay)."""
    if not is_signed_in(user):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        memberships = Membership.objects.active().filter(user=user)
        programme_id = _token_programme_id(user)
        if programme_id is not None:
            memberships = memberships.filter(
                Q(programme__isnull=True) | Q(programme_id=programme_id)
            )
        cached = list(memberships)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def programmes_with_a_role(user) -> Scope:
    """Programmes in which ``user`` holds any role (those an API token may be limited to)."""
    return _scope(user, Role.values, "programme", superuser=True)


def forget_memberships(user) -> None:
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user) -> set[str]:
    """The roles ``user`` holds anywhere (for menus and dashboards, never for a decision on an
    object: ask a scope for that)."""
    return {m.role for m in memberships_of(user)}


def _scope(user, roles: Iterable[Role], kind: str, *, superuser: bool) -> Scope:
    if not is_signed_in(user):
        return NOTHING
    if superuser and is_superuser(user):
        return EVERY
    wanted = {str(r) for r in roles}
    attr = f"{kind}_id"
    return Scope(
        ids=frozenset(
            getattr(m, attr)
            for m in memberships_of(user)
            if m.role in wanted and getattr(m, attr) is not None
        )
    )


# --- Programme scopes (a superuser holds them all) ---------------------------------------------

ADMIN_ROLES = (Role.PROGRAMME_ADMIN,)
STAFF_ROLES = (Role.PROGRAMME_ADMIN, Role.INSTRUCTOR)
WINDOW_ROLES = (Role.SINGLE_WINDOW_OFFICER,)
TERRITORY_ROLES = (Role.TERRITORY_LEAD, Role.TERRITORY_MEMBER)
ORGANISATION_MEMBER_ROLES = (Role.FINANCER, Role.COMPANY, Role.PROJECT_HOLDER, Role.EXPERT)


def admin_programmes(user) -> Scope:
    """Programmes ``user`` administers: calls, forms, waves, decisions, labels, axes."""
    return _scope(user, ADMIN_ROLES, "programme", superuser=True)


def staff_programmes(user) -> Scope:
    """Programmes whose team ``user`` is part of (admins and instructors): applications,
    instruction, plans, projects and financing requests of their territories."""
    return _scope(user, STAFF_ROLES, "programme", superuser=True)


def window_programmes(user) -> Scope:
    """Programmes whose single window ``user`` staffs: tickets, quarantine, knowledge base."""
    return _scope(user, WINDOW_ROLES, "programme", superuser=True)


def any_staff_programmes(user) -> Scope:
    """Programmes where ``user`` has any staff role (admin, instructor or single-window officer)."""
    return _scope(user, (*STAFF_ROLES, *WINDOW_ROLES), "programme", superuser=True)


def experimentation_programmes(user) -> Scope:
    """Programmes whose experimentation requests ``user`` handles (officers and admins)."""
    return _scope(user, (*WINDOW_ROLES, *ADMIN_ROLES), "programme", superuser=True)


# --- Scopes held in one's own name (a superuser holds none of them by status) -----------------


def expert_programmes(user) -> Scope:
    """Programmes ``user`` reviews for as an expert of a partner organisation."""
    return _scope(user, (Role.EXPERT,), "programme", superuser=False)


def expert_organisations(user) -> Scope:
    return _scope(user, (Role.EXPERT,), "organisation", superuser=False)


def lead_collectives(user) -> Scope:
    return _scope(user, (Role.TERRITORY_LEAD,), "collective", superuser=False)


def territory_collectives(user) -> Scope:
    """Collectives ``user`` leads or is a member of."""
    return _scope(user, TERRITORY_ROLES, "collective", superuser=False)


def holder_organisations(user) -> Scope:
    return _scope(user, (Role.PROJECT_HOLDER,), "organisation", superuser=False)


def financer_organisations(user) -> Scope:
    return _scope(user, (Role.FINANCER,), "organisation", superuser=False)


def company_organisations(user) -> Scope:
    return _scope(user, (Role.COMPANY,), "organisation", superuser=False)


def member_organisations(user) -> Scope:
    """Organisations in which ``user`` holds any role (financer, engaged company, project holder,
    expert): those whose directory entry they keep."""
    return _scope(user, ORGANISATION_MEMBER_ROLES, "organisation", superuser=False)


# --- Shared objects -----------------------------------------------------------------------------


def owns_shared_objects(user) -> bool:
    """Whether ``user`` may change every shared object (the superuser's answer), whoever keeps
    it: official data, any organisation, any instrument, any perimeter."""
    return is_superuser(user)


def runs_the_platform(user) -> bool:
    """Whether ``user`` may start programmes (the superuser's answer): a programme's own admins
    run it once it exists."""
    return is_superuser(user)


def owns_organisation(user, organisation_id: int | None) -> bool:
    """Whether ``user`` may change a shared object kept by ``organisation_id`` (its directory
    entry, its instruments): a member of that organisation, or a superuser."""
    return is_superuser(user) or organisation_id in member_organisations(user)


def financer_owns(user, organisation_id: int | None) -> bool:
    """Whether ``user`` keeps the instruments of ``organisation_id`` as its financer, or is a
    superuser. (Answering financing requests is the financer's alone: ``is_financer``.)"""
    return is_superuser(user) or organisation_id in financer_organisations(user)


# --- Predicates (``scope_id=None``: the role anywhere) -----------------------------------------


def _holds(scope: Scope, scope_id: int | None) -> bool:
    return bool(scope) if scope_id is None else scope_id in scope


def is_programme_admin(user, programme_id: int | None = None) -> bool:
    return _holds(admin_programmes(user), programme_id)


def is_programme_staff(user, programme_id: int | None = None) -> bool:
    return _holds(staff_programmes(user), programme_id)


def is_window_officer(user, programme_id: int | None = None) -> bool:
    return _holds(window_programmes(user), programme_id)


def is_any_staff(user, programme_id: int | None = None) -> bool:
    return _holds(any_staff_programmes(user), programme_id)


def is_expert(user, programme_id: int | None = None) -> bool:
    return _holds(expert_programmes(user), programme_id) or (
        programme_id is None and bool(expert_organisations(user))
    )


def is_collective_lead(user, collective_id: int | None = None) -> bool:
    return _holds(lead_collectives(user), collective_id)


def is_territory_person(user, collective_id: int | None = None) -> bool:
    return _holds(territory_collectives(user), collective_id)


def is_project_holder(user, organisation_id: int | None = None) -> bool:
    return _holds(holder_organisations(user), organisation_id)


def is_financer(user, organisation_id: int | None = None) -> bool:
    return _holds(financer_organisations(user), organisation_id)


def is_company_member(user, organisation_id: int | None = None) -> bool:
    return _holds(company_organisations(user), organisation_id)


def is_organisation_member(user, organisation_id: int | None = None) -> bool:
    return _holds(member_organisations(user), organisation_id)


# --- Who holds a role where (recipients and pick lists, never a decision) ----------------------


def _in(field: str, ids) -> Q:
    """``ids`` of one scope kind as a filter on memberships: ``None`` matches none, a
    :class:`Scope` of every one matches any."""
    if ids is None:
        return Q(pk__in=[])
    if isinstance(ids, Scope):
        if ids.every:
            return Q(**{f"{field}__isnull": False})
        ids = ids.ids
    return Q(**{f"{field}__in": sorted(i for i in ids if i is not None)})


def _held(roles, programmes, collectives, organisations) -> QuerySet:
    wanted = [roles] if isinstance(roles, str) else list(roles)
    return Membership.objects.active().filter(
        _in("programme_id", programmes)
        | _in("collective_id", collectives)
        | _in("organisation_id", organisations),
        role__in=sorted(str(r) for r in wanted),
    )


def holders(roles, *, programmes=None, collectives=None, organisations=None) -> QuerySet:
    """The active users holding one of ``roles`` through a membership in one of the given
    programmes, collectives or organisations (ids or a :class:`Scope`): whom to notify, whom to
    offer in a pick list ("the programme's instructors", "the partner's experts"). Superusers are
    listed only where they hold such a membership. Never the answer to "may this user do that":
    ask a scope or a predicate."""
    memberships = _held(roles, programmes, collectives, organisations)
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by(
        "last_name", "first_name", "email"
    )


def holders_by_scope(roles, kind: str, ids) -> dict[int, list]:
    """``{scope id: active users holding one of roles there}`` for ``kind`` ("programme",
    "collective" or "organisation") and the given ids, in one query (notifications of many
    objects at once)."""
    arguments = {"programmes": None, "collectives": None, "organisations": None}
    arguments[f"{kind}s"] = ids
    memberships = (
        _held(roles, **arguments).filter(user__is_active=True).select_related("user").order_by("pk")
    )
    result: dict[int, list] = {}
    for membership in memberships:
        users = result.setdefault(getattr(membership, f"{kind}_id"), [])
        if membership.user not in users:
            users.append(membership.user)
    return result
