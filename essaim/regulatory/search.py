"""French full-text search over tickets and published answers: PostgreSQL's text search
(``french_unaccent`` configuration created by this app's migration, GIN-indexed
``search_vector``) or, on SQLite, a word match over the accent-free ``search_text``.

Both columns are written by :func:`index` — called by the services and the demo loader, never by
``save()`` or signals.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Value

from essaim.core.text import normalise, words
from essaim.regulatory.models import KnowledgeArticle

SEARCH_CONFIG = "french_unaccent"


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def ticket_parts(ticket, rules=None) -> list[tuple[str, str]]:
    if rules is None:
        rules = ticket.rules.all() if ticket.pk else []
    rules = " ".join(str(rule) for rule in rules)
    return [
        (f"{ticket.number} {ticket.title}", "A"),
        (f"{ticket.rules_text} {rules}", "B"),
        (f"{ticket.wants_to_do} {ticket.blocked_by} {ticket.project_title}", "C"),
    ]


def article_parts(article) -> list[tuple[str, str]]:
    return [
        (article.title, "A"),
        (article.rule_reference, "A"),
        (article.question, "B"),
        (article.answer, "C"),
    ]


def index(objects, parts=None) -> None:
    """Refresh ``search_text`` (every database) and ``search_vector`` (PostgreSQL)."""
    for obj in objects:
        pieces = (parts or _parts_for(obj))(obj)
        values = {"search_text": normalise(" ".join(text for text, _w in pieces if text))}
        if uses_postgres():
            vector = None
            for text, weight in pieces:
                piece = SearchVector(Value(text or ""), weight=weight, config=SEARCH_CONFIG)
                vector = piece if vector is None else vector + piece
            values["search_vector"] = vector
        type(obj).objects.filter(pk=obj.pk).update(**values)
        obj.search_text = values["search_text"]


def _parts_for(obj):
    return article_parts if isinstance(obj, KnowledgeArticle) else ticket_parts


def search(queryset, query: str, ordering=("-pk",)):
    """``queryset`` narrowed to the rows matching every word of ``query`` (the last word may be
    a prefix), best first on PostgreSQL. An empty query changes nothing."""
    terms = words(query)
    if not terms:
        return queryset
    if uses_postgres():
        raw = " & ".join(f"{term}:*" for term in terms)
        tsquery = SearchQuery(raw, config=SEARCH_CONFIG, search_type="raw")
        return (
            queryset.filter(search_vector=tsquery)
            .annotate(rank=SearchRank(F("search_vector"), tsquery))
            .order_by("-rank", *ordering)
        )
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
    return queryset
