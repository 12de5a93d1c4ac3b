"""Periodic work of the single window, registered with ``essaim.core.schedule`` by the app's
``AppConfig.ready`` (``essaim worker`` runs it): polling the mailbox. The service-level reminders
are ``services.ticket_reminders_send``. Sending a thread's messages is
``sending.ticket_message_send``, which the services enqueue: tasks import services, never the
reverse."""

from essaim.regulatory.inbound import mail_poll
from essaim.regulatory.mailsources import ImapSettings


def mailbox_poll_run() -> str:
    """Poll the configured mailbox once (``ESSAIM_IMAP_*``); the periodic job."""
    config = ImapSettings.from_env()
    return "IMAP not configured" if config is None else str(mail_poll(config))
