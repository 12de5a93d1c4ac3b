"""French full-text search, one copy for every app that searches (organisations, projects,
tickets, published answers).

A searchable model has two columns written by :func:`index` — called by its services and demo
loader, never by ``save()`` or signals: ``search_text``, the accent-free lower-case text (every
database), and ``search_vector`` (PostgreSQL only: a ``SearchVectorField`` with a GIN index, in
the ``french_unaccent`` configuration that the ``actors`` migration creates). Each app says which
texts, with which weight (``"A"`` to ``"D"``), through a ``parts(obj)`` function.

:func:`search` narrows a queryset to the rows matching every word of a query (the last word may
be a prefix), ranked on PostgreSQL; on SQLite, a plain word match. :func:`search_any` is the
forgiving one, for questions asked in one's own words (the knowledge base): a row matching ANY
word's stem is found, the rows matching the most words first.
"""

from collections.abc import Callable, Iterable, Sequence

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Model, Q, QuerySet, Value, When

from essaim.core.text import french_stem, normalise, significant_words, words

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


def search_any(
    queryset: QuerySet,
    query: str,
    *,
    ordering: Sequence[str] = ("-pk",),
) -> QuerySet:
    """``queryset`` narrowed to the rows matching ANY significant word of ``query`` (French
    stop words such as "des", "le" left out), by stem ("vendre" finds "vendra", "repas" finds
    "repas"), best first: the rows matching the most words, then (PostgreSQL) ``SearchRank``,
    then ``ordering``. An empty query changes nothing.

    PostgreSQL: each word is a ``word:*`` query in :data:`SEARCH_CONFIG` (French stemming)
    against ``search_vector``, OR-ed. SQLite: each word's stem
    (:func:`essaim.core.text.french_stem`) is looked for in ``search_text``. Both annotate
    ``matched_words``."""
    terms = significant_words(query)
    if not terms:
        return queryset
    if uses_postgres():
        per_term = [
            SearchQuery(f"{term}:*", config=SEARCH_CONFIG, search_type="raw") for term in terms
        ]
        anyone = per_term[0]
        for term_query in per_term[1:]:
            anyone = anyone | term_query
        matches = [Q(search_vector=term_query) for term_query in per_term]
        extra = {"rank": SearchRank(F("search_vector"), anyone)}
        best = ("-matched_words", "-rank")
    else:
        matches = [Q(search_text__contains=french_stem(term)) for term in terms]
        extra, best = {}, ("-matched_words",)
    score = sum(
        (
            Case(When(match, then=Value(1)), default=Value(0), output_field=IntegerField())
            for match in matches
        ),
        Value(0),
    )
    found = queryset.annotate(matched_words=score, **extra).filter(matched_words__gt=0)
    return found.order_by(*best, *ordering)
