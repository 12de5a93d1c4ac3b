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

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Value,
    When,
)

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
    stop words such as "des", "le" left out), by stem ("vendre" finds "vendent", "repas" finds
    "repas" but not "réparé"), best first. An empty query changes nothing.

    Relevance (annotated ``relevance``) is the sum, over the query's words a row holds, of the
    word's rarity among the rows (``log(1 + rows / rows holding it)``): the rows holding the most
    words, and the rarer ones, come first — "vendre des repas" puts the only answer about meals
    before the several about selling. Ties: on PostgreSQL ``SearchRank`` (weights: title first),
    elsewhere how often the words occur; then ``ordering``.

    PostgreSQL: each word is a query in :data:`SEARCH_CONFIG` (French stemming) against
    ``search_vector``; one aggregate counts the rows holding each. Elsewhere (SQLite: development
    and the demo) the words of ``search_text`` and of the query are stemmed alike
    (:func:`essaim.core.text.french_stem`) and compared in Python over the rows holding a stem
    (one query), the result being a queryset of their ids."""
    terms = significant_words(query)
    if not terms:
        return queryset
    if not uses_postgres():
        return _search_any_stemmed(queryset, terms, ordering)
    per_term = [SearchQuery(term, config=SEARCH_CONFIG, search_type="plain") for term in terms]
    counts = queryset.aggregate(
        total=Count("pk"),
        **{f"t{i}": Count("pk", filter=Q(search_vector=tq)) for i, tq in enumerate(per_term)},
    )
    weights = [_rarity(counts["total"], counts[f"t{i}"]) for i in range(len(per_term))]
    held = [(tq, w) for tq, w in zip(per_term, weights, strict=True) if w]
    if not held:
        return queryset.none()
    anyone = held[0][0]
    for term_query, _weight in held[1:]:
        anyone = anyone | term_query
    relevance = sum(
        (Case(When(Q(search_vector=tq), then=Value(w)), default=Value(0.0)) for tq, w in held),
        Value(0.0),
    )
    return (
        queryset.annotate(
            relevance=ExpressionWrapper(relevance, output_field=FloatField()),
            rank=SearchRank(F("search_vector"), anyone),
        )
        .filter(relevance__gt=0)
        .order_by("-relevance", "-rank", *ordering)
    )


def _rarity(total: int, holding: int) -> float:
    return math.log(1 + total / holding) if holding else 0.0


def _search_any_stemmed(queryset: QuerySet, terms: list[str], ordering: Sequence[str]):
    stems = list(dict.fromkeys(french_stem(term) for term in terms))
    hold_a_stem = Q()
    for stem in stems:
        hold_a_stem |= Q(search_text__contains=stem)
    found: dict[int, Counter] = {}
    for pk, text in queryset.filter(hold_a_stem).values_list("pk", "search_text"):
        occurrences = Counter(french_stem(word) for word in words(text))
        if any(stem in occurrences for stem in stems):
            found[pk] = occurrences
    total = queryset.count() if found else 0
    rarity = {
        stem: _rarity(total, sum(1 for row in found.values() if stem in row)) for stem in stems
    }
    scores = {
        pk: (
            sum(rarity[stem] for stem in stems if stem in row),
            sum(row[stem] for stem in stems),
        )
        for pk, row in found.items()
    }
    position = {pk: i for i, pk in enumerate(sorted(scores, key=scores.get, reverse=True))}
    relevance = Case(
        *(When(pk=pk, then=Value(len(position) - i)) for pk, i in position.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        queryset.filter(pk__in=list(found))
        .annotate(relevance=relevance)
        .order_by("-relevance", *ordering)
    )
