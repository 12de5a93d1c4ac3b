"""The Atom feed of the published news (``django.contrib.syndication``): the latest posts of
every programme, or of one with ``?programme=<slug>``. Two queries."""

import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from essaim.calls.models import Programme
from essaim.portal.news_queries import FEED_ITEM_COUNT, public_news


def _moment(day: datetime.date) -> datetime.datetime:
    """A post's date as the start of that day, in the site's time zone (Atom wants a moment)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class NewsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        wanted = request.GET.get("programme", "")
        if not wanted:
            return None
        programme = Programme.objects.filter(slug=wanted[:50]).first()
        if programme is None:
            raise Http404(
                _("Aucun programme n'a l'identifiant « %(slug)s ».") % {"slug": wanted[:50]}
            )
        return programme

    def title(self, programme):
        if programme is None:
            return _("Essaim — actualités")
        return _("%(programme)s — actualités") % {"programme": programme.name}

    def subtitle(self, programme):
        return _("Les actualités publiées par les équipes des programmes.")

    def link(self, programme):
        url = reverse("portal:news_list")
        return f"{url}?programme={programme.slug}" if programme else url

    def feed_url(self, programme):
        url = reverse("portal:news_feed")
        return f"{url}?programme={programme.slug}" if programme else url

    def items(self, programme):
        return list(public_news(programme)[:FEED_ITEM_COUNT])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom's summary is declared HTML (type="html"): the plain-text summary is escaped, so
        # that a reader shows "<b>" as typed rather than interpreting it.
        return escape(item.summary)

    def item_link(self, item):
        return reverse("portal:news_detail", args=[item.slug])

    def item_guid(self, item):
        return f"tag:essaim,{item.created_at:%Y-%m-%d}:news/{item.pk}"

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return _moment(item.published_at)

    def item_updateddate(self, item):
        return max(item.updated_at, _moment(item.published_at))

    def item_author_name(self, item):
        return item.author_name

    def item_categories(self, item):
        return [item.programme.name]
