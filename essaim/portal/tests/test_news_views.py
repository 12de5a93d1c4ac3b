"""The news pages: public list, post and image (drafts never public, Markdown neutralised), the
team's pages from "Mon espace" (another programme's staff gets nothing), query budgets."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from essaim.portal.models import NewsPost, NewsStatus
from essaim.testing import close_response, table_state

from . import news_support
from .news_support import png, post

# The fixtures of news_support.
ours, theirs, media = news_support.ours, news_support.theirs, news_support.media

pytestmark = pytest.mark.django_db

XSS_BODY = """\
<script>alert("x")</script>
<img src=x onerror="alert(1)">
[lien piégé](javascript:alert(1)) [autre](JAVASCRIPT:alert(2)) [données](data:text/html,xx)
<a href="https://evil.test" onclick="alert(3)">brut</a>
![pixel](https://tracker.test/p.png)
[le programme](https://le-frenchimpact.fr)
"""


def test_public_list_detail_and_filter(client, ours, theirs):
    mine = post(ours, title="Nationale")
    other = post(theirs, title="Voisine", day=datetime.date(2019, 3, 1))
    post(ours, title="Brouillon secret", publish=False)
    content = client.get(reverse("portal:news_list")).content.decode()
    assert content.index("Voisine") < content.index("Nationale")  # newest first
    assert "Brouillon secret" not in content
    filtered = client.get(reverse("portal:news_list"), {"programme": ours.programme.slug})
    assert "Nationale" in filtered.content.decode()
    assert "Voisine" not in filtered.content.decode()
    page = client.get(reverse("portal:news_detail", args=[mine.slug])).content.decode()
    assert "<strong>texte</strong>" in page and "Nationale" in page
    assert client.get(reverse("portal:news_detail", args=[other.slug])).status_code == 200


@pytest.mark.parametrize(
    "query",
    [{"page": "0"}, {"page": "abc"}, {"page": "99"}, {"page": "9" * 30}, {"programme": "x"}],
)
def test_bad_list_parameters_answer_404(client, ours, query):
    post(ours)
    assert client.get(reverse("portal:news_list"), query).status_code == 404


def test_list_is_paginated_within_a_query_budget(client, ours, django_assert_max_num_queries):
    for number in range(25):
        post(ours, title=f"Actualité {number}", day=datetime.date(2019, 1, 1 + number))
    with django_assert_max_num_queries(4):
        first = client.get(reverse("portal:news_list"))
    assert first.content.decode().count('class="fr-card ') == 10
    with django_assert_max_num_queries(4):
        last = client.get(reverse("portal:news_list"), {"page": "3"})
    assert last.content.decode().count('class="fr-card ') == 5


def test_drafts_and_future_posts_are_hidden_from_the_public_and_other_programmes(
    client, ours, theirs
):
    draft = post(ours, title="Brouillon", publish=False)
    future = post(ours, title="Plus tard", day=timezone.localdate() + datetime.timedelta(days=9))
    for reader in (None, theirs.admin, ours.officer):
        client.logout()
        if reader is not None:
            client.force_login(reader)
        for hidden in (draft, future):
            assert client.get(reverse("portal:news_detail", args=[hidden.slug])).status_code == 404
        assert "Plus tard" not in client.get(reverse("portal:news_list")).content.decode()
    client.force_login(ours.instructor)  # the team previews them, told they are not public
    preview = client.get(reverse("portal:news_detail", args=[draft.slug])).content.decode()
    assert 'id="news-not-public"' in preview


class _Tags(HTMLParser):
    """The elements and attributes of an HTML fragment, as a browser would read them."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_markdown_cannot_inject_html_or_scripts(client, ours):
    trap = post(ours, title="Piège", body=XSS_BODY)
    page = client.get(reverse("portal:news_detail", args=[trap.slug])).content.decode()
    start = page.index(">", page.index('id="news-body"')) + 1
    body = page[start : page.index("</div>", start)]
    parser = _Tags()
    parser.feed(body)
    assert {tag for tag, _attrs in parser.tags} == {"p", "a"}
    links = [attrs for tag, attrs in parser.tags if tag == "a"]
    assert links == [{"href": "https://le-frenchimpact.fr", "rel": "noopener noreferrer"}]
    assert "&lt;script&gt;" in body  # typed HTML is shown as text, never run
    assert "tracker.test" not in body  # no image loaded from elsewhere


def test_team_pages_from_my_space(client, ours):
    client.force_login(ours.instructor)
    space = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("portal:news_manage") in space
    response = client.post(
        reverse("portal:news_create"),
        {
            "programme": ours.programme.pk,
            "title": "Vague 2",
            "summary": "Bientôt.",
            "body": "## Calendrier\n\nÀ venir.",
            "published_at": "",
        },
    )
    created = NewsPost.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:news_edit", args=[created.pk])
    assert created.status == NewsStatus.DRAFT and created.author == ours.instructor
    assert "Vague 2" in client.get(reverse("portal:news_manage")).content.decode()
    client.post(reverse("portal:news_status", args=[created.pk, "publier"]))
    created.refresh_from_db()
    assert created.is_public
    client.post(reverse("portal:news_status", args=[created.pk, "depublier"]))
    created.refresh_from_db()
    assert created.status == NewsStatus.DRAFT
    edit = client.get(reverse("portal:news_edit", args=[created.pk])).content.decode()
    assert "actualité publiée" in edit and "actualité dépubliée" in edit  # the history in words


def test_form_errors_name_the_field(client, ours, media):
    client.force_login(ours.admin)
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("portal:news_create"),
        {
            "programme": ours.programme.pk,
            "title": "x" * 201,
            "summary": "s",
            "body": "b",
            "published_at": "1850-01-01",
            "image": SimpleUploadedFile("a.png", svg, content_type="image/png"),
        },
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"title", "published_at", "image"}
    assert "SVG" in errors["image"][0]
    response = client.post(
        reverse("portal:news_create"),
        {"programme": ours.programme.pk, "title": "T", "summary": "s", "body": "b", "image": png()},
    )
    assert response.status_code == 422
    assert "texte alternatif" in response.context["form"].errors["image_alt"][0]
    assert not NewsPost.objects.exists()


def test_another_programme_cannot_pick_or_touch_ours(client, ours, theirs):
    """Their admin posts for our programme, edits, publishes our draft: refused, unchanged."""
    draft = post(ours, title="Le nôtre", publish=False)
    client.force_login(theirs.admin)
    before = table_state(NewsPost)
    response = client.post(
        reverse("portal:news_create"),
        {"programme": ours.programme.pk, "title": "Intrus", "summary": "s", "body": "b"},
    )
    assert response.status_code == 422 and "programme" in response.context["form"].errors
    assert client.get(reverse("portal:news_edit", args=[draft.pk])).status_code == 404
    assert client.post(reverse("portal:news_edit", args=[draft.pk]), {}).status_code == 404
    assert client.post(reverse("portal:news_status", args=[draft.pk, "publier"])).status_code == 404
    manage = client.get(reverse("portal:news_manage")).content.decode()
    assert "Le nôtre" not in manage
    assert table_state(NewsPost) == before


@pytest.mark.parametrize("who", ["anonymous", "officer"])
def test_people_outside_a_team_get_no_team_page(client, ours, who):
    if who == "officer":
        client.force_login(ours.officer)
    for name in ("portal:news_manage", "portal:news_create"):
        response = client.get(reverse(name))
        assert response.status_code == (302 if who == "anonymous" else 403)


def test_image_served_with_its_type_only_to_readers(client, ours, media):
    from essaim.portal.news_services import news_create

    draft = news_create(
        user=ours.admin,
        programme=ours.programme,
        title="Photo",
        summary="s",
        body="b",
        image=png(),
        image_alt="Un carré orange",
    )
    url = reverse("portal:news_image", args=[draft.slug])
    assert client.get(url).status_code == 404  # a draft's image is not public
    client.force_login(ours.admin)
    response = client.get(url)
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    close_response(response)
    page = client.get(reverse("portal:news_detail", args=[draft.slug])).content.decode()
    assert 'alt="Un carré orange"' in page
    assert client.get(reverse("portal:news_image", args=[post(ours).slug])).status_code == 404


def test_detail_and_team_pages_query_budgets(client, ours, django_assert_max_num_queries):
    published = post(ours, body="## Intertitre\n\n" + "Un paragraphe.\n\n" * 50)
    for number in range(30):
        post(ours, title=f"Brouillon {number}", publish=False)
    with django_assert_max_num_queries(3):
        assert client.get(reverse("portal:news_detail", args=[published.slug])).status_code == 200
    client.force_login(ours.admin)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("portal:news_manage")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("portal:news_edit", args=[published.pk])).status_code == 200


def test_home_shows_the_three_latest_published_posts(client, ours):
    for number in range(5):
        post(ours, title=f"Nouvelle {number}", day=datetime.date(2019, 4, 1 + number))
    post(ours, title="Nouvelle brouillon", publish=False)
    content = client.get(reverse("portal:home")).content.decode()
    shown = re.findall(r"Nouvelle \w+", content[content.index('id="latest-news"') :])
    assert shown[:3] == ["Nouvelle 4", "Nouvelle 3", "Nouvelle 2"]
    assert "Nouvelle 1" not in content and "Nouvelle brouillon" not in content
    assert f'href="{reverse("portal:news_feed")}"' in content  # the feed in the page head
