"""Programmes and their calls. A programme, its calls, forms and grids are data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), unique=True)
    label_name = models.CharField(_("nom du label"), max_length=200)
    owner = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_programmes",
        verbose_name=_("porteur du programme"),
    )
    expert_partner = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_programmes",
        verbose_name=_("partenaire expert"),
    )
    description = models.TextField(_("présentation"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    single_window_email = models.EmailField(_("adresse du guichet unique"), blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
