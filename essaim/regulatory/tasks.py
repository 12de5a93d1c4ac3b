"""Background work of the single window: polling the mailbox and the service-level reminders
(they re-schedule themselves when the task backend can defer). Sending a thread's messages is
``sending.ticket_message_send``, which the services enqueue: tasks import services, never the
reverse."""

from datetime import timedelta

from django.conf import settings
from django.tasks import default_task_backend, task
from django.utils import timezone

from essaim.regulatory.inbound import mail_poll
from essaim.regulatory.mailsources import ImapSettings
from essaim.regulatory.services import ticket_reminders_send

POLL_EVERY = timedelta(seconds=int(getattr(settings, "ESSAIM_IMAP_POLL_SECONDS", 300)))
REMIND_EVERY = timedelta(hours=1)


def _again(task_obj, every: timedelta) -> None:
    if default_task_backend.supports_defer:
        task_obj.using(run_after=timezone.now() + every).enqueue()


def mailbox_poll_run() -> str:
    """Poll the configured mailbox once (``ESSAIM_IMAP_*``); the periodic job."""
    config = ImapSettings.from_env()
    return "IMAP not configured" if config is None else str(mail_poll(config))


@task()
def mail_poll_periodic() -> str:
    """Poll the configured mailbox (``ESSAIM_IMAP_*``), then schedule the next poll."""
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
    try:
        return ticket_reminders_send()
    finally:
        _again(ticket_reminders_periodic, REMIND_EVERY)
