"""Where incoming mail is read from — ``.eml`` files, mbox files, Maildir folders and an IMAP
folder — always in bounded chunks: a message over the size limit is never held whole in memory
(only its beginning is kept, for the quarantine), so a 40 MB message costs no more than a small
one. Nothing here touches the database.
"""

import imaplib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from essaim.regulatory.mailparse import HEAD_BYTES

CHUNK = 1024 * 1024


@dataclass
class Incoming:
    """One message as read: ``raw`` is None when it was over the limit (then ``head`` holds its
    first ``HEAD_BYTES`` and ``size`` its full size)."""

    source: str
    raw: bytes | None
    size: int
    head: bytes = b""


def _head(parts: list[bytes]) -> bytes:
    """The first ``HEAD_BYTES`` of the pieces, without joining them all."""
    kept, size = [], 0
    for part in parts:
        kept.append(part)
        size += len(part)
        if size >= HEAD_BYTES:
            break
    return b"".join(kept)[:HEAD_BYTES]


def read_bounded(handle, source: str, limit: int) -> Incoming:
    """Read a file object to its end, keeping at most ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while chunk := handle.read(CHUNK):
        size += len(chunk)
        if size > limit:
            head = _head([*chunks, chunk])
            chunks.clear()
            while chunk := handle.read(CHUNK):
                size += len(chunk)
            return Incoming(source, None, size, head)
        chunks.append(chunk)
    return Incoming(source, b"".join(chunks), size)


def _read_file(path: Path, source: str, limit: int) -> Incoming:
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            return Incoming(source, None, size, handle.read(HEAD_BYTES))
        return read_bounded(handle, source, limit)


def _maildir_files(path: Path) -> list[tuple[str, Path]]:
    """(key, file) of every message of a Maildir, in the order of their keys (what
    ``mailbox.Maildir`` calls them: the file name before the ``:2,flags`` suffix)."""
    entries = []
    for sub in ("new", "cur"):
        for entry in os.scandir(path / sub):
            if entry.is_file() and not entry.name.startswith("."):
                entries.append((entry.name.split(":", 1)[0], Path(entry.path)))
    return sorted(entries)


class _MboxMessage:
    """The message being read from an mbox: its bytes while under the limit, then only its
    head and its size."""

    def __init__(self, source: str, limit: int):
        self.source, self.limit = source, limit
        self.data = bytearray()
        self.size = 0
        self.head = b""

    def add(self, line: bytes) -> None:
        self.size += len(line)
        if self.head:
            return
        self.data += line
        if self.size > self.limit:
            self.head = bytes(self.data[:HEAD_BYTES])
            self.data = bytearray()

    def done(self) -> Incoming:
        if self.head:
            return Incoming(self.source, None, self.size, self.head)
        return Incoming(self.source, bytes(self.data), self.size)


def _mbox_messages(path: Path, limit: int) -> Iterator[Incoming]:
    """Split an mbox as ``mailbox.mbox`` does (a message starts after each ``From `` line; the
    empty line before the next one is not part of it), streaming, line by line (a line is read
    in pieces of at most ``CHUNK`` bytes)."""
    index = -1
    current: _MboxMessage | None = None
    blank_pending = False
    at_line_start = True
    with path.open("rb") as handle:
        while True:
            line = handle.readline(CHUNK)
            starts_line, at_line_start = at_line_start, line.endswith(b"\n")
            if not line or (starts_line and line.startswith(b"From ")):
                if current is not None:
                    yield current.done()
                if not line:
                    return
                index += 1
                current = _MboxMessage(f"mbox:{path}:{index}", limit)
                blank_pending = False
                continue
            if current is None:
                continue  # text before the first "From " line belongs to no message
            if blank_pending:
                current.add(b"\n")
                blank_pending = False
            if starts_line and line == b"\n":
                blank_pending = True
            else:
                current.add(line)


def messages_from_path(path: str | Path, limit: int) -> Iterator[Incoming]:
    """Each message of a ``.eml`` file, an mbox or a Maildir."""
    path = Path(path)
    if path.is_dir():
        if not all((path / sub).is_dir() for sub in ("cur", "new", "tmp")):
            raise ValueError(f"{path} : dossier qui n'est pas un Maildir (cur/, new/, tmp/).")
        for key, file in _maildir_files(path):
            yield _read_file(file, f"maildir:{path}:{key}", limit)
        return
    with path.open("rb") as handle:
        is_mbox = handle.read(5) == b"From "
    if is_mbox:
        yield from _mbox_messages(path, limit)
        return
    yield _read_file(path, f"file:{path}", limit)


# --- IMAP ---------------------------------------------------------------------------------------

UID = re.compile(rb"\bUID (\d+)")
SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


def imap_sizes(client: imaplib.IMAP4, uids: list[int]) -> dict[int, int]:
    """The size the server gives for each message (``RFC822.SIZE``), asked in batches."""
    sizes: dict[int, int] = {}
    for start in range(0, len(uids), 200):
        batch = ",".join(str(u) for u in uids[start : start + 200])
        status, data = client.uid("FETCH", batch, "(RFC822.SIZE)")
        if status != "OK":
            continue
        for item in data or ():
            line = item[0] if isinstance(item, tuple) else item
            if not isinstance(line, bytes):
                continue
            uid, size = UID.search(line), SIZE.search(line)
            if uid and size:
                sizes[int(uid.group(1))] = int(size.group(1))
    return sizes


def _imap_part(client: imaplib.IMAP4, uid: int, offset: int, length: int) -> bytes | None:
    """``length`` bytes of the message from ``offset`` (a partial fetch); None when the
    message is gone."""
    status, data = client.uid("FETCH", str(uid), f"(BODY.PEEK[]<{offset}.{length}>)")
    if status != "OK" or not data or data == [None]:
        return None
    for part in data:
        if isinstance(part, tuple):
            return part[1] or b""
    return b""  # past the end: the server answers with an empty string


def imap_message(
    client: imaplib.IMAP4, uid: int, size: int | None, source: str, limit: int
) -> Incoming | None:
    """Fetch one message in ``CHUNK``-sized pieces, stopping as soon as it passes ``limit`` (also
    when the server understated its size); only the head of a message over the limit is
    fetched. None when the message disappeared."""
    if size is not None and size > limit:
        head = _imap_part(client, uid, 0, HEAD_BYTES)
        return None if head is None else Incoming(source, None, size, head)
    chunks: list[bytes] = []
    total = 0
    while True:
        part = _imap_part(client, uid, total, CHUNK)
        if part is None:
            return None
        chunks.append(part)
        total += len(part)
        if total > limit:
            return Incoming(source, None, max(total, size or 0), _head(chunks))
        if len(part) < CHUNK:
            return Incoming(source, b"".join(chunks), total)


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
