"""Who may do what with organisations, on the one vocabulary (``essaim.accounts.permissions``).

Organisations, their people and partnerships are shared — the directory (``docs/architecture.md``):

- everyone, anonymous included, reads the directory and the public part of the page of a
  *confirmed* organisation;
- an organisation registered through an application starts *unconfirmed*: out of the public
  directory (pages, search, API), seen only by its creator, its own members, the people of its
  collectives and the staff of the programmes those collectives apply to — one of these staff
  (or a superuser) confirms it;
- programme admins (and superusers) create organisations, confirmed at once;
- an organisation — its fields, people and partnerships — is changed by its own members (any role
  held in that organisation) or a superuser, never by another organisation's people nor by
  programme staff as such;
- its history (which names its private people) is shown to those who may change it and to the
  staff of the programmes its collectives apply to.
"""

import rules
from django.db.models import Q

from essaim.accounts import permissions
from essaim.actors.models import (  # noqa: F401 - visible_organisations_q: part of the rules
    APPLICATION_PROGRAMME,
    involved_organisations,
    visible_organisations_q,
)


def programme_ids_of_organisation(organisation) -> set[int]:
    """The programmes whose applications involve ``organisation`` (through the collectives it is
    a member of); one query."""
    return {
        pk
        for pk in organisation.collective_memberships.values_list(APPLICATION_PROGRAMME, flat=True)
        if pk is not None
    }


def is_involved_staff(user, organisation) -> bool:
    """Staff of a programme whose applications involve ``organisation`` (a superuser always)."""
    staff = permissions.staff_programmes(user)
    if not staff:
        return False
    return staff.every or bool(programme_ids_of_organisation(organisation) & staff.ids)


def to_verify_q(user) -> Q | None:
    """The unconfirmed organisations ``user`` may confirm (``None``: none at all)."""
    staff = permissions.staff_programmes(user)
    if not staff:
        return None
    query = Q(verified_at__isnull=True)
    if not staff.every:
        query &= Q(pk__in=involved_organisations(staff))
    return query


@rules.predicate
def can_create_organisation(user) -> bool:
    return permissions.is_programme_admin(user)


@rules.predicate
def can_edit_organisation(user, organisation) -> bool:
    return organisation is not None and permissions.owns_organisation(user, organisation.pk)


@rules.predicate
def can_verify_organisation(user, organisation) -> bool:
    return (
        organisation is not None
        and organisation.verified_at is None
        and is_involved_staff(user, organisation)
    )


@rules.predicate
def can_view_organisation_history(user, organisation) -> bool:
    return organisation is not None and (
        can_edit_organisation(user, organisation) or is_involved_staff(user, organisation)
    )


@rules.predicate
def can_date_collective_member(user, member) -> bool:
    """Date a membership of a collective: the organisation's own members, the collective's lead,
    the staff of the programmes the collective applies to (a superuser always)."""
    if member is None:
        return False
    if permissions.owns_organisation(user, member.organisation_id):
        return True
    if permissions.is_collective_lead(user, member.collective_id):
        return True
    staff = permissions.staff_programmes(user)
    if not staff:
        return False
    return staff.every or bool(
        set(member.collective.applications.values_list("call__programme_id", flat=True)) & staff.ids
    )


rules.add_perm("actors.add_organisation", can_create_organisation)
rules.add_perm("actors.change_organisation", can_edit_organisation)
rules.add_perm("actors.verify_organisation", can_verify_organisation)
rules.add_perm("actors.view_organisation_history", can_view_organisation_history)
rules.add_perm("actors.change_collective_member", can_date_collective_member)
