"""What the single window's services share: the permission questions their callers ask, ticket
numbers, and moving a ticket along its workflow (lock, check, save, one history row)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from essaim.accounts import permissions
from essaim.accounts.models import Role
from essaim.calls.models import Call, CallKind, CallPurpose
from essaim.core.services import history_record
from essaim.regulatory import rules as access
from essaim.regulatory import workflow
from essaim.regulatory.history import TicketAction
from essaim.regulatory.models import Ticket, TicketSequence
from essaim.regulatory.workflow import Actor

FIRST_ANSWER_DAYS = getattr(settings, "ESSAIM_TICKET_FIRST_ANSWER_DAYS", 10)
OUTCOME_DAYS = getattr(settings, "ESSAIM_TICKET_OUTCOME_DAYS", 60)


# --- Permissions ------------------------------------------------------------------------------
# Decided in ``essaim.regulatory.rules`` (imported as ``access``); these names stay here for the
# callers (views, API, the e-mail intake and the quarantine).


def is_officer_for(user, programme_id: int) -> bool:
    return access.is_officer_for(user, programme_id)


def is_officer(user) -> bool:
    return access.is_officer(user)


def is_author(user, ticket: Ticket) -> bool:
    return access.is_author(user, ticket)


def can_act(user, ticket: Ticket, actor: str) -> bool:
    if actor == Actor.OFFICER:
        return is_officer_for(user, ticket.programme_id)
    if actor == Actor.AUTHOR:
        return is_author(user, ticket)
    return False


def ticket_actions(ticket: Ticket, user) -> list[workflow.Transition]:
    """The transitions ``user`` may take now (what pages and API offer)."""
    return [
        t
        for t in workflow.ticket_transitions_from(ticket.state)
        if t.actor != Actor.SYSTEM and can_act(user, ticket, t.actor)
    ]


def officers_of(programme_id: int):
    return permissions.holders([Role.SINGLE_WINDOW_OFFICER], programmes=[programme_id])


def experimentation_calls():
    return Call.objects.filter(
        kind=CallKind.CALL_FOR_PROJECTS, purpose=CallPurpose.EXPERIMENTATION
    ).select_related("programme")


# --- Ticket numbers and moves -------------------------------------------------------------------


def next_number(prefix: str, year: int) -> str:
    key = year if prefix == "SAISINE" else 10_000 + year
    # UPDATE first: it takes the row lock, so two transactions never get the same number.
    if not TicketSequence.objects.filter(year=key).update(last=F("last") + 1):
        TicketSequence.objects.get_or_create(year=key)
        TicketSequence.objects.filter(year=key).update(last=F("last") + 1)
    last = TicketSequence.objects.filter(year=key).values_list("last", flat=True).get()
    return f"{prefix}-{year}-{last:04d}"


def stale(ticket: Ticket, transition: workflow.Transition) -> ValidationError:
    return ValidationError(
        {
            "state": _("Impossible de faire « %(action)s » : la saisine est « %(state)s ».")
            % {"action": transition.label, "state": ticket.get_state_display()}
        },
        code="stale_state",
    )


def lock_for(ticket: Ticket, user, name: str) -> tuple[Ticket, workflow.Transition]:
    transition = workflow.TICKET_BY_NAME[name]
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if transition.actor != Actor.SYSTEM and not can_act(user, locked, transition.actor):
        raise PermissionDenied(_("Vous n'avez pas le droit de faire cette action."))
    if locked.state not in transition.source:
        raise stale(locked, transition)
    return locked, transition


def move(locked: Ticket, transition, user, comment="", payload=None, fields=()) -> Ticket:
    from_state = locked.state
    locked.state = transition.target
    locked.save(update_fields=["state", *fields])
    history_record(
        obj=locked,
        user=user,
        action=TicketAction(transition.name),
        from_state=from_state,
        to_state=transition.target,
        comment=comment,
        payload=payload or {},
    )
    return locked
