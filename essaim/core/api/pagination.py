"""The API's pagination: keyset cursors, and bounded page numbers for existing clients.

Every list endpoint uses ``@paginate(PageNumberPagination)`` (``from essaim.core.api.pagination
import PageNumberPagination``) and returns its rows, or ``mapped(rows, to_answer)``. Each answer
carries ``next`` and ``previous`` cursors:

- ``?cursor=<next>`` serves the following page at a constant cost (a keyset: ``WHERE (keys) >
  (row's keys)``, see :mod:`essaim.core.api.cursor`), and does not count the rows (``count`` is
  null). ``?cursor=`` (empty) starts at the first page.
- ``?page=N`` (deprecated beyond the first pages: ``OFFSET`` reads every row before the page) is
  kept for existing clients, with ``count`` — exact up to :data:`COUNT_CAP` rows; for a longer
  list ``count`` is null (counting 100,000 rows on every request cost more than the page
  itself): follow ``next`` until it is null. Django-ninja's own page number accepts any ``page``
  (``?page=10**20`` becomes an SQL offset no database holds: a 500); here ``page`` goes from 1 to
  ``MAX_PAGE`` and ``page_size`` from 1 to ``MAX_PAGE_SIZE``; beyond, a 422 names the parameter.

The order is the queryset's own with the primary key appended, so pages never overlap nor skip a
row when the ordering keys tie; an endpoint changes nothing to get cursors.

A list identical for every caller (public data: the labels, say) may be kept in the cache of
public fragments: ``@paginate(PageNumberPagination, public_topics=(cache.LABELS,))`` keeps each
page's answer under its path and query string until one of the topics changes
(:mod:`essaim.core.cache`). Never for a list that depends on who asks.
"""

from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field
from ninja.pagination import PaginationBase, paginate

from essaim.core import cache
from essaim.core.api import cursor as cursors
from essaim.core.api.schema import Schema

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 100
# Page numbers count the rows up to this many; beyond, ``count`` is null.
COUNT_CAP = 1_000

__all__ = [
    "COUNT_CAP",
    "MAX_PAGE",
    "MAX_PAGE_SIZE",
    "PageNumberPagination",
    "mapped",
    "paginate",
]


class PageNumberPagination(PaginationBase):
    class Input(Schema):
        cursor: str | None = Field(
            None,
            max_length=cursors.MAX_CURSOR_LENGTH,
            description=(
                "an answer's `next` or `previous`, as is: pages at a constant cost, without "
                "`count`; empty for the first page"
            ),
        )
        page: int | None = Field(
            None,
            ge=1,
            le=MAX_PAGE,
            description=(
                "page number, from 1 (deprecated beyond the first pages: a deep page costs "
                "what every row before it costs; follow `next` instead)"
            ),
        )
        page_size: int | None = Field(
            None, ge=1, le=MAX_PAGE_SIZE, description="items per page (the endpoint's default)"
        )

    class Output(Schema):
        items: list[Any]
        count: int | None = Field(
            description=(
                f"the number of rows when paging by number and there are at most {COUNT_CAP:,}; "
                "null when paging by cursor or beyond (follow `next` until it is null)"
            )
        )
        next: str | None = Field(description="the cursor of the next page; null on the last")
        previous: str | None = Field(
            description="the cursor of the previous page; null on the first"
        )

    def __init__(
        self,
        page_size: int = MAX_PAGE_SIZE,
        max_page_size: int = MAX_PAGE_SIZE,
        public_topics: tuple[str, ...] = (),
        **kwargs,
    ):
        self.page_size = page_size
        self.max_page_size = min(max_page_size, MAX_PAGE_SIZE)
        self.public_topics = public_topics
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset, pagination: Input, request, **params) -> dict:
        query = request.META.get("QUERY_STRING", "")
        if not self.public_topics or len(query) > cache.MAX_QUERY_STRING:
            return self._page(queryset, pagination, request)
        return cache.cached(
            f"api:{request.path}",
            topics=self.public_topics,
            parts=(query,),
            compute=lambda: self._page(queryset, pagination, request),
        )

    def _page(self, queryset, pagination: Input, request) -> dict:
        size = min(pagination.page_size or self.page_size, self.max_page_size)
        if pagination.cursor is not None and pagination.page is not None:
            raise cursors.invalid(_("Donnez soit cursor, soit page, pas les deux."))
        rows, to_answer = (
            (queryset.rows, queryset.to_answer)
            if isinstance(queryset, Mapped)
            else (queryset, None)
        )
        keyset = cursors.Keyset.of(rows, request.path) if isinstance(rows, QuerySet) else None
        if pagination.cursor is None:
            page = _by_number(rows, keyset, request.path, pagination.page or 1, size)
        elif keyset is None:
            page = _by_offset(rows, request.path, pagination.cursor, size)
        else:
            page = _by_keyset(keyset, pagination.cursor, size)
        if to_answer is not None:
            page["items"] = [to_answer(row) for row in page["items"]]
        return page


def _fingerprint(path: str) -> str:
    return f"offset:{path}"


def _capped_count(rows) -> int | None:
    """The number of rows, when at most ``COUNT_CAP`` (a count over a bounded subquery)."""
    if not isinstance(rows, QuerySet):
        return len(rows)
    count = rows.order_by()[: COUNT_CAP + 1].count()
    return count if count <= COUNT_CAP else None


def _by_number(rows, keyset: "cursors.Keyset | None", path: str, number: int, size: int) -> dict:
    count = _capped_count(rows)
    offset = (number - 1) * size
    source = keyset.rows if keyset is not None else rows
    items = list(source[offset : offset + size + 1])
    more = len(items) > size
    items = items[:size]
    if keyset is None:
        nxt = cursors.Position(offset=offset + size) if more else None
        previous = cursors.Position(offset=max(offset - size, 0)) if offset and items else None
        return _answer(items, count, nxt, previous, _fingerprint(path))
    nxt = cursors.Position(keyset.values(items[-1])) if more and items else None
    previous = cursors.Position(keyset.values(items[0]), True) if offset and items else None
    return _answer(items, count, nxt, previous, keyset.fingerprint)


def _by_offset(rows, path: str, cursor: str, size: int) -> dict:
    """A list built in Python (or an order no keyset can follow): the cursor holds an offset."""
    offset = 0 if cursor == "" else cursors.decode(cursor, _fingerprint(path), None).offset
    items = list(rows[offset : offset + size + 1])
    nxt = cursors.Position(offset=offset + size) if len(items) > size else None
    previous = cursors.Position(offset=max(offset - size, 0)) if offset else None
    return _answer(items[:size], None, nxt, previous, _fingerprint(path))


def _by_keyset(keyset: "cursors.Keyset", cursor: str, size: int) -> dict:
    position = (
        None if cursor == "" else cursors.decode(cursor, keyset.fingerprint, len(keyset.keys))
    )
    if position is None or position.values is None:  # the first page
        items = list(keyset.rows[: size + 1])
        nxt = cursors.Position(keyset.values(items[size - 1])) if len(items) > size else None
        return _answer(items[:size], None, nxt, None, keyset.fingerprint)
    items = keyset.page(position, size)
    more = len(items) > size
    items = items[:size]
    if position.backward:
        items.reverse()
        # Nothing before the cursor's row: the next page is the first one.
        nxt = cursors.Position(keyset.values(items[-1]) if items else None)
        previous = cursors.Position(keyset.values(items[0]), True) if more else None
    else:
        nxt = cursors.Position(keyset.values(items[-1])) if more else None
        previous = cursors.Position(keyset.values(items[0]) if items else position.values, True)
    return _answer(items, None, nxt, previous, keyset.fingerprint)


def _answer(items, count, nxt, previous, fingerprint) -> dict:
    def encoded(position):
        return None if position is None else cursors.encode(position, fingerprint)

    return {"items": items, "count": count, "next": encoded(nxt), "previous": encoded(previous)}


class Mapped:
    """Rows turned into the API's answers only for the page served.

    A list endpoint returns ``mapped(queryset, to_answer)`` instead of building every answer:
    the pagination slices it (one ``LIMIT`` query, after a keyset ``WHERE`` or an ``OFFSET``) and
    counts it when paging by number (one ``COUNT``), so a list of 100,000 rows costs what a page
    of 50 costs."""

    def __init__(self, rows: QuerySet | list, to_answer: Callable):
        self.rows = rows
        self.to_answer = to_answer

    def all(self) -> "Mapped":
        return self

    def count(self) -> int:
        if isinstance(self.rows, QuerySet):
            return self.rows.count()
        return len(self.rows)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.to_answer(row) for row in self.rows[index]]
        return self.to_answer(self.rows[index])

    def __iter__(self) -> Iterator:
        return (self.to_answer(row) for row in self.rows)


def mapped(rows: QuerySet | list, to_answer: Callable) -> Mapped:
    return Mapped(rows, to_answer)
