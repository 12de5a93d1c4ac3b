"""Who may do what on support plans, over the one vocabulary of ``essaim.accounts.permissions``.

A support plan belongs to its label's programme. The territory's collective (its lead and
members) co-builds its plan with the programme's staff (admins and instructors of the label's
programme; a superuser is staff of every programme, but never a territory's member). Nobody else
reads a plan, let alone changes it. Plans are opened, and axes changed, by the programme's admins.

Reads are scoped by ``SupportPlan.objects.visible_to(user)`` (models): outside it, a 404.
"""

import rules

from essaim.accounts import permissions
from essaim.support.models import PlanStatus


@rules.predicate
def is_plan_staff(user, plan) -> bool:
    """Staff (admin or instructor) of the plan's label's programme."""
    return plan is not None and permissions.is_programme_staff(user, plan.label.programme_id)


@rules.predicate
def is_plan_territory(user, plan) -> bool:
    """Lead or member of the collective of the labelled territory."""
    return plan is not None and permissions.is_territory_person(
        user, plan.label.application.collective_id
    )


@rules.predicate
def can_view_plan(user, plan) -> bool:
    return is_plan_staff(user, plan) or is_plan_territory(user, plan)


@rules.predicate
def can_edit_plan(user, plan) -> bool:
    """Co-building: the territory and the programme's staff change an open plan (actions,
    milestones, meetings, comments)."""
    return plan is not None and plan.status == PlanStatus.OPEN and can_view_plan(user, plan)


@rules.predicate
def can_open_plan(user, label) -> bool:
    """Opening a labelled territory's plan comes with the label: the programme's admins."""
    return label is not None and permissions.is_programme_admin(user, label.programme_id)


@rules.predicate
def can_manage_axes(user, programme) -> bool:
    """A programme's support axes are programme data: its admins."""
    return programme is not None and permissions.is_programme_admin(user, programme.pk)


def can_see_programme_view(user) -> bool:
    """The programme view (every plan with its figures): staff of at least one programme, then
    narrowed to those programmes' plans."""
    return permissions.is_programme_staff(user)


rules.add_perm("support.read_supportplan", can_view_plan)
rules.add_perm("support.cobuild_supportplan", can_edit_plan)
rules.add_perm("support.open_supportplan", can_open_plan)
rules.add_perm("support.manage_supportaxis", can_manage_axes)
