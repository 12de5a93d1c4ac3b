"""The Atom feed of the published news and ``sitemap.xml``: public pages only, a fixed number of
queries whatever the volume."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from essaim.portal.sitemaps import SITEMAPS

from . import news_support
from .news_support import post

ours, theirs = news_support.ours, news_support.theirs

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_feed_lists_published_posts_newest_first(
    client, ours, theirs, django_assert_max_num_queries
):
    for number in range(25):
        post(ours, title=f"Nationale {number}", day=datetime.date(2019, 1, 1 + number))
    post(theirs, title="Voisine", day=datetime.date(2019, 3, 1))
    post(ours, title="Brouillon", publish=False)
    with django_assert_max_num_queries(2):
        response = client.get(reverse("portal:news_feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = _xml(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
    assert len(titles) == 20 and titles[:2] == ["Voisine", "Nationale 24"]
    assert "Brouillon" not in titles
    first = next(feed.iter(f"{ATOM}entry"))
    assert first.findtext(f"{ATOM}published").startswith("2019-03-01")
    assert "@" not in first.findtext(f"{ATOM}author/{ATOM}name")  # a name, never an address
    link = first.find(f"{ATOM}link").get("href")
    assert link.endswith(reverse("portal:news_detail", args=["voisine"]))


def test_feed_of_one_programme(client, ours, theirs):
    post(ours, title="Nationale")
    post(theirs, title="Voisine", summary='<img src=x onerror="alert(1)">')
    response = client.get(reverse("portal:news_feed"), {"programme": theirs.programme.slug})
    feed = _xml(response.content)
    assert [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")] == ["Voisine"]
    # The summary is declared HTML: a reader un-escapes it once and shows the text as typed.
    summary = next(feed.iter(f"{ATOM}entry")).find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert client.get(reverse("portal:news_feed"), {"programme": "inconnu"}).status_code == 404


def _xml(content: bytes):
    return ET.fromstring(content)  # noqa: S314 - our own server's answer


def _locations(content: bytes) -> list[str]:
    return [node.text for node in _xml(content).iter(f"{SITEMAP}loc")]


def test_sitemap_index_and_sections_list_public_pages_only(
    client, ours, django_assert_max_num_queries
):
    from essaim.projects.tests.factories import ProjectFactory

    public = post(ours, title="Publique")
    draft = post(ours, title="Brouillon", publish=False)
    shown = ProjectFactory(is_published=True)
    hidden = ProjectFactory(is_published=False)
    with django_assert_max_num_queries(len(SITEMAPS)):
        index = client.get(reverse("portal:sitemap"))
    sections = _locations(index.content)
    assert len(sections) == len(SITEMAPS)
    assert all("/sitemap-" in url for url in sections)

    news = client.get(reverse("portal:sitemap_section", args=["actualites"]))
    urls = _locations(news.content)
    assert any(url.endswith(reverse("portal:news_detail", args=[public.slug])) for url in urls)
    assert not any(draft.slug in url for url in urls)
    projects = _locations(client.get(reverse("portal:sitemap_section", args=["projets"])).content)
    assert any(url.endswith(reverse("projects:detail", args=[shown.pk])) for url in projects)
    assert not any(url.endswith(reverse("projects:detail", args=[hidden.pk])) for url in projects)
    pages = _locations(client.get(reverse("portal:sitemap_section", args=["pages"])).content)
    assert any(url.endswith(reverse("portal:news_list")) for url in pages)


@pytest.mark.parametrize("section", sorted(SITEMAPS))
def test_each_sitemap_section_is_two_queries(client, ours, section, django_assert_max_num_queries):
    for number in range(5):
        post(ours, title=f"Actualité {number}")
    with django_assert_max_num_queries(2):  # a count, then the page
        response = client.get(reverse("portal:sitemap_section", args=[section]))
    assert response.status_code == 200


@pytest.mark.parametrize("query", [{"p": "abc"}, {"p": "0"}, {"p": "7"}])
def test_sitemap_bad_page_or_section_is_404(client, query):
    response = client.get(reverse("portal:sitemap_section", args=["actualites"]), query)
    assert response.status_code == 404
    assert client.get(reverse("portal:sitemap_section", args=["inconnue"])).status_code == 404
