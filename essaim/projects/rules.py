"""Who may do what with projects and their needs, on the one vocabulary
(``essaim.accounts.permissions``).

A project is owned by the programmes whose applications or labels cover its territory or its
collective (``Project.objects.of_programmes``, ``programme_ids_of``; ``docs/architecture.md``):

- a published project is public to read; an unpublished one is read by those who may change it;
- a project and its needs are changed by the project holders of its holder organisation, the
  people (lead and members) of its collective, and the staff of the programmes that own it;
- a project is created for one's own holder organisation or collective, or, as programme staff,
  in a territory or collective that one's programme owns;
- financing requests are sent (and withdrawn) only by the holder organisation's project holders
  and the collective's people — not by programme staff, who follow them.
"""

import rules
from django.db.models import Q

from essaim.accounts import permissions
from essaim.applications.models import Application, Challenge
from essaim.applications.workflow import Status
from essaim.projects.models import programme_ids_of_territory


def is_owning_staff(user, *, perimeter_id: int | None, collective_id: int | None) -> bool:
    """Staff of a programme that owns this territory or collective (a superuser always)."""
    staff = permissions.staff_programmes(user)
    if not staff:
        return False
    if staff.every:
        return True
    owners = programme_ids_of_territory(perimeter_id=perimeter_id, collective_id=collective_id)
    return bool(owners & staff.ids)


def acts_for(user, *, holder_id: int | None, collective_id: int | None) -> bool:
    """A project holder of the holder organisation or a person of the collective: who speaks
    for the project (sends its financing requests, files its tickets)."""
    if not permissions.is_signed_in(user):
        return False
    return holder_id in permissions.holder_organisations(
        user
    ) or collective_id in permissions.territory_collectives(user)


def can_hold(
    user, *, holder_id: int | None, collective_id: int | None, perimeter_id: int | None
) -> bool:
    """Whether ``user`` may write a project of organisation ``holder_id`` in this collective and
    territory: who acts for it, or staff of a programme that owns the territory."""
    if not permissions.is_signed_in(user):
        return False
    return acts_for(user, holder_id=holder_id, collective_id=collective_id) or is_owning_staff(
        user, perimeter_id=perimeter_id, collective_id=collective_id
    )


@rules.predicate
def can_edit_project(user, project) -> bool:
    return project is not None and can_hold(
        user,
        holder_id=project.holder_id,
        collective_id=project.collective_id,
        perimeter_id=project.perimeter_id,
    )


@rules.predicate
def can_act_for_project(user, project) -> bool:
    return project is not None and acts_for(
        user, holder_id=project.holder_id, collective_id=project.collective_id
    )


@rules.predicate
def can_create_any(user) -> bool:
    """Whether ``user`` may create a project at all (holder, territory person or staff)."""
    return bool(
        permissions.holder_organisations(user)
        or permissions.territory_collectives(user)
        or permissions.staff_programmes(user)
    )


rules.add_perm("projects.add_project", can_create_any)
rules.add_perm("projects.change_project", can_edit_project)


def linkable_challenges(user):
    """The challenges a project of ``user`` may be linked to: those of a labelled territory
    (public on its page) and of the applications ``user`` may see — never the title of another
    territory's draft."""
    return Challenge.objects.filter(
        Q(application__status=Status.LABELLED)
        | Q(application__in=Application.objects.visible_to(user).values("pk"))
    )
