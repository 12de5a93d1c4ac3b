"""Background work of the single window: sending thread messages, polling the mailbox and the
service-level reminders (the last two re-schedule themselves when the task backend can defer)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import default_task_backend, task
from django.utils import timezone

logger = logging.getLogger(__name__)

POLL_EVERY = timedelta(seconds=int(getattr(settings, "ESSAIM_IMAP_POLL_SECONDS", 300)))
REMIND_EVERY = timedelta(hours=1)


def send_ticket_message(message) -> bool:
    """Send one outbound thread message now; record ``sent_at`` or the error. The Message-ID
    stored in the thread is the one sent, with ``In-Reply-To``/``References`` so that the
    author's mail client threads the conversation, and ``Reply-To`` the ticket's secret reply
    address, so that a reply proves which ticket it belongs to."""
    from essaim.regulatory.models import TicketMessage
    from essaim.regulatory.services_mail import ticket_reply_address

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
    from essaim.regulatory.models import TicketMessage

    message = TicketMessage.objects.select_related("ticket__programme").get(pk=message_pk)
    if message.sent_at is not None:
        return False
    return send_ticket_message(message)


def _again(task_obj, every: timedelta) -> None:
    if default_task_backend.supports_defer:
        task_obj.using(run_after=timezone.now() + every).enqueue()


def mailbox_poll_run() -> str:
    """Poll the configured mailbox once (``ESSAIM_IMAP_*``); the periodic job."""
    from essaim.regulatory.inbound import ImapSettings, mail_poll

    config = ImapSettings.from_env()
    return "IMAP not configured" if config is None else str(mail_poll(config))


@task()
def mail_poll_periodic() -> str:
    """Poll the configured mailbox (``ESSAIM_IMAP_*``), then schedule the next poll."""
    from essaim.regulatory.inbound import ImapSettings, mail_poll

    config = ImapSettings.from_env()
    try:
        if config is None:
            return "IMAP not configured"
        return str(mail_poll(config))
    finally:
        if config is not None:
            _again(mail_poll_periodic, POLL_EVERY)


@task()
def ticket_reminders_periodic() -> int:
    """Send the service-level reminders, then schedule the next round."""
    from essaim.regulatory.services import ticket_reminders_send

    try:
        return ticket_reminders_send()
    finally:
        _again(ticket_reminders_periodic, REMIND_EVERY)
