"""Text and numbers the platform refuses at the edge, before any view sees them.

No database column can store a NUL character (PostgreSQL refuses it outright) or a lone UTF-16
surrogate (not encodable in UTF-8, so SQLite, PostgreSQL and every renderer fail on it), and no
column holds an infinite or NaN number. Such input is never a typing mistake: it is refused with a
4xx naming the field, in one place for pages (``InputGuardMiddleware``: path, query string and
form fields of every request) and one for the API's JSON bodies (``core.api.parser``), so that
no view, form or service has to think of it.
"""

import math
import re
from urllib.parse import unquote_to_bytes

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# The largest value of a (Positive)SmallIntegerField column on every database: API schemas bound
# such fields with it (``Field(ge=0, le=SMALL_INT_MAX)``).
SMALL_INT_MAX = 32767
UNSAFE_CHARACTER = re.compile("[\x00\ud800-\udfff]")
# Query strings and paths are URL-encoded UTF-8; anything else is refused rather than replaced
# with "�" behind the user's back.
API_PREFIX = "/api/"


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored (``None`` when it can)."""
    found = UNSAFE_CHARACTER.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return _("contient un caractère nul (U+0000), refusé.")
    code = f"U+{ord(found.group()):04X}"
    return _("contient un caractère invalide (%(code)s, demi-paire de substitution), refusé.") % {
        "code": code
    }


def find_problem(data, path: tuple = ()) -> tuple[tuple, str] | None:
    """The first string (key or value) or number of a parsed JSON document that no column can
    hold: ``(path, reason)``, or ``None``."""
    if isinstance(data, str):
        problem = text_problem(data)
        return (path, problem) if problem else None
    if isinstance(data, float):
        if not math.isfinite(data):
            return path, _("doit être un nombre fini (1e400, Infinity et NaN sont refusés).")
        return None
    if isinstance(data, dict):
        for key, value in data.items():
            problem = text_problem(key) if isinstance(key, str) else None
            if problem:
                return (*path, key), _("nom de champ invalide : %(reason)s") % {"reason": problem}
            found = find_problem(value, (*path, key))
            if found:
                return found
        return None
    if isinstance(data, list):
        for index, value in enumerate(data):
            found = find_problem(value, (*path, index))
            if found:
                return found
    return None


def field_name(path: tuple) -> str:
    return ".".join(str(part) for part in path) or "__all__"


def _query_string_problem(request) -> str | None:
    raw = request.META.get("QUERY_STRING", "")
    if not raw:
        return None
    try:
        unquote_to_bytes(raw.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        return _("L'adresse contient des caractères mal encodés (UTF-8 attendu).")
    return None


def request_problem(request) -> tuple[str, str] | None:
    """``(field, message)`` for the first unsafe character of the request's path, query string
    or form fields (multipart included; files are not text)."""
    problem = text_problem(request.path)
    if problem:
        return "path", _("L'adresse %(problem)s") % {"problem": problem}
    problem = _query_string_problem(request)
    if problem:
        return "query", problem
    sources = [request.GET]
    if request.method not in {"GET", "HEAD", "OPTIONS"}:
        sources.append(request.POST)
    for source in sources:
        for key, values in source.lists():
            problem = text_problem(key)
            if problem:
                return "__all__", _("Un nom de champ %(problem)s") % {"problem": problem}
            for value in values:
                problem = text_problem(value)
                if problem:
                    return key, _("Le champ « %(field)s » %(problem)s") % {
                        "field": key,
                        "problem": problem,
                    }
    return None


def refusal(request, field: str, message: str):
    """A 400 page, or a 422 JSON answer in the API's error format."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"detail": f"{field}: {message}", "errors": [{"field": field, "message": message}]},
            status=422,
        )
    return render(request, "core/refused.html", {"message": message}, status=400)


class InputGuardMiddleware:
    """Refuses, before any view runs, a request whose path, query string or form fields hold a
    character no column can store (NUL, a lone surrogate) or a badly encoded query string: a
    400 page naming the field (422 JSON under /api/). Place it after the authentication and
    message middlewares (the page shows the header of a signed-in user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX) and request.method not in {"GET", "HEAD", "OPTIONS"}:
            # Read the body before anything parses it as a form (this check, the CSRF check):
            # the API's parser reads ``request.body`` afterwards, which Django refuses once the
            # stream was consumed (a form-encoded body to the API was a 500). Bounded by
            # DATA_UPLOAD_MAX_MEMORY_SIZE (a 400 beyond); the API takes no file.
            request.body  # noqa: B018
        found = request_problem(request)
        if found is not None:
            return refusal(request, *found)
        return self.get_response(request)
