"""The API's page-number pagination, with bounded parameters.

Django-ninja's own accepts any ``page`` (``?page=10**20`` becomes an SQL offset no database
holds: a 500) and any ``page_size``. Here ``page`` goes from 1 to ``MAX_PAGE`` and ``page_size``
from 1 to ``MAX_PAGE_SIZE``; beyond, a 422 names the parameter. Every list endpoint uses this
class (``from essaim.core.api.pagination import PageNumberPagination``).
"""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination
from ninja.pagination import paginate

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 100

__all__ = ["MAX_PAGE", "MAX_PAGE_SIZE", "PageNumberPagination", "paginate"]


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
