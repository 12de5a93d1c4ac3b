"""Sending a ticket's outgoing messages by e-mail (a background task, enqueued by the services
once their transaction commits)."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import timezone

from essaim.regulatory.addresses import ticket_reply_address
from essaim.regulatory.models import TicketMessage

logger = logging.getLogger(__name__)


def send_ticket_message(message) -> bool:
    """Send one outbound thread message now; record ``sent_at`` or the error. The Message-ID
    stored in the thread is the one sent, with ``In-Reply-To``/``References`` so that the
    author's mail client threads the conversation, and ``Reply-To`` the ticket's secret reply
    address, so that a reply proves which ticket it belongs to."""
    headers = {"Message-ID": message.message_id}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
    if message.references:
        headers["References"] = message.references
    programme = message.ticket.programme
    sender = programme.single_window_email or settings.DEFAULT_FROM_EMAIL
    if programme.single_window_email:
        sender = f"Guichet unique {programme.name} <{programme.single_window_email}>"
    reply_address = ticket_reply_address(message.ticket)
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=sender,
        to=[message.to_email],
        reply_to=[reply_address] if reply_address else None,
        headers=headers,
    )
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as handle:
            email.attach(attachment.filename, handle.read(), attachment.content_type or None)
    try:
        email.send()
    except Exception as exc:
        TicketMessage.objects.filter(pk=message.pk).update(send_error=str(exc)[:2000])
        logger.exception("Could not send ticket message %s", message.pk)
        raise
    TicketMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), send_error="")
    return True


@task()
def ticket_message_send(*, message_pk: int) -> bool:
    message = TicketMessage.objects.select_related("ticket__programme").get(pk=message_pk)
    if message.sent_at is not None:
        return False
    return send_ticket_message(message)
