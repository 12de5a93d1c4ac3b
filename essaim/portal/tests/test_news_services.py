"""The news services: the programme's team writes, edits, publishes and unpublishes its posts,
with a typed history; nobody else does; an image always has its alternative text."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from essaim.core.models import HistoryEvent
from essaim.portal.history import NewsAction
from essaim.portal.models import NewsPost, NewsStatus
from essaim.portal.news_services import (
    news_create,
    news_publish,
    news_unpublish,
    news_update,
    unique_slug,
)
from essaim.testing import superuser

from . import news_support
from .news_support import png, post

# The fixtures of news_support.
ours, theirs, media = news_support.ours, news_support.theirs, news_support.media

pytestmark = pytest.mark.django_db


def _actions(obj) -> list[str]:
    return list(HistoryEvent.objects.for_object(obj).values_list("action", flat=True))


def test_the_team_writes_publishes_and_unpublishes_with_history(ours):
    draft = news_create(
        user=ours.instructor,
        programme=ours.programme,
        title="Vague 1",
        summary="Vingt territoires.",
        body="Texte",
    )
    assert draft.status == NewsStatus.DRAFT and draft.author == ours.instructor
    assert draft.slug == "vague-1"
    assert not NewsPost.objects.published().exists()

    news_update(user=ours.admin, post=draft, title="Vague 1 annoncée")
    published = news_publish(user=ours.admin, post=draft)
    assert published.published_at == timezone.localdate()  # no date given: today
    assert list(NewsPost.objects.published()) == [published]
    news_unpublish(user=ours.admin, post=published, comment="erreur de date")
    assert not NewsPost.objects.published().exists()
    assert _actions(draft) == [
        NewsAction.CREATED,
        NewsAction.UPDATED,
        NewsAction.PUBLISHED,
        NewsAction.UNPUBLISHED,
    ]
    change = HistoryEvent.objects.for_object(draft).get(action=NewsAction.UPDATED)
    assert change.payload == {"changes": {"title": ["Vague 1", "Vague 1 annoncée"]}}


@pytest.mark.parametrize("who", ["their_admin", "their_instructor", "our_officer", "nobody"])
def test_only_the_programme_team_writes(ours, theirs, who):
    """Another programme's staff, a single-window officer of ours, an account with no role:
    refused, and nothing changes."""
    user = {
        "their_admin": theirs.admin,
        "their_instructor": theirs.instructor,
        "our_officer": ours.officer,
        "nobody": None,
    }[who]
    existing = post(ours, publish=False)
    with pytest.raises(PermissionDenied):
        news_create(user=user, programme=ours.programme, title="Intrus", summary="x", body="x")
    for service in (news_publish, news_update):
        with pytest.raises(PermissionDenied):
            service(user=user, post=existing)
    existing.refresh_from_db()
    assert (existing.status, existing.title, NewsPost.objects.count()) == (
        NewsStatus.DRAFT,
        "Une actualité",
        1,
    )
    assert _actions(existing) == [NewsAction.CREATED]


def test_a_superuser_writes_for_every_programme(ours):
    root = superuser()
    created = news_create(user=root, programme=ours.programme, title="T", summary="s", body="b")
    assert news_publish(user=root, post=created).status == NewsStatus.PUBLISHED


def test_a_future_date_is_not_public_yet(ours):
    later = timezone.localdate() + datetime.timedelta(days=3)
    planned = post(ours, day=later)
    assert planned.status == NewsStatus.PUBLISHED and not planned.is_public
    assert not NewsPost.objects.published().exists()
    assert NewsPost.objects.published(today=later).get() == planned


def test_publishing_twice_or_unpublishing_a_draft_is_refused(ours):
    published = post(ours)
    with pytest.raises(ValidationError):
        news_publish(user=ours.admin, post=published)
    with pytest.raises(ValidationError):
        news_unpublish(user=ours.admin, post=post(ours, title="Autre", publish=False))


def test_a_published_post_keeps_its_date(ours):
    published = post(ours)
    with pytest.raises(ValidationError) as error:
        news_update(user=ours.admin, post=published, published_at=None)
    assert "published_at" in error.value.error_dict


def test_an_image_needs_its_alternative_text(ours, media, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError) as error:
        news_create(
            user=ours.admin, programme=ours.programme, title="T", summary="s", body="b", image=png()
        )
    assert "image_alt" in error.value.error_dict
    assert not NewsPost.objects.exists() and not (media / "portal").exists()

    with_image = news_create(
        user=ours.admin,
        programme=ours.programme,
        title="Avec image",
        summary="s",
        body="b",
        image=png(),
        image_alt="Une photo orange",
    )
    assert with_image.image.name == "portal/news/avec-image.png"
    with pytest.raises(ValidationError):
        news_update(user=ours.admin, post=with_image, image_alt="")
    with django_capture_on_commit_callbacks(execute=True):
        news_update(user=ours.admin, post=with_image, image=False, image_alt="")
    with_image.refresh_from_db()
    assert not with_image.image
    assert not (media / "portal/news/avec-image.png").exists()


def test_slugs_are_unique_and_avoid_the_team_pages(ours):
    assert unique_slug("Gestion") == "gestion-2"
    first = post(ours, title="Même titre")
    second = post(ours, title="Même titre")
    assert (first.slug, second.slug) == ("meme-titre", "meme-titre-2")
    assert unique_slug("!!!") == "actualite"


def test_news_update_refuses_unknown_fields(ours):
    with pytest.raises(TypeError):
        news_update(user=ours.admin, post=post(ours), status=NewsStatus.DRAFT)
