"""Full-text search over organisations, through ``essaim.core.search``: PostgreSQL's text search
(``french_unaccent`` configuration, GIN-indexed ``search_vector``, ranked) or, on SQLite, a plain
word match over the accent-free ``search_text``.

Both columns are written by :func:`organisation_index` — called by the services and the demo
loader, never by ``save()`` or signals.
"""

from django.db.models import Case, FloatField, Value, When

from essaim.core import search as full_text
from essaim.core.text import words

ORDERING = ("name", "pk")


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
    full_text.index(organisations, _parts)


def search(queryset, query: str):
    """``queryset`` narrowed to the organisations matching every word of ``query`` (a prefix of
    the last word too), best matches first. An empty query changes nothing."""
    found = full_text.search(queryset, query, ordering=ORDERING)
    terms = words(query)
    if not terms or full_text.uses_postgres():
        return found
    # SQLite: a crude relevance — ``search_text`` starts with the name, so names starting with
    # the query come first.
    return found.annotate(
        rank=Case(
            When(search_text__startswith=" ".join(terms), then=Value(1.0)),
            default=Value(0.5),
            output_field=FloatField(),
        )
    ).order_by("-rank", *ORDERING)
