"""The demo's news on a small world: French Impact's first post tells the first wave in the demo's
own words, with its facts and the programme's site; the other posts are marked fictitious; a draft
stays a draft; loading again adds nothing; nothing is read from outside the package."""

import datetime
from pathlib import Path

from essaim.accounts.models import Membership, Role, User
from essaim.calls.models import Programme
from essaim.demo import DemoContext
from essaim.demo import news as demo
from essaim.portal.models import NewsPost, NewsStatus
from essaim.portal.news_markdown import render_markdown


def _admin(email: str, programme: Programme) -> User:
    user = User.objects.create_user(email, "secret-password", first_name="Camille")
    Membership.objects.create(user=user, role=Role.PROGRAMME_ADMIN, programme=programme)
    return user


def test_demo_news(db):
    french_impact = Programme.objects.create(
        name="French Impact — Territoires", slug="french-impact-territoires", label_name="TFI"
    )
    regional = Programme.objects.create(name="Régional (fictif)", slug="reg", label_name="R")
    _admin("admin@demo.essaim.fr", french_impact)
    _admin("admin-region@demo.essaim.fr", regional)
    reference = {"programme": {"website": "https://le-frenchimpact.fr"}}
    ctx = DemoContext(reference=reference, objects={"regional": {"programme": regional}})
    demo.load(ctx)
    demo.load_regional(ctx)

    first = (
        NewsPost.objects.published().filter(programme=french_impact).order_by("published_at")
    ).first()
    assert first.published_at == datetime.date(2019, 2, 28) and first.is_public
    assert not first.is_fictitious
    html = str(render_markdown(first.body))
    for fact in (
        "25 février 2019",
        "vingt premiers territoires",
        "Nouvelle-Aquitaine",
        "Santé et silver économie",
        "Alimentation et consommation",
        "Qualité de vie au travail et innovation organisationnelle",
        "Région Nouvelle-Aquitaine, ADI N-A, ATIS, France Active",
        "Ellyx et la CMA79",
    ):
        assert fact in html, fact
    assert '<a href="https://le-frenchimpact.fr" rel="noopener noreferrer">' in html

    others = NewsPost.objects.exclude(pk=first.pk)
    assert others.count() == 3
    assert all(post.is_fictitious and "fictif" in post.title for post in others)
    assert others.filter(status=NewsStatus.DRAFT).count() == 1
    assert NewsPost.objects.filter(programme=regional, status=NewsStatus.PUBLISHED).count() == 1

    demo.load(ctx)
    demo.load_regional(ctx)
    assert NewsPost.objects.count() == 4


def test_the_demo_news_are_written_in_the_package():
    """The demo never reads ../shared at run time: its text is in its own module."""
    source = Path(demo.__file__).read_text(encoding="utf-8")
    assert "shared" not in source and "open(" not in source
