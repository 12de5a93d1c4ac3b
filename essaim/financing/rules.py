"""Who may do what with instruments and financing requests, on the one vocabulary
(``essaim.accounts.permissions``; ownership in ``docs/architecture.md``).

Instruments and their ticket bands are **shared**, kept by their financers:

- a published instrument is public; an unpublished one (a draft, or one taken off the catalogue)
  is read by its financer organisation's members, superusers and programme staff (admins and
  instructors, read-only: they guide projects towards financing; they never change it);
- an instrument is created and changed only by its financer organisation's members
  (``financer_owns``) or a superuser — not by programme admins.

A financing request is **owned** by the programmes of its project's territory and by the
instrument's financer:

- it is read (with its documents, and in totals, gaps and exports) by the holder organisation's
  project holders, the people of the project's collective, the instrument's financer and the
  staff of the programmes that own the project (``Project.objects.of_programmes``);
- it is sent and withdrawn only by the holder organisation's project holders and the
  collective's people; it is decided (review, grant, decline, disbursement) only by the
  financer of its instrument — a superuser does not answer in a financer's name.
"""

import rules
from django.db.models import Q

from essaim.accounts import permissions
from essaim.actors.models import Organisation
from essaim.financing.workflow import Actor
from essaim.geo.rules import owns_every_shared_object
from essaim.projects.models import Project, programmes_q
from essaim.projects.rules import can_act_for_project, is_owning_staff

# --- Instruments --------------------------------------------------------------------------------


def instruments_visible_q(user) -> Q:
    """The filter of ``Instrument.objects.visible_to(user)``."""
    if permissions.staff_programmes(user):  # superusers included
        return Q()
    query = Q(is_published=True)
    financers = permissions.financer_organisations(user)
    if financers:
        query |= financers.q("provider")
    return query


@rules.predicate
def can_edit_instrument(user, instrument) -> bool:
    return instrument is not None and permissions.financer_owns(user, instrument.provider_id)


def can_create_instruments(user) -> bool:
    """Whether ``user`` keeps instruments for at least one organisation."""
    return owns_every_shared_object(user) or bool(permissions.financer_organisations(user))


def providers_for(user):
    """The organisations ``user`` may create instruments for: their financer organisations (every
    organisation for a superuser)."""
    if owns_every_shared_object(user):
        return Organisation.objects.order_by("name")
    return permissions.financer_organisations(user).filter(Organisation.objects.all(), "pk")


# --- Financing requests -------------------------------------------------------------------------


def requests_visible_q(user) -> Q | None:
    """The filter of ``FinancingRequest.objects.visible_to(user)`` (``None``: nothing)."""
    if not permissions.is_signed_in(user):
        return None
    staff = permissions.staff_programmes(user)
    if staff.every:
        return Q()
    parts = []
    for scope, lookup in (
        (permissions.holder_organisations(user), "project__holder"),
        (permissions.territory_collectives(user), "project__collective"),
        (permissions.financer_organisations(user), "instrument__provider"),
    ):
        if scope:
            parts.append(scope.q(lookup))
    if staff:
        parts.append(Q(project__in=Project.objects.of_programmes(staff).values("pk")))
    if not parts:
        return None
    query = parts[0]
    for part in parts[1:]:
        query |= part
    return query


@rules.predicate
def can_send_request(user, project) -> bool:
    """Send a request from ``project`` (or withdraw one): its holders and its collective's
    people."""
    return can_act_for_project(user, project)


@rules.predicate
def can_decide_request(user, request) -> bool:
    """Review, grant, decline, disburse: the financer of the request's instrument."""
    return request is not None and request.instrument.provider_id in (
        permissions.financer_organisations(user)
    )


def can_act_as(user, request, actor: str) -> bool:
    """Whether ``user`` plays ``actor`` of the workflow table on ``request``."""
    if request is None or not permissions.is_signed_in(user):
        return False
    if actor == Actor.FINANCER:
        return can_decide_request(user, request)
    if actor == Actor.HOLDER:
        return can_send_request(user, request.project)
    return False


# --- Gaps and alerts ----------------------------------------------------------------------------


def gap_projects(user):
    """The projects whose open needs ``user`` may see in the gaps view: their programmes'
    projects (programme staff), their collectives' (territory people) and, for financers (the
    gaps are their market), every published project. ``None`` when the user may not see the
    gaps at all."""
    staff = permissions.staff_programmes(user)
    territories = permissions.territory_collectives(user)
    financers = permissions.financer_organisations(user)
    if staff.every:
        return Project.objects.all()
    if not staff and not territories and not financers:
        return None
    query = Q(pk__in=[])
    if financers:
        query |= Q(is_published=True)
    if staff:
        query |= programmes_q(staff.sorted())
    if territories:
        query |= territories.q("collective")
    return Project.objects.filter(query)


@rules.predicate
def can_follow_collective(user, collective) -> bool:
    """Subscribe to the instruments matching a territory's projects: its people, and the staff
    of the programmes that own it."""
    if collective is None:
        return False
    return collective.pk in permissions.territory_collectives(user) or is_owning_staff(
        user, perimeter_id=collective.perimeter_id, collective_id=collective.pk
    )


@rules.predicate
def can_reference_instruments(user, programme) -> bool:
    """Choose the instruments a programme references: its admins."""
    return programme is not None and permissions.is_programme_admin(user, programme.pk)


rules.add_perm("financing.reference_instrument", can_reference_instruments)
rules.add_perm("financing.change_instrument", can_edit_instrument)
rules.add_perm("financing.send_financing_request", can_send_request)
rules.add_perm("financing.decide_financing_request", can_decide_request)
