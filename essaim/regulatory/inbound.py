"""Inbound mail. Every message read from the mailbox or a file ends as exactly one of:

- a **new ticket**, authored by the sender's *address* — never by the account that has that
  address: the person confirms through the link of the acknowledgement;
- a **message threaded** into its ticket, only when it proves where it belongs with something a
  stranger cannot guess — the ticket's secret reply address (``guichet+<secret>@…``, in the
  ``Reply-To`` of every message the single window sends) or an ``In-Reply-To``/``References``
  naming a message the single window sent for that ticket — *and* comes from a party of the
  ticket;
- a **follow-up ticket** linked to a closed one (a closed ticket keeps its outcome);
- a message **to confirm** by an officer (a reply by the subject's number only, a reply to a
  message the single window did not send, a sender who is not a party of the ticket);
- or **quarantine** (unreadable, too large, auto-reply to nothing, no known single window).

Nothing is lost, nothing is created twice (the same ``Message-ID`` — or, without one, the same
bytes — is recognised). The reception time, never the ``Date:`` header, numbers tickets and
starts their clocks.
"""

import hashlib
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from essaim.calls.models import Programme
from essaim.core.services import history_record
from essaim.regulatory import mailparse, mailsources, services
from essaim.regulatory.addresses import reply_separator
from essaim.regulatory.history import TicketAction
from essaim.regulatory.mailsources import ImapSettings, imap_message, imap_sizes
from essaim.regulatory.models import (
    ATTACHMENT_MAX_BYTES,
    Channel,
    Direction,
    HeldMailKind,
    ImapCursor,
    QuarantinedMail,
    QuarantineStatus,
    Ticket,
    TicketMessage,
)
from essaim.regulatory.workflow import TicketState

__all__ = ["ImapSettings", "mail_import", "mail_ingest", "mail_poll", "mail_refuse"]

logger = logging.getLogger(__name__)

CREATED = "created"
THREADED = "threaded"
FOLLOW_UP = "follow_up"
TO_CONFIRM = "to_confirm"
DUPLICATE = "duplicate"
QUARANTINED = "quarantined"
STORED = {CREATED, THREADED, FOLLOW_UP}
TOKEN = re.compile(r"^[0-9a-z]{8,32}$")


@dataclass
class IngestResult:
    status: str
    ticket: Ticket | None = None
    message: TicketMessage | None = None
    quarantine: QuarantinedMail | None = None


@dataclass
class ImportReport:
    counts: dict = field(
        default_factory=lambda: dict.fromkeys(
            (CREATED, THREADED, FOLLOW_UP, TO_CONFIRM, DUPLICATE, QUARANTINED), 0
        )
    )
    tickets: list = field(default_factory=list)

    def add(self, result: IngestResult) -> None:
        self.counts[result.status] += 1
        if result.ticket is not None and result.status in STORED:
            self.tickets.append(result.ticket.number)

    def __str__(self) -> str:
        c = self.counts
        return (
            f"{c[CREATED]} nouvelle(s) saisine(s), {c[THREADED]} message(s) rattaché(s), "
            f"{c[FOLLOW_UP]} saisine(s) de suite, {c[TO_CONFIRM]} à confirmer, "
            f"{c[DUPLICATE]} déjà reçu(s), {c[QUARANTINED]} en quarantaine"
        )


def max_message_bytes() -> int:
    return int(getattr(settings, "ESSAIM_MAIL_MAX_MESSAGE_BYTES", 25 * 1024 * 1024))


# --- Which single window, which ticket ---------------------------------------------------------


def _default_programme(by_address: dict) -> Programme | None:
    """Mail that names no single-window address: the programme the mailbox belongs to
    (``ESSAIM_SINGLE_WINDOW_PROGRAMME``), else the only programme with a single window; with
    several and no setting, none (superusers sort it out from the quarantine)."""
    slug = os.environ.get("ESSAIM_SINGLE_WINDOW_PROGRAMME", "")
    if slug:
        return Programme.objects.filter(slug=slug).first()
    programmes = {p.pk: p for p in by_address.values()}
    return next(iter(programmes.values())) if len(programmes) == 1 else None


def programme_for(recipients: Iterable[str], fallback: Programme | None = None):
    """The programme whose single-window address (with or without a ``+secret``) the message
    was delivered to; else ``fallback``; else the default programme."""
    by_address = {
        p.single_window_email.strip().lower(): p
        for p in Programme.objects.exclude(single_window_email="").order_by("pk")
    }
    separator = reply_separator()
    for address in recipients:
        base, _tag = mailparse.split_plus(address, separator)
        programme = by_address.get(address) or by_address.get(base)
        if programme is not None:
            return programme
    return fallback if fallback is not None else _default_programme(by_address)


def _secret_target(parsed: mailparse.ParsedMail) -> Ticket | None:
    """The ticket the message proves it answers: its secret reply address among the
    recipients, or a message the single window sent for it in ``In-Reply-To``/``References``."""
    separator = reply_separator()
    tokens = {mailparse.split_plus(a, separator)[1] for a in parsed.recipients}
    tokens = [t for t in tokens if TOKEN.match(t)]
    if tokens:
        ticket = Ticket.objects.filter(reply_token__in=tokens).first()
        if ticket is not None:
            return ticket
    ids = parsed.thread_ids()
    if ids:
        sent = (
            TicketMessage.objects.filter(message_id__in=ids, direction=Direction.OUTBOUND)
            .select_related("ticket")
            .first()
        )
        if sent is not None:
            return sent.ticket
    return None


def _claimed_target(parsed: mailparse.ParsedMail, programme) -> tuple[Ticket | None, str]:
    """A ticket of ``programme`` the message only *claims* to answer (the number in its
    subject, or a reply to a message the single window did not send), with the reason."""
    ids = parsed.thread_ids()
    if ids:
        known = (
            TicketMessage.objects.filter(message_id__in=ids, ticket__programme=programme)
            .select_related("ticket")
            .first()
        )
        if known is not None:
            return known.ticket, (
                f"Réponse à un message de la saisine {known.ticket.number} que le guichet unique "
                "n'a pas envoyé : rien ne prouve qu'il en fait partie."
            )
    numbers = parsed.ticket_numbers()
    if numbers:
        ticket = Ticket.objects.filter(number__in=numbers, programme=programme).first()
        if ticket is not None:
            return ticket, (
                f"Seul le numéro {ticket.number} dans l'objet relie ce message à la saisine."
            )
    return None, ""


def is_party(address: str, ticket: Ticket) -> bool:
    """Whether ``address`` is the ticket author's (the address the ticket came from, or the
    author's account address)."""
    addresses = {ticket.author_email.lower()}
    if ticket.author_id:
        addresses.add(ticket.author.email.lower())
    return address.lower() in addresses - {""}


# --- Writing -----------------------------------------------------------------------------------


def message_fields(parsed: mailparse.ParsedMail, raw: bytes) -> dict:
    """What a ticket message keeps of a mail."""
    attachments = [(a.filename, a.content_type, a.content) for a in parsed.attachments]
    return {
        "body": parsed.body if parsed.body.strip() or attachments else "(message vide)",
        "subject": parsed.subject,
        "channel": Channel.EMAIL,
        "from_email": parsed.from_email,
        "to_email": parsed.to,
        "message_id": parsed.message_id,
        "in_reply_to": parsed.in_reply_to,
        "references": " ".join(parsed.references)[-5000:],
        "raw": raw,
        "attachments": attachments,
    }


def _store_message(ticket: Ticket, parsed, raw: bytes, received_at, **kwargs) -> TicketMessage:
    message = services.ticket_message_receive(
        ticket=ticket, created_at=received_at, **message_fields(parsed, raw), **kwargs
    )
    if parsed.date_header:
        TicketMessage.objects.filter(pk=message.pk).update(date_header=parsed.date_header)
        message.date_header = parsed.date_header
    return message


def open_ticket_from_mail(
    parsed: mailparse.ParsedMail, raw: bytes, *, programme, received_at, follows=None
) -> tuple[Ticket, TicketMessage]:
    """A ticket opened by a mail: authored by the sender's address until they confirm it,
    numbered by ``received_at``, acknowledged without repeating the sender's subject."""
    title = parsed.subject or (f"Suite de la saisine {follows.number}" if follows else "")
    ticket = services.ticket_create(
        user=None,
        programme=programme,
        title=title or "(sans objet)",
        blocked_by=parsed.body,
        author_email=parsed.from_email,
        author_name=parsed.from_name,
        channel=Channel.EMAIL,
        received_at=received_at,
        acknowledge=False,
    )
    ticket.awaiting_sender_confirmation = True
    ticket.follows = follows
    ticket.save(update_fields=["awaiting_sender_confirmation", "follows"])
    message = _store_message(ticket, parsed, raw, received_at, record=False)
    if follows is not None:
        history_record(
            obj=follows,
            user=None,
            action=TicketAction.FOLLOW_UP,
            comment=ticket.number,
            payload={"ticket": ticket.pk, "message": message.pk},
        )
    services.acknowledge_ticket(ticket=ticket, reply_to=message)
    return ticket, message


def _hold(
    raw: bytes,
    *,
    kind: str,
    reason: str,
    source: str,
    programme=None,
    ticket=None,
    parsed: mailparse.ParsedMail | None = None,
    size: int | None = None,
    received_at=None,
) -> IngestResult:
    """Keep a message for the officers (quarantine or "to confirm"). The same bytes held again
    count one more attempt; a held message already dealt with is a duplicate."""
    truncated = size is not None
    size = len(raw) if size is None else size
    digest = hashlib.sha256(raw + (f"\n{size}".encode() if truncated else b"")).hexdigest()
    summary = (
        {
            "from_email": parsed.from_email,
            "subject": parsed.subject,
            "date_header": parsed.date_header,
        }
        if parsed is not None
        else {k: v for k, v in mailparse.quick_headers(raw).items() if k != "recipients"}
    )
    fields = {
        "kind": kind,
        "reason": reason,
        "programme": programme,
        "ticket": ticket,
        "message_id": parsed.message_id if parsed is not None else "",
        **summary,
    }
    with transaction.atomic():
        item, created = QuarantinedMail.objects.select_for_update().get_or_create(
            sha256=digest,
            defaults={
                **fields,
                "raw": raw,
                "truncated": truncated,
                "size": size,
                "source": source[:500],
                "received_at": received_at or timezone.now(),
            },
        )
        if not created:
            if item.status != QuarantineStatus.PENDING:
                return IngestResult(DUPLICATE, ticket=item.ticket, quarantine=item)
            fields["programme"] = programme or item.programme
            for name, value in fields.items():
                setattr(item, name, value)
            item.attempts += 1
            item.save(update_fields=[*fields, "attempts"])
    if kind == HeldMailKind.QUARANTINE:
        logger.warning("Mail quarantined (%s): %s", source, reason)
        return IngestResult(QUARANTINED, quarantine=item)
    return IngestResult(TO_CONFIRM, ticket=ticket, quarantine=item)


def _quarantine(raw: bytes, source: str, reason: str, fallback=None, **kwargs) -> IngestResult:
    """Quarantine, owned by the programme the headers name (read without parsing the body)."""
    recipients = mailparse.quick_headers(raw)["recipients"]
    return _hold(
        raw,
        kind=HeldMailKind.QUARANTINE,
        reason=reason,
        source=source,
        programme=programme_for(recipients, fallback),
        **kwargs,
    )


def mail_refuse(head: bytes, *, size: int, source: str = "", programme=None) -> IngestResult:
    """A message over the size limit, refused before parsing: its head is quarantined with the
    reason (the original stays in the mailbox or the file)."""
    return _quarantine(
        bytes(head),
        source,
        mailparse.too_large_reason(size, max_message_bytes()),
        programme,
        size=size,
    )


@transaction.atomic
def _ingest(parsed, raw: bytes, *, source: str, received_at, programme, checked_id) -> IngestResult:
    if parsed.message_id != checked_id:
        existing = (
            TicketMessage.objects.filter(message_id=parsed.message_id)
            .select_related("ticket")
            .first()
        )
        if existing is not None:
            return IngestResult(DUPLICATE, ticket=existing.ticket, message=existing)
    hold = {"raw": raw, "source": source, "parsed": parsed, "received_at": received_at}
    target = _secret_target(parsed)
    if target is not None:
        target = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("author")
            .get(pk=target.pk)
        )
        if not is_party(parsed.from_email, target):
            return _hold(
                kind=HeldMailKind.TO_CONFIRM,
                reason=(
                    f"Réponse à la saisine {target.number}, mais l'expéditeur "
                    f"{parsed.from_email} n'en est pas l'auteur."
                ),
                programme=target.programme,
                ticket=target,
                **hold,
            )
        if target.state == TicketState.CLOSED:
            if parsed.auto_submitted:
                raise mailparse.UnusableMail(
                    f"Réponse automatique (en-tête Auto-Submitted) à la saisine close "
                    f"{target.number}."
                )
            ticket, message = open_ticket_from_mail(
                parsed, raw, programme=target.programme, received_at=received_at, follows=target
            )
            return IngestResult(FOLLOW_UP, ticket=ticket, message=message)
        message = _store_message(target, parsed, raw, received_at)
        return IngestResult(THREADED, ticket=target, message=message)
    programme = programme_for(parsed.recipients, programme)
    if programme is not None:
        claimed, reason = _claimed_target(parsed, programme)
        if claimed is not None:
            return _hold(
                kind=HeldMailKind.TO_CONFIRM,
                reason=reason,
                programme=programme,
                ticket=claimed,
                **hold,
            )
    if parsed.auto_submitted:
        raise mailparse.UnusableMail(
            "Réponse automatique (en-tête Auto-Submitted) qui ne se rattache à aucune saisine."
        )
    if programme is None:
        raise mailparse.UnusableMail(
            "Adressé à aucune adresse de guichet unique connue "
            f"({', '.join(parsed.recipients)[:300] or 'aucun destinataire'}), et plusieurs "
            "programmes ont un guichet unique."
        )
    ticket, message = open_ticket_from_mail(
        parsed, raw, programme=programme, received_at=received_at
    )
    return IngestResult(CREATED, ticket=ticket, message=message)


def mail_ingest(raw: bytes, *, source: str = "", received_at=None, programme=None) -> IngestResult:
    """Turn one message into a ticket message, a message to confirm or a quarantined mail.
    Never raises for a bad message, and never loses one.

    ``received_at``: when the message reached the single window (now, unless the caller knows
    better, e.g. replaying an archive); ``programme``: the one to use when the message names no
    single-window address (re-processing an item assigned to a programme)."""
    raw = bytes(raw)
    limit = max_message_bytes()
    if len(raw) > limit:
        return mail_refuse(raw[: mailparse.HEAD_BYTES], size=len(raw), source=source)
    quick_id = mailparse.quick_message_id(raw)
    known = TicketMessage.objects.filter(message_id=quick_id).select_related("ticket").first()
    if known is not None:
        return IngestResult(DUPLICATE, ticket=known.ticket, message=known)
    digest = hashlib.sha256(raw).hexdigest()
    held = (
        QuarantinedMail.objects.filter(kind=HeldMailKind.TO_CONFIRM)
        .filter(Q(message_id=quick_id) | Q(sha256=digest))
        .first()
    )
    if held is not None:
        return IngestResult(DUPLICATE, ticket=held.ticket, quarantine=held)
    try:
        parsed = mailparse.parse(raw, max_bytes=limit, max_attachment_bytes=ATTACHMENT_MAX_BYTES)
    except mailparse.UnusableMail as exc:
        return _quarantine(raw, source, exc.reason, programme)
    received_at = received_at or timezone.now()
    try:
        result = _ingest(
            parsed,
            raw,
            source=source,
            received_at=received_at,
            programme=programme,
            checked_id=quick_id,
        )
    except mailparse.UnusableMail as exc:
        return _quarantine(raw, source, exc.reason, programme, parsed=parsed)
    except IntegrityError:
        # Another worker stored the same Message-ID meanwhile.
        existing = TicketMessage.objects.filter(message_id=parsed.message_id).first()
        if existing is not None:
            return IngestResult(DUPLICATE, ticket=existing.ticket, message=existing)
        return _quarantine(raw, source, "Conflit à l'enregistrement ; à retraiter.", programme)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the mail is kept
        logger.exception("Could not store mail from %s", source)
        return _quarantine(raw, source, f"Enregistrement impossible : {exc}", programme)
    if result.status in STORED:
        QuarantinedMail.objects.filter(sha256=digest, status=QuarantineStatus.PENDING).update(
            status=QuarantineStatus.REPROCESSED,
            resolved_at=timezone.now(),
            resolved_message=result.message,
        )
    return result


def _ingest_incoming(incoming: mailsources.Incoming) -> IngestResult:
    if incoming.raw is None:
        return mail_refuse(incoming.head, size=incoming.size, source=incoming.source)
    return mail_ingest(incoming.raw, source=incoming.source)


# --- Sources: files and IMAP -------------------------------------------------------------------

BATCH = 100


def mail_import(paths: Iterable[str | Path]) -> ImportReport:
    """Import files; messages are written in batches of ``BATCH`` per transaction (each one in
    its own savepoint, so one failing message never takes the others down). Files are read in
    bounded chunks: a message over the size limit is refused before it is held in memory."""
    report = ImportReport()
    limit = max_message_bytes()
    batch: list[mailsources.Incoming] = []

    def flush():
        with transaction.atomic():
            for incoming in batch:
                report.add(_ingest_incoming(incoming))
        batch.clear()

    for path in paths:
        for incoming in mailsources.messages_from_path(path, limit):
            batch.append(incoming)
            if len(batch) >= BATCH:
                flush()
    if batch:
        flush()
    return report


def mail_poll(config: ImapSettings, *, timeout: float = 30) -> ImportReport:
    """Read the messages of the folder that arrived since the last poll (by UID) and ingest
    them. Each message is fetched in bounded pieces (its size asked first: only the head of a
    message over the limit is fetched). The cursor moves after each message, so an interrupted
    poll resumes where it stopped; even re-reading a message would create nothing twice."""
    import imaplib

    report = ImportReport()
    limit = max_message_bytes()
    client_class = imaplib.IMAP4_SSL if config.ssl else imaplib.IMAP4
    client = client_class(config.host, config.port, timeout=timeout)
    try:
        client.login(config.user, config.password)
        status, _data = client.select(_quote(config.folder), readonly=False)
        if status != "OK":
            raise imaplib.IMAP4.error(f"Dossier {config.folder} introuvable.")
        uidvalidity = int((client.response("UIDVALIDITY")[1] or [b"0"])[0] or 0)
        key = f"{config.user}@{config.host}:{config.port}/{config.folder}"
        cursor, _created = ImapCursor.objects.get_or_create(mailbox=key)
        if cursor.uidvalidity != uidvalidity:
            cursor.uidvalidity, cursor.last_uid = uidvalidity, 0
        status, data = client.uid("SEARCH", None, f"UID {cursor.last_uid + 1}:*")
        uids = [int(u) for u in (data[0] or b"").split()] if status == "OK" else []
        uids = sorted(u for u in uids if u > cursor.last_uid)
        sizes = imap_sizes(client, uids)
        for uid in uids:
            incoming = imap_message(client, uid, sizes.get(uid), f"imap:{key}:{uid}", limit)
            if incoming is None:
                continue
            report.add(_ingest_incoming(incoming))
            client.uid("STORE", str(uid), "+FLAGS", "(\\Seen)")
            cursor.last_uid = uid
            cursor.save()
        cursor.polled_at = timezone.now()
        cursor.save()
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return report


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
