"""Helpers shared by the test suites of several apps."""

from django.db import connection


def blocked_on_lock(pid: int) -> bool:
    """Whether the PostgreSQL backend ``pid`` is waiting for a lock (concurrency tests wait for
    the second connection to block before letting the first one commit)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"
