"""A ticket's actions and thread in the API: the workflow actions the pages offer (triage, route,
take charge, answer, close with an outcome, withdraw, reopen), the author's messages and the
thread. Thin: the services lock, check the rules (``essaim.regulatory.rules``) and write."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.core.api.filters import Id
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.regulatory import services
from essaim.regulatory.api import TicketDetailOut, _ticket_detail
from essaim.regulatory.forms import administrations
from essaim.regulatory.models import Ticket, TicketMessage

router = Router(tags=["regulatory"])

MAX_TEXT = 20_000


class TicketTransitionIn(Schema):
    """The fields each action reads; the others are ignored. ``comment``: triage, route,
    withdraw, reopen (required); ``category`` and ``priority``: triage; ``administration_id`` and
    ``assignee_id``: route; ``body``: answer; ``outcome``, ``reason``, ``out_of_scope_reason``:
    close."""

    comment: str = Field(default="", max_length=MAX_TEXT)
    category: str = Field(default="", max_length=50, description="a theme's code (triage)")
    priority: str = Field(default="", max_length=20, description="triage")
    administration_id: Id | None = Field(default=None, description="route")
    assignee_id: Id | None = Field(default=None, description="route: an officer of the programme")
    body: str = Field(default="", max_length=MAX_TEXT, description="answer: sent by e-mail")
    outcome: str = Field(default="", max_length=30, description="close")
    reason: str = Field(default="", max_length=MAX_TEXT, description="close: said to the author")
    out_of_scope_reason: str = Field(default="", max_length=30, description="close, out of scope")


class TicketMessageIn(Schema):
    body: str = Field(min_length=1, max_length=MAX_TEXT)


class ThreadMessageOut(Schema):
    id: int
    direction: str = Field(description="in: from the author; out: from the single window")
    kind: str
    channel: str
    subject: str
    body: str
    created_at: datetime
    sent_at: datetime | None


def _ticket(request, ticket_id: int) -> Ticket:
    ticket = (
        Ticket.objects.visible_to(request.user)
        .select_related("perimeter", "organisation", "administration")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise Http404(_("Saisine %(id)s introuvable.") % {"id": ticket_id})
    return ticket


def _route(ticket: Ticket, user, payload: TicketTransitionIn):
    administration = None
    if payload.administration_id is not None:
        administration = administrations().filter(pk=payload.administration_id).first()
        if administration is None:
            raise ValidationError(
                {"administration_id": _("Administration inconnue : choisissez-en une publique.")}
            )
    assignee = None
    if payload.assignee_id is not None:
        assignee = services.officers_of(ticket.programme_id).filter(pk=payload.assignee_id).first()
        if assignee is None:
            raise ValidationError(
                {"assignee_id": _("Cette personne n'est pas agent du guichet unique.")}
            )
    return services.ticket_route(
        ticket=ticket,
        user=user,
        administration=administration,
        assignee=assignee,
        comment=payload.comment,
    )


# The actions of the pages (``views.ACTIONS``) but the conversion to an experimentation request
# and the publication in the knowledge base, which have their own forms.
ACTIONS = {
    "triage": lambda ticket, user, p: services.ticket_triage(
        ticket=ticket,
        user=user,
        category=p.category,
        priority=p.priority,
        comment=p.comment,
    ),
    "route": _route,
    "start": lambda ticket, user, p: services.ticket_start(ticket=ticket, user=user),
    "answer": lambda ticket, user, p: services.ticket_answer(ticket=ticket, user=user, body=p.body),
    "close": lambda ticket, user, p: services.ticket_close(
        ticket=ticket,
        user=user,
        outcome=p.outcome,
        reason=p.reason,
        out_of_scope_reason=p.out_of_scope_reason,
    ),
    "withdraw": lambda ticket, user, p: services.ticket_withdraw(
        ticket=ticket, user=user, comment=p.comment
    ),
    "reopen": lambda ticket, user, p: services.ticket_reopen(
        ticket=ticket, user=user, comment=p.comment
    ),
}


@router.post(
    "/tickets/{ticket_id}/transitions/{name}",
    response={200: TicketDetailOut, 409: dict},
    auth=BearerOrSession(),
    summary="Take a ticket's action (triage, route, start, answer, close, withdraw, reopen)",
)
def ticket_transition(request, ticket_id: int, name: str, payload: TicketTransitionIn):
    """The same actions, checks and history as the ticket's page; ``actions`` of the ticket
    lists those the caller may take now. Not the caller's to take: 403; not from the ticket's
    state: 409."""
    ticket = _ticket(request, ticket_id)
    action = ACTIONS.get(name)
    if action is None:
        raise Http404(_("Action inconnue sur une saisine : « %(name)s ».") % {"name": name})
    try:
        action(ticket, request.user, payload)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "stale_state" or (
            getattr(exc, "error_dict", None) and set(exc.error_dict) == {"state"}
        ):
            return Status(409, {"detail": " ".join(exc.message_dict["state"])})
        raise
    return Status(200, _ticket_detail(_ticket(request, ticket_id), request.user))


def _message_out(message: TicketMessage) -> dict:
    return {
        "id": message.pk,
        "direction": message.direction,
        "kind": message.kind,
        "channel": message.channel,
        "subject": message.subject,
        "body": message.body,
        "created_at": message.created_at,
        "sent_at": message.sent_at,
    }


@router.get(
    "/tickets/{ticket_id}/messages",
    response=list[ThreadMessageOut],
    auth=BearerOrSession(),
    summary="A ticket's thread, oldest first",
)
@paginate(PageNumberPagination, page_size=50)
def ticket_messages(request, ticket_id: int):
    ticket = _ticket(request, ticket_id)
    return mapped(
        TicketMessage.objects.filter(ticket=ticket).order_by("created_at", "pk"),
        _message_out,
    )


@router.post(
    "/tickets/{ticket_id}/messages",
    response={201: ThreadMessageOut},
    auth=BearerOrSession(),
    summary="Add the author's message to the thread (reopens an answered or closed ticket)",
)
def ticket_message_create(request, ticket_id: int, payload: TicketMessageIn):
    """The author's message, as on the ticket's page; the single window answers with the
    ``answer`` action."""
    ticket = _ticket(request, ticket_id)
    message = services.ticket_message_receive(ticket=ticket, user=request.user, body=payload.body)
    return Status(201, _message_out(message))
