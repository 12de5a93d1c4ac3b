"""Helpers shared by the test suites of several apps."""

from dataclasses import dataclass

from django.db import connection
from django.utils.html import escape

from essaim.accounts.models import Membership, Role, User
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
