"""The single window's worklist: the officers' « File des saisines » (``essaim.core.worklist``).

- *à traiter* — waiting on the single window: new, qualified, in progress (a new message from the
  author reopens an answered or closed ticket: it comes back here);
- *suivis* — waiting on someone else: routed to an administration, answered (the author may
  still write back before it is closed);
- *traités* — closed with an outcome.

Deadline: the first answer's due date until the first answer, then the outcome's due date; the
earliest first (overdue first), tickets without one last, the oldest received first. Marker
*nouveau message*: the ticket's last message was received (from its author, by the web or by
mail) and no action of the viewer was recorded on the ticket since it arrived (no read-tracking:
answering or acting clears it).
"""

from django.db.models import Case, F, OuterRef, Q, When

from essaim.core import worklist
from essaim.regulatory.models import Direction, TicketMessage
from essaim.regulatory.workflow import TicketState

S = TicketState
TICKET_TABS = {
    worklist.TODO: Q(state__in=[S.NEW, S.TRIAGED, S.IN_PROGRESS]),
    worklist.FOLLOWED: Q(state__in=[S.ROUTED, S.ANSWERED]),
    worklist.DONE: Q(state=S.CLOSED),
}


def ticket_worklist(request, tickets, *, keep=()):
    """The tabs of ``tickets`` and the current tab's rows by deadline, with ``deadline`` and
    ``new_message`` (one query for the counts, one for the rows)."""
    # A plain count per tab: the visibility filters are on the ticket's own keys (no join).
    tabs, rows = worklist.worklist(
        request, tickets.order_by(), TICKET_TABS, keep=keep, distinct=False
    )
    rows = rows.annotate(
        deadline=Case(
            When(first_answered_at__isnull=True, then=F("first_answer_due_at")),
            default=F("outcome_due_at"),
        )
    )
    rows = worklist.with_new_message(
        rows,
        TicketMessage.objects.filter(ticket=OuterRef("pk")),
        other_side=Q(direction=Direction.INBOUND),
        user=request.user,
    )
    return tabs, rows.order_by(*worklist.by_deadline("deadline", "received_at", "pk"))
