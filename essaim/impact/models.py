"""Impact measurement (axis 5 of the support plans): the indicator library, indicator plans
(baseline and yearly targets) per labelled territory and per project, measurements and reporting
campaigns.

**Territories are labels.** A labelled territory of a programme is its ``labels.Label`` (the
perimeter, the collective through the application, and the programme that owns the figures): a
plan, a measurement and a campaign name the label, so that programme ownership is one column away.

**Indicators belong to a programme** (their ``code`` is unique per programme, not global): a
programme decides what it measures and how (definition, bounds, aggregation rule), two programmes
may both count "emplois créés" with different definitions, and the programme's admins change their
library without a shared object that only a superuser could keep. The starter library
(``essaim/impact/data/starter_library.yaml``) is loaded into a programme by
``services.library_load``. Definitions are public (the library page), figures are not until
published.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from essaim.accounts import permissions

# Every figure: up to 10^15 with four decimals (rates, means, euros, people).
VALUE_DIGITS, VALUE_PLACES = 20, 4
VALUE_LIMIT = Decimal(10) ** 15
YEAR_MIN, YEAR_MAX = 2000, 2100


def value_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        validators=[MinValueValidator(-VALUE_LIMIT), MaxValueValidator(VALUE_LIMIT)],
        **kwargs,
    )


def year_field(verbose_name, **kwargs) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name,
        validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)],
        **kwargs,
    )


class Direction(models.TextChoices):
    HIGHER = "higher", _("plus la valeur est haute, mieux c'est")
    LOWER = "lower", _("plus la valeur est basse, mieux c'est")


class Aggregation(models.TextChoices):
    SUM = "sum", _("somme")
    MEAN = "mean", _("moyenne")
    WEIGHTED_MEAN = "weighted_mean", _("moyenne pondérée")
    RATIO = "ratio", _("ratio de deux indicateurs")
    LAST = "last", _("dernière valeur de la période")


class IndicatorQuerySet(models.QuerySet):
    def visible_to(self, user) -> "IndicatorQuerySet":
        """The library is public: definitions are what programmes publish about their
        measurement. (Figures are scoped: ``Measurement.objects.visible_to``.)"""
        return self.all()

    def of_staff(self, user) -> "IndicatorQuerySet":
        return permissions.staff_programmes(user).filter(self, "programme")


class Indicator(models.Model):
    programme = models.ForeignKey(
        "calls.Programme",
        on_delete=models.CASCADE,
        related_name="impact_indicators",
        verbose_name=_("programme"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("intitulé"), max_length=200)
    definition = models.TextField(_("définition"), max_length=4000, blank=True)
    unit = models.CharField(_("unité"), max_length=40)
    direction = models.CharField(
        _("sens"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    aggregation = models.CharField(
        _("règle d'agrégation"), max_length=16, choices=Aggregation.choices
    )
    weight = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicateur de pondération"),
        help_text=_("moyenne pondérée : l'indicateur dont la valeur sert de poids"),
    )
    numerator = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("numérateur"),
    )
    denominator = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dénominateur"),
    )
    min_value = value_field(_("valeur minimale admise"), null=True, blank=True)
    max_value = value_field(_("valeur maximale admise"), null=True, blank=True)
    # [{"dimension": "sexe", "values": ["femme", "homme", "autre"]}, ...]
    breakdowns = models.JSONField(_("ventilations"), default=list, blank=True)
    theme = models.CharField(_("thème"), max_length=80, blank=True)
    challenge = models.CharField(
        _("défi"), max_length=120, blank=True, help_text=_("le défi du territoire qu'il suit")
    )
    sdg_targets = models.JSONField(_("cibles des ODD"), default=list, blank=True)
    # The Impact Management Project's five dimensions of impact.
    imp_what = models.TextField(_("quoi (IMP)"), max_length=2000, blank=True)
    imp_who = models.TextField(_("qui (IMP)"), max_length=2000, blank=True)
    imp_how_much = models.TextField(_("combien (IMP)"), max_length=2000, blank=True)
    imp_contribution = models.TextField(_("contribution (IMP)"), max_length=2000, blank=True)
    imp_risk = models.TextField(_("risque (IMP)"), max_length=2000, blank=True)
    position = models.PositiveSmallIntegerField(_("rang"), default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["programme", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="impact_indicator_code"),
            models.CheckConstraint(
                name="impact_indicator_ratio_has_terms",
                condition=~Q(aggregation="ratio")
                | Q(numerator__isnull=False, denominator__isnull=False),
            ),
            models.CheckConstraint(
                name="impact_indicator_weighted_has_weight",
                condition=~Q(aggregation="weighted_mean") | Q(weight__isnull=False),
            ),
            models.CheckConstraint(
                name="impact_indicator_bounds_ordered",
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    @property
    def is_ratio(self) -> bool:
        return self.aggregation == Aggregation.RATIO

    def dimensions(self) -> dict[str, list[str]]:
        return {b["dimension"]: list(b["values"]) for b in self.breakdowns or []}

    def imp_dimensions(self) -> list[tuple[str, str]]:
        return [
            (str(self._meta.get_field(name).verbose_name), getattr(self, name))
            for name in ("imp_what", "imp_who", "imp_how_much", "imp_contribution", "imp_risk")
            if getattr(self, name)
        ]


class IndicatorPlan(models.Model):
    """What a territory (its label) or a project commits to measure: the baseline and a target
    per year (``Target``)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="plans", verbose_name=_("indicateur")
    )
    label = models.ForeignKey(
        "labels.Label",
        on_delete=models.CASCADE,
        related_name="impact_plans",
        verbose_name=_("territoire"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="impact_plans",
        verbose_name=_("projet"),
    )
    baseline = value_field(_("valeur de référence"), null=True, blank=True)
    baseline_year = year_field(_("année de référence"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan d'indicateur")
        verbose_name_plural = _("plans d'indicateurs")
        ordering = ["indicator__position", "indicator__code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "label"],
                condition=Q(project__isnull=True),
                name="impact_plan_once_per_territory",
            ),
            models.UniqueConstraint(
                fields=["indicator", "project"],
                condition=Q(project__isnull=False),
                name="impact_plan_once_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} — {self.project or self.label.perimeter}"


class Target(models.Model):
    plan = models.ForeignKey(IndicatorPlan, on_delete=models.CASCADE, related_name="targets")
    year = year_field(_("année"))
    value = value_field(_("cible"))

    class Meta:
        verbose_name = _("cible")
        verbose_name_plural = _("cibles")
        ordering = ["plan", "year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="impact_target_once_per_year")
        ]


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("en préparation")
    OPEN = "open", _("ouverte")
    CLOSED = "closed", _("close")


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CampaignQuerySet":
        """The programme's staff see its campaigns; a territory's people the campaigns that ask
        their territory."""
        staff = permissions.staff_programmes(user)
        if staff.every:
            return self.all()
        collectives = permissions.territory_collectives(user)
        if not staff and not collectives:
            return self.none()
        return self.filter(
            staff.q("programme")
            | Q(
                pk__in=Campaign.labels.through.objects.filter(
                    collectives.q("label__application__collective")
                ).values("campaign_id")
            )
        )


class Campaign(models.Model):
    """A reporting campaign: which indicators, from which territories (and projects), for which
    period, due when."""

    programme = models.ForeignKey(
        "calls.Programme",
        on_delete=models.CASCADE,
        related_name="impact_campaigns",
        verbose_name=_("programme"),
    )
    title = models.CharField(_("intitulé"), max_length=200)
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    due_on = models.DateField(_("date limite"))
    status = models.CharField(
        _("état"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    indicators = models.ManyToManyField(
        Indicator, related_name="campaigns", verbose_name=_("indicateurs")
    )
    labels = models.ManyToManyField(
        "labels.Label", related_name="impact_campaigns", verbose_name=_("territoires")
    )
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="impact_campaigns", verbose_name=_("projets")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_fictitious = models.BooleanField(_("fictive (démo)"), default=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campagne de collecte")
        verbose_name_plural = _("campagnes de collecte")
        ordering = ["-period_end", "pk"]
        constraints = [
            models.CheckConstraint(
                name="impact_campaign_period_ordered",
                condition=Q(period_end__gte=models.F("period_start")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("impact:campaign", args=[self.pk])

    def covers(self, day) -> bool:
        return self.period_start <= day <= self.period_end


class CampaignReminder(models.Model):
    """One reminder per campaign, territory and day: the guard against sending twice."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    label = models.ForeignKey("labels.Label", on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "label", "sent_on"], name="impact_reminder_once_a_day"
            )
        ]


class MeasurementStatus(models.TextChoices):
    RECORDED = "recorded", _("saisie")
    FLAGGED = "flagged", _("à vérifier")
    PUBLISHED = "published", _("publiée")
    REJECTED = "rejected", _("écartée")


class Channel(models.TextChoices):
    FORM = "form", _("formulaire")
    CSV = "csv", _("fichier CSV")
    API = "api", _("API")


class MeasurementQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MeasurementQuerySet":
        """The programme's staff see its figures; a territory's people their territory's
        (projects included); a project holder their projects'. Nobody else sees a single value:
        the public reads published aggregates (``aggregates``)."""
        staff = permissions.staff_programmes(user)
        if staff.every:
            return self.all()
        collectives = permissions.territory_collectives(user)
        holders = permissions.holder_organisations(user)
        if not (staff or collectives or holders):
            return self.none()
        return self.filter(
            staff.q("label__programme")
            | collectives.q("label__application__collective")
            | holders.q("project__holder")
        )

    def counted(self) -> "MeasurementQuerySet":
        """Values that count in figures: not rejected."""
        return self.exclude(status=MeasurementStatus.REJECTED)

    def published(self) -> "MeasurementQuerySet":
        return self.filter(status=MeasurementStatus.PUBLISHED)


class Measurement(models.Model):
    """One value of an indicator for a territory (``project`` empty) or one of its projects,
    for the period ending on ``period_end``, optionally for one cell of its breakdowns."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="measurements",
        verbose_name=_("indicateur"),
    )
    label = models.ForeignKey(
        "labels.Label",
        on_delete=models.PROTECT,
        related_name="impact_measurements",
        verbose_name=_("territoire"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="impact_measurements",
        verbose_name=_("projet"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("campagne"),
    )
    period_end = models.DateField(_("fin de la période"))
    year = year_field(_("année"))
    value = value_field(_("valeur"))
    weight = value_field(_("poids"), null=True, blank=True)
    breakdown = models.JSONField(_("ventilation"), default=dict, blank=True)
    # "age=18-25;sexe=femme" (dimensions sorted), "" for the total: uniqueness and grouping.
    breakdown_key = models.CharField(max_length=200, default="", blank=True)
    status = models.CharField(
        _("état"),
        max_length=10,
        choices=MeasurementStatus.choices,
        default=MeasurementStatus.RECORDED,
    )
    flag_reason = models.CharField(_("motif de vérification"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=200)
    channel = models.CharField(_("canal"), max_length=4, choices=Channel.choices)
    comment = models.TextField(_("commentaire"), max_length=2000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("auteur"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_fictitious = models.BooleanField(_("fictive (démo)"), default=False)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        verbose_name = _("mesure")
        verbose_name_plural = _("mesures")
        ordering = ["indicator__position", "period_end", "pk"]
        indexes = [
            # The territory × indicator × year aggregation reads these columns only.
            models.Index(fields=["label", "indicator", "year"], name="impact_m_territory_year"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "label", "period_end", "breakdown_key"],
                condition=Q(project__isnull=True),
                name="impact_measurement_once_territory",
            ),
            models.UniqueConstraint(
                fields=["indicator", "project", "period_end", "breakdown_key"],
                condition=Q(project__isnull=False),
                name="impact_measurement_once_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_end:%d/%m/%Y} = {self.value}"

    def get_absolute_url(self) -> str:
        return reverse("impact:measurement", args=[self.pk])


class YearlyFigure(models.Model):
    """The summary of the **published** totals (no breakdown cell) of one series — a territory's
    own rows (``project`` empty) or one project's — for an indicator and a year: the terms every
    aggregation rule needs, so that the public aggregates read a few thousand rows instead of
    every measurement. Written only by ``essaim.impact.summary.refresh``, called in the same
    transaction by the services that publish, correct or reject values; ``summary.rebuild``
    recomputes it from the measurements (and a test proves both agree)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    label = models.ForeignKey("labels.Label", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    year = year_field(_("année"))
    count = models.PositiveIntegerField()  # published rows
    value_sum = models.DecimalField(max_digits=VALUE_DIGITS + 10, decimal_places=VALUE_PLACES)
    # Σ(value × weight) and Σ(weight) over the rows that carry a weight (0 when none does).
    weighted_sum = models.DecimalField(
        max_digits=VALUE_DIGITS * 2 + 10, decimal_places=VALUE_PLACES * 2
    )
    weight_sum = models.DecimalField(max_digits=VALUE_DIGITS + 10, decimal_places=VALUE_PLACES)
    # The series' latest period in the year and the sum (and count) of its values on that day.
    last_period = models.DateField()
    last_sum = models.DecimalField(max_digits=VALUE_DIGITS + 10, decimal_places=VALUE_PLACES)
    last_count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("synthèse annuelle")
        verbose_name_plural = _("synthèses annuelles")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "label", "year"],
                condition=Q(project__isnull=True),
                name="impact_yearly_once_territory",
            ),
            models.UniqueConstraint(
                fields=["indicator", "project", "year"],
                condition=Q(project__isnull=False),
                name="impact_yearly_once_project",
            ),
        ]
        indexes = [models.Index(fields=["label", "indicator", "year"], name="impact_y_label")]


# --- Evaluation reports -------------------------------------------------------------------------


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("à générer")
    QUEUED = "queued", _("en file d'attente")
    RUNNING = "running", _("en cours de génération")
    DONE = "done", _("généré")
    FAILED = "failed", _("échec de la génération")


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReportQuerySet":
        """Published reports are public; the programme's staff see every report of the
        programme; a territory's people the reports of their territory (not the programme-wide
        one until it is published)."""
        published = Q(published_at__isnull=False, status=ReportStatus.DONE)
        staff = permissions.staff_programmes(user)
        if staff.every:
            return self.all()
        collectives = permissions.territory_collectives(user)
        condition = published
        if staff:
            condition |= staff.q("programme")
        if collectives:
            condition |= collectives.q("label__application__collective")
        return self.filter(condition)


class Report(models.Model):
    """An evaluation report of a programme for one year: of one labelled territory (``label``),
    or programme-wide (``label`` empty). Generated in the background into an HTML snapshot and
    a PDF; the team's narrative sections are part of it."""

    programme = models.ForeignKey(
        "calls.Programme",
        on_delete=models.CASCADE,
        related_name="impact_reports",
        verbose_name=_("programme"),
    )
    label = models.ForeignKey(
        "labels.Label",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="impact_reports",
        verbose_name=_("territoire"),
    )
    year = year_field(_("année"))
    title = models.CharField(_("titre"), max_length=200)
    status = models.CharField(
        _("état"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    step = models.CharField(_("étape"), max_length=200, blank=True)
    error = models.TextField(_("erreur"), max_length=2000, blank=True)
    html = models.TextField(_("rapport (HTML)"), blank=True)
    pdf = models.FileField(_("rapport (PDF)"), upload_to="impact/rapports/", blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(_("généré le"), null=True, blank=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_fictitious = models.BooleanField(_("fictif (démo)"), default=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapport d'évaluation")
        verbose_name_plural = _("rapports d'évaluation")
        ordering = ["-year", "programme", "label", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("impact:report", args=[self.pk])

    @property
    def in_progress(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ReportSection(models.Model):
    """A narrative section of a report, written by the team (plain text; blank lines make
    paragraphs, lines starting with "- " make a list)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte"), max_length=20000)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, validators=[MaxValueValidator(1000)]
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("section de rapport")
        verbose_name_plural = _("sections de rapport")
        ordering = ["report", "position", "pk"]

    def __str__(self) -> str:
        return self.title
