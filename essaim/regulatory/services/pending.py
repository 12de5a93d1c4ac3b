"""Web tickets from people without an account: kept until their address is confirmed."""

import secrets
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.calls.models import Programme
from essaim.core.tasks import send_email
from essaim.geo.models import Perimeter
from essaim.regulatory.models import Channel, PendingTicket, Ticket
from essaim.regulatory.services.tickets import ticket_create

PENDING_TTL = timedelta(days=7)


# --- Web tickets from people without an account ---------------------------------------------


@transaction.atomic
def pending_ticket_create(
    *, email: str, data: dict, attachment=None, idempotency_key: str | None = None
) -> PendingTicket:
    """Keep a web ticket from someone without an account until they confirm their address (a
    link sent by e-mail). Submitting the same form twice keeps one pending ticket."""
    if idempotency_key:
        existing = PendingTicket.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    pending = PendingTicket(
        token=secrets.token_urlsafe(32),
        email=email.strip().lower(),
        data=data,
        idempotency_key=idempotency_key or None,
    )
    if attachment is not None:
        pending.attachment.save(attachment.name, attachment, save=False)
    pending.save()
    link = settings.ESSAIM_BASE_URL + reverse("regulatory:ticket_confirm", args=[pending.token])
    transaction.on_commit(
        partial(
            send_email.enqueue,
            to=[pending.email],
            subject=_("Confirmez votre adresse pour envoyer votre saisine"),
            body=_(
                "Bonjour,\n\nPour transmettre votre saisine « %(title)s » au guichet unique, "
                "confirmez votre adresse en ouvrant ce lien (valable 7 jours) :\n\n%(link)s\n\n"
                "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message."
            )
            % {"title": data.get("title", ""), "link": link},
        )
    )
    return pending


@transaction.atomic
def pending_ticket_confirm(*, token: str) -> Ticket:
    """Open the ticket of a confirmed address. Confirming twice returns the same ticket."""
    pending = PendingTicket.objects.select_for_update().filter(token=token).first()
    if pending is None or pending.created_at < timezone.now() - PENDING_TTL:
        raise ValidationError({"token": _("Ce lien de confirmation est inconnu ou expiré.")})
    if pending.confirmed_ticket_id:
        return pending.confirmed_ticket
    data = dict(pending.data)
    programme = Programme.objects.get(pk=data.pop("programme"))
    perimeter_id = data.pop("perimeter", None)
    attachments = []
    if pending.attachment:
        with pending.attachment.open("rb") as handle:
            content = handle.read()
        attachments.append((pending.attachment.name.rsplit("/", 1)[-1], "", content))
    ticket = ticket_create(
        user=None,
        programme=programme,
        perimeter=Perimeter.objects.filter(pk=perimeter_id).first() if perimeter_id else None,
        author_email=pending.email,
        channel=Channel.WEB,
        idempotency_key=f"pending-{pending.pk}",
        attachments=attachments,
        **data,
    )
    pending.confirmed_ticket = ticket
    pending.save(update_fields=["confirmed_ticket"])
    return ticket
