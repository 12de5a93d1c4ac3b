"""Reads of projects: the directory's search and filters, shared by the pages and the API."""

from django.contrib.postgres.search import SearchVector

from essaim.core import search as full_text
from essaim.core.search import SEARCH_CONFIG
from essaim.projects.fields import code_filter
from essaim.projects.models import Need, NeedStatus, Project


def search(queryset, query: str):
    """Projects matching every word of ``query`` (the last one may be a prefix), best first.

    ``essaim.core.search``: on PostgreSQL, French full-text search (stemmed and accent-blind:
    "cooperatifs" finds "coopérative") over title and summary, computed per query (projects keep
    no ``search_vector`` column); on SQLite, an accent-free match of each word in
    ``search_text``."""
    vector = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "summary", weight="B", config=SEARCH_CONFIG
    )
    return full_text.search(queryset, query, ordering=("title", "pk"), vector=vector)


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
