"""/api/v1/news: the programmes' news posts, with the scoping of the news pages. Anyone reads the
published posts whose date has come; a programme's team (its admins and instructors) also reads
its drafts, writes, edits, publishes and unpublishes them (``news_services``, ``rules``). A draft
of another programme is a 404. The image is managed on the pages only (a file upload): the API
shows its URL and its alternative text."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.calls.models import Programme
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.portal import news_services
from essaim.portal.models import NewsPost, NewsStatus
from essaim.portal.news_forms import DATE_MAX, DATE_MIN
from essaim.portal.news_markdown import BODY_MAX_LENGTH, render_markdown

router = Router(tags=["news"])
RELATED = ("programme", "author")


class NewsOut(Schema):
    id: int
    slug: str
    programme_id: int
    programme: str
    title: str
    summary: str
    status: str
    status_label: str
    published_at: datetime.date | None
    public: bool = Field(description="published and its date has come: on the public pages")
    author: str = Field(description="the name signed under the post (never an e-mail address)")
    image_url: str | None
    image_alt: str
    url: str
    updated_at: datetime.datetime


class NewsDetailOut(NewsOut):
    body: str = Field(description="the text, in Markdown")
    body_html: str = Field(description="the text rendered and sanitised, as the page shows it")


class NewsIn(Schema):
    programme_id: int = Field(ge=1, le=2_147_483_647)
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(min_length=1, max_length=500)
    body: str = Field(min_length=1, max_length=BODY_MAX_LENGTH)
    published_at: datetime.date | None = Field(
        None, ge=DATE_MIN, le=DATE_MAX, description="empty: the day it is published"
    )


class NewsPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    summary: str | None = Field(None, min_length=1, max_length=500)
    body: str | None = Field(None, min_length=1, max_length=BODY_MAX_LENGTH)
    published_at: datetime.date | None = Field(None, ge=DATE_MIN, le=DATE_MAX)


class NewsFilter(Schema):
    programme: int | None = Field(None, ge=1, le=2_147_483_647, description="programme id")
    status: NewsStatus | None = Field(None, description="`draft`: the team's drafts only")


class UnpublishIn(Schema):
    comment: str = Field("", max_length=500, description="why, kept in the post's history")


def _news_out(post: NewsPost) -> dict:
    base = settings.ESSAIM_BASE_URL
    return {
        "id": post.pk,
        "slug": post.slug,
        "programme_id": post.programme_id,
        "programme": post.programme.name,
        "title": post.title,
        "summary": post.summary,
        "status": post.status,
        "status_label": str(post.get_status_display()),
        "published_at": post.published_at,
        "public": post.is_public,
        "author": post.author_name,
        "image_url": base + reverse("portal:news_image", args=[post.slug]) if post.image else None,
        "image_alt": post.image_alt,
        "url": base + reverse("portal:news_detail", args=[post.slug]),
        "updated_at": post.updated_at,
    }


def _detail_out(post: NewsPost) -> dict:
    return {**_news_out(post), "body": post.body, "body_html": str(render_markdown(post.body))}


def _visible(request, news_id: int) -> NewsPost:
    post = NewsPost.objects.visible_to(request.user).select_related(*RELATED).filter(pk=news_id)
    found = post.first()
    if found is None:
        raise Http404(_("Actualité %(id)s introuvable.") % {"id": news_id})
    return found


def _team_post(request, news_id: int) -> NewsPost:
    """A post of a programme the caller writes news for; another's is a 404."""
    found = NewsPost.objects.of_staff(request.user).select_related(*RELATED).filter(pk=news_id)
    post = found.first()
    if post is None:
        raise Http404(_("Actualité %(id)s introuvable.") % {"id": news_id})
    return post


@router.get(
    "/news",
    response=list[NewsOut],
    summary="News posts: the published ones; drafts too for their programme's team",
)
@paginate(PageNumberPagination, page_size=20)
def news_list(request, filters: Query[NewsFilter]):
    """Newest first. ``programme``: one programme's posts; ``status=draft``: the drafts of the
    programmes whose team the caller is on."""
    posts = NewsPost.objects.visible_to(request.user).select_related(*RELATED)
    if filters.programme is not None:
        posts = posts.filter(programme_id=filters.programme)
    if filters.status is not None:
        posts = posts.filter(status=filters.status)
    return mapped(posts.order_by("-published_at", "-pk"), _news_out)


@router.get("/news/{news_id}", response=NewsDetailOut, summary="One news post, with its text")
def news_detail(request, news_id: int):
    return _detail_out(_visible(request, news_id))


@router.post(
    "/news",
    response={201: NewsDetailOut},
    auth=BearerOrSession(),
    summary="Write a draft post for a programme (its team)",
)
def news_create(request, payload: NewsIn):
    programme = Programme.objects.filter(pk=payload.programme_id).first()
    if programme is None:
        raise ValidationError(
            {"programme_id": _("Identifiant %(id)s inconnu.") % {"id": payload.programme_id}}
        )
    post = news_services.news_create(
        user=request.user,
        programme=programme,
        title=payload.title,
        summary=payload.summary,
        body=payload.body,
        published_at=payload.published_at,
    )
    return Status(201, _detail_out(post))


@router.patch(
    "/news/{news_id}",
    response=NewsDetailOut,
    auth=BearerOrSession(),
    summary="Change a post's title, summary, text or publication date (its team)",
)
def news_update(request, news_id: int, payload: NewsPatch):
    post = _team_post(request, news_id)
    fields = payload.dict(exclude_unset=True)
    for name in ("title", "summary", "body"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: _("Champ obligatoire.")})
    post = news_services.news_update(user=request.user, post=post, **fields)
    return _detail_out(post)


@router.post(
    "/news/{news_id}/publish",
    response=NewsDetailOut,
    auth=BearerOrSession(),
    summary="Publish a draft: public from its publication date (today when it has none)",
)
def news_publish(request, news_id: int):
    post = news_services.news_publish(user=request.user, post=_team_post(request, news_id))
    return _detail_out(post)


@router.post(
    "/news/{news_id}/unpublish",
    response=NewsDetailOut,
    auth=BearerOrSession(),
    summary="Take a published post back to draft",
)
def news_unpublish(request, news_id: int, payload: UnpublishIn):
    post = news_services.news_unpublish(
        user=request.user, post=_team_post(request, news_id), comment=payload.comment
    )
    return _detail_out(post)
