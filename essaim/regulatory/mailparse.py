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
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

MAX_MESSAGE_ID = 500
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
    date: object = None  # aware datetime or None
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    auto_submitted: bool = False

    def ticket_numbers(self) -> list[str]:
        return [f"SAISINE-{y}-{int(n):04d}" for y, n in TICKET_NUMBER.findall(self.subject)]

    def thread_ids(self) -> list[str]:
        ids = [self.in_reply_to] if self.in_reply_to else []
        return ids + [r for r in reversed(self.references) if r not in ids]


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


def _walk(message):
    """Body text (plain preferred, HTML turned into text) and attachments."""
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
            attachments.append(
                Attachment(_filename(part, len(attachments) + 1), content_type[:255], content)
            )
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


def parse(raw: bytes) -> ParsedMail:
    """Parse one message. Raises only :class:`UnusableMail`."""
    if not raw or not raw.strip():
        raise UnusableMail("Message vide.")
    try:
        return _parse(raw)
    except UnusableMail:
        raise
    except Exception as exc:  # noqa: BLE001 - anything else: keep the mail, say why
        raise UnusableMail(
            f"Message illisible ({type(exc).__name__} : {clean_text(str(exc))[:300]})."
        ) from exc


def _parse(raw: bytes) -> ParsedMail:
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
    date = None
    date_header = _header(message, "Date")
    if date_header:
        try:
            date = parsedate_to_datetime(date_header)
            if date is not None and date.tzinfo is None:
                date = None
        except (TypeError, ValueError, IndexError, OverflowError):
            date = None
    to = ", ".join(a for _n, a in getaddresses([_header(message, "To")]) if a)
    auto = _header(message, "Auto-Submitted").lower()
    body, attachments = _walk(message)
    in_reply_to = _ids(_header(message, "In-Reply-To"))
    return ParsedMail(
        message_id=message_id,
        from_email=clean_text(address),
        from_name=clean_text(name)[:255],
        to=clean_text(to),
        subject=_header(message, "Subject")[:998],
        body=body,
        date=date,
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=_ids(_header(message, "References")),
        attachments=attachments,
        auto_submitted=bool(auto and auto != "no"),
    )
