"""The thread of a ticket: attachments, outgoing messages (sent by e-mail once the transaction
commits), the automatic acknowledgement, and the author's messages (which reopen an answered or
closed ticket)."""

import secrets
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.services import history_record
from essaim.regulatory import workflow
from essaim.regulatory.addresses import sender_confirm_url
from essaim.regulatory.history import TicketAction
from essaim.regulatory.models import (
    Channel,
    Direction,
    MessageKind,
    Ticket,
    TicketAttachment,
    TicketMessage,
)
from essaim.regulatory.sending import ticket_message_send
from essaim.regulatory.services.common import FIRST_ANSWER_DAYS, is_author, lock_for, move


def save_attachments(ticket: Ticket, message, files) -> None:
    """``files``: uploaded files or (name, content_type, bytes) triples."""
    for item in files:
        if isinstance(item, tuple):
            name, content_type, content = item
            upload = ContentFile(content, name=name)
        else:
            name, content_type, upload = item.name, getattr(item, "content_type", ""), item
        attachment = TicketAttachment(
            ticket=ticket,
            message=message,
            filename=name[:255],
            content_type=(content_type or "")[:255],
            size=upload.size or 0,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()


def single_window_address(programme) -> str:
    return programme.single_window_email or settings.DEFAULT_FROM_EMAIL


def outbound(
    *, ticket: Ticket, user, kind: str, subject: str, body: str, reply_to: TicketMessage | None
) -> TicketMessage | None:
    """An outgoing message in the thread, sent by e-mail once the transaction commits (its
    ``In-Reply-To``/``References`` point at the thread, so the conversation holds)."""
    to = ticket.reply_address
    domain = single_window_address(ticket.programme).rpartition("@")[2] or "essaim.local"
    references = ""
    in_reply_to = ""
    if reply_to is not None and reply_to.message_id:
        in_reply_to = reply_to.message_id
        references = " ".join(filter(None, [reply_to.references, reply_to.message_id]))
    message = TicketMessage.objects.create(
        ticket=ticket,
        direction=Direction.OUTBOUND,
        kind=kind,
        channel=Channel.EMAIL if to else Channel.WEB,
        # Unguessable: a reply naming it in In-Reply-To/References threads into the ticket.
        message_id=f"<{secrets.token_hex(16)}@{domain}>",
        in_reply_to=in_reply_to,
        references=references[-5000:],
        author=user if user is not None and user.is_authenticated else None,
        from_email=single_window_address(ticket.programme),
        to_email=to,
        subject=subject[:998],
        body=body,
    )
    if to:
        transaction.on_commit(partial(ticket_message_send.enqueue, message_pk=message.pk))
    return message


def last_inbound(ticket: Ticket) -> TicketMessage | None:
    return (
        TicketMessage.objects.filter(ticket=ticket, message_id__isnull=False)
        .exclude(kind=MessageKind.ACKNOWLEDGEMENT)
        .order_by("-created_at", "-pk")
        .first()
    )


def acknowledgement_text(ticket: Ticket) -> str:
    return _(
        "Bonjour,\n\n"
        "Le guichet unique a bien reçu votre saisine « %(title)s ». Elle porte le numéro "
        "%(number)s. Pour compléter votre dossier, répondez simplement à ce courriel : votre "
        "réponse rejoindra la saisine.\n\n"
        "Nous vous répondons sous %(days)s jours.\n\n"
        "Le guichet unique — %(programme)s"
    ) % {
        "title": ticket.title,
        "number": ticket.number,
        "days": FIRST_ANSWER_DAYS,
        "programme": ticket.programme.name,
    }


def unconfirmed_acknowledgement_text(ticket: Ticket, link: str) -> str:
    """The acknowledgement of a ticket whose sender has not confirmed their address: it repeats
    nothing the sender wrote (the ``From:`` may be someone else's address)."""
    return _(
        "Bonjour,\n\n"
        "Le guichet unique a reçu un courriel envoyé depuis votre adresse ; il est enregistré "
        "comme saisine sous le numéro %(number)s.\n\n"
        "Votre adresse n'est pas encore confirmée. Si vous êtes bien l'auteur de ce message, "
        "confirmez-la en ouvrant ce lien :\n\n%(link)s\n\n"
        "Pour compléter votre dossier, répondez simplement à ce courriel. Si vous n'avez pas "
        "écrit au guichet unique, ignorez ce message.\n\n"
        "Le guichet unique — %(programme)s"
    ) % {"number": ticket.number, "link": link, "programme": ticket.programme.name}


def acknowledge_ticket(*, ticket: Ticket, reply_to: TicketMessage | None) -> TicketMessage | None:
    """The automatic acknowledgement, carrying the ticket number in its subject (and, once the
    author is known, the ticket's title)."""
    if ticket.awaiting_sender_confirmation:
        subject = _("%(tag)s Accusé de réception") % {"tag": ticket.subject_tag}
        body = unconfirmed_acknowledgement_text(ticket, sender_confirm_url(ticket))
    else:
        subject = _("%(tag)s Accusé de réception : %(title)s") % {
            "tag": ticket.subject_tag,
            "title": ticket.title,
        }
        body = acknowledgement_text(ticket)
    return outbound(
        ticket=ticket,
        user=None,
        kind=MessageKind.ACKNOWLEDGEMENT,
        subject=subject,
        body=body,
        reply_to=reply_to,
    )


@transaction.atomic
def ticket_message_receive(
    *,
    ticket: Ticket,
    user=None,
    body: str,
    subject: str = "",
    channel: str = Channel.WEB,
    from_email: str = "",
    to_email: str = "",
    message_id: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    raw: bytes | None = None,
    attachments=(),
    created_at=None,
    record: bool = True,
) -> TicketMessage:
    """Add a message from the author (web or e-mail) to the thread. An answered or closed ticket
    is reopened (history row ``reopen_on_message``)."""
    if channel == Channel.WEB and not is_author(user, ticket):
        raise PermissionDenied(_("Seul l'auteur de la saisine peut y ajouter un message."))
    if not body.strip() and not attachments:
        raise ValidationError({"body": _("Le message est vide.")})
    message = TicketMessage.objects.create(
        ticket=ticket,
        direction=Direction.INBOUND,
        kind=MessageKind.MESSAGE,
        channel=channel,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        author=user if user is not None and user.is_authenticated else None,
        from_email=from_email or (user.email if user and user.is_authenticated else ""),
        to_email=to_email,
        subject=subject[:998],
        body=body,
        raw=raw,
        created_at=created_at or timezone.now(),
    )
    save_attachments(ticket, message, attachments)
    if ticket.state in workflow.TICKET_BY_NAME["reopen_on_message"].source:
        locked, transition = lock_for(ticket, None, "reopen_on_message")
        previous = {"outcome": locked.outcome}
        locked.outcome = ""
        locked.out_of_scope_reason = ""
        locked.outcome_at = None
        move(
            locked,
            transition,
            None,
            payload={**previous, "message": message.pk},
            fields=("outcome", "out_of_scope_reason", "outcome_at"),
        )
        ticket.state = locked.state
    elif record:
        history_record(
            obj=ticket,
            user=message.author,
            action=TicketAction.MESSAGE,
            payload={"message": message.pk},
        )
    return message
