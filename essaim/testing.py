"""Helpers shared by the test suites of several apps."""

import re
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, connections, transaction
from django.utils.html import escape

from essaim.accounts.models import Membership, Role, User
from essaim.accounts.services import api_token_create
from essaim.calls.models import Programme
from essaim.core.history import UNKNOWN_CODE
from essaim.core.models import HistoryEvent


def blocked_on_lock(pid: int) -> bool:
    """Whether the PostgreSQL backend ``pid`` is waiting for a lock (concurrency tests wait for
    the second connection to block before letting the first one commit)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


# --- Concurrency (PostgreSQL) -------------------------------------------------------------------


class _Worker(threading.Thread):
    """A thread running ``fn()``: keeps its result or the exception it raised in ``outcome`` and
    closes its own database connections when done (each thread has its connection)."""

    def __init__(self, fn: Callable[[], object]):
        super().__init__(daemon=True)
        self.fn = fn
        self.outcome: object = None
        self.done = threading.Event()

    def run(self):
        try:
            self.outcome = self.fn()
        except Exception as exc:  # the caller asserts on it
            self.outcome = exc
        finally:
            connections.close_all()
            self.done.set()


def run_concurrently(fn: Callable[[int], object], n: int, timeout: float = 120) -> list:
    """Run ``fn(index)`` in ``n`` threads released together on a barrier; each one's result or
    the exception it raised, in index order."""
    start = threading.Barrier(n)

    def released(index):
        start.wait(timeout=timeout)
        return fn(index)

    workers = [_Worker(lambda i=i: released(i)) for i in range(n)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=timeout)
    if not all(worker.done.is_set() for worker in workers):
        raise AssertionError("a thread did not finish")
    return [worker.outcome for worker in workers]


def run_while_holding(
    hold: Callable[[], object],
    contend: Callable[[], object],
    *,
    wait_for_contender: bool = False,
    rollback: bool = False,
    timeout: float = 30,
) -> tuple[object, object]:
    """``hold()`` runs in a transaction of a first thread, which stays open; once it is inside,
    ``contend()`` runs in a second thread. Asserts that the second connection gets blocked on a
    lock, then lets the first transaction commit (roll back with ``rollback=True``) — only
    after ``contend()`` has finished on its own with ``wait_for_contender=True`` (e.g. on a lock
    timeout). Returns the outcomes of ``hold`` and ``contend``: a result or the exception raised."""
    inside, release = threading.Event(), threading.Event()
    contender_pid: list[int] = []

    def first():
        try:
            with transaction.atomic():
                result = hold()
                inside.set()
                if not release.wait(timeout=timeout):
                    raise TimeoutError("never released")
                if rollback:
                    transaction.set_rollback(True)
            return result
        finally:
            inside.set()

    def second():
        if not inside.wait(timeout=timeout):
            raise TimeoutError("the first transaction never started")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            contender_pid.append(cursor.fetchone()[0])
        return contend()

    holder, contender = _Worker(first), _Worker(second)
    holder.start()
    contender.start()
    try:
        for _ in range(int(timeout * 100)):
            if (contender_pid and blocked_on_lock(contender_pid[0])) or contender.done.is_set():
                break
            threading.Event().wait(0.01)
        if not (contender_pid and blocked_on_lock(contender_pid[0])):
            raise AssertionError(
                "the second connection was not blocked on a lock",
                holder.outcome,
                contender.outcome,
            )
        if wait_for_contender:
            contender.join(timeout=timeout)
    finally:
        release.set()
        holder.join(timeout=timeout)
        contender.join(timeout=timeout)
    return holder.outcome, contender.outcome


# --- Programme ownership ------------------------------------------------------------------------


@dataclass
class OtherProgramme:
    """A second programme and its staff: the people who must get nothing of another programme's
    calls, applications, reviews, waves, labels and plans."""

    programme: object
    admin: object
    instructor: object
    officer: object

    def staff(self) -> dict:
        """Each staff role of the programme, by name (for parametrised tests)."""
        return {"admin": self.admin, "instructor": self.instructor, "officer": self.officer}


def other_programme(name: str = "Programme régional") -> OtherProgramme:
    programme = Programme.objects.create(
        name=name, slug=f"autre-{Programme.objects.count() + 1}", label_name=name
    )

    def member(role: str) -> User:
        user = User.objects.create_user(
            f"{role}.{programme.slug}@example.test", "secret-password", last_name=role
        )
        Membership.objects.create(user=user, role=role, programme=programme)
        return user

    return OtherProgramme(
        programme=programme,
        admin=member(Role.PROGRAMME_ADMIN),
        instructor=member(Role.INSTRUCTOR),
        officer=member(Role.SINGLE_WINDOW_OFFICER),
    )


def superuser():
    return User.objects.create_superuser(
        f"root{User.objects.count() + 1}@example.test", "secret-password"
    )


def table_state(*models) -> dict:
    """Every row of ``models`` and the number of history events: equal before and after a
    refused write when nothing changed."""
    state = {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}
    state["history"] = HistoryEvent.objects.count()
    return state


def assert_history_in_words(html: str, actions) -> None:
    """``html`` (a page or ``core/_history.html`` rendered with one event of each of
    ``actions``) shows every action's words, never its stored code nor "(action non décrite)"."""
    if str(UNKNOWN_CODE) in html:
        raise AssertionError(f"{UNKNOWN_CODE} shown")
    for action in actions:
        if action.value in html:
            raise AssertionError(f"raw code {action.value!r} shown")
        if escape(str(action.label)) not in html:
            raise AssertionError(f"label {action.label!r} missing")


def close_response(response) -> None:
    """Close a test client's response (a streamed file keeps its handle open otherwise) without
    firing ``request_finished``'s ``close_old_connections``, as the test client itself does:
    inside a test's transaction that would close the database connection (PostgreSQL)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


@contextmanager
def connections_kept():
    """Requests handled in process outside the test client (a WSGI application called directly,
    e.g. by schemathesis) fire ``close_old_connections`` at their start and end; inside a test's
    transaction that closes PostgreSQL's connection. The test client disconnects it; this does
    the same for a block."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def grant_partly_on_its_page(page, amount: str, *, conditions: str, reason: str) -> None:
    """In a browser, as the instrument's financer on a request under review: open its grant
    page, grant ``amount`` (less than asked, hence ``reason``) on ``conditions``, confirm the
    recap."""
    page.get_by_role("link", name="Accorder…").click()
    page.get_by_label("Montant accordé (€)").fill(amount)
    page.get_by_label("Conditions de l'accord").fill(conditions)
    page.get_by_label("Motif du montant partiel").fill(reason)
    page.get_by_role("button", name="Vérifier avant d'accorder").click()
    page.get_by_role("button", name=re.compile("Confirmer l'accord")).click()


def bearer(user, access: str = "write") -> dict:
    """The ``Authorization`` header of a new API token of ``user`` (``read`` or ``write``)."""
    return {"Authorization": f"Bearer {api_token_create(user=user, access=access)[1]}"}
