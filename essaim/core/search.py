"""French full-text search, one copy for every app that searches (organisations, projects,
tickets, published answers).

A searchable model has two columns written by :func:`index` — called by its services and demo
loader, never by ``save()`` or signals: ``search_text``, the accent-free lower-case text (every
database), and ``search_vector`` (PostgreSQL only: a ``SearchVectorField`` with a GIN index, in
the ``french_unaccent`` configuration that the ``actors`` migration creates). Each app says which
texts, with which weight (``"A"`` to ``"D"``), through a ``parts(obj)`` function.

:func:`search` narrows a queryset to the rows matching every word of a query (the last word may
be a prefix), ranked on PostgreSQL; on SQLite, a plain word match.
"""

from collections.abc import Callable, Iterable, Sequence

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Model, QuerySet, Value

from essaim.core.text import normalise, words

SEARCH_CONFIG = "french_unaccent"

Parts = Callable[[Model], list[tuple[str, str]]]


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def text_of(pieces: Iterable[tuple[str, str]]) -> str:
    """The ``search_text`` of ``parts(obj)``: its texts, accent-free and lower-case (what a
    service sets before the first ``save()`` when it needs no ``search_vector``)."""
    return normalise(" ".join(text for text, _weight in pieces if text))


def index(objects: Iterable[Model], parts: Parts) -> None:
    """Refresh ``search_text`` (and ``search_vector`` on PostgreSQL) of ``objects`` from
    ``parts(obj)`` — a list of (text, weight). One UPDATE per object."""
    for obj in objects:
        pieces = parts(obj)
        values = {"search_text": text_of(pieces)}
        if uses_postgres():
            vector = None
            for text, weight in pieces:
                piece = SearchVector(Value(text or ""), weight=weight, config=SEARCH_CONFIG)
                vector = piece if vector is None else vector + piece
            values["search_vector"] = vector
        type(obj)._default_manager.filter(pk=obj.pk).update(**values)
        obj.search_text = values["search_text"]


def tsquery(query: str) -> SearchQuery | None:
    """Every word of ``query``, the last one a prefix too, for PostgreSQL (None: no word)."""
    terms = words(query)
    if not terms:
        return None
    raw = " & ".join(f"{term}:*" for term in terms)
    return SearchQuery(raw, config=SEARCH_CONFIG, search_type="raw")


def search(
    queryset: QuerySet,
    query: str,
    *,
    ordering: Sequence[str] = ("-pk",),
    vector: SearchVector | None = None,
) -> QuerySet:
    """``queryset`` narrowed to the rows matching every word of ``query``, best first
    (``rank``, then ``ordering``). An empty query changes nothing.

    On PostgreSQL the rows' ``search_vector`` is matched, or ``vector`` — a ``SearchVector``
    computed per query, in :data:`SEARCH_CONFIG`, for a model that keeps no such column."""
    terms = words(query)
    if not terms:
        return queryset
    if uses_postgres():
        wanted = tsquery(query)
        if vector is not None:
            queryset = queryset.annotate(search_document=vector)
            document = F("search_document")
        else:
            document = F("search_vector")
        return (
            queryset.filter(**{document.name: wanted})
            .annotate(rank=SearchRank(document, wanted))
            .order_by("-rank", *ordering)
        )
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
    return queryset.order_by(*ordering)
