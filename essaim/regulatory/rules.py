"""Who may do what at the single window, on the one vocabulary (``essaim.accounts.permissions``).

Everything here is owned by the programme whose single window received it
(``docs/architecture.md``):

- a ticket is read and handled (triage, routing, answers, closing, publication) by the
  single-window officers of its programme (``window_programmes``; a superuser is one
  everywhere); its author — the person who sent it, or a project holder of its organisation —
  reads it, adds messages and withdraws it; nobody else sees it (a 404);
- an experimentation request is read and decided by the officers and admins of its call's
  programme (``experimentation_programmes``); its applicant and the project holders of its
  organisation read it;
- the knowledge base is public once published; an article is published and unpublished by the
  officers of its ticket's programme (an article without a ticket: by any officer);
- a web ticket from someone without an account waits, pending, for its e-mail address to be
  confirmed through the link sent to it: no one else reads or confirms it.
"""

import rules
from django.db.models import Q

from essaim.accounts import permissions
from essaim.calls.models import Programme


def _any_of(parts: list[Q]) -> Q | None:
    if not parts:
        return None
    query = parts[0]
    for part in parts[1:]:
        query |= part
    return query


# --- Tickets ------------------------------------------------------------------------------------


def is_officer(user) -> bool:
    """A single-window officer of some programme (for menus and the quarantine)."""
    return permissions.is_window_officer(user)


def is_officer_for(user, programme_id: int | None) -> bool:
    """A single-window officer of programme ``programme_id`` (a superuser: of every one)."""
    return programme_id is not None and programme_id in permissions.window_programmes(user)


def is_author(user, ticket) -> bool:
    """The person who sent ``ticket``, or a project holder of its organisation."""
    if ticket is None or not permissions.is_signed_in(user):
        return False
    if ticket.author_id is not None and ticket.author_id == user.pk:
        return True
    return ticket.organisation_id in permissions.holder_organisations(user)


def officer_programme_ids(user) -> set[int]:
    """The ids of the programmes whose single window ``user`` staffs (every one, for a
    superuser)."""
    scope = permissions.window_programmes(user)
    if scope.every:
        return set(Programme.objects.values_list("pk", flat=True))
    return set(scope.ids)


def authored_tickets_q(user) -> Q | None:
    """The tickets ``user`` sent or that concern their organisations (``None``: none)."""
    if not permissions.is_signed_in(user):
        return None
    parts = [Q(author=user)]
    holders = permissions.holder_organisations(user)
    if holders:
        parts.append(holders.q("organisation"))
    return _any_of(parts)


def tickets_visible_q(user) -> Q | None:
    """The filter of ``Ticket.objects.visible_to(user)`` (``None``: nothing)."""
    if not permissions.is_signed_in(user):
        return None
    officers = permissions.window_programmes(user)
    if officers.every:
        return Q()
    parts = [authored_tickets_q(user)]
    if officers:
        parts.append(officers.q("programme"))
    return _any_of(parts)


def default_organisation_id(user) -> int | None:
    """The organisation a ticket or a request of ``user`` is filed for when they name none: the
    first one they hold a project in."""
    held = permissions.holder_organisations(user).sorted()
    return held[0] if held else None


@rules.predicate
def can_view_ticket(user, ticket) -> bool:
    return ticket is not None and (
        is_officer_for(user, ticket.programme_id) or is_author(user, ticket)
    )


@rules.predicate
def can_handle_ticket(user, ticket) -> bool:
    """Triage, route, answer, close, reopen, publish: the officers of the ticket's programme."""
    return ticket is not None and is_officer_for(user, ticket.programme_id)


# --- Experimentation requests -------------------------------------------------------------------


def experimentations_visible_q(user) -> Q | None:
    if not permissions.is_signed_in(user):
        return None
    handlers = permissions.experimentation_programmes(user)
    if handlers.every:
        return Q()
    parts = [Q(applicant=user)]
    holders = permissions.holder_organisations(user)
    if holders:
        parts.append(holders.q("organisation"))
    if handlers:
        parts.append(handlers.q("call__programme"))
    return _any_of(parts)


@rules.predicate
def can_handle_experimentation(user, request) -> bool:
    """Decide and follow an experimentation request: the officers and admins of its call's
    programme."""
    return request is not None and request.call.programme_id in (
        permissions.experimentation_programmes(user)
    )


# --- Knowledge base -----------------------------------------------------------------------------


@rules.predicate
def can_publish_article(user, ticket) -> bool:
    return can_handle_ticket(user, ticket)


@rules.predicate
def can_unpublish_article(user, article) -> bool:
    if article is None:
        return False
    if article.ticket_id:
        return is_officer_for(user, article.ticket.programme_id)
    return is_officer(user)


@rules.predicate
def can_manage_categories(user, programme) -> bool:
    """Add, rename, reorder and delete a programme's knowledge-base categories: its admins."""
    return programme is not None and permissions.is_programme_admin(user, programme.pk)


rules.add_perm("regulatory.manage_knowledgecategory", can_manage_categories)
rules.add_perm("regulatory.view_ticket", can_view_ticket)
rules.add_perm("regulatory.handle_ticket", can_handle_ticket)
rules.add_perm("regulatory.handle_experimentationrequest", can_handle_experimentation)
rules.add_perm("regulatory.publish_knowledgearticle", can_publish_article)
rules.add_perm("regulatory.unpublish_knowledgearticle", can_unpublish_article)
