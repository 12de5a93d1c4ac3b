"""Nothing created twice: one idempotency mechanism for every page and API call.

A POST, PUT or PATCH of a signed-in user may carry a key — the hidden form field
``idempotency_key`` that ``{% include "core/_idempotency_key.html" %}`` renders in every form
that creates something, or the ``Idempotency-Key`` header of an API call. ``IdempotencyMiddleware``
then runs the request in one transaction that starts by claiming the key
(``core.IdempotencyKey``, unique per user and key) and ends by storing the response:

- the first request with a key runs the view; its response (status, ``Location``, body) is stored
  with the key and committed together with what the view created — both or neither;
- the same request sent again gets the stored response, byte for byte (a 302 to the same page, a
  201 with the same JSON), and nothing runs twice;
- sent again while the first still runs, it waits for the first to finish (PostgreSQL's lock on
  the key's unique index; SQLite's write lock), at most ``IDEMPOTENCY_WAIT_SECONDS``, then gets
  the stored response — or a 409 saying the first is still running;
- the same key with another request (another body, another page) is a 422;
- a refusal (4xx) or a failure (5xx) keeps nothing: the key is free again for a corrected retry.

Keys expire after ``IDEMPOTENCY_TTL`` (the core periodic job ``idempotency_keys_purge``).
Requests without a key, and anonymous requests, are untouched.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.middleware.csp import get_nonce
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.hooks import Hook
from essaim.core.inputs import API_PREFIX
from essaim.core.models import IdempotencyKey

# accounts registers how a bearer token names its user (core knows no user model).
bearer_user = Hook("bearer_user", "The user of an API bearer token, or None: raw=.")

UNSAFE_METHODS = {"POST", "PUT", "PATCH"}
FORM_FIELD = "idempotency_key"
HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_\-.:]{1,128}")
IDEMPOTENCY_TTL = timedelta(days=1)
# Response bodies above this size are not kept (the replay then has the status and headers only).
MAX_STORED_BODY = 1_000_000
KEPT_HEADERS = (
    "Location",
    "Content-Type",
    "Content-Disposition",
    "HX-Location",
    "HX-Redirect",
    "HX-Refresh",
    "HX-Trigger",
    "HX-Push-Url",
    "HX-Replace-Url",
    "HX-Reswap",
    "HX-Retarget",
)
REPLAY_HEADER = "Idempotent-Replayed"


def wait_seconds() -> float:
    return float(getattr(settings, "IDEMPOTENCY_WAIT_SECONDS", 5))


def request_key(request) -> str | None:
    """The key of an unsafe request, from the header or the form field (``None``: no key)."""
    if request.method not in UNSAFE_METHODS:
        return None
    key = request.headers.get(HEADER)
    if key is None and request.content_type in {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }:
        key = request.POST.get(FORM_FIELD)
    return key


def request_user(request):
    """The caller: the session's user, or the user of the API bearer token."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    if request.path.startswith(API_PREFIX):
        scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and raw.strip():
            users = bearer_user(raw=raw.strip())
            return next((user for user in users if user is not None), None)
    return None


def fingerprint(request) -> str:
    """SHA-256 of what makes two requests "the same": method, path with query, and the body —
    parsed for forms (a browser picks a new multipart boundary at each submission; the CSRF
    token is not part of the request's meaning), raw otherwise."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.get_full_path()}\n".encode())
    if request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        for name in sorted(request.POST):
            if name == "csrfmiddlewaretoken":
                continue
            for value in request.POST.getlist(name):
                digest.update(f"{name}={value}\n".encode("utf-8", "surrogatepass"))
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"{name}:{upload.name}:{upload.size}:".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


@dataclass
class Claim:
    outcome: str  # "claimed", "replay", "mismatch", "busy"
    row: object = None


def _insert(user, key: str, print_: str, request):
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgres:
            # Wait for a concurrent holder of the same key at most this long (the setting is
            # undone with the savepoint if the insert fails, restored by hand if it succeeds).
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                    [f"{int(wait_seconds() * 1000)}ms"],
                )
                previous = cursor.fetchone()[0]
        row = IdempotencyKey.objects.create(
            user=user,
            key=key,
            fingerprint=print_,
            method=request.method,
            path=request.get_full_path()[:500],
        )
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    return row


def claim(user, key: str, print_: str, request) -> Claim:
    """Insert the key (first request), or say what became of the request that holds it."""
    for _attempt in range(3):
        try:
            return Claim("claimed", _insert(user, key, print_, request))
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(user=user, key=key).first()
        except OperationalError:  # PostgreSQL's lock_timeout: the first is still running
            return Claim("busy")
        if existing is None:  # the holder rolled back in between: try again
            continue
        if existing.created_at < timezone.now() - IDEMPOTENCY_TTL:
            existing.delete()
            continue
        if existing.fingerprint != print_:
            return Claim("mismatch", existing)
        return Claim("replay", existing)
    return Claim("busy")


def store(row, request, response) -> None:
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    body = b""
    if not response.streaming and len(response.content) <= MAX_STORED_BODY:
        body = response.content
    nonce = get_nonce(request)
    row.status_code = response.status_code
    row.response_headers = headers
    row.response_body = body
    row.csp_nonce = str(nonce) if nonce else ""  # a lazy nonce is falsy until used
    row.save(update_fields=["status_code", "response_headers", "response_body", "csp_nonce"])


def replay(row, request) -> HttpResponse:
    body = bytes(row.response_body)
    if row.csp_nonce and body:
        # The stored page's inline scripts carry the first response's nonce; this response's
        # Content-Security-Policy header carries a new one.
        body = body.replace(row.csp_nonce.encode(), str(get_nonce(request)).encode())
    response = HttpResponse(body, status=row.status_code)
    for name, value in row.response_headers.items():
        response[name] = value
    response[REPLAY_HEADER] = "true"
    return response


def refusal(request, status: int, message: str) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "core/refused.html", {"message": message}, status=status)


class IdempotencyMiddleware:
    """See the module's docstring. Last in ``MIDDLEWARE``: the stored response is the view's own,
    which the outer middlewares decorate again (session, CSP, security headers) on a replay."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request_key(request)
        if key is None:
            return self.get_response(request)
        user = request_user(request)
        if user is None:  # anonymous: no scope to keep keys in (a bad token gets its 401)
            return self.get_response(request)
        if not KEY_PATTERN.fullmatch(key):
            return refusal(
                request,
                400,
                _(
                    "Clé d'idempotence invalide : de 1 à 128 caractères parmi les lettres, "
                    "les chiffres et « - _ . : »."
                ),
            )
        print_ = fingerprint(request)
        try:
            with transaction.atomic():
                found = claim(user, key, print_, request)
                if found.outcome == "replay":
                    return replay(found.row, request)
                if found.outcome == "mismatch":
                    return refusal(
                        request,
                        422,
                        _(
                            "Cette clé d'idempotence a déjà servi pour une autre demande. "
                            "Rechargez la page (ou changez de clé) pour en envoyer une nouvelle."
                        ),
                    )
                if found.outcome == "busy":
                    return self._busy(request)
                response = self.get_response(request)
                if response.status_code >= 400 or transaction.get_rollback():
                    # Nothing is kept of a refused or failed request, the key included.
                    transaction.set_rollback(True)
                    return response
                store(found.row, request, response)
                return response
        except OperationalError:  # SQLite: the database stayed locked longer than its timeout
            return self._busy(request)

    def _busy(self, request):
        response = refusal(
            request,
            409,
            _(
                "Cette demande est déjà en cours de traitement. Patientez quelques secondes, "
                "puis rechargez la page pour voir son résultat."
            ),
        )
        response["Retry-After"] = "2"
        return response


def purge_expired(now=None) -> int:
    """Delete the keys older than ``IDEMPOTENCY_TTL`` (the core periodic schedule runs it)."""
    now = now or timezone.now()
    deleted, _per_model = IdempotencyKey.objects.filter(
        created_at__lt=now - IDEMPOTENCY_TTL
    ).delete()
    return deleted
