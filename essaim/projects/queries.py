"""Reads of projects: the directory's search and filters, shared by the pages and the API."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection

from essaim.actors.search import SEARCH_CONFIG
from essaim.core.text import words
from essaim.projects.fields import code_filter
from essaim.projects.models import Need, NeedStatus, Project


def search(queryset, query: str):
    """Projects matching every word of ``query`` (the last one may be a prefix), best first.

    The approach of ``essaim.actors.search``: on PostgreSQL, French full-text search with the
    ``french_unaccent`` configuration that the actors app installs (stemmed and accent-blind:
    "cooperatifs" finds "coopérative"); on SQLite, an accent-free match of each word in
    ``search_text``."""
    terms = words(query)
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        vector = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
            "summary", weight="B", config=SEARCH_CONFIG
        )
        raw = " & ".join(f"{term}:*" for term in terms)
        tsquery = SearchQuery(raw, config=SEARCH_CONFIG, search_type="raw")
        return (
            queryset.annotate(search=vector)
            .filter(search=tsquery)
            .annotate(rank=SearchRank(vector, tsquery))
            .order_by("-rank", "title", "pk")
        )
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
    return queryset


def directory(
    queryset=None,
    *,
    q: str = "",
    territory: str = "",
    region: str = "",
    stage: str = "",
    domain: str = "",
    need: str = "",
):
    """The directory's filters; empty values filter nothing. ``territory`` is a perimeter slug
    or id, ``region`` an INSEE code (matched through the communes served), ``need`` a need kind
    that is still open."""
    qs = queryset if queryset is not None else Project.objects.all()
    if territory:
        qs = (
            qs.filter(perimeter_id=int(territory))
            if territory.isdecimal()
            else qs.filter(perimeter__slug=territory)
        )
    if region:
        qs = qs.filter(
            pk__in=Project.communes.through.objects.filter(commune__region__code=region).values(
                "project_id"
            )
        )
    if stage:
        qs = qs.filter(stage=stage)
    if domain:
        qs = qs.filter(**code_filter("domains", domain))
    if need:
        qs = qs.filter(
            pk__in=Need.objects.filter(kind=need, status=NeedStatus.OPEN).values("project_id")
        )
    qs = qs.select_related("holder", "perimeter")
    if q:
        return search(qs, q)
    return qs.order_by("title", "pk")
