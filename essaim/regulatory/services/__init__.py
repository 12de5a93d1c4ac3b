"""Every write of the single window, one module per concern. Transitions obey the tables in
``workflow.py`` and write one history row in the same transaction; e-mails leave only once the
transaction commits.

Callers import from here (``from essaim.regulatory import services``); the modules:

- ``common``: the permission questions callers ask, ticket numbers, moving a ticket;
- ``messages``: a ticket's thread (outgoing messages, acknowledgement, the author's messages);
- ``tickets``: opening a ticket and the ticket workflow;
- ``experimentation``: experimentation requests;
- ``knowledge``: the knowledge base;
- ``pending``: web tickets waiting for their author's address to be confirmed;
- ``reminders``: the service-level reminders.
"""

from essaim.regulatory.services.common import (
    FIRST_ANSWER_DAYS,
    OUTCOME_DAYS,
    can_act,
    experimentation_calls,
    is_author,
    is_officer,
    is_officer_for,
    officers_of,
    ticket_actions,
)
from essaim.regulatory.services.experimentation import (
    experimentation_actions,
    experimentation_submit,
    experimentation_transition,
    ticket_to_experimentation,
)
from essaim.regulatory.services.knowledge import (
    anonymise,
    article_draft,
    article_publish,
    article_unpublish,
)
from essaim.regulatory.services.messages import (
    acknowledge_ticket,
    acknowledgement_text,
    ticket_message_receive,
    unconfirmed_acknowledgement_text,
)
from essaim.regulatory.services.pending import (
    PENDING_TTL,
    pending_ticket_confirm,
    pending_ticket_create,
)
from essaim.regulatory.services.reminders import REMINDER_EVERY, ticket_reminders_send
from essaim.regulatory.services.tickets import (
    ticket_answer,
    ticket_close,
    ticket_create,
    ticket_reopen,
    ticket_route,
    ticket_start,
    ticket_triage,
    ticket_withdraw,
)

__all__ = [
    "FIRST_ANSWER_DAYS",
    "OUTCOME_DAYS",
    "PENDING_TTL",
    "REMINDER_EVERY",
    "acknowledge_ticket",
    "acknowledgement_text",
    "anonymise",
    "article_draft",
    "article_publish",
    "article_unpublish",
    "can_act",
    "experimentation_actions",
    "experimentation_calls",
    "experimentation_submit",
    "experimentation_transition",
    "is_author",
    "is_officer",
    "is_officer_for",
    "officers_of",
    "pending_ticket_confirm",
    "pending_ticket_create",
    "ticket_actions",
    "ticket_answer",
    "ticket_close",
    "ticket_create",
    "ticket_message_receive",
    "ticket_reminders_send",
    "ticket_reopen",
    "ticket_route",
    "ticket_start",
    "ticket_to_experimentation",
    "ticket_triage",
    "ticket_withdraw",
    "unconfirmed_acknowledgement_text",
]
