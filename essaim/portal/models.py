"""The portal's own data: the programmes' news posts (``news_*`` modules hold the rest)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.accounts import permissions

NEWS_IMAGE_DIR = "portal/news/"


class NewsStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    PUBLISHED = "published", _("publiée")


class NewsPostQuerySet(models.QuerySet):
    def published(self, today: datetime.date | None = None) -> "NewsPostQuerySet":
        """What anyone may read: published posts whose date has come."""
        return self.filter(
            status=NewsStatus.PUBLISHED, published_at__lte=today or timezone.localdate()
        )

    def visible_to(self, user) -> "NewsPostQuerySet":
        """Published posts for everyone; every post (drafts too) of the programmes ``user`` is
        staff of."""
        staff = permissions.staff_programmes(user)
        if staff.every:
            return self.all()
        public = Q(status=NewsStatus.PUBLISHED, published_at__lte=timezone.localdate())
        if not staff:
            return self.filter(public)
        return self.filter(public | staff.q("programme"))

    def of_staff(self, user) -> "NewsPostQuerySet":
        """The posts of the programmes ``user`` writes news for (drafts included)."""
        return permissions.staff_programmes(user).filter(self, "programme")


class NewsPost(models.Model):
    """A news post of a programme, written by its team in Markdown (rendered and sanitised by
    ``news_markdown``, never shown raw). Only published posts whose date has come are public."""

    programme = models.ForeignKey(
        "calls.Programme",
        on_delete=models.CASCADE,
        related_name="news_posts",
        verbose_name=_("programme"),
    )
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    summary = models.CharField(
        _("chapô"), max_length=500, help_text=_("une ou deux phrases, reprises dans les listes")
    )
    body = models.TextField(_("texte"), help_text=_("en Markdown"))
    image = models.ImageField(_("image"), upload_to=NEWS_IMAGE_DIR, max_length=200, blank=True)
    image_alt = models.CharField(_("texte alternatif de l'image"), max_length=250, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("auteur"),
    )
    status = models.CharField(
        _("état"), max_length=16, choices=NewsStatus.choices, default=NewsStatus.DRAFT
    )
    published_at = models.DateField(_("date de publication"), null=True, blank=True)
    is_fictitious = models.BooleanField(_("fictive (démo)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NewsPostQuerySet.as_manager()

    class Meta:
        verbose_name = _("actualité")
        verbose_name_plural = _("actualités")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="portal_news_public"),
            models.Index(fields=["programme", "status", "-published_at"], name="portal_news_prog"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(image="") | ~Q(image_alt=""), name="portal_news_image_has_alt"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="portal_news_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def author_name(self) -> str:
        """The name signed under the post: its author's, never their e-mail address (the
        programme's name when the account has no name)."""
        return self.author.get_full_name() or self.programme.name

    @property
    def is_public(self) -> bool:
        return (
            self.status == NewsStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.localdate()
        )
