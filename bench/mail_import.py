"""Benchmark: import 1,000 e-mails (a tenth with attachments, a fifth replies threaded into
earlier tickets) from generated mboxes into a temporary SQLite database, then import the same
mailboxes again (it must create nothing).

Replies thread only through what the single window sent (the ticket's secret ``Reply-To``
address, or the acknowledgement's ``Message-ID`` in ``In-Reply-To``), so they are generated
after the first messages are imported, like real replies: half to the secret address, half
answering the acknowledgement. Both imports are timed; generating the replies is not.

Baseline, measured in the same run: parsing the same messages with the stdlib ``email``
package alone (``message_from_bytes`` + walking the parts and decoding them). The ratio says
what threading, idempotency, attachments, history and acknowledgements cost on top.

    uv run python bench/mail_import.py [--count 1000]

Target: the first import under 10 s; the second creates nothing.

The last line, ``RESULT {json}``, is the headline read by ``bench/all.py``.
"""

import argparse
import json
import mailbox
import os
import shutil
import sys
import tempfile
import time
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path

TARGET_SECONDS = 10.0
ADDRESS = "hacker@le-frenchimpact.fr"


def _message(n: int) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"Porteur {n} <porteur{n % 300}@bench.essaim.invalid>"
    msg["To"] = ADDRESS
    msg["Date"] = "Mon, 04 Mar 2019 10:00:00 +0100"
    msg["Message-ID"] = f"<bench-{n}@bench.essaim.invalid>"
    return msg


def _is_reply(n: int) -> bool:
    return n % 5 == 4 and n > 10


def _finish(msg: EmailMessage, n: int) -> bytes:
    msg.set_content(
        "Bonjour,\n\nNotre épicerie coopérative voudrait vendre en vrac. "
        "Quelle règle s'applique ? Merci de votre réponse.\n" * 5
    )
    if n % 10 == 0:
        msg.add_attachment(
            os.urandom(20_000), maintype="application", subtype="pdf", filename=f"plan-{n}.pdf"
        )
    return msg.as_bytes()


def generate(count: int) -> list[bytes]:
    """The first messages (every one that is not a reply)."""
    messages = []
    for n in range(count):
        if _is_reply(n):
            continue
        msg = _message(n)
        msg["Subject"] = f"Question réglementaire n° {n} : vente en vrac, agrément, bail"
        messages.append(_finish(msg, n))
    return messages


def generate_replies(count: int) -> list[bytes]:
    """Replies to the tickets the first import opened (message n answers message n - 3, whose
    author it is): to the ticket's secret address, or to its acknowledgement."""
    from essaim.regulatory.addresses import ticket_reply_address
    from essaim.regulatory.models import MessageKind, TicketMessage

    messages = []
    for n in range(count):
        if not _is_reply(n):
            continue
        parent = TicketMessage.objects.select_related("ticket__programme").get(
            message_id=f"<bench-{n - 3}@bench.essaim.invalid>"
        )
        msg = _message(n)
        msg.replace_header("From", f"Porteur {n - 3} <porteur{(n - 3) % 300}@bench.essaim.invalid>")
        msg["Subject"] = f"Re: Question réglementaire n° {n - 3}"
        if n % 2:
            msg.replace_header("To", ticket_reply_address(parent.ticket))
        else:
            ack = parent.ticket.messages.get(kind=MessageKind.ACKNOWLEDGEMENT)
            msg["In-Reply-To"] = ack.message_id
            msg["References"] = ack.message_id
        messages.append(_finish(msg, n))
    return messages


def write_mbox(path: Path, messages: list[bytes]) -> int:
    box = mailbox.mbox(path)
    for raw in messages:
        box.add(raw)
    box.flush()
    box.close()
    return path.stat().st_size


def baseline(messages: list[bytes]) -> tuple[float, float]:
    """Parse each message with the stdlib alone (the default compat32 policy, as the importer
    does), read the headers the importer reads, and decode every part."""
    started, cpu = time.perf_counter(), time.process_time()
    for raw in messages:
        msg = message_from_bytes(raw)
        for header in ("From", "To", "Subject", "Message-ID", "In-Reply-To", "References"):
            str(msg.get(header, ""))
        for part in msg.walk():
            if not part.is_multipart():
                part.get_payload(decode=True)
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="essaim-bench-mail-"))
    os.environ.update(
        {
            "ESSAIM_MODE": "demo",
            "ESSAIM_SQLITE_PATH": str(workdir / "bench.sqlite3"),
            "ESSAIM_VAR_DIR": str(workdir / "var"),
            "ESSAIM_MEDIA_ROOT": str(workdir / "media"),
            "DJANGO_SETTINGS_MODULE": "essaim.settings",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("EMAIL_HOST", None)
    import django

    django.setup()
    import logging

    from django.conf import settings

    logging.disable(logging.WARNING)
    # As in production: acknowledgements are queued in the database task queue (the worker
    # sends them), so the import pays for writing them, not for the SMTP round trips.
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"  # noqa: S101
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)

    from django_tasks_db.models import DBTaskResult

    from essaim.calls.models import Programme
    from essaim.regulatory.inbound import mail_import
    from essaim.regulatory.models import QuarantinedMail, Ticket, TicketAttachment, TicketMessage

    Programme.objects.create(
        name="Bench", slug="bench", label_name="Bench", single_window_email=ADDRESS
    )
    first_path, replies_path = workdir / "guichet.mbox", workdir / "reponses.mbox"
    messages = generate(args.count)
    size = write_mbox(first_path, messages)

    def counts():
        return (
            Ticket.objects.count(),
            TicketMessage.objects.count(),
            TicketAttachment.objects.count(),
            QuarantinedMail.objects.count(),
            DBTaskResult.objects.count(),
        )

    started, cpu = time.perf_counter(), time.process_time()
    first = mail_import([first_path])
    first_seconds, first_cpu = time.perf_counter() - started, time.process_time() - cpu

    replies = generate_replies(args.count)
    size += write_mbox(replies_path, replies)
    started, cpu = time.perf_counter(), time.process_time()
    threaded = mail_import([replies_path])
    first_seconds += time.perf_counter() - started
    first_cpu += time.process_time() - cpu
    for status, number in threaded.counts.items():
        first.counts[status] += number
    after_first = counts()

    base, base_cpu = baseline(messages + replies)

    started, cpu = time.perf_counter(), time.process_time()
    second = mail_import([first_path, replies_path])
    second_seconds, second_cpu = time.perf_counter() - started, time.process_time() - cpu
    after_second = counts()

    print(
        f"mailbox: {args.count} messages, {size / 1e6:.1f} MB (mbox), "
        "1 in 10 with a 20 kB attachment"
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"machine: {os.cpu_count()} CPU(s), load average {load:.1f} (wall times suffer "
        "when the machine is busy; CPU times much less)"
    )
    print(f"baseline (stdlib email parsing only): {base:.2f} s wall, {base_cpu:.2f} s CPU")
    print(
        f"first import:  {first_seconds:.2f} s wall, {first_cpu:.2f} s CPU "
        f"({args.count / first_seconds:.0f} msg/s)  ratio to baseline "
        f"{first_seconds / base:.1f}x wall, {first_cpu / base_cpu:.1f}x CPU  -> {first}"
    )
    print(
        f"second import: {second_seconds:.2f} s wall, {second_cpu:.2f} s CPU  ratio to baseline "
        f"{second_seconds / base:.1f}x wall, {second_cpu / base_cpu:.1f}x CPU  -> {second}"
    )
    print(
        "rows after first / second import (tickets, messages, attachments, quarantined, "
        f"queued e-mails): {after_first} / {after_second}"
    )
    fast = min(first_seconds, first_cpu) < TARGET_SECONDS
    same = after_first == after_second and second.counts["duplicate"] == args.count
    print(
        f"target: first import < {TARGET_SECONDS:.0f} s: {'OK' if fast else 'MISSED'} "
        f"(wall {first_seconds:.1f} s, CPU {first_cpu:.1f} s); "
        f"second import creates nothing: {'OK' if same else 'MISSED'}"
    )
    threads = first.counts["threaded"] == len(replies)
    print(f"replies threaded into their ticket: {'OK' if threads else 'MISSED'}")
    ok = fast and same and threads
    result = {
        "bench": "mail_import",
        "figure": f"{args.count:,} e-mails imported in {first_seconds:.1f} s wall "
        f"({first_cpu:.1f} s CPU); second import creates nothing: {'yes' if same else 'NO'}",
        "baseline": f"stdlib email parsing {base:.2f} s (ratio {first_seconds / base:.1f}x)",
        "goal": f"first import < {TARGET_SECONDS:.0f} s (wall or CPU), the second creates nothing, "
        "replies threaded",
        "met": ok,
    }
    print("RESULT " + json.dumps(result))
    shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
