"""Inbound mail: every message read from the mailbox or a file ends either as a ticket message
(a new ticket, or threaded into its ticket) or whole in the quarantine. Nothing is lost, nothing
is created twice (the same ``Message-ID`` — or, without one, the same bytes — is recognised).
"""

import hashlib
import imaplib
import logging
import mailbox
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from essaim.accounts.models import User
from essaim.calls.models import Programme
from essaim.regulatory import mailparse, services
from essaim.regulatory.models import (
    Channel,
    ImapCursor,
    QuarantinedMail,
    QuarantineStatus,
    Ticket,
    TicketMessage,
)

logger = logging.getLogger(__name__)

CREATED = "created"
THREADED = "threaded"
DUPLICATE = "duplicate"
QUARANTINED = "quarantined"


@dataclass
class IngestResult:
    status: str
    ticket: Ticket | None = None
    message: TicketMessage | None = None
    quarantine: QuarantinedMail | None = None


@dataclass
class ImportReport:
    counts: dict = field(
        default_factory=lambda: {CREATED: 0, THREADED: 0, DUPLICATE: 0, QUARANTINED: 0}
    )
    tickets: list = field(default_factory=list)

    def add(self, result: IngestResult) -> None:
        self.counts[result.status] += 1
        if result.ticket is not None and result.status in {CREATED, THREADED}:
            self.tickets.append(result.ticket.number)

    def __str__(self) -> str:
        c = self.counts
        return (
            f"{c[CREATED]} nouvelle(s) saisine(s), {c[THREADED]} message(s) rattaché(s), "
            f"{c[DUPLICATE]} déjà reçu(s), {c[QUARANTINED]} en quarantaine"
        )


def _programme_for(parsed: mailparse.ParsedMail) -> Programme | None:
    recipients = {a.strip().lower() for a in parsed.to.split(",") if a.strip()}
    programmes = list(Programme.objects.exclude(single_window_email="").order_by("pk"))
    for programme in programmes:
        if programme.single_window_email.lower() in recipients:
            return programme
    slug = os.environ.get("ESSAIM_SINGLE_WINDOW_PROGRAMME", "")
    if slug:
        return Programme.objects.filter(slug=slug).first()
    return programmes[0] if programmes else None


def _quarantine(raw: bytes, source: str, reason: str) -> IngestResult:
    digest = hashlib.sha256(raw).hexdigest()
    with transaction.atomic():
        item, created = QuarantinedMail.objects.get_or_create(
            sha256=digest,
            defaults={"raw": raw, "source": source[:500], "reason": reason},
        )
        if not created:
            QuarantinedMail.objects.filter(pk=item.pk).update(
                attempts=item.attempts + 1, reason=reason
            )
    logger.warning("Mail quarantined (%s): %s", source, reason)
    return IngestResult(QUARANTINED, quarantine=item)


def _thread_target(parsed: mailparse.ParsedMail) -> Ticket | None:
    ids = parsed.thread_ids()
    if ids:
        message = TicketMessage.objects.filter(message_id__in=ids).select_related("ticket").first()
        if message is not None:
            return message.ticket
    numbers = parsed.ticket_numbers()
    if numbers:
        return Ticket.objects.filter(number__in=numbers).first()
    return None


@transaction.atomic
def _ingest(parsed: mailparse.ParsedMail, raw: bytes, checked_id: str = "") -> IngestResult:
    if parsed.message_id != checked_id:
        existing = (
            TicketMessage.objects.filter(message_id=parsed.message_id)
            .select_related("ticket")
            .first()
        )
        if existing is not None:
            return IngestResult(DUPLICATE, ticket=existing.ticket, message=existing)
    attachments = [(a.filename, a.content_type, a.content) for a in parsed.attachments]
    common = {
        "body": parsed.body,
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
    ticket = _thread_target(parsed)
    if ticket is not None:
        if not parsed.body.strip() and not attachments:
            common["body"] = "(message vide)"
        message = services.ticket_message_receive(ticket=ticket, **common)
        return IngestResult(THREADED, ticket=ticket, message=message)
    if parsed.auto_submitted:
        raise mailparse.UnusableMail(
            "Réponse automatique (en-tête Auto-Submitted) qui ne se rattache à aucune saisine."
        )
    programme = _programme_for(parsed)
    if programme is None:
        raise mailparse.UnusableMail("Aucun programme n'a d'adresse de guichet unique.")
    author = User.objects.filter(email__iexact=parsed.from_email, is_active=True).first()
    received_at = parsed.date if parsed.date is not None else timezone.now()
    if received_at > timezone.now():
        received_at = timezone.now()
    ticket = services.ticket_create(
        user=author,
        programme=programme,
        title=parsed.subject or "(sans objet)",
        blocked_by=parsed.body,
        author_email=parsed.from_email,
        author_name=parsed.from_name,
        channel=Channel.EMAIL,
        received_at=received_at,
        acknowledge=False,
    )
    message = services.ticket_message_receive(
        ticket=ticket, created_at=received_at, record=False, **common
    )
    services.acknowledge_ticket(ticket=ticket, reply_to=message)
    return IngestResult(CREATED, ticket=ticket, message=message)


def mail_ingest(raw: bytes, *, source: str = "") -> IngestResult:
    """Turn one message into a ticket message or a quarantined mail. Never raises for a bad
    message, and never loses one."""
    raw = bytes(raw)
    quick_id = mailparse.quick_message_id(raw)
    known = TicketMessage.objects.filter(message_id=quick_id).select_related("ticket").first()
    if known is not None:
        return IngestResult(DUPLICATE, ticket=known.ticket, message=known)
    try:
        parsed = mailparse.parse(raw)
    except mailparse.UnusableMail as exc:
        return _quarantine(raw, source, exc.reason)
    try:
        result = _ingest(parsed, raw, quick_id)
    except mailparse.UnusableMail as exc:
        return _quarantine(raw, source, exc.reason)
    except IntegrityError:
        # Another worker stored the same Message-ID meanwhile.
        existing = TicketMessage.objects.filter(message_id=parsed.message_id).first()
        if existing is not None:
            return IngestResult(DUPLICATE, ticket=existing.ticket, message=existing)
        return _quarantine(raw, source, "Conflit à l'enregistrement ; à retraiter.")
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the mail is kept
        logger.exception("Could not store mail from %s", source)
        return _quarantine(raw, source, f"Enregistrement impossible : {exc}")
    if (
        result.status != DUPLICATE
        and QuarantinedMail.objects.filter(status=QuarantineStatus.PENDING).exists()
    ):
        QuarantinedMail.objects.filter(
            sha256=hashlib.sha256(raw).hexdigest(), status=QuarantineStatus.PENDING
        ).update(
            status=QuarantineStatus.REPROCESSED,
            resolved_at=timezone.now(),
            resolved_message=result.message,
        )
    return result


def quarantine_reprocess(*, item: QuarantinedMail, user, sender: str = "") -> IngestResult:
    """Try a quarantined message again (after a fix, or with the sender address an officer read
    in it). The raw bytes stay in the quarantine either way."""
    if not services.is_officer(user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Réservé aux agents du guichet unique.")
    raw = bytes(item.raw)
    if sender:
        from django.core.validators import validate_email

        try:
            validate_email(sender)
        except ValidationError:
            raise ValidationError({"sender": "Adresse électronique invalide."}) from None
        raw = f"From: {sender}\r\n".encode() + raw
    result = mail_ingest(raw, source=item.source)
    if result.status != QUARANTINED:
        QuarantinedMail.objects.filter(pk=item.pk).update(
            status=QuarantineStatus.REPROCESSED,
            resolved_at=timezone.now(),
            resolved_message=result.message,
        )
        if result.quarantine is None and sender:
            # The amended copy was stored as a ticket message: the original stays here.
            pass
    return result


# --- Sources: files and IMAP -------------------------------------------------------------------


def messages_from_path(path: str | Path) -> Iterator[tuple[str, bytes]]:
    """(source, raw bytes) for each message of a ``.eml`` file, an mbox or a Maildir."""
    path = Path(path)
    if path.is_dir():
        if not all((path / sub).is_dir() for sub in ("cur", "new", "tmp")):
            raise ValueError(f"{path} : dossier qui n'est pas un Maildir (cur/, new/, tmp/).")
        box = mailbox.Maildir(path, factory=None, create=False)
        for key in sorted(box.keys()):
            with box.get_file(key) as handle:
                yield f"maildir:{path}:{key}", handle.read()
        return
    data = path.read_bytes()
    if data.startswith(b"From "):
        box = mailbox.mbox(path, factory=None, create=False)
        try:
            for index, key in enumerate(box.keys()):
                yield f"mbox:{path}:{index}", box.get_bytes(key)
        finally:
            box.close()
        return
    yield f"file:{path}", data


BATCH = 100


def mail_import(paths: Iterable[str | Path]) -> ImportReport:
    """Import files; messages are written in batches of ``BATCH`` per transaction (each one in
    its own savepoint, so one failing message never takes the others down)."""
    report = ImportReport()
    batch: list[tuple[str, bytes]] = []

    def flush():
        with transaction.atomic():
            for source, raw in batch:
                report.add(mail_ingest(raw, source=source))
        batch.clear()

    for path in paths:
        for item in messages_from_path(path):
            batch.append(item)
            if len(batch) >= BATCH:
                flush()
    if batch:
        flush()
    return report


@dataclass
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    ssl: bool = True
    folder: str = "INBOX"

    @classmethod
    def from_env(cls) -> "ImapSettings | None":
        host = os.environ.get("ESSAIM_IMAP_HOST", "")
        if not host:
            return None
        ssl = os.environ.get("ESSAIM_IMAP_SSL", "1").strip().lower() in {"1", "true", "yes", "on"}
        return cls(
            host=host,
            port=int(os.environ.get("ESSAIM_IMAP_PORT", "993" if ssl else "143")),
            user=os.environ.get("ESSAIM_IMAP_USER", ""),
            password=os.environ.get("ESSAIM_IMAP_PASSWORD", ""),
            ssl=ssl,
            folder=os.environ.get("ESSAIM_IMAP_FOLDER", "INBOX"),
        )


def mail_poll(config: ImapSettings, *, timeout: float = 30) -> ImportReport:
    """Read the messages of the folder that arrived since the last poll (by UID) and ingest
    them. The cursor moves after each message, so an interrupted poll resumes where it stopped;
    even re-reading a message would create nothing twice."""
    report = ImportReport()
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
        for uid in sorted(u for u in uids if u > cursor.last_uid):
            status, fetched = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
            raw = next(
                (part[1] for part in fetched or () if isinstance(part, tuple) and part[1]), None
            )
            if status != "OK" or raw is None:
                continue
            report.add(mail_ingest(raw, source=f"imap:{key}:{uid}"))
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
