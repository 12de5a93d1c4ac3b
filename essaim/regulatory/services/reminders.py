"""Service-level reminders: the officers of each overdue ticket are told once a day."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.notifications import notify
from essaim.core.services import history_record
from essaim.regulatory.history import TicketAction
from essaim.regulatory.models import Ticket
from essaim.regulatory.services.common import officers_of

REMINDER_EVERY = timedelta(days=1)


# --- Service-level reminders ------------------------------------------------------------------


@transaction.atomic
def ticket_reminders_send(*, now=None) -> int:
    """Remind the officer in charge (or every officer of the programme) of each overdue ticket,
    at most once a day per ticket. Returns the number of tickets reminded."""
    now = now or timezone.now()
    due = (
        Ticket.objects.overdue(now)
        .exclude(last_reminder_at__gte=now - REMINDER_EVERY)
        .select_related("assignee")
        .select_for_update(of=("self",))
    )
    count = 0
    for ticket in due:
        users = [ticket.assignee] if ticket.assignee_id else list(officers_of(ticket.programme_id))
        late = (
            _("première réponse attendue le %(date)s")
            if ticket.first_answered_at is None
            else _("issue attendue le %(date)s")
        ) % {
            "date": timezone.localtime(
                ticket.first_answer_due_at
                if ticket.first_answered_at is None
                else ticket.outcome_due_at
            ).strftime("%d/%m/%Y")
        }
        notify(
            users=users,
            title=_("Saisine %(number)s en retard") % {"number": ticket.number},
            body=late,
            url=reverse("regulatory:ticket_detail", args=[ticket.pk]),
        )
        ticket.last_reminder_at = now
        ticket.save(update_fields=["last_reminder_at"])
        history_record(obj=ticket, user=None, action=TicketAction.REMINDER, comment=late)
        count += 1
    return count
