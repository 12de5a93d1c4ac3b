"""What of a ticket and a published answer is searched, with which weight. The search itself
(French full-text on PostgreSQL in the ``french_unaccent`` configuration, a word match over the
accent-free ``search_text`` on SQLite) is ``essaim.core.search``.

Both columns are written by :func:`index` — called by the services and the demo loader, never by
``save()`` or signals.
"""

from essaim.core import search as full_text
from essaim.regulatory.models import KnowledgeArticle


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
    """Refresh ``search_text`` (every database) and ``search_vector`` (PostgreSQL) of tickets
    and published answers (``parts`` defaults to the one of each object's model)."""
    for obj in objects:
        full_text.index([obj], parts or _parts_for(obj))


def _parts_for(obj):
    return article_parts if isinstance(obj, KnowledgeArticle) else ticket_parts
