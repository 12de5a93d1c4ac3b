"""The API's page-number pagination, with bounded parameters.

Django-ninja's own accepts any ``page`` (``?page=10**20`` becomes an SQL offset no database
holds: a 500) and any ``page_size``. Here ``page`` goes from 1 to ``MAX_PAGE`` and ``page_size``
from 1 to ``MAX_PAGE_SIZE``; beyond, a 422 names the parameter. Every list endpoint uses this
class (``from essaim.core.api.pagination import PageNumberPagination``).
"""

from collections.abc import Callable, Iterator

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination
from ninja.pagination import paginate

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 100

__all__ = ["MAX_PAGE", "MAX_PAGE_SIZE", "PageNumberPagination", "mapped", "paginate"]


class PageNumberPagination(NinjaPageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="page number, from 1")
        page_size: int | None = Field(
            None, ge=1, le=MAX_PAGE_SIZE, description="items per page (the endpoint's default)"
        )

    def __init__(
        self, page_size: int = MAX_PAGE_SIZE, max_page_size: int = MAX_PAGE_SIZE, **kwargs
    ):
        super().__init__(
            page_size=page_size, max_page_size=min(max_page_size, MAX_PAGE_SIZE), **kwargs
        )


class Mapped:
    """Rows turned into the API's answers only for the page served.

    A list endpoint returns ``mapped(queryset, to_answer)`` instead of building every answer:
    the pagination slices it (one ``LIMIT``/``OFFSET`` query) and counts it (one ``COUNT``), so
    a list of 100,000 rows costs what a page of 50 costs."""

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
