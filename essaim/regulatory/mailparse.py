"""Turn the raw bytes of one e-mail into plain data, without touching the database.

The stdlib ``email`` package does the parsing. Whatever the input, :func:`parse` either returns a
:class:`ParsedMail` or raises :class:`UnusableMail` with a reason in French: it never raises
anything else, so the importer can always keep the message (as a ticket message or in
quarantine).
"""

import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.header import Header, decode_header
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

MAX_MESSAGE_ID = 500
# What is kept of a message refused for its size: the beginning, where the headers are.
HEAD_BYTES = 64 * 1024
# Headers naming the addresses a message was delivered to (the envelope's, when the delivery
# agent records them, and the visible ones).
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To", "Cc")
TICKET_NUMBER = re.compile(r"SAISINE-(\d{4})-(\d{1,6})", re.IGNORECASE)
MESSAGE_ID = re.compile(r"<[^<>\s]+>")


class UnusableMail(Exception):
    """The message cannot become a ticket message; ``reason`` says why (in French)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass
class ParsedMail:
    message_id: str
    from_email: str
    from_name: str
    to: str
    subject: str
    body: str
    date_header: str = ""  # as written by the sender: shown, never trusted
    recipients: list[str] = field(default_factory=list)
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    auto_submitted: bool = False

    def ticket_numbers(self) -> list[str]:
        return [f"SAISINE-{y}-{int(n):04d}" for y, n in TICKET_NUMBER.findall(self.subject)]

    def thread_ids(self) -> list[str]:
        ids = [self.in_reply_to] if self.in_reply_to else []
        return ids + [r for r in reversed(self.references) if r not in ids]


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def split_plus(address: str, separator: str) -> tuple[str, str]:
    """``guichet+abc@x`` → (``guichet@x``, ``abc``); no separator → (address, ''). The tag is
    after the *last* separator, so that ``guichet-unique-abc@x`` works with ``-``."""
    local, at, domain = address.strip().lower().rpartition("@")
    if not at or not separator or separator not in local:
        return address.strip().lower(), ""
    base, _sep, tag = local.rpartition(separator)
    return f"{base}@{domain}", tag


HEADER_END = re.compile(rb"\r?\n\r?\n")
MESSAGE_ID_LINE = re.compile(
    rb"^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE
)


def quick_message_id(raw: bytes) -> str:
    """The Message-ID :func:`parse` would give, read from the header block without parsing the
    message: lets a re-import recognise a known message cheaply."""
    end = HEADER_END.search(raw)
    found = MESSAGE_ID_LINE.search(raw[: end.start()] if end else raw)
    if found:
        ids = _ids(found.group(1).decode("latin-1"))
        if ids:
            return ids[0]
    return raw_message_id(raw)


def header_block(raw: bytes) -> bytes:
    """The headers of a message (up to the first empty line), at most ``HEAD_BYTES``."""
    head = raw[:HEAD_BYTES]
    end = HEADER_END.search(head)
    return head[: end.start()] if end else head


def quick_headers(raw: bytes) -> dict:
    """Sender, subject, date and recipients read from the header block alone (for the list of
    held mail, also when the message is unusable or too large). Never raises."""
    try:
        message = message_from_bytes(header_block(raw) + b"\r\n\r\n")
        _name, address = parseaddr(_header(message, "From"))
        return {
            "from_email": clean_text(address.strip().lower())[:320],
            "subject": _header(message, "Subject")[:998],
            "date_header": _header(message, "Date")[:200],
            "recipients": _recipients(message),
        }
    except Exception:  # noqa: BLE001 - nothing readable
        return {"from_email": "", "subject": "", "date_header": "", "recipients": []}


def _recipients(message) -> list[str]:
    values = []
    for name in RECIPIENT_HEADERS:
        try:
            values += [_decode_words(v) for v in message.get_all(name) or ()]
        except Exception:  # noqa: BLE001, S112 - skip an unreadable header
            continue
    found = []
    for _name, address in getaddresses(values):
        address = clean_text(address.strip().lower())
        if "@" in address and address not in found and len(address) <= 320:
            found.append(address)
    return found


def clean_text(text: str) -> str:
    """Text a database column accepts: no NUL, no lone surrogate."""
    text = text.replace("\x00", "")
    return text.encode("utf-8", errors="replace").decode("utf-8")


def raw_message_id(raw: bytes) -> str:
    """The stand-in Message-ID of a message that has none: the same bytes always give the same
    one, so importing the message twice still creates nothing twice."""
    return f"<{hashlib.sha256(raw).hexdigest()}@sans-message-id.essaim.invalid>"


class _TextFromHtml(HTMLParser):
    BLOCKS = {
        "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
        "blockquote", "pre", "hr", "section", "article", "header", "footer",
    }  # fmt: skip
    SKIP = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.href: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag == "a":
            self.href = dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag == "a" and self.href:
            if self.href.startswith(("http:", "https:", "mailto:")):
                self.parts.append(f" ({self.href})")
            self.href = None

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Readable plain text from an HTML body (paragraphs, list items, link targets kept)."""
    parser = _TextFromHtml()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient; never let a body stop the import
        return re.sub(r"<[^>]*>", " ", html)
    lines = [line.strip() for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _unescape(text: str) -> str:
    """8-bit header bytes arrive as surrogate escapes: read them as UTF-8 (or replace them)."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def _decode_words(value) -> str:
    """A header value with RFC 2047 encoded words, whatever their charset (unknown or broken
    charsets are read as UTF-8 with replacement characters)."""
    text = value if isinstance(value, str) else str(value)
    if "=?" not in text and not isinstance(value, Header):
        return _unescape(text)
    try:
        parts = decode_header(value)
    except Exception:  # noqa: BLE001 - keep the undecoded text
        return _unescape(text)
    out = []
    for part, charset in parts:
        if isinstance(part, str):
            out.append(_unescape(part))
            continue
        try:
            out.append(part.decode(charset or "ascii", "replace"))
        except (LookupError, ValueError):
            out.append(part.decode("utf-8", "replace"))
    return "".join(out)


def _header(message, name: str) -> str:
    """A header as text, whatever its encoding; '' when absent or unreadable."""
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a malformed header must not stop the import
        value = None
    if value is None:
        return ""
    return clean_text(" ".join(_decode_words(value).split()))


def _decode_part(part) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        payload = b""
    if isinstance(payload, str):
        return clean_text(payload)
    charset = None
    try:
        charset = part.get_content_charset()
    except Exception:  # noqa: BLE001
        charset = None
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return clean_text(payload.decode(candidate, errors="replace"))
        except (LookupError, ValueError):
            continue
    return clean_text(payload.decode("latin-1", errors="replace"))


def _filename(part, index: int) -> str:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001
        name = None
    if name:
        name = _decode_words(name)
    name = clean_text(name or "").replace("/", "_").replace("\\", "_").strip(". ")
    if not name:
        subtype = "bin"
        try:
            subtype = part.get_content_subtype() or "bin"
        except Exception:  # noqa: BLE001, S110 - keep the default
            pass
        name = f"piece-jointe-{index}.{subtype[:10]}"
    return name[:200]


def _walk(message, max_attachment_bytes: int | None = None):
    """Body text (plain preferred, HTML turned into text) and attachments; an attachment over
    ``max_attachment_bytes`` makes the message unusable (it is quarantined whole)."""
    plain: list[str] = []
    html: list[str] = []
    attachments: list[Attachment] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        try:
            content_type = part.get_content_type()
        except Exception:  # noqa: BLE001
            content_type = "application/octet-stream"
        try:
            disposition = (part.get_content_disposition() or "").lower()
        except Exception:  # noqa: BLE001
            disposition = ""
        is_attachment = disposition == "attachment" or (
            content_type not in {"text/plain", "text/html"}
            and not content_type.startswith("multipart/")
        )
        if disposition == "inline" and content_type in {"text/plain", "text/html"}:
            is_attachment = False
        if is_attachment:
            try:
                content = part.get_payload(decode=True) or b""
            except Exception:  # noqa: BLE001
                content = str(part.get_payload()).encode("utf-8", errors="replace")
            if isinstance(content, str):
                content = content.encode("utf-8", errors="replace")
            name = _filename(part, len(attachments) + 1)
            if max_attachment_bytes is not None and len(content) > max_attachment_bytes:
                raise UnusableMail(
                    f"La pièce jointe « {name} » fait {megabytes(len(content))} : la limite est "
                    f"de {megabytes(max_attachment_bytes)} par pièce jointe (la même que sur le "
                    "site)."
                )
            attachments.append(Attachment(name, content_type[:255], content))
        elif content_type == "text/html":
            html.append(_decode_part(part))
        else:
            plain.append(_decode_part(part))
    body = "\n\n".join(p.strip() for p in plain if p.strip())
    if not body and html:
        body = "\n\n".join(html_to_text(h) for h in html)
    return clean_text(body), attachments


def _ids(value: str) -> list[str]:
    return [i[:MAX_MESSAGE_ID] for i in MESSAGE_ID.findall(value or "")]


def parse(
    raw: bytes, *, max_bytes: int | None = None, max_attachment_bytes: int | None = None
) -> ParsedMail:
    """Parse one message. Raises only :class:`UnusableMail` (also for a message over
    ``max_bytes``, refused before parsing, or an attachment over ``max_attachment_bytes``)."""
    if not raw or not raw.strip():
        raise UnusableMail("Message vide.")
    if max_bytes is not None and len(raw) > max_bytes:
        raise UnusableMail(too_large_reason(len(raw), max_bytes))
    try:
        return _parse(raw, max_attachment_bytes)
    except UnusableMail:
        raise
    except Exception as exc:  # noqa: BLE001 - anything else: keep the mail, say why
        raise UnusableMail(
            f"Message illisible ({type(exc).__name__} : {clean_text(str(exc))[:300]})."
        ) from exc


def too_large_reason(size: int, limit: int) -> str:
    return (
        f"Message de {megabytes(size)} : la limite est de {megabytes(limit)} par message. "
        "Seul son début est gardé ici ; l'original reste dans la boîte aux lettres ou le fichier "
        "importé."
    )


def _parse(raw: bytes, max_attachment_bytes: int | None = None) -> ParsedMail:
    # compat32 keeps headers as raw text (decoded here on demand): several times faster than
    # the default policy's header objects, and it never refuses a malformed header.
    message = message_from_bytes(raw)
    sender = _header(message, "From")
    name, address = parseaddr(sender)
    address = address.strip().lower()
    if not address or "@" not in address or " " in address or len(address) > 320:
        if not message.keys():
            raise UnusableMail("Ce n'est pas un courriel : aucun en-tête lisible.")
        raise UnusableMail(
            f"Adresse de l'expéditeur (en-tête From) absente ou illisible : « {sender[:200]} »."
        )
    ids = _ids(_header(message, "Message-ID"))
    message_id = ids[0] if ids else raw_message_id(raw)
    to = ", ".join(a for _n, a in getaddresses([_header(message, "To")]) if a)
    auto = _header(message, "Auto-Submitted").lower()
    body, attachments = _walk(message, max_attachment_bytes)
    in_reply_to = _ids(_header(message, "In-Reply-To"))
    return ParsedMail(
        message_id=message_id,
        from_email=clean_text(address),
        from_name=clean_text(name)[:255],
        to=clean_text(to),
        subject=_header(message, "Subject")[:998],
        body=body,
        date_header=_header(message, "Date")[:200],
        recipients=_recipients(message),
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=_ids(_header(message, "References")),
        attachments=attachments,
        auto_submitted=bool(auto and auto != "no"),
    )
