"""Every schema of the OpenAPI document is one definition: django-ninja names a component after
its class, so two ``Schema`` classes of the same name in two apps would share one entry of the
document, and one of the two operations would be documented with the other's fields (found by
schemathesis: ``/projects/{id}/matches`` answered rules that the document described as the
single window's)."""

import importlib
import inspect
import json

from django.apps import apps
from ninja import Schema


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
                and issubclass(value, Schema)
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
