"""Reads of the single window, scoped to the user, and the public figures."""

from statistics import median

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from essaim.core.search import search, search_any
from essaim.core.text import words
from essaim.regulatory.models import KnowledgeArticle, KnowledgeCategory, Ticket
from essaim.regulatory.workflow import RESOLVED_OUTCOMES, Outcome, TicketState


def tickets_for(user, *, filters: dict | None = None, q: str = ""):
    """The tickets ``user`` may see, narrowed by the queue filters and a full-text query."""
    filters = filters or {}
    queryset = Ticket.objects.visible_to(user).select_related(
        "assignee", "perimeter", "organisation", "programme"
    )
    for field in ("state", "category", "priority"):
        if filters.get(field):
            queryset = queryset.filter(**{field: filters[field]})
    if filters.get("perimeter"):
        queryset = queryset.filter(perimeter=filters["perimeter"])
    if filters.get("assignee"):
        queryset = queryset.filter(assignee=filters["assignee"])
    if filters.get("overdue"):
        queryset = queryset.overdue()
    return search(queryset, q, ordering=("-received_at", "-pk"))


def theme_title_subquery():
    """The title of an article's category, for ``annotate(theme_title=…)`` (no extra query):
    its programme's, else (an article without a programme) the first programme's of that code."""
    own = KnowledgeCategory.objects.filter(
        programme_id=OuterRef("programme_id"), code=OuterRef("theme")
    ).values("title")[:1]
    first = (
        KnowledgeCategory.objects.filter(code=OuterRef("theme"))
        .order_by("programme_id")
        .values("title")[:1]
    )
    return Coalesce(Subquery(own), Subquery(first))


def published_articles(*, q: str = "", theme: str = "", rule: str = ""):
    queryset = KnowledgeArticle.objects.filter(is_published=True).annotate(
        theme_title=theme_title_subquery()
    )
    if theme:
        queryset = queryset.filter(theme=theme)
    if rule:
        for word in words(rule):
            queryset = queryset.filter(search_text__contains=word)
    # Questions are asked in one's own words: any word (stemmed) finds an answer, the answers
    # matching the most words first ("vendre des repas" finds "servir des repas payants").
    return search_any(queryset, q, ordering=("-published_at", "-pk"))


def public_figures(programme=None) -> dict:
    """Tickets received, share resolved, median days to first answer, share feasible without
    derogation (tickets clarified among the tickets with an outcome other than withdrawn)."""
    tickets = Ticket.objects.all()
    if programme is not None:
        tickets = tickets.filter(programme=programme)
    counts = tickets.aggregate(
        received=Count("pk"),
        resolved=Count(
            "pk", filter=Q(state=TicketState.CLOSED, outcome__in=list(RESOLVED_OUTCOMES))
        ),
        with_outcome=Count(
            "pk", filter=Q(state=TicketState.CLOSED) & ~Q(outcome=Outcome.WITHDRAWN)
        ),
        clarified=Count("pk", filter=Q(state=TicketState.CLOSED, outcome=Outcome.CLARIFIED)),
    )
    delays = [
        (answered - received).total_seconds() / 86400
        for received, answered in tickets.filter(first_answered_at__isnull=False).values_list(
            "received_at", "first_answered_at"
        )
    ]
    received = counts["received"]
    return {
        "received": received,
        "resolved": counts["resolved"],
        "share_resolved": round(100 * counts["resolved"] / received) if received else None,
        "median_days_to_first_answer": round(median(delays), 1) if delays else None,
        "share_feasible_without_derogation": (
            round(100 * counts["clarified"] / counts["with_outcome"])
            if counts["with_outcome"]
            else None
        ),
    }
