"""Every write on the programmes' news posts: create, edit, publish, unpublish. Each service
checks that the acting user is on the programme's team (``rules.can_write_news``), writes in one
transaction and records the typed history (``history.NewsAction``)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from essaim.calls.models import Programme
from essaim.core.services import changed_fields, history_record
from essaim.portal import rules
from essaim.portal.history import NewsAction
from essaim.portal.models import NewsPost, NewsStatus

# The text fields a post's team edits (the image is handled apart: it is a file).
NEWS_FIELDS = ("title", "summary", "body", "image_alt", "published_at")
# Paths under /actualites/ that are pages, not posts.
RESERVED_SLUGS = frozenset({"gestion", "flux"})
SLUG_MAX_LENGTH = 120


def _require(user, programme: Programme) -> None:
    if not rules.can_write_news(user, programme):
        raise PermissionDenied(_("Seule l'équipe du programme écrit ses actualités."))


def _locked(post: NewsPost) -> NewsPost:
    return NewsPost.objects.select_for_update().get(pk=post.pk)


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """A slug for ``title``, free among the posts and the reserved paths ("-2", "-3"… added)."""
    base = slugify(title)[: SLUG_MAX_LENGTH - 8].strip("-") or "actualite"
    taken = set(
        NewsPost.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, number = base, 1
    while slug in taken or slug in RESERVED_SLUGS:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _check_image(post: NewsPost) -> None:
    if post.image and not post.image_alt.strip():
        raise ValidationError(
            {"image_alt": _("Décrivez l'image : le texte alternatif est obligatoire.")}
        )


def _store_image(post: NewsPost, image) -> str:
    """Save ``image`` (checked by the form) as the post's image; return the former file's name
    (deleted once the transaction commits)."""
    former = post.image.name if post.image else ""
    if image is False:
        post.image = ""
    elif image is not None:
        extension = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}.get(
            getattr(image, "content_type", ""), ".png"
        )
        post.image.save(f"{post.slug}{extension}", image, save=False)
    if former and former != (post.image.name if post.image else ""):
        storage = post.image.storage
        transaction.on_commit(lambda: storage.delete(former))
    return former


@transaction.atomic
def news_create(
    *,
    user,
    programme: Programme,
    title: str,
    summary: str,
    body: str,
    image=None,
    image_alt: str = "",
    published_at: datetime.date | None = None,
    is_fictitious: bool = False,
) -> NewsPost:
    """A new draft post of ``programme``, by ``user`` (on its team). ``image``: an uploaded
    file the form has checked, or None. A post with an image has its alternative text."""
    _require(user, programme)
    post = NewsPost(
        programme=programme,
        title=title,
        slug=unique_slug(title),
        summary=summary,
        body=body,
        image_alt=image_alt,
        author=user,
        published_at=published_at,
        is_fictitious=is_fictitious,
    )
    if image and not image_alt.strip():
        raise ValidationError(
            {"image_alt": _("Décrivez l'image : le texte alternatif est obligatoire.")}
        )
    post.full_clean(exclude=["image"])
    if image:  # stored once everything else is known valid: no orphan file
        _store_image(post, image)
    post.save()
    history_record(obj=post, user=user, action=NewsAction.CREATED, to_state=post.status)
    return post


@transaction.atomic
def news_update(*, user, post: NewsPost, image=None, **fields) -> NewsPost:
    """Change the post's text fields (``NEWS_FIELDS``) and, when given, its image (``False``
    removes it). Records the changed fields."""
    _require(user, post.programme)
    unknown = set(fields) - set(NEWS_FIELDS)
    if unknown:
        raise TypeError(f"news_update does not change {sorted(unknown)}")
    locked = _locked(post)
    changes = changed_fields(locked, fields)
    for name, value in fields.items():
        setattr(locked, name, value)
    former = _store_image(locked, image)
    if image is not None and former != (locked.image.name if locked.image else ""):
        changes["image"] = [former, locked.image.name if locked.image else ""]
    if locked.status == NewsStatus.PUBLISHED and locked.published_at is None:
        raise ValidationError(
            {"published_at": _("Une actualité publiée garde sa date de publication.")}
        )
    _check_image(locked)
    locked.full_clean(exclude=["image"])
    if changes:
        locked.save()
        history_record(
            obj=locked, user=user, action=NewsAction.UPDATED, payload={"changes": changes}
        )
    return locked


@transaction.atomic
def news_publish(*, user, post: NewsPost) -> NewsPost:
    """Publish the post: public from its publication date (today when it has none)."""
    _require(user, post.programme)
    locked = _locked(post)
    if locked.status == NewsStatus.PUBLISHED:
        raise ValidationError(_("Cette actualité est déjà publiée."))
    _check_image(locked)
    locked.status = NewsStatus.PUBLISHED
    if locked.published_at is None:
        locked.published_at = timezone.localdate()
    locked.save(update_fields=["status", "published_at", "updated_at"])
    history_record(
        obj=locked,
        user=user,
        action=NewsAction.PUBLISHED,
        from_state=NewsStatus.DRAFT,
        to_state=NewsStatus.PUBLISHED,
    )
    return locked


@transaction.atomic
def news_unpublish(*, user, post: NewsPost, comment: str = "") -> NewsPost:
    """Take the post back to draft: it leaves the public pages, the feed and the sitemap."""
    _require(user, post.programme)
    locked = _locked(post)
    if locked.status != NewsStatus.PUBLISHED:
        raise ValidationError(_("Cette actualité n'est pas publiée."))
    locked.status = NewsStatus.DRAFT
    locked.save(update_fields=["status", "updated_at"])
    history_record(
        obj=locked,
        user=user,
        action=NewsAction.UNPUBLISHED,
        from_state=NewsStatus.PUBLISHED,
        to_state=NewsStatus.DRAFT,
        comment=comment,
    )
    return locked
