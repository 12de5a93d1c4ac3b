"""How the permission matrix asks a route and classifies the answer."""

import json
import re

from django.apps import apps
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from essaim.testing import close_response, table_state

from .matrix_world import IDENTITIES

# One letter per answer.
CODES = {
    "o": "2xx",
    "r": "3xx elsewhere than the login page",
    "l": "3xx to the login page",
    "d": "403 or 404 (refused, or not shown to this person)",
    "u": "401 (API, not signed in)",
    "x": "405 (method not allowed)",
    "c": "409 (not possible in the object's state)",
    "b": "400 or 422 (input refused)",
    "t": "429 (rate limit)",
    "-": "not asked",
}
REFUSED = {"l", "d", "u"}
ALLOWED = {"o", "r"}
LOGIN_PATHS = ("/comptes/connexion/", "/admin/login/")


def walk(patterns=None, prefix="", namespace=""):
    """Every URL pattern of the project: (route, name with namespace, pattern)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), full)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"?{pattern.pattern}"
            yield prefix + str(pattern.pattern), f"{namespace}:{name}" if namespace else name


def classify(response) -> str:
    status = response.status_code
    if 200 <= status < 300:
        return "o"
    if 300 <= status < 400:
        location = response.headers.get("Location", "")
        return "l" if any(path in location for path in LOGIN_PATHS) else "r"
    return {
        401: "u",
        403: "d",
        404: "d",
        405: "x",
        409: "c",
        400: "b",
        422: "b",
        429: "t",
    }.get(status, str(status))


def url_of(name: str, args: str, ids: dict) -> str:
    kwargs = {}
    for item in args.split():
        key, _, value = item.partition("=")
        kwargs[key] = value[1:] if value.startswith(":") else ids[value]
    return reverse(name, kwargs=kwargs)


def api_path(path: str, args: str, ids: dict) -> str:
    for item in args.split():
        key, _, value = item.partition("=")
        path = path.replace(
            "{" + key + "}", str(value[1:] if value.startswith(":") else ids[value])
        )
    return path


# Reference data no page writes (the official geography): left out of the snapshots.
REFERENCE_MODELS = {"geo.Region", "geo.Departement", "geo.Epci", "geo.Commune", "geo.ReferenceLoad"}
# The app whose tables a route of the API writes, by the first segment of its path.
API_APPS = {
    "auth": "accounts",
    "applications": "applications",
    "reviews": "reviews",
    "support-plans": "support",
    "support-actions": "support",
    "projects": "projects",
    "organisations": "actors",
    "geo": "geo",
    "instruments": "financing",
    "financing-requests": "financing",
    "tickets": "regulatory",
    "indicators": "impact",
    "measurements": "impact",
    "impact": "impact",
    "webhooks": "webhooks",
    "webhook-deliveries": "webhooks",
    "calls": "calls",
    "waves": ("calls", "labels"),
    "labels": "labels",
    "offers": "synergies",
    "introductions": "synergies",
    "events": "synergies",
    "news": "portal",
    "programmes": ("calls", "operators"),
    "experimentation-requests": "regulatory",
    "held-mail": "regulatory",
    "instruction": ("applications", "reviews"),
    "support-milestones": "support",
    "support-decisions": "support",
}


def app_models(url: str):
    """The models whose rows a refused write must leave as they were: those of the app the
    route belongs to, and the accounts' (memberships, tokens)."""
    from django.urls import resolve

    path = url.split("?")[0]
    if path.startswith("/api/v1/"):
        found = API_APPS.get(path.split("/")[3], ())
        written = (found,) if isinstance(found, str) else found
    else:
        module = resolve(path).func.__module__
        written = (module.split(".")[1],) if module.startswith("essaim.") else ()
    labels = ["accounts"]
    labels += [label for label in written if label not in {"accounts", "api", "core"}]
    return [
        model
        for label in labels
        for model in apps.get_app_config(label).get_models()
        if model._meta.label not in REFERENCE_MODELS
    ]


class _WriteSeen:
    """An ``execute_wrapper`` noting whether a request ran any INSERT, UPDATE or DELETE."""

    def __init__(self):
        self.seen = False

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip()[:6].upper() in {"INSERT", "UPDATE", "DELETE"}:
            self.seen = True
        return execute(sql, params, many, context)


def ask(world, url: str, method: str, *, body=None) -> str:
    """The answer of every identity, one letter each (in IDENTITIES' order). Each request runs
    in a savepoint rolled back afterwards, so an allowed write changes nothing for the next
    identity; a write answered otherwise than 2xx/3xx-elsewhere (refused, or input refused)
    must leave the tables as they were.

    The tables are compared only when the refused request ran a write statement (a request that
    wrote nothing changed nothing): its state inside the savepoint against the state once the
    savepoint is rolled back, which is the state before the request."""
    letters = []
    models = app_models(url) if method != "get" else []
    before = None
    for identity in IDENTITIES:
        client = world.client(identity)
        after = None
        writes = _WriteSeen()
        with transaction.atomic():
            with connection.execute_wrapper(writes):
                if method == "get":
                    response = client.get(url)
                elif body is None:
                    response = getattr(client, method)(url)
                else:
                    response = getattr(client, method)(
                        url, data=json.dumps(body), content_type="application/json"
                    )
            letter = classify(response)
            close_response(response)
            if models and letter not in ALLOWED and writes.seen:
                after = table_state(*models)
            transaction.set_rollback(True)
        if after is not None:
            before = before or table_state(*models)
            assert after == before, f"{method.upper()} {url} as {identity}: refused but changed"
        letters.append(letter)
    return " ".join(letters)


def openapi_operations() -> list[tuple[str, str]]:
    """Every (METHOD, path) of the API's OpenAPI document."""
    from essaim.api.urls import api

    schema = api.get_openapi_schema()
    operations = []
    for path, item in schema["paths"].items():
        for method in item:
            if method in {"get", "post", "put", "patch", "delete"}:
                operations.append((method.upper(), path))
    return operations


def route_regex_to_openapi(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
