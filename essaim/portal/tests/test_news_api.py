"""/api/v1/news: published posts for anyone, drafts and writes for the programme's team only;
another programme's staff and anonymous callers get a 404 for a draft, a read-only token 403."""

import pytest

from essaim.portal.models import NewsPost
from essaim.portal.news_services import news_create, news_publish
from essaim.testing import bearer, other_programme, table_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return other_programme("Programme des actualités")


def _post(team, title="Brouillon", publish=False):
    post = news_create(
        user=team.admin, programme=team.programme, title=title, summary="Chapô.", body="**Gras**"
    )
    return news_publish(user=team.admin, post=post) if publish else post


def test_the_team_writes_publishes_and_unpublishes(client, team):
    auth = bearer(team.instructor)
    created = client.post(
        "/api/v1/news",
        {"programme_id": team.programme.pk, "title": "Lancement", "summary": "S.", "body": "B."},
        content_type="application/json",
        headers=auth,
    )
    assert created.status_code == 201, created.content
    post_id = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["public"] is False
    changed = client.patch(
        f"/api/v1/news/{post_id}",
        {"title": "Lancement officiel", "published_at": "2026-01-02"},
        content_type="application/json",
        headers=auth,
    )
    assert changed.json()["title"] == "Lancement officiel"
    published = client.post(f"/api/v1/news/{post_id}/publish", headers=auth)
    assert published.json()["public"] is True
    assert published.json()["published_at"] == "2026-01-02"
    assert [p["id"] for p in client.get("/api/v1/news").json()["items"]] == [post_id]
    detail = client.get(f"/api/v1/news/{post_id}").json()
    assert "<p>B.</p>" in detail["body_html"] and detail["body"] == "B."
    unpublished = client.post(
        f"/api/v1/news/{post_id}/unpublish",
        {"comment": "Erreur"},
        content_type="application/json",
        headers=auth,
    )
    assert unpublished.json()["status"] == "draft"
    too_long = client.patch(
        f"/api/v1/news/{post_id}",
        {"title": "x" * 201, "published_at": "1999-12-31"},
        content_type="application/json",
        headers=auth,
    )
    assert too_long.status_code == 422
    assert {e["field"] for e in too_long.json()["errors"]} == {"title", "published_at"}


def test_drafts_and_writes_are_the_teams_only(client, team):
    draft, public = _post(team), _post(team, "Publiée", publish=True)
    officer_auth, stranger = bearer(team.officer), bearer(other_programme().admin)
    read_only = bearer(team.admin, "read")
    before = table_state(NewsPost)
    listed = client.get("/api/v1/news", headers=stranger).json()["items"]
    assert [p["id"] for p in listed] == [public.pk]
    for headers in ({}, stranger, officer_auth):
        assert client.get(f"/api/v1/news/{draft.pk}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/news/{public.pk}", headers=headers).status_code == 200
    for headers, status in ((stranger, 404), (officer_auth, 404), ({}, 401), (read_only, 403)):
        for url in (f"/api/v1/news/{draft.pk}/publish", f"/api/v1/news/{public.pk}/unpublish"):
            answer = client.post(url, {}, content_type="application/json", headers=headers)
            assert answer.status_code == status, (url, headers)
        answer = client.patch(
            f"/api/v1/news/{draft.pk}",
            {"title": "X"},
            content_type="application/json",
            headers=headers,
        )
        assert answer.status_code == status
    refused = client.post(
        "/api/v1/news",
        {"programme_id": team.programme.pk, "title": "X", "summary": "S.", "body": "B."},
        content_type="application/json",
        headers=stranger,
    )
    assert refused.status_code == 403
    assert table_state(NewsPost) == before


def test_list_query_budget(client, team, django_assert_max_num_queries):
    for i in range(12):
        _post(team, f"Actualité {i}", publish=i % 2 == 0)
    auth = bearer(team.admin)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/news", headers=auth).json()["count"] == 12
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/news").json()["count"] == 6
