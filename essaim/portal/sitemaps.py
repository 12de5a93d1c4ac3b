"""``sitemap.xml``: an index of one sitemap per kind of public page (``django.contrib.sitemaps``).

Only what anyone may read is listed: published news, projects, instruments and knowledge-base
answers, the territories of published labels, calls out of preparation, every programme and the
verified organisations of the directory. Each section is two queries (a count, then the few
columns its URLs need), the index one count per section, whatever the volume; a section past
50,000 URLs is paged by Django (``?p=``, a 404 past the last page)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from essaim.actors.models import Organisation
from essaim.calls.models import Call, CallStatus, Programme
from essaim.financing.models import Instrument
from essaim.labels.models import Label
from essaim.portal.models import NewsPost
from essaim.projects.models import Project
from essaim.regulatory.models import KnowledgeArticle

# The public pages that list or explain, without an object of their own.
STATIC_PAGES = [
    "portal:home",
    "portal:programme_list",
    "portal:news_list",
    "territories:list",
    "projects:directory",
    "actors:directory",
    "calls:list",
    "financing:instrument_list",
    "regulatory:home",
    "regulatory:knowledge_base",
    "impact:library",
    "synergies:offer_list",
    "labels:verify_form",
]


class StaticSitemap(Sitemap):
    def items(self):
        return STATIC_PAGES

    def location(self, item):
        return reverse(item)


class _ObjectSitemap(Sitemap):
    """A section of objects: ``url_name`` reversed with the ``field`` of each row (a dict of
    ``values()``), ``lastmod`` from ``updated`` when the rows have it."""

    url_name = ""
    field = "pk"
    updated = ""

    def queryset(self):
        raise NotImplementedError

    def items(self):
        columns = [self.field, *([self.updated] if self.updated else [])]
        return self.queryset().order_by(self.field).values(*columns)

    def location(self, item):
        return reverse(self.url_name, args=[item[self.field]])

    def lastmod(self, item):
        return item.get(self.updated) if self.updated else None

    def get_latest_lastmod(self):
        """None: the index gives no date, rather than reading every row of every section
        (Django's default) to find the latest one."""
        return None


class ProgrammeSitemap(_ObjectSitemap):
    url_name, field = "portal:programme", "slug"

    def queryset(self):
        return Programme.objects.all()


class NewsSitemap(_ObjectSitemap):
    url_name, field, updated = "portal:news_detail", "slug", "updated_at"

    def queryset(self):
        return NewsPost.objects.published()


class TerritorySitemap(_ObjectSitemap):
    url_name, field = "territories:detail", "perimeter__slug"

    def queryset(self):
        return Label.objects.public()

    def items(self):
        return super().items().distinct()


class ProjectSitemap(_ObjectSitemap):
    url_name, updated = "projects:detail", "updated_at"

    def queryset(self):
        return Project.objects.filter(is_published=True)


class OrganisationSitemap(_ObjectSitemap):
    url_name, updated = "actors:organisation_detail", "updated_at"

    def queryset(self):
        return Organisation.objects.verified()


class CallSitemap(_ObjectSitemap):
    url_name, field = "calls:detail", "slug"

    def queryset(self):
        return Call.objects.exclude(status=CallStatus.DRAFT)


class InstrumentSitemap(_ObjectSitemap):
    url_name, updated = "financing:instrument_detail", "updated_at"

    def queryset(self):
        return Instrument.objects.published()


class ArticleSitemap(_ObjectSitemap):
    url_name, field = "regulatory:article_detail", "slug"

    def queryset(self):
        return KnowledgeArticle.objects.filter(is_published=True)


SITEMAPS = {
    "pages": StaticSitemap,
    "programmes": ProgrammeSitemap,
    "actualites": NewsSitemap,
    "territoires": TerritorySitemap,
    "projets": ProjectSitemap,
    "organisations": OrganisationSitemap,
    "appels": CallSitemap,
    "outils": InstrumentSitemap,
    "base-de-connaissances": ArticleSitemap,
}
