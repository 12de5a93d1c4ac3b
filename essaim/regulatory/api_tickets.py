"""A ticket's actions and thread in the API: the workflow actions the pages offer (triage, route,
take charge, answer, close with an outcome, withdraw, reopen), the author's messages, the thread
and its attachments (uploaded as on the ticket's page: with the author's message or the officers'
answer; downloaded by whoever sees the ticket, always as a file). Thin: the services lock, check
the rules (``essaim.regulatory.rules``) and write."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Status, UploadedFile

from essaim.accounts.api_auth import BearerOrSession
from essaim.core.api.files import BINARY, download
from essaim.core.api.filters import Id
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.regulatory import rules, services
from essaim.regulatory.api import TicketDetailOut, _ticket_detail
from essaim.regulatory.forms import administrations
from essaim.regulatory.models import ATTACHMENT_MAX_BYTES, Ticket, TicketAttachment, TicketMessage

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


def _state_conflict(exc: ValidationError):
    """A refusal of the ticket's state as a 409 saying why; any other error as it is (a 422)."""
    if getattr(exc, "code", None) == "stale_state" or (
        getattr(exc, "error_dict", None) and set(exc.error_dict) == {"state"}
    ):
        return Status(409, {"detail": " ".join(exc.message_dict["state"])})
    raise exc


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
        return _state_conflict(exc)
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


# --- The attachments -----------------------------------------------------------------------------


class TicketAttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str = Field(description="as the sender declared it; downloads are binary")
    message_id: int | None = Field(description="the thread's message carrying it (none: filed)")


class TicketAttachmentIn(Schema):
    body: str = Field(
        "",
        max_length=MAX_TEXT,
        description="the author's message (optional) or the officers' answer (required)",
    )


def _attachment_out(attachment: TicketAttachment) -> dict:
    return {
        "id": attachment.pk,
        "name": attachment.filename,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "message_id": attachment.message_id,
    }


@router.get(
    "/tickets/{ticket_id}/attachments",
    response=list[TicketAttachmentOut],
    auth=BearerOrSession(),
    summary="A ticket's attachments (filed with it and in its thread), oldest first",
)
@paginate(PageNumberPagination, page_size=50)
def ticket_attachments(request, ticket_id: int):
    ticket = _ticket(request, ticket_id)
    return mapped(TicketAttachment.objects.filter(ticket=ticket).order_by("pk"), _attachment_out)


@router.post(
    "/tickets/{ticket_id}/attachments",
    response={201: TicketAttachmentOut, 409: dict},
    auth=BearerOrSession(),
    summary="Attach a file (multipart: `file`, `body`): the author's message or the answer",
)
def ticket_attachment_upload(
    request,
    ticket_id: int,
    payload: Form[TicketAttachmentIn],
    file: File[UploadedFile] = None,
):
    """As on the ticket's page: the officers of its programme attach a file to an answer (the
    ``answer`` action: ``body`` required, sent by e-mail; not from the ticket's state: 409); its
    author to a message in the thread (reopens an answered or closed ticket). 10 MB at most (a
    refused file is a 422 naming `file`)."""
    ticket = _ticket(request, ticket_id)
    if file is None:
        raise ValidationError({"file": _("Joignez un fichier.")})
    if file.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("Le fichier dépasse 10 Mo.")})
    if rules.can_handle_ticket(request.user, ticket):
        try:
            message = services.ticket_answer(
                ticket=ticket, user=request.user, body=payload.body, attachments=[file]
            )
        except ValidationError as exc:
            return _state_conflict(exc)
    else:
        message = services.ticket_message_receive(
            ticket=ticket, user=request.user, body=payload.body, attachments=[file]
        )
    return Status(201, _attachment_out(message.attachments.order_by("-pk").first()))


@router.get(
    "/tickets/{ticket_id}/attachments/{attachment_id}",
    auth=BearerOrSession(),
    summary="Download an attachment (whoever sees the ticket; never rendered)",
    openapi_extra=BINARY,
)
def ticket_attachment_download(request, ticket_id: int, attachment_id: int):
    ticket = _ticket(request, ticket_id)
    attachment = TicketAttachment.objects.filter(ticket=ticket, pk=attachment_id).first()
    if attachment is None:
        raise Http404(_("Pièce jointe %(id)s introuvable.") % {"id": attachment_id})
    return download(attachment.file, attachment.filename)
