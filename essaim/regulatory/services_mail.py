"""The officers' side of the mail intake — held mail (quarantine, messages to confirm) and the
sender's confirmation of a mail-born ticket. (The addresses and links the intake sends out are
in ``addresses``.) It lives beside ``inbound``, not in ``services``: re-processing a quarantined
message runs the intake, which itself opens tickets through ``services``.

Every write is a service (``<noun>_<verb>``, keyword-only, atomic, permission checked with
``rules_mail``, one history row on the held message and on the ticket it touches).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.accounts.models import User
from essaim.actors.models import Organisation
from essaim.core.services import history_record
from essaim.regulatory import inbound, mailparse, rules_mail, services
from essaim.regulatory.addresses import ticket_for_sender_token
from essaim.regulatory.history import HeldMailAction, TicketAction
from essaim.regulatory.models import (
    ATTACHMENT_MAX_BYTES,
    HeldMailKind,
    QuarantinedMail,
    QuarantineStatus,
    Ticket,
    TicketMessage,
)
from essaim.regulatory.workflow import TicketState


def sender_account(ticket: Ticket) -> User | None:
    """The active account whose address the ticket came from, if any."""
    if not ticket.author_email:
        return None
    return User.objects.filter(email__iexact=ticket.author_email, is_active=True).first()


@transaction.atomic
def ticket_sender_confirm(*, token: str, user) -> Ticket:
    """The sender of a mail-born ticket confirms, through the link of the acknowledgement, that
    they wrote it. When an account has that address, only that account, signed in, can
    confirm, and the ticket then becomes theirs (author and organisation); before that, a
    ``From:`` naming an account never acts as that account. Confirming twice changes nothing."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket_for_sender_token(token).pk)
    if not ticket.awaiting_sender_confirmation:
        return ticket
    account = sender_account(ticket)
    if account is not None and (user is None or getattr(user, "pk", None) != account.pk):
        raise PermissionDenied(
            _("Connectez-vous avec le compte %(email)s pour confirmer cette saisine.")
            % {"email": ticket.author_email}
        )
    ticket.awaiting_sender_confirmation = False
    fields = ["awaiting_sender_confirmation"]
    if account is not None:
        ticket.author = account
        ticket.author_name = (account.get_full_name() or ticket.author_name)[:255]
        fields += ["author", "author_name"]
        held = rules_mail.organisations_held_by(account)
        if ticket.organisation_id is None and held:
            ticket.organisation = Organisation.objects.filter(pk=held[0]).first()
            fields.append("organisation")
    ticket.save(update_fields=fields)
    history_record(
        obj=ticket,
        user=account,
        action=TicketAction.SENDER_CONFIRM,
        payload={"email": ticket.author_email, "author": account.pk if account else None},
    )
    return ticket


# --- Held mail ---------------------------------------------------------------------------------


def _locked(item: QuarantinedMail, user, *, kinds=None) -> QuarantinedMail:
    locked = (
        QuarantinedMail.objects.select_for_update(of=("self",))
        .select_related("programme", "ticket")
        .get(pk=item.pk)
    )
    if not rules_mail.can_handle_held_mail(user, locked):
        raise PermissionDenied(_("Réservé aux agents du guichet unique de ce programme."))
    if locked.status != QuarantineStatus.PENDING:
        message = _("Ce courriel a déjà été traité (%(status)s).")
        raise ValidationError({"status": message % {"status": locked.get_status_display()}})
    if kinds is not None and locked.kind not in kinds:
        raise ValidationError({"kind": _("Action impossible pour ce courriel.")})
    return locked


def _parsed(item: QuarantinedMail) -> mailparse.ParsedMail:
    try:
        return mailparse.parse(
            bytes(item.raw),
            max_bytes=inbound.max_message_bytes(),
            max_attachment_bytes=ATTACHMENT_MAX_BYTES,
        )
    except mailparse.UnusableMail as exc:
        raise ValidationError({"raw": exc.reason}) from None


def _resolve(
    item: QuarantinedMail, user, status: str, action: HeldMailAction, comment: str = "", **changes
) -> None:
    item.status = status
    item.resolved_at = timezone.now()
    for name, value in changes.items():
        setattr(item, name, value)
    item.save(update_fields=["status", "resolved_at", *changes])
    history_record(
        obj=item,
        user=user,
        action=action,
        from_state=QuarantineStatus.PENDING,
        to_state=status,
        comment=comment,
        payload={name: value.pk for name, value in changes.items()},
    )


@transaction.atomic
def quarantine_reprocess(*, item: QuarantinedMail, user) -> inbound.IngestResult:
    """Run a quarantined message through the intake again (after a fix, or once its programme
    is known). It keeps its real sender and follows the same rules as a message just received:
    the officer chooses nothing about it. The raw bytes stay in the quarantine either way."""
    locked = _locked(item, user, kinds={HeldMailKind.QUARANTINE})
    if locked.truncated:
        message = _("Message trop volumineux : seul son début est gardé, il ne peut être retraité.")
        raise ValidationError({"raw": message})
    result = inbound.mail_ingest(
        bytes(locked.raw), source=locked.source, programme=locked.programme
    )
    locked.refresh_from_db()
    if result.status == inbound.DUPLICATE and result.message is not None:
        locked.status = QuarantineStatus.REPROCESSED
        locked.resolved_at = timezone.now()
        locked.resolved_message = result.message
        locked.save(update_fields=["status", "resolved_at", "resolved_message"])
    history_record(
        obj=locked,
        user=user,
        action=HeldMailAction.REPROCESS,
        to_state=locked.status,
        comment=locked.reason if result.status == inbound.QUARANTINED else "",
        payload={"result": result.status, "ticket": result.ticket.pk if result.ticket else None},
    )
    return result


@transaction.atomic
def held_mail_attach(*, item: QuarantinedMail, user, ticket: Ticket) -> TicketMessage:
    """Put a message to confirm into the thread of a ticket of the same programme (its real
    sender, never an account, stays its author). A closed ticket keeps its outcome: file the
    message as a new ticket instead (it is linked to the closed one)."""
    locked = _locked(item, user, kinds={HeldMailKind.TO_CONFIRM})
    if not rules_mail.can_attach_held_mail(user, locked, ticket):
        raise ValidationError({"ticket": _("Cette saisine n'est pas de ce guichet unique.")})
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.state == TicketState.CLOSED:
        raise ValidationError(
            {
                "ticket": _(
                    "La saisine %(number)s est close : enregistrez ce message comme nouvelle "
                    "saisine, elle lui sera liée."
                )
                % {"number": ticket.number}
            }
        )
    parsed = _parsed(locked)
    if TicketMessage.objects.filter(message_id=parsed.message_id).exists():
        raise ValidationError({"raw": _("Ce message est déjà dans une saisine.")})
    message = services.ticket_message_receive(
        ticket=ticket,
        created_at=locked.received_at,
        record=False,
        **inbound.message_fields(parsed, bytes(locked.raw)),
    )
    if parsed.date_header:
        TicketMessage.objects.filter(pk=message.pk).update(date_header=parsed.date_header)
    history_record(
        obj=ticket,
        user=user,
        action=TicketAction.MAIL_ATTACH,
        payload={"message": message.pk, "held_mail": locked.pk},
    )
    _resolve(
        locked,
        user,
        QuarantineStatus.ATTACHED,
        HeldMailAction.ATTACH,
        ticket=ticket,
        resolved_message=message,
    )
    return message


@transaction.atomic
def held_mail_file(*, item: QuarantinedMail, user) -> Ticket:
    """File a message to confirm as a new ticket of its programme, authored by its sender's
    address (confirmed later by the sender) and acknowledged like any mail-born ticket; when it
    answered a closed ticket, the new one is that ticket's follow-up."""
    locked = _locked(item, user, kinds={HeldMailKind.TO_CONFIRM})
    if locked.programme_id is None:
        raise ValidationError({"programme": _("Choisissez d'abord le programme de ce courriel.")})
    parsed = _parsed(locked)
    if TicketMessage.objects.filter(message_id=parsed.message_id).exists():
        raise ValidationError({"raw": _("Ce message est déjà dans une saisine.")})
    claimed = locked.ticket
    follows = (
        claimed
        if claimed is not None
        and claimed.state == TicketState.CLOSED
        and claimed.programme_id == locked.programme_id
        else None
    )
    ticket, message = inbound.open_ticket_from_mail(
        parsed,
        bytes(locked.raw),
        programme=locked.programme,
        received_at=locked.received_at,
        follows=follows,
    )
    history_record(
        obj=ticket, user=user, action=TicketAction.MAIL_FILE, payload={"held_mail": locked.pk}
    )
    _resolve(locked, user, QuarantineStatus.FILED, HeldMailAction.FILE, resolved_message=message)
    return ticket


@transaction.atomic
def held_mail_discard(*, item: QuarantinedMail, user, comment: str = "") -> QuarantinedMail:
    """Set a held message aside (spam, a forgery, a duplicate…). Its bytes are kept."""
    locked = _locked(item, user)
    _resolve(
        locked, user, QuarantineStatus.DISCARDED, HeldMailAction.DISCARD, comment=comment.strip()
    )
    return locked


@transaction.atomic
def held_mail_assign(*, item: QuarantinedMail, user, programme) -> QuarantinedMail:
    """Give a message addressed to no known single window to ``programme`` (whose officers then
    handle it). Only someone who sees mail of no programme and staffs ``programme`` may."""
    locked = _locked(item, user)
    if not rules_mail.can_assign_held_mail(user, locked, programme):
        raise PermissionDenied(_("Vous ne pouvez pas confier ce courriel à ce programme."))
    locked.programme = programme
    locked.save(update_fields=["programme"])
    history_record(
        obj=locked, user=user, action=HeldMailAction.ASSIGN, payload={"programme": programme.pk}
    )
    return locked
