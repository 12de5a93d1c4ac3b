"""Who may do what in this app, over the one vocabulary of ``essaim.accounts.permissions``
(ownership in ``docs/architecture.md``).

Offers are **shared**, kept by their company:

- a published offer is public; a withdrawn one is read by its company's members (and a
  superuser);
- an offer is published, changed and withdrawn by the members of its company (the engaged
  company role in that organisation) or a superuser.

An introduction follows its **project** (owned by the programmes whose applications or labels
cover its territory):

- it is proposed by a member of an engaged company ("Je peux aider" on an open need of a
  published project);
- it is read by its company's members, the project's holders, the people of the project's
  collective and the staff of the programmes that own the project;
- it is accepted or declined by the project's holders and the collective's people; both sides
  mark it done; the company reports what its help produced.

An event is **owned** by its programme: created and changed by the programme's staff (admins and
instructors), who also see its registrations and mark attendance; read by the people of the
territories and projects the programme owns, who register (the capacity is kept under a lock).

The ecosystem network follows its territory's label (``essaim.synergies.network``): people's names
are shown to the label programme's staff and the territory collective's people; a project's
relations are declared by who may change its holder's directory entry.
"""

import rules

from essaim.accounts import permissions
from essaim.actors.models import Organisation
from essaim.actors.rules import can_edit_organisation
from essaim.projects.models import NeedStatus
from essaim.projects.rules import can_act_for_project, can_edit_project, is_owning_staff
from essaim.synergies.models import (
    audience_programme_ids,
    events_visible_q,
    introductions_visible_q,
    offers_visible_q,
)
from essaim.synergies.workflow import Actor

__all__ = ["events_visible_q", "introductions_visible_q", "offers_visible_q"]

# --- Offers -------------------------------------------------------------------------------------


def can_keep_offers_of(user, company_id: int | None) -> bool:
    """Publish and change the offers of organisation ``company_id``: its engaged-company members
    or a superuser."""
    if company_id is None:
        return False
    return permissions.is_company_member(user, company_id) or permissions.owns_shared_objects(user)


@rules.predicate
def can_edit_offer(user, offer) -> bool:
    return offer is not None and can_keep_offers_of(user, offer.company_id)


def companies_for(user):
    """The organisations ``user`` speaks for as an engaged company (never every organisation: a
    superuser does not act as a company)."""
    return permissions.company_organisations(user).filter(Organisation.objects.all(), "pk")


@rules.predicate
def is_engaged_company(user) -> bool:
    return bool(permissions.company_organisations(user))


# --- Introductions ------------------------------------------------------------------------------


def can_propose(user, need, company_id: int | None) -> bool:
    """ "Je peux aider": a member of the company, on an open need of a published project."""
    return (
        need is not None
        and company_id is not None
        and permissions.is_company_member(user, company_id)
        and need.status == NeedStatus.OPEN
        and need.project.is_published
    )


def can_offer_help(user, need) -> bool:
    """ "Je peux aider" shown on a need: a member of an engaged company, on an open need of a
    published project (which company answers is chosen on the next page)."""
    return (
        need is not None
        and need.status == NeedStatus.OPEN
        and need.project.is_published
        and is_engaged_company(user)
    )


def is_company_side(user, introduction) -> bool:
    return introduction is not None and permissions.is_company_member(user, introduction.company_id)


def is_project_side(user, introduction) -> bool:
    return introduction is not None and can_act_for_project(user, introduction.project)


def can_act_as(user, introduction, actor: str) -> bool:
    """Whether ``user`` plays ``actor`` of the workflow table on ``introduction``."""
    if introduction is None or not permissions.is_signed_in(user):
        return False
    if actor == Actor.PROJECT:
        return is_project_side(user, introduction)
    if actor == Actor.COMPANY:
        return is_company_side(user, introduction)
    if actor == Actor.EITHER:
        return is_company_side(user, introduction) or is_project_side(user, introduction)
    return False


@rules.predicate
def can_report(user, introduction) -> bool:
    """Report hours, purchases and amounts invested: the company's members."""
    return is_company_side(user, introduction)


def sees_overview(user) -> bool:
    """The programme's count of introductions and events: its staff."""
    return bool(permissions.staff_programmes(user))


# --- Events -------------------------------------------------------------------------------------


def can_manage_events(user, programme_id: int | None = None) -> bool:
    """Create and change events, see registrations, mark attendance: the programme's staff."""
    return permissions.is_programme_staff(user, programme_id)


@rules.predicate
def can_manage_event(user, event) -> bool:
    return event is not None and can_manage_events(user, event.programme_id)


@rules.predicate
def can_register(user, event) -> bool:
    """The people of a territory or project the event's programme owns."""
    return event is not None and event.programme_id in audience_programme_ids(user)


def owning_staff_of_project(user, project) -> bool:
    return is_owning_staff(
        user, perimeter_id=project.perimeter_id, collective_id=project.collective_id
    )


rules.add_perm("synergies.change_offer", can_edit_offer)
rules.add_perm("synergies.add_introduction", is_engaged_company)
rules.add_perm("synergies.report_introduction", can_report)
rules.add_perm("synergies.change_event", can_manage_event)
rules.add_perm("synergies.register_event", can_register)


# --- The ecosystem network (``essaim.synergies.network``) -----------------------------------------


@rules.predicate
def can_view_network_people(user, label) -> bool:
    """People's names in a territory's network: the staff (admins, instructors) of the label's
    programme and the lead and members of the territory's collective; a superuser as staff."""
    if label is None:
        return False
    if label.programme_id in permissions.staff_programmes(user):
        return True
    return label.application.collective_id in permissions.territory_collectives(user)


rules.add_perm("synergies.view_network_people", can_view_network_people)


@rules.predicate
def can_add_project_relation(user, project) -> bool:
    """Declare a funder, partner, supplier or mentor of a project: who may change its holder's
    directory entry (``actors.rules``); the relation is a ``synergies.ProjectRelation``."""
    return project is not None and can_edit_organisation(user, project.holder)


rules.add_perm("synergies.add_project_relation", can_add_project_relation)


@rules.predicate
def can_end_project_relation(user, relation) -> bool:
    """End a project's relation: who may declare one (the holder's directory entry)."""
    return relation is not None and can_add_project_relation(user, relation.project)


rules.add_perm("synergies.end_project_relation", can_end_project_relation)


@rules.predicate
def can_view_project_relations(user, project) -> bool:
    """A project's relations as its page lists them: for its editors (``projects.rules``) and
    who may declare them."""
    return project is not None and (
        can_edit_project(user, project) or can_add_project_relation(user, project)
    )


rules.add_perm("synergies.view_project_relations", can_view_project_relations)
