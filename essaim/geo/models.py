"""Official French geography (COG: régions, départements, EPCI, communes) and perimeters.

Containment is materialised: ``PerimeterCommune`` lists every commune of every perimeter, so
"which perimeters contain commune X" and "which communes are in perimeter Y" are each one indexed
query. It is rebuilt by ``essaim.geo.services`` whenever a perimeter's units change.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    chef_lieu = models.CharField(_("chef-lieu (code INSEE)"), max_length=5, blank=True)
    zone = models.CharField(_("zone"), max_length=8, blank=True)
    population = models.PositiveIntegerField(_("population municipale"), null=True, blank=True)
    search_name = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departements", verbose_name=_("région")
    )
    chef_lieu = models.CharField(_("chef-lieu (code INSEE)"), max_length=5, blank=True)
    zone = models.CharField(_("zone"), max_length=8, blank=True)
    population = models.PositiveIntegerField(_("population municipale"), null=True, blank=True)
    search_name = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("nature juridique"), max_length=8, blank=True)
    financing_mode = models.CharField(_("mode de financement"), max_length=8, blank=True)
    population = models.PositiveIntegerField(_("population municipale"), null=True, blank=True)
    # The name folded to lower-case ASCII words (see ``reference.fold``), for accent-blind search.
    search_name = models.CharField(max_length=200, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    insee = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name=_("département"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="communes", verbose_name=_("région")
    )
    epci = models.ForeignKey(
        Epci,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name=_("EPCI"),
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    population = models.PositiveIntegerField(_("population municipale"), null=True, blank=True)
    postal_codes = models.JSONField(_("codes postaux"), default=list, blank=True)
    search_name = models.CharField(max_length=200, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["insee"]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee})"


class UnitKind(models.TextChoices):
    REGION = "region", _("région")
    DEPARTEMENT = "departement", _("département")
    EPCI = "epci", _("EPCI")
    COMMUNE = "commune", _("commune")


class PerimeterQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PerimeterQuerySet":
        # Perimeters describe public territories: everyone may read them.
        return self.all()


class Perimeter(models.Model):
    """A territory made of official units, e.g. "Vallée de la Marne" or a whole région."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    commune_count = models.PositiveIntegerField(_("nombre de communes"), default=0)
    # Who built it (``None``: the system — reference loads, demo data — or older rows): with the
    # labels that use it, decides who may change it (``essaim.geo.rules``).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PerimeterQuerySet.as_manager()

    class Meta:
        verbose_name = _("périmètre")
        verbose_name_plural = _("périmètres")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PerimeterUnit(models.Model):
    """One official unit a perimeter is built from (by code: INSEE for région, département and
    commune, SIREN for EPCI)."""

    perimeter = models.ForeignKey(Perimeter, on_delete=models.CASCADE, related_name="units")
    kind = models.CharField(_("type d'unité"), max_length=16, choices=UnitKind.choices)
    code = models.CharField(_("code"), max_length=9)
    excluded = models.BooleanField(
        _("exclue"), default=False, help_text=_("retire cette unité du périmètre")
    )

    class Meta:
        verbose_name = _("unité d'un périmètre")
        verbose_name_plural = _("unités des périmètres")
        constraints = [
            models.UniqueConstraint(
                fields=["perimeter", "kind", "code"], name="perimeter_unit_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"


class PerimeterCommune(models.Model):
    """Materialised containment: commune ∈ perimeter. Written only by ``perimeter_rebuild``."""

    perimeter = models.ForeignKey(Perimeter, on_delete=models.CASCADE, related_name="commune_links")
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="perimeter_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["perimeter", "commune"], name="perimeter_commune_once")
        ]
        indexes = [models.Index(fields=["commune", "perimeter"])]


class ReferenceLoad(models.Model):
    """Which reference snapshot was last loaded (so that the demo can skip an unchanged one)."""

    name = models.CharField(max_length=50, unique=True)
    version = models.CharField(max_length=100)
    checksum = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chargement du référentiel")
        verbose_name_plural = _("chargements du référentiel")

    def __str__(self) -> str:
        return f"{self.name} {self.version}"
