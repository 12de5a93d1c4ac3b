"""Decisions taken inside a wave, the labels they grant, and their verifiable certificates."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.accounts import permissions


class Outcome(models.TextChoices):
    LABELLED = "labelled", _("labellisée")
    NOT_LABELLED = "not_labelled", _("non labellisée")


class Decision(models.Model):
    """The committee's decision on one application, recorded for a wave (one per application)."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="decision"
    )
    wave = models.ForeignKey("calls.Wave", on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("décision"), max_length=16, choices=Outcome.choices)
    motivation = models.TextField(_("motivation"))
    # Addressed: told to the applicants when the wave is published (and posted in the
    # application's thread); otherwise an internal note the applicants never see.
    motivation_addressed = models.BooleanField(
        _("motivation adressée au porteur"),
        default=False,
        help_text=_("communiquée au porteur à la publication de la vague ; sinon note interne"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")

    def __str__(self) -> str:
        return f"{self.application} — {self.get_outcome_display()}"


def new_verification_code() -> str:
    return secrets.token_urlsafe(12)


class LabelStatus(models.TextChoices):
    VALID = "valid", _("valide")
    REVOKED = "revoked", _("révoqué")


class LabelState(models.TextChoices):
    """What the public verification says: a valid label may have expired since."""

    # The states it shares with ``LabelStatus`` keep its words: one word per state everywhere.
    VALID = "valid", LabelStatus.VALID.label
    EXPIRED = "expired", _("expiré")
    REVOKED = "revoked", LabelStatus.REVOKED.label


class LabelQuerySet(models.QuerySet):
    def public(self) -> "LabelQuerySet":
        """Labels anyone may see: those of published waves (valid, expired or revoked)."""
        return self.filter(wave__status="published")

    def visible_to(self, user) -> "LabelQuerySet":
        """Public labels for everyone; every label of the programmes ``user`` is staff of."""
        staff = permissions.staff_programmes(user)
        if staff.every:
            return self.all()
        return self.filter(models.Q(wave__status="published") | staff.q("programme"))

    def of_staff(self, user) -> "LabelQuerySet":
        """The labels of the programmes ``user`` is staff of (the revocation page)."""
        return permissions.staff_programmes(user).filter(self, "programme")

    def valid_on(self, day: datetime.date) -> "LabelQuerySet":
        return self.filter(status=LabelStatus.VALID).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day)
        )


class Label(models.Model):
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="label"
    )
    programme = models.ForeignKey(
        "calls.Programme", on_delete=models.PROTECT, related_name="labels"
    )
    perimeter = models.ForeignKey("geo.Perimeter", on_delete=models.PROTECT, related_name="labels")
    wave = models.ForeignKey("calls.Wave", on_delete=models.PROTECT, related_name="labels")
    granted_on = models.DateField(_("date d'attribution"))
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    verification_code = models.CharField(
        _("code de vérification"), max_length=32, unique=True, default=new_verification_code
    )
    status = models.CharField(
        _("état"), max_length=16, choices=LabelStatus.choices, default=LabelStatus.VALID
    )
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revocation_reason = models.TextField(_("motif de révocation"), blank=True)
    certificate = models.FileField(_("attestation"), upload_to="labels/certificates/", blank=True)

    objects = LabelQuerySet.as_manager()

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["wave", "perimeter__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "perimeter"],
                condition=models.Q(status="valid"),
                name="one_valid_label_per_territory",
            )
        ]

    def __str__(self) -> str:
        return f"{self.perimeter} ({self.wave})"

    def state_on(self, day: datetime.date) -> str:
        if self.status == LabelStatus.REVOKED:
            return LabelState.REVOKED
        if self.valid_until is not None and self.valid_until < day:
            return LabelState.EXPIRED
        return LabelState.VALID

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    def get_state_display(self) -> str:
        return LabelState(self.state).label

    def get_absolute_url(self) -> str:
        return reverse("territories:detail", args=[self.perimeter.slug])

    def get_certificate_url(self) -> str:
        return reverse("labels:certificate", args=[self.pk])

    def get_verification_url(self) -> str:
        return reverse("labels:verify", args=[self.verification_code])

    @property
    def verification_full_url(self) -> str:
        return settings.ESSAIM_BASE_URL + self.get_verification_url()
