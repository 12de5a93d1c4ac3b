"""The OpenAPI document: valid, complete (every route, every error answer), one definition per name.

Every schema of the OpenAPI document is one definition: django-ninja names a component after
its class, so two ``Schema`` classes of the same name in two apps would share one entry of the
document, and one of the two operations would be documented with the other's fields (found by
schemathesis: ``/projects/{id}/matches`` answered rules that the document described as the
single window's)."""

import importlib
import inspect
import json
import re

from django.apps import apps
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from ninja.schema import Schema as NinjaSchema
from openapi_spec_validator import validate


def _schemas():
    for config in apps.get_app_configs():
        if not config.name.startswith("essaim."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, NinjaSchema)
                and value.__module__ == module.__name__
            ):
                yield name, module.__name__, value


def test_no_two_api_schemas_share_a_name():
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for name, module, schema in _schemas():
        text = json.dumps(schema.model_json_schema(), sort_keys=True)
        if name in seen and seen[name][1] != text:
            clashes.append(f"{name}: {seen[name][0]} and {module}")
        seen.setdefault(name, (module, text))
    assert not clashes, "Rename one of each (the OpenAPI document keeps one):\n" + "\n".join(
        clashes
    )


def test_the_served_document_has_no_duplicated_key(client):
    """JSON parsers keep the last of two equal keys, YAML ones (Swagger UI's) refuse the document:
    an integer and a string ``429`` under one operation's responses once broke the API docs."""
    duplicates = []

    def pairs(items):
        keys = [key for key, _value in items]
        duplicates.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(items)

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content, object_pairs_hook=pairs)
    assert duplicates == []
    token = document["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert "429" in token


def _served(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_served_document_is_a_valid_openapi_document(client):
    """Checked by a real validator (openapi-spec-validator), on the document the clients read."""
    document = _served(client)
    validate(document)
    assert document["openapi"].startswith("3.")


def test_every_operation_documents_its_error_answers_with_a_schema(client):
    """Added centrally (``essaim.core.api.openapi``): an endpoint added tomorrow gets them too."""
    missing = []
    for path, operations in _served(client)["paths"].items():
        for method, operation in operations.items():
            wanted = {"401", "403", "429"}
            wanted |= {"404"} if "{" in path else set()
            wanted |= (
                {"422"} if operation.get("parameters") or "requestBody" in operation else set()
            )
            wanted |= {"409", "400", "422"} if method in {"post", "put", "patch"} else set()
            for status in sorted(wanted):
                answer = operation["responses"].get(status, {})
                if not answer.get("content", {}).get("application/json", {}).get("schema"):
                    missing.append(f"{method.upper()} {path}: {status}")
    assert missing == []


def _api_routes(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("api/v1/") or "api/v1/".startswith(route):
                yield from _api_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and route.startswith("api/v1/"):
            yield route


def test_every_api_route_is_documented_and_every_documented_path_resolves(client):
    paths = set(_served(client)["paths"])
    routes = {"/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r) for r in _api_routes()}
    # The document itself, its viewer, and django-ninja's root (a redirection to the viewer).
    routes -= {"/api/v1/docs", "/api/v1/openapi.json", "/api/v1/"}
    assert len(routes) > 40
    assert sorted(routes - paths) == []
    unresolved = []
    for path in paths:
        try:
            resolve(re.sub(r"\{\w+\}", "1", path))
        except Resolver404:
            unresolved.append(path)
    assert unresolved == []


def test_every_api_schema_has_the_fast_path_for_dictionaries():
    from essaim.core.api.schema import Schema

    others = [f"{module}.{name}" for name, module, cls in _schemas() if not issubclass(cls, Schema)]
    assert not others, "Derive them from essaim.core.api.schema.Schema: " + ", ".join(others)
