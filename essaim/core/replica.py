"""An optional PostgreSQL read replica (``DATABASE_REPLICA_URL``): reads go to the replica, writes
to the primary ("default"), with two pins to the primary so that nobody reads older data than
they have just written:

- inside a transaction on the primary (services write in ``transaction.atomic``: their reads,
  ``select_for_update`` included, stay on the primary), and for the rest of a request once it
  has written; the task workers read only the primary (a task must see what queued it);
- for ``settings.ESSAIM_REPLICA_PIN_SECONDS`` after a request that wrote, through a cookie, so
  that the page after a form (post, redirect, get) — on any web process — reads the primary
  while the replica catches up.

The cookie is not signed: a client that forges it only sends its own reads to the primary.
The trade-off: a page another person wrote a second ago may be read from a replica that lags;
Essaim's reads never decide a write (services re-read under lock on the primary).
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
PIN_COOKIE = "essaim_primary"

# The request (or thread) wrote; the client wrote a moment ago (the cookie); the whole process
# reads the primary (the task workers: a task must see what the request that queued it wrote).
_wrote: ContextVar[bool] = ContextVar("essaim_replica_wrote", default=False)
_recent: ContextVar[bool] = ContextVar("essaim_replica_recent", default=False)
_process = {"pinned": False}


def pin_process() -> None:
    """Every read of this process goes to the primary (``essaim worker`` calls it)."""
    _process["pinned"] = True


def reads_primary() -> bool:
    return (
        _process["pinned"] or _wrote.get() or _recent.get() or connections[PRIMARY].in_atomic_block
    )


class ReplicaRouter:
    """Reads to the replica unless pinned or inside a transaction on the primary; writes,
    migrations and everything else to the primary."""

    def db_for_read(self, model, **hints):
        return PRIMARY if reads_primary() else REPLICA

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases are the same data: an object read on one may point at one read on the
        # other.
        return {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class ReplicaPinMiddleware:
    """Listed first (outermost) when a replica is configured: it starts each request unpinned
    (or pinned, when the cookie says this client wrote a moment ago) and, once the response is
    made — the session saved —, sets the cookie if the request wrote."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wrote = _wrote.set(False)
        recent = _recent.set(PIN_COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
            if _wrote.get():
                response.set_cookie(
                    PIN_COOKIE,
                    "1",
                    max_age=settings.ESSAIM_REPLICA_PIN_SECONDS,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
            return response
        finally:
            _wrote.reset(wrote)
            _recent.reset(recent)
