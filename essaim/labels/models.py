"""Decisions taken inside a wave, the labels they grant, and their verifiable certificates."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
