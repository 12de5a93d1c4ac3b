"""Periodic work (reminders, digests, mailbox polling), run by ``essaim worker``.

One table says what runs and how often. The worker's scheduler thread enqueues each job when it
is due; ``PeriodicRun`` rows, updated under a row lock, make sure that several workers enqueue a
job once, and that a restart does not run everything again.
"""

import importlib
import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    target: str  # "module:function", called with no argument
    every: timedelta


def _poll_mailbox():
    from essaim.regulatory.inbound import ImapSettings, mail_poll

    config = ImapSettings.from_env()
    return "IMAP not configured" if config is None else str(mail_poll(config))


def _review_reminders():
    from essaim.reviews.services import review_reminders_send
    from essaim.reviews.tasks import reminder_days_before

    return review_reminders_send(days_before=reminder_days_before())


PERIODIC: tuple[Periodic, ...] = (
    Periodic("review_reminders", "essaim.core.schedule:_review_reminders", timedelta(days=1)),
    Periodic(
        "action_reminders", "essaim.support.reminders:send_action_reminders", timedelta(days=1)
    ),
    Periodic("financing_alerts", "essaim.financing.alerts:send_digests", timedelta(days=1)),
    Periodic(
        "ticket_reminders", "essaim.regulatory.services:ticket_reminders_send", timedelta(hours=6)
    ),
    Periodic("mailbox_poll", "essaim.core.schedule:_poll_mailbox", timedelta(minutes=5)),
    Periodic("idempotency_keys_purge", "essaim.core.idempotency:purge_expired", timedelta(hours=6)),
)
BY_NAME = {job.name: job for job in PERIODIC}


def _resolve(target: str):
    module, _sep, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


@task()
def run_periodic(name: str) -> str:
    """Run one periodic job now (the scheduler enqueues this task)."""
    result = _resolve(BY_NAME[name].target)()
    return str(result)


def enqueue_due(now=None) -> list[str]:
    """Enqueue every job whose last run is older than its period; return their names."""
    from essaim.core.models import PeriodicRun

    now = now or timezone.now()
    enqueued = []
    for job in PERIODIC:
        with transaction.atomic():
            run, _created = PeriodicRun.objects.select_for_update().get_or_create(name=job.name)
            if run.last_enqueued_at is not None and now - run.last_enqueued_at < job.every:
                continue
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
            transaction.on_commit(lambda name=job.name: run_periodic.enqueue(name))
        enqueued.append(job.name)
    return enqueued


def start_scheduler(interval_seconds: float = 60) -> threading.Event:
    """Check for due jobs every ``interval_seconds`` in a daemon thread; set the event to stop."""
    stop = threading.Event()

    def loop():
        from django.db import close_old_connections

        while not stop.is_set():
            try:
                due = enqueue_due()
                if due:
                    logger.info("periodic jobs enqueued: %s", ", ".join(due))
            except Exception:  # keep the worker alive; the next round tries again
                logger.exception("periodic scheduler round failed")
            finally:
                close_old_connections()
            stop.wait(interval_seconds)

    threading.Thread(target=loop, name="essaim-scheduler", daemon=True).start()
    return stop
