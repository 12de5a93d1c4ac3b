"""Full-text search over organisations: PostgreSQL's text search (``french_unaccent``
configuration, GIN-indexed ``search_vector``, ranked) or, on SQLite, a plain word match over the
accent-free ``search_text``.

Both columns are written by :func:`organisation_index` — called by the services and the demo
loader, never by ``save()`` or signals.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, FloatField, Value, When

from essaim.core.text import normalise, words

SEARCH_CONFIG = "french_unaccent"


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def _parts(organisation) -> list[tuple[str, str]]:
    commune = organisation.commune
    return [
        (organisation.name, "A"),
        (organisation.acronym, "A"),
        (f"{organisation.siren} {organisation.siret}".strip(), "A"),
        (f"{commune.name} {commune.insee}" if commune else "", "B"),
        (organisation.description, "C"),
    ]


def organisation_index(organisations) -> None:
    """Refresh ``search_text`` (every database) and ``search_vector`` (PostgreSQL) of the given
    organisations; one UPDATE each (they are written one at a time by people, in bulk only by
    the demo loader)."""
    for organisation in organisations:
        parts = _parts(organisation)
        values = {"search_text": normalise(" ".join(text for text, _weight in parts if text))}
        if uses_postgres():
            vector = None
            for text, weight in parts:
                piece = SearchVector(Value(text or ""), weight=weight, config=SEARCH_CONFIG)
                vector = piece if vector is None else vector + piece
            values["search_vector"] = vector
        type(organisation)._default_manager.filter(pk=organisation.pk).update(**values)
        organisation.search_text = values["search_text"]


def search(queryset, query: str):
    """``queryset`` narrowed to the organisations matching every word of ``query`` (a prefix of
    the last word too), best matches first. An empty query changes nothing."""
    terms = words(query)
    if not terms:
        return queryset
    if uses_postgres():
        # Each word may be a prefix ("econ" finds "économie"); the configuration stems and
        # drops accents on both sides.
        raw = " & ".join(f"{term}:*" for term in terms)
        tsquery = SearchQuery(raw, config=SEARCH_CONFIG, search_type="raw")
        return (
            queryset.filter(search_vector=tsquery)
            .annotate(rank=SearchRank(F("search_vector"), tsquery))
            .order_by("-rank", "name", "pk")
        )
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
    # A crude relevance: ``search_text`` starts with the name, so names starting with the query
    # come first.
    return queryset.annotate(
        rank=Case(
            When(search_text__startswith=" ".join(terms), then=Value(1.0)),
            default=Value(0.5),
            output_field=FloatField(),
        )
    ).order_by("-rank", "name", "pk")
