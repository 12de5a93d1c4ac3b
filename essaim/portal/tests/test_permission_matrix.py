"""The permission matrix: every route of the URL configuration and every operation of the
OpenAPI document, asked by every identity of ``matrix_world.IDENTITIES`` on the demo data set,
answers what ``permission_matrix`` says; a refused write changes no row. A route or operation
without a row fails ``test_every_route_has_a_row``: classify it there.

The Django admin is classified as a whole (``ADMIN``): ``django.contrib.admin`` asks
``is_staff`` and the model permissions the same way for every page it serves.

To see what every identity gets today (when adding routes), run with
``ESSAIM_MATRIX_RECORD=/tmp/matrix.txt``: the tests then write the answers instead of comparing.
"""

import os

import pytest
from django.apps import apps

from . import matrix_world
from .matrix_probe import (
    CODES,
    api_path,
    ask,
    openapi_operations,
    route_regex_to_openapi,
    url_of,
    walk,
)
from .matrix_world import IDENTITIES
from .permission_matrix import API, PAGES

# The demo world, loaded once for this module (fixtures of matrix_world).
media = matrix_world.media
_media_root = matrix_world._media_root
world = matrix_world.world

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

RECORD = os.environ.get("ESSAIM_MATRIX_RECORD")
# The Django admin: superusers only; everyone else is sent to the (allauth) login page.
ADMIN_GET = "l l l l l l l l l o"
ADMIN_POST = "l l l l l l l l l -"
# The admin pages asked about (the others follow the same code path in django.contrib.admin).
ADMIN_ASKED = ("admin:index", "admin:regulatory_ticket_changelist", "admin:projects_project_change")


def _record(key: str, *answers) -> None:
    with open(RECORD, "a", encoding="utf-8") as out:
        out.write(f"{key} | " + " | ".join(answers) + "\n")


def _check(label: str, expected: str | None, observed: str) -> None:
    assert expected is not None, f"{label}: no expected answers in permission_matrix"
    legend = "  ".join(IDENTITIES)
    assert observed == expected, (
        f"{label}\n  {legend}\n  expected {expected}\n  observed {observed}"
    )


def test_every_route_has_a_row():
    operations = {f"{method} {path}" for method, path in openapi_operations()}
    missing, stale = [], []
    names = set()
    for route, name in walk():
        names.add(name)
        if name.startswith("admin:") or name in PAGES:
            continue
        if name.startswith("api:") and any(
            op.endswith(" " + route_regex_to_openapi(route)) for op in operations
        ):
            continue
        missing.append(f"{name} ({route})")
    missing += [f"API operation {op}" for op in sorted(operations - set(API))]
    stale += [name for name in PAGES if name not in names]
    stale += [op for op in API if op not in operations]
    assert not missing, "Routes without a row in permission_matrix:\n" + "\n".join(missing)
    assert not stale, "Rows of permission_matrix for no route:\n" + "\n".join(stale)


def test_the_table_uses_known_letters_only():
    for name, (_args, get, post) in PAGES.items():
        for answers in (get, post):
            letters = (answers or "").split()
            assert answers == "-" or len(letters) == len(IDENTITIES), name
            assert set(letters) <= set(CODES), name
    for name, (_args, expected, _body) in API.items():
        letters = (expected or "").split()
        assert len(letters) == len(IDENTITIES), name
        assert set(letters) <= set(CODES), name


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page(world, name):
    args, get, post = PAGES[name]
    url = url_of(name, args, world.ids)
    observed_get = ask(world, url, "get") if get != "-" or RECORD else "-"
    observed_post = ask(world, url, "post") if post != "-" or RECORD else "-"
    if RECORD:
        _record(name, observed_get, observed_post)
        return
    _check(f"GET {url} ({name})", get, observed_get)
    _check(f"POST {url} ({name})", post, observed_post)


def _body(body, ids):
    if isinstance(body, dict):
        return {key: _body(value, ids) for key, value in body.items()}
    if isinstance(body, list):
        return [_body(value, ids) for value in body]
    if isinstance(body, str) and body.startswith("@"):
        return ids[body[1:]]
    return body


@pytest.mark.parametrize("operation", sorted(API))
def test_api_operation(world, operation):
    args, expected, body = API[operation]
    method, path = operation.split(" ", 1)
    url = api_path(path, args, world.ids)
    observed = ask(world, url, method.lower(), body=_body(body, world.ids) if body else None)
    if RECORD:
        _record(operation, observed)
        return
    _check(f"{operation} ({url})", expected, observed)


def _admin_url(name: str) -> str:
    from django.urls import reverse

    if name.endswith("_change"):
        model = apps.get_model(*name.split(":")[1].rsplit("_", 1)[0].split("_", 1))
        return reverse(name, args=[model.objects.order_by("pk").first().pk])
    return reverse(name)


@pytest.mark.parametrize("name", ADMIN_ASKED)
def test_admin(world, name):
    url = _admin_url(name)
    observed_get = ask(world, url, "get")
    observed_post = ask(world, url, "post")
    # The superuser's POST is not asked: it would change the object.
    observed_post = " ".join(observed_post.split()[:-1] + ["-"])
    if RECORD:
        _record(name, observed_get, observed_post)
        return
    _check(f"GET {url}", ADMIN_GET, observed_get)
    _check(f"POST {url}", ADMIN_POST, observed_post)
