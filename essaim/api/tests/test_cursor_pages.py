"""Cursor pagination: every row exactly once, in the list's order, whatever ties and NULLs the
ordering keys hold; a cursor that was altered, or comes from another list, is a 422 naming
``cursor``; no ``COUNT`` when paging by cursor."""

import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from essaim.calls.tests.factories import CallFactory, ProgrammeFactory
from essaim.core.api import pagination
from essaim.core.api.pagination import PageNumberPagination, mapped

pytestmark = pytest.mark.django_db

D1, D2 = datetime.date(2026, 1, 5), datetime.date(2026, 3, 1)


@pytest.fixture
def calls():
    """Nine calls ordered by ``-opens_on, pk``: three without a date, ties on both dates."""
    programme = ProgrammeFactory()
    dates = [None, D1, D1, D2, None, D2, D1, None, D2]
    return [CallFactory(programme=programme, opens_on=d).pk for d in dates]


def _walk(client, start: dict, direction: str = "next") -> list[int]:
    seen, params = [], start
    for _step in range(20):
        body = client.get("/api/v1/calls", params).json()
        assert body["count"] is None or "page" in params
        ids = [item["id"] for item in body["items"]]
        seen.extend(ids if direction == "next" else reversed(ids))
        if body[direction] is None:
            return seen
        params = {"cursor": body[direction], "page_size": 2}
    raise AssertionError("the walk never ends")


def test_cursor_walks_every_row_once_in_the_list_order(client, calls):
    reference = [item["id"] for item in client.get("/api/v1/calls?page_size=100").json()["items"]]
    assert sorted(reference) == sorted(calls)
    forward = _walk(client, {"cursor": "", "page_size": 2})
    assert forward == reference
    # From a page number, on by cursor, then back to the start by ``previous``.
    body = client.get("/api/v1/calls", {"page": 2, "page_size": 2}).json()
    assert body["count"] == 9
    after = _walk(client, {"cursor": body["next"], "page_size": 2})
    assert [i["id"] for i in body["items"]] + after == reference[2:]
    last = client.get("/api/v1/calls", {"page": 5, "page_size": 2}).json()
    assert last["next"] is None
    backward = _walk(client, {"cursor": last["previous"], "page_size": 2}, "previous")
    assert list(reversed(backward)) == reference[:8]


def test_cursor_pages_do_not_count(client, calls):
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/calls", {"cursor": "", "page_size": 3}).json()
    assert len(body["items"]) == 3
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


@pytest.mark.parametrize("change", ["tamper", "other_list", "both"])
def test_a_bad_cursor_is_a_422_naming_it(client, calls, change):
    cursor = client.get("/api/v1/calls", {"page_size": 2}).json()["next"]
    if change == "tamper":
        response = client.get("/api/v1/calls", {"cursor": cursor[:-3] + "abc"})
    elif change == "other_list":
        response = client.get("/api/v1/labels", {"cursor": cursor})
    else:
        response = client.get("/api/v1/calls", {"cursor": cursor, "page": 2})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["cursor"]


def test_a_list_built_in_python_pages_by_offset_cursor():
    paginator = PageNumberPagination(page_size=3)
    request = RequestFactory().get("/api/v1/things")
    rows, served = mapped(list(range(7)), lambda n: n * 10), []
    pagination = PageNumberPagination.Input(cursor="")
    while True:
        page = paginator.paginate_queryset(rows, pagination, request)
        served.extend(page["items"])
        if page["next"] is None:
            break
        pagination = PageNumberPagination.Input(cursor=page["next"])
    assert served == [n * 10 for n in range(7)]
    back = paginator.paginate_queryset(
        rows, PageNumberPagination.Input(cursor=page["previous"]), request
    )
    assert back["items"] == [30, 40, 50]


def test_page_numbers_count_up_to_the_cap_only(client, calls, monkeypatch):
    """Beyond ``COUNT_CAP`` rows a page number's answer has no ``count`` (counting a national
    list on every request cost more than its page); ``next`` still leads on, and the last page
    still says there is none after it."""
    monkeypatch.setattr(pagination, "COUNT_CAP", 9)
    assert client.get("/api/v1/calls", {"page_size": 2}).json()["count"] == 9
    monkeypatch.setattr(pagination, "COUNT_CAP", 8)
    body = client.get("/api/v1/calls", {"page_size": 2}).json()
    assert body["count"] is None and body["next"]
    last = client.get("/api/v1/calls", {"page": 5, "page_size": 2}).json()
    assert len(last["items"]) == 1 and last["next"] is None
    full = client.get("/api/v1/calls", {"page": 4, "page_size": 2}).json()
    assert len(full["items"]) == 2 and full["next"]
