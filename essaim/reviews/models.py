"""Expert opinions: an instructor asks a named expert; the expert declares conflicts of interest
before the content opens, then gives a mark and comment per criterion and a recommendation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from essaim.accounts import permissions


class ReviewStatus(models.TextChoices):
    REQUESTED = "requested", _("demandé")
    CONFLICT = "conflict", _("conflit d'intérêts déclaré")
    ACCEPTED = "accepted", _("en cours")
    SUBMITTED = "submitted", _("rendu")
    CANCELLED = "cancelled", _("annulé")


class Recommendation(models.TextChoices):
    LABEL = "label", _("labelliser")
    LABEL_WITH_RESERVATIONS = "label_with_reservations", _("labelliser avec réserves")
    NOT_LABEL = "not_label", _("ne pas labelliser")


class ReviewRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReviewRequestQuerySet":
        """Programme staff see the requests on their programmes' applications; an expert sees
        the requests addressed to them (cancelled ones excepted); nobody else sees any —
        applicants never do."""
        if not permissions.is_signed_in(user):
            return self.none()
        staff = permissions.staff_programmes(user)
        if staff.every:
            return self.all()
        query = staff.q("application__call__programme")
        if permissions.is_expert(user):
            query |= models.Q(expert=user) & ~models.Q(status=ReviewStatus.CANCELLED)
        return self.filter(query)

    def open(self) -> "ReviewRequestQuerySet":
        return self.filter(status__in=[ReviewStatus.REQUESTED, ReviewStatus.ACCEPTED])


class ReviewRequest(models.Model):
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="review_requests"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_requests",
        verbose_name=_("expert"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateField(_("date limite"))
    status = models.CharField(
        _("état"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.REQUESTED
    )
    conflict_declared_at = models.DateTimeField(_("déclaration faite le"), null=True, blank=True)
    conflict_details = models.TextField(_("nature du conflit"), blank=True)
    recommendation = models.CharField(
        _("recommandation"), max_length=32, choices=Recommendation.choices, blank=True
    )
    comment = models.TextField(_("avis général"), blank=True)
    submitted_at = models.DateTimeField(_("rendu le"), null=True, blank=True)
    last_reminder_at = models.DateTimeField(_("dernière relance"), null=True, blank=True)

    objects = ReviewRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande d'avis")
        verbose_name_plural = _("demandes d'avis")
        ordering = ["deadline", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"],
                condition=~models.Q(status="cancelled"),
                name="review_request_once_per_expert",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self.expert}"

    @property
    def content_open(self) -> bool:
        """Whether the expert may read the application (after declaring no conflict)."""
        return self.status in {ReviewStatus.ACCEPTED, ReviewStatus.SUBMITTED}

    def is_overdue(self, today=None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.status in {ReviewStatus.REQUESTED, ReviewStatus.ACCEPTED} and (
            self.deadline < today
        )


class CriterionMark(models.Model):
    review = models.ForeignKey(ReviewRequest, on_delete=models.CASCADE, related_name="marks")
    criterion = models.ForeignKey("calls.Criterion", on_delete=models.PROTECT, related_name="+")
    mark = models.PositiveSmallIntegerField(_("note"))
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="mark_once_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.mark}"
