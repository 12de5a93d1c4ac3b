"""Periodic work (reminders, digests, mailbox polling), run by ``essaim worker``.

Each app registers its periodic jobs (what runs, how often) from its ``AppConfig.ready`` with
:func:`register`. The worker's scheduler thread enqueues each job when it
is due; ``PeriodicRun`` rows, updated under a row lock, make sure that several workers enqueue a
job once, and that a restart does not run everything again.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from essaim.core.models import PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    target: Callable[[], object]  # called with no argument; its result is logged
    every: timedelta


# Filled by each app's ``AppConfig.ready`` through :func:`register` (core never imports the
# apps whose work it runs).
BY_NAME: dict[str, Periodic] = {}


def register(name: str, target: Callable[[], object], every: timedelta) -> None:
    """Run ``target()`` every ``every`` in ``essaim worker``. Registering the same name again
    with the same target changes nothing; with another one is an error."""
    known = BY_NAME.get(name)
    if known is not None and (known.target, known.every) != (target, every):
        raise ValueError(f"Periodic job {name!r} is already registered differently.")
    BY_NAME[name] = Periodic(name, target, every)


def jobs() -> tuple[Periodic, ...]:
    return tuple(BY_NAME.values())


@task()
def run_periodic(name: str) -> str:
    """Run one periodic job now (the scheduler enqueues this task)."""
    return str(BY_NAME[name].target())


def enqueue_due(now=None) -> list[str]:
    """Enqueue every job whose last run is older than its period; return their names."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs():
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
