"""Reads of the programmes' news: the public list, the home page's latest posts, the team's
own list. Each is a fixed number of queries, whatever the volume."""

from essaim.calls.models import Programme
from essaim.portal.models import NewsPost

HOME_NEWS_COUNT = 3
FEED_ITEM_COUNT = 20


def public_news(programme: Programme | None = None):
    """Published posts whose date has come, newest first, with what a card shows."""
    posts = NewsPost.objects.published().select_related("programme", "author")
    if programme is not None:
        posts = posts.filter(programme=programme)
    return posts.order_by("-published_at", "-pk")


def latest_news(count: int = HOME_NEWS_COUNT) -> list[NewsPost]:
    """The ``count`` latest published posts (the home page). One query."""
    return list(public_news()[:count])


def news_programmes():
    """The programmes with at least one published post (the list's filter). One query."""
    return Programme.objects.filter(
        pk__in=NewsPost.objects.published().values("programme")
    ).order_by("name")


def team_news(user):
    """Every post, drafts included, of the programmes ``user`` writes news for."""
    return (
        NewsPost.objects.of_staff(user)
        .select_related("programme", "author")
        # Drafts first ("draft" sorts before "published"): they wait for the team.
        .order_by("status", "-published_at", "-pk")
    )
