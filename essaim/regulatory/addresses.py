"""The addresses and links the single window's mail carries: a ticket's secret reply address
and the signed link by which the sender of a mail-born ticket confirms their address."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from essaim.regulatory.models import Ticket

SENDER_CONFIRM_SALT = "essaim.regulatory.mail-sender-confirm"
SENDER_CONFIRM_TTL = timedelta(days=30)


def reply_separator() -> str:
    return getattr(settings, "ESSAIM_MAIL_REPLY_SEPARATOR", "+")


def ticket_reply_address(ticket: Ticket) -> str:
    """``guichet+<secret>@…``: the ticket's own reply address at its single window ('' when the
    programme has no single-window address)."""
    address = ticket.programme.single_window_email
    if not address or not ticket.reply_token:
        return ""
    local, _at, domain = address.rpartition("@")
    return f"{local}{reply_separator()}{ticket.reply_token}@{domain}"


def sender_confirm_token(ticket: Ticket) -> str:
    return signing.dumps({"t": ticket.pk, "e": ticket.author_email}, salt=SENDER_CONFIRM_SALT)


def sender_confirm_url(ticket: Ticket) -> str:
    return settings.ESSAIM_BASE_URL + reverse(
        "regulatory:mail_sender_confirm", args=[sender_confirm_token(ticket)]
    )


def ticket_for_sender_token(token: str) -> Ticket:
    """The mail-born ticket a confirmation link is for (a ``ValidationError`` when the link is
    forged, expired, or the ticket's address changed)."""
    invalid = ValidationError({"token": _("Ce lien de confirmation est inconnu ou expiré.")})
    try:
        data = signing.loads(
            token, salt=SENDER_CONFIRM_SALT, max_age=SENDER_CONFIRM_TTL.total_seconds()
        )
    except signing.BadSignature:
        raise invalid from None
    ticket = Ticket.objects.select_related("programme").filter(pk=data.get("t")).first()
    if ticket is None or ticket.author_email.lower() != str(data.get("e", "")).lower():
        raise invalid
    return ticket
