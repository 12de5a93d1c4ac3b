"""No number in an address answers 500: ids beyond any column (10^20, 2^63) are unknown ids (404
or an empty list), page numbers are bounded (the API answers 422 beyond, the pages show the
nearest page), on every page and every API endpoint, walked from the URL configuration and the
OpenAPI document so that a new one is covered too. PostgreSQL raises on bigint overflow and
SQLite cannot even bind such a number: both are run in CI."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from essaim.accounts.tests.factories import UserFactory
from essaim.api.urls import api
from essaim.core.api.pagination import MAX_PAGE

HUGE = 10**20
pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _page_routes(patterns=None, prefix=""):
    """Every route of the site but the API and Django's admin: "financement/outils/<int:pk>/"."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(("api/", "admin/")):
            continue
        if isinstance(entry, URLResolver):
            yield from _page_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def _fill(route: str, number: int) -> str:
    def value(match):
        return str(number) if match.group(1) == "int" else "x"

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", value, route.lstrip("^").rstrip("$"))


def test_huge_path_id_is_404():
    """Every page with an id in its address, and every API path with one, for a superuser (who
    may see everything) and a visitor: never a 500."""
    routes = [r for r in _page_routes() if "<int:" in r]
    assert len(routes) > 40
    admin = UserFactory(is_superuser=True, is_staff=True)
    failures = []
    for user in (admin, None):
        client = _client(user)
        for route in routes:
            for number in (HUGE, 2**63, 2**63 - 1):
                url = _fill(route, number)
                for method in ("get", "post"):
                    status = getattr(client, method)(url).status_code
                    if status >= 500 or (status == 200 and method == "get" and number != 2**63 - 1):
                        failures.append((method, url, status))
    assert failures == []


def _api_operations():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def _api_url(path: str, operation: dict, number: int) -> tuple[str, dict]:
    query = {}
    for parameter in operation.get("parameters", []):
        kind = parameter["schema"].get("type")
        if kind is None:
            kinds = {v.get("type") for v in parameter["schema"].get("anyOf", [])}
            kind = "integer" if "integer" in kinds else "string"
        if parameter["in"] == "path":
            path = path.replace(
                "{" + parameter["name"] + "}", str(number) if kind == "integer" else "x"
            )
        elif parameter["in"] == "query" and kind == "integer":
            query[parameter["name"]] = str(number)
    return path, query


def test_huge_api_ids_and_query_numbers_never_500():
    admin = UserFactory(is_superuser=True, is_staff=True)
    failures = []
    for path, method, operation in _api_operations():
        for number in (HUGE, -(2**63) - 1, 2**63):
            url, query = _api_url(path, operation, number)
            client = _client(admin)
            if method == "get":
                response = client.get(url, {k: v for k, v in query.items() if "page" not in k})
            else:
                response = getattr(client, method)(url, "{}", content_type="application/json")
            if response.status_code >= 500:
                failures.append((method, url, query, response.status_code))
    assert failures == []


def test_api_bodies_with_huge_ids_never_500():
    """Ids in JSON bodies reach ``filter(pk=…)`` and ``filter(pk__in=…)`` lookups, which match
    nothing for a value no column holds (``essaim.core.lookups``)."""
    from essaim.support.tests.factories import build_world

    world = build_world()
    client = _client(world.lead)
    response = client.post(
        f"/api/v1/support-plans/{world.plan.pk}/actions",
        {
            "axis_id": HUGE,
            "title": "T",
            "challenge_id": 2**63,
            "lead_organisation_id": -(2**64),
            "partner_ids": [HUGE, 1],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"partner_ids"}


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"page": str(HUGE)}, 422),
        ({"page": str(MAX_PAGE + 1)}, 422),
        ({"page": "-1"}, 422),
        ({"page": "0"}, 422),
        ({"page": "abc"}, 422),
        ({"page": "1e400"}, 422),
        ({"page_size": str(10**9)}, 422),
        ({"page_size": "0"}, 422),
        ({"limit": str(10**9)}, 200),
        ({"offset": "-5"}, 200),
        ({"page": str(MAX_PAGE)}, 200),
    ],
)
def test_huge_page_number_answers_4xx(query, status):
    """Every paginated API list: a page number no database offset holds is a 422 naming the
    parameter; a page beyond the last is an empty page; unknown parameters are ignored."""
    admin = UserFactory(is_superuser=True, is_staff=True)
    client = _client(admin)
    paginated = [
        path
        for path, method, operation in _api_operations()
        if method == "get"
        and "{" not in path
        and any(p["name"] == "page" for p in operation.get("parameters", []))
    ]
    assert len(paginated) >= 15
    for path in paginated:
        response = client.get(path, query)
        assert response.status_code == status, (path, query, response.content[:300])
        if status == 422:
            field = response.json()["errors"][0]["field"]
            assert field in query, (path, field)
        elif "page" in query:
            assert response.json()["items"] == [], path


def test_huge_page_number_on_pages_shows_the_nearest_page():
    """The pages' pagination (Django's ``Paginator.get_page``, shared DSFR template) clamps:
    the last page for a number too large, the first for nonsense."""
    admin = UserFactory(is_superuser=True, is_staff=True)
    client = _client(admin)
    routes = [r for r in _page_routes() if "<" not in r]
    failures = []
    for route in routes:
        url = "/" + route
        for page in (str(HUGE), "-1", "0", "abc", "1e400", "9" * 5000):
            status = client.get(url, {"page": page, "offset": "-5", "limit": str(10**9)})
            if status.status_code >= 500 or status.status_code == 400:
                failures.append((url, page, status.status_code))
    assert failures == []


def test_superscript_digits_are_not_ids(world):
    """``"²".isdigit()`` is true but ``int("²")`` raises: ids from addresses and forms are read
    with ``isdecimal()``."""
    client = _client(world.holder)
    assert client.get("/projets/", {"territory": "²"}).status_code == 200
    assert client.get("/api/v1/projects", {"territory": "²"}).status_code == 200
    assert (
        client.get(f"/financement/projets/{world.supermarket.pk}/", {"need": "²"}).status_code
        == 200
    )
    response = client.post("/financement/alertes/suivre/", {"project": "²"})
    assert response.status_code in {302, 200}


def test_every_number_in_an_api_body_is_bounded_by_its_column():
    """The mechanism for new endpoints: an integer or decimal field of a request body states
    its bounds (``Money``, ``Field(ge=…, le=…)``), so that the OpenAPI says what the column
    holds and a larger value is a 422, never a database error. Ids are exempt: they only reach
    lookups, where a value no column holds matches nothing (``essaim.core.lookups``)."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]

    def resolve(spec):
        while "$ref" in spec:
            spec = components[spec["$ref"].rsplit("/", 1)[-1]]
        return spec

    def unbounded(spec, where):
        spec = resolve(spec)
        for variant in spec.get("anyOf", []):
            yield from unbounded(variant, where)
        if spec.get("type") == "object":
            for name, prop in spec.get("properties", {}).items():
                yield from unbounded(prop, f"{where}.{name}")
        elif spec.get("type") == "array":
            yield from unbounded(spec.get("items", {}), f"{where}[]")
        elif spec.get("type") in {"integer", "number"}:
            name = where.rsplit(".", 1)[-1].rstrip("[]")
            if not (name.endswith("_id") or name.endswith("_ids")) and "maximum" not in spec:
                yield where

    offenders = [
        where
        for path, method, operation in _api_operations()
        for content in operation.get("requestBody", {}).get("content", {}).values()
        for where in unbounded(content["schema"], f"{method.upper()} {path}")
    ]
    assert offenders == []
