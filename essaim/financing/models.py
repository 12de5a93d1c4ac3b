"""Financing instruments (outils de financement), the requests projects send them, and alert
subscriptions. Eligibility rules live in ``matching.py``; every write in ``services.py``."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from essaim.core.money import MoneyField, money_checks
from essaim.financing import rules
from essaim.financing.legal import LegalFamily
from essaim.financing.workflow import RequestStatus
from essaim.projects.fields import CodeListField
from essaim.projects.models import Domain, Stage


class InstrumentKind(models.TextChoices):
    GRANT = "grant", _("subvention")
    RECOVERABLE_ADVANCE = "recoverable_advance", _("avance remboursable")
    ZERO_RATE_LOAN = "zero_rate_loan", _("prêt à taux zéro")
    LOAN = "loan", _("prêt")
    HONOUR_LOAN = "honour_loan", _("prêt d'honneur")
    GUARANTEE = "guarantee", _("garantie")
    EQUITY = "equity", _("fonds propres")
    QUASI_EQUITY = "quasi_equity", _("quasi-fonds propres")
    ASSOCIATIVE_CONTRIBUTION = "associative_contribution", _("apport associatif")
    ORIENTATION = "orientation", _("orientation (sans apport financier)")


# Kinds that put no money in the project themselves.
NON_MONEY_KINDS = frozenset({InstrumentKind.ORIENTATION.value, InstrumentKind.GUARANTEE.value})


class InstrumentQuerySet(models.QuerySet):
    def published(self) -> "InstrumentQuerySet":
        return self.filter(is_published=True)

    def visible_to(self, user) -> "InstrumentQuerySet":
        """Published instruments are public; an unpublished one is read by its financer, the
        programme staff and superusers (``essaim.financing.rules``)."""
        return self.filter(rules.instruments_visible_q(user))


class Instrument(models.Model):
    provider = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.PROTECT,
        related_name="instruments",
        verbose_name=_("financeur"),
    )
    name = models.CharField(_("nom"), max_length=255, unique=True)
    short_name = models.CharField(_("nom court"), max_length=60, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    kinds = CodeListField(_("natures"), code_choices=InstrumentKind, blank=False)
    share_of_costs_max = models.DecimalField(
        _("part maximale des coûts"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("entre 0 et 1 ; 0,5 = au plus la moitié du coût du projet"),
    )
    legal_families = CodeListField(
        _("familles juridiques éligibles"),
        code_choices=LegalFamily,
        help_text=_("vide : toutes"),
    )
    legal_categories = models.CharField(
        _("catégories juridiques éligibles (codes INSEE)"),
        max_length=500,
        blank=True,
        help_text=_("codes séparés par des espaces, en plus des familles ; vide : aucun en plus"),
    )
    requires_ess = models.BooleanField(_("réservé à l'ESS"), default=False)
    requires_esus = models.BooleanField(_("agrément ESUS exigé"), default=False)
    min_age_years = models.PositiveSmallIntegerField(
        _("âge minimal de la structure (ans)"), null=True, blank=True
    )
    max_age_years = models.PositiveSmallIntegerField(
        _("âge maximal de la structure (ans)"), null=True, blank=True
    )
    max_yearly_budget = MoneyField(
        _("budget annuel maximal de la structure (€)"), null=True, blank=True
    )
    is_national = models.BooleanField(_("toute la France"), default=True)
    regions = models.ManyToManyField(
        "geo.Region", blank=True, related_name="instruments", verbose_name=_("régions")
    )
    perimeters = models.ManyToManyField(
        "geo.Perimeter", blank=True, related_name="instruments", verbose_name=_("territoires")
    )
    excluded_regions = models.ManyToManyField(
        "geo.Region", blank=True, related_name="+", verbose_name=_("régions exclues")
    )
    excluded_perimeters = models.ManyToManyField(
        "geo.Perimeter", blank=True, related_name="+", verbose_name=_("territoires exclus")
    )
    themes = CodeListField(_("thèmes"), code_choices=Domain, help_text=_("vide : tous"))
    opens_on = models.DateField(_("ouvert à partir du"), null=True, blank=True)
    closes_on = models.DateField(_("clôture"), null=True, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    url = models.URLField(_("lien"), blank=True)
    is_published = models.BooleanField(_("publié"), default=True)
    is_fictitious = models.BooleanField(_("fictif (démo)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("outil de financement")
        verbose_name_plural = _("outils de financement")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(share_of_costs_max__isnull=True)
                | models.Q(share_of_costs_max__gt=0, share_of_costs_max__lte=1),
                name="instrument_share_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(min_age_years__isnull=True)
                | models.Q(max_age_years__isnull=True)
                | models.Q(min_age_years__lte=models.F("max_age_years")),
                name="instrument_ages_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_on__isnull=True)
                | models.Q(closes_on__isnull=True)
                | models.Q(opens_on__lte=models.F("closes_on")),
                name="instrument_dates_ordered",
            ),
            *money_checks("instrument", "max_yearly_budget"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("financing:instrument_detail", args=[self.pk])

    def get_kinds_display(self) -> list[str]:
        return [str(InstrumentKind(k).label) for k in self.kinds if k in InstrumentKind.values]

    def get_themes_display(self) -> list[str]:
        return [str(Domain(k).label) for k in self.themes if k in Domain.values]

    def get_legal_families_display(self) -> list[str]:
        return [str(LegalFamily(k).label) for k in self.legal_families if k in LegalFamily.values]

    @property
    def legal_category_codes(self) -> frozenset[str]:
        return frozenset(self.legal_categories.split())


class TicketBand(models.Model):
    """How much an instrument puts in, for one stage (or every stage when ``stage`` is blank)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="bands")
    stage = models.CharField(_("stade"), max_length=16, choices=Stage.choices, blank=True)
    min_amount = MoneyField(_("montant minimal (€)"), null=True, blank=True)
    max_amount = MoneyField(_("montant maximal (€)"), null=True, blank=True)

    class Meta:
        verbose_name = _("tranche de ticket")
        verbose_name_plural = _("tranches de tickets")
        ordering = ["instrument", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_amount__isnull=True)
                | models.Q(max_amount__isnull=True)
                | models.Q(min_amount__lte=models.F("max_amount")),
                name="ticket_band_min_le_max",
            ),
            models.UniqueConstraint(fields=["instrument", "stage"], name="ticket_band_once"),
            *money_checks("ticket_band", "min_amount", "max_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display() or '*'}: {self.min_amount}–{self.max_amount}"


class FinancingRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> "FinancingRequestQuerySet":
        """The holder organisation's project holders, the project's collective's people and the
        instrument's financer see a request, and so do the staff of the programmes that own the
        project (``Project.objects.of_programmes``) — nobody else (``essaim.financing.rules``)."""
        query = rules.requests_visible_q(user)
        return self.none() if query is None else self.filter(query)


class FinancingRequest(models.Model):
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        related_name="financing_requests",
        verbose_name=_("projet"),
    )
    need = models.ForeignKey(
        "projects.Need",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="financing_requests",
        verbose_name=_("besoin"),
    )
    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("outil de financement"),
    )
    amount = MoneyField(_("montant demandé (€)"))
    purpose = models.TextField(_("objet"))
    status = models.CharField(
        _("état"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.RECEIVED,
        db_index=True,
    )
    # The instrument's terms when the request was sent: editing the instrument never changes them.
    terms = models.JSONField(_("conditions à l'envoi"), default=dict, editable=False)
    granted_amount = MoneyField(_("montant accordé (€)"), null=True, blank=True)
    decline_reason = models.TextField(_("motif du refus"), blank=True)
    grant_conditions = models.TextField(_("conditions de l'accord"), blank=True)
    partial_reason = models.TextField(_("motif du montant partiel"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    disbursed_at = models.DateTimeField(_("versée le"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_fictitious = models.BooleanField(_("fictive (démo)"), default=False)

    objects = FinancingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande de financement")
        verbose_name_plural = _("demandes de financement")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="financing_request_amount_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["granted", "disbursed"])
                | models.Q(granted_amount__isnull=False),
                name="financing_request_granted_has_amount",
            ),
            *money_checks("financing_request", "amount", "granted_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.project} → {self.instrument} ({self.amount} €)"

    def get_absolute_url(self) -> str:
        return reverse("financing:request_detail", args=[self.pk])


class RequestDocument(models.Model):
    request = models.ForeignKey(
        FinancingRequest, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("document"), upload_to="financing/requests/%Y/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document joint")
        verbose_name_plural = _("documents joints")

    def __str__(self) -> str:
        return self.original_name


class AlertSubscription(models.Model):
    """A holder (for one project) or a territory (for its collective's projects) asks to hear of
    new or changed instruments that match."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="financing_alerts"
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="financing_alerts",
        verbose_name=_("projet"),
    )
    collective = models.ForeignKey(
        "actors.Collective",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="financing_alerts",
        verbose_name=_("territoire"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alerte financement")
        verbose_name_plural = _("alertes financement")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(project__isnull=False, collective__isnull=True)
                | models.Q(project__isnull=True, collective__isnull=False),
                name="alert_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "project"],
                condition=models.Q(project__isnull=False),
                name="alert_once_per_project",
            ),
            models.UniqueConstraint(
                fields=["user", "collective"],
                condition=models.Q(collective__isnull=False),
                name="alert_once_per_collective",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.project or self.collective}"


class ProgrammeInstrument(models.Model):
    """A programme references an instrument of the shared catalogue (chosen by the programme's
    admins on its settings page, ``essaim.financing.programme_instruments``); its public page
    lists them. The catalogue stays the financers'."""

    programme = models.ForeignKey(
        "calls.Programme",
        on_delete=models.CASCADE,
        related_name="instrument_references",
        verbose_name=_("programme"),
    )
    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.CASCADE,
        related_name="programme_references",
        verbose_name=_("outil de financement"),
    )
    since = models.DateField(_("depuis le"), auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ajouté par"),
    )

    class Meta:
        verbose_name = _("outil référencé par un programme")
        verbose_name_plural = _("outils référencés par les programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "instrument"], name="programme_instrument_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {self.instrument}"
