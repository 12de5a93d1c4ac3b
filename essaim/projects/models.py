"""Local social-innovation projects, their stage and their needs.

The taxonomies (domains, publics, methods) are small and fixed, in the spirit of the Carrefour
des innovations sociales; they are stored as code lists (see ``fields.CodeListField``).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from essaim.accounts.models import Role
from essaim.accounts.queries import scope_ids
from essaim.core.money import MoneyField, money_checks
from essaim.projects.fields import CodeListField


class Stage(models.TextChoices):
    EMERGENCE = "emergence", _("émergence")
    SEED = "seed", _("amorçage")
    DEVELOPMENT = "development", _("développement")
    SCALE_UP = "scale_up", _("changement d'échelle")
    SPREADING = "spreading", _("essaimage")


STAGE_ORDER = [s.value for s in Stage]


class Domain(models.TextChoices):
    FOOD = "food", _("alimentation et consommation")
    HEALTH = "health", _("santé et vieillissement")
    HOUSING = "housing", _("habitat et logement")
    MOBILITY = "mobility", _("mobilité")
    EMPLOYMENT = "employment", _("emploi et insertion")
    EDUCATION = "education", _("éducation et jeunesse")
    ENVIRONMENT = "environment", _("transition écologique")
    CULTURE = "culture", _("culture et sport")
    DIGITAL = "digital", _("numérique")
    SOCIAL_LINK = "social_link", _("lien social et solidarités")
    LOCAL_ECONOMY = "local_economy", _("développement économique local")


class Public(models.TextChoices):
    EVERYONE = "everyone", _("tous publics")
    YOUTH = "youth", _("jeunes")
    ELDERLY = "elderly", _("personnes âgées")
    JOBSEEKERS = "jobseekers", _("personnes éloignées de l'emploi")
    DISABILITY = "disability", _("personnes en situation de handicap")
    FAMILIES = "families", _("familles")
    PRECARIOUS = "precarious", _("personnes en précarité")
    RURAL = "rural", _("habitants des territoires ruraux")
    ORGANISATIONS = "organisations", _("entreprises et organisations")


class Method(models.TextChoices):
    COOPERATION = "cooperation", _("coopération et gouvernance partagée")
    THIRD_PLACE = "third_place", _("tiers-lieu")
    SHORT_CIRCUIT = "short_circuit", _("circuit court")
    PARTICIPATION = "participation", _("participation des habitants")
    DIGITAL_TOOL = "digital_tool", _("outil numérique")
    PEER_SUPPORT = "peer_support", _("pair-aidance")
    MUTUALISATION = "mutualisation", _("mutualisation de moyens")
    EXPERIMENTATION = "experimentation", _("expérimentation")


class ProjectQuerySet(models.QuerySet):
    def editable_by(self, user) -> "ProjectQuerySet":
        """Projects ``user`` may change: holders of the holder organisation, people of the
        project's territory collective, programme staff."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser or scope_ids(
            user, [Role.PROGRAMME_ADMIN, Role.INSTRUCTOR], "programme"
        ):
            return self
        holders = scope_ids(user, Role.PROJECT_HOLDER, "organisation")
        collectives = scope_ids(user, [Role.TERRITORY_LEAD, Role.TERRITORY_MEMBER], "collective")
        return self.filter(
            models.Q(holder_id__in=holders) | models.Q(collective_id__in=collectives)
        )

    def visible_to(self, user) -> "ProjectQuerySet":
        """Published projects are public; an unpublished one only to those who may edit it."""
        if user is None or not user.is_authenticated:
            return self.filter(is_published=True)
        editable = self.editable_by(user)
        if editable.query.is_empty():
            return self.filter(is_published=True)
        return self.filter(models.Q(is_published=True) | models.Q(pk__in=editable.values("pk")))


class Project(models.Model):
    title = models.CharField(_("titre"), max_length=255)
    summary = models.TextField(_("résumé"))
    holder = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("structure porteuse"),
    )
    communes = models.ManyToManyField(
        "geo.Commune", blank=True, related_name="projects", verbose_name=_("communes desservies")
    )
    perimeter = models.ForeignKey(
        "geo.Perimeter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("territoire"),
    )
    collective = models.ForeignKey(
        "actors.Collective",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("collectif du territoire"),
    )
    challenge = models.ForeignKey(
        "applications.Challenge",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("défi"),
    )
    domains = CodeListField(_("domaines"), code_choices=Domain)
    publics = CodeListField(_("publics"), code_choices=Public)
    methods = CodeListField(_("méthodes"), code_choices=Method)
    stage = models.CharField(_("stade"), max_length=16, choices=Stage.choices, db_index=True)
    founded_year = models.PositiveSmallIntegerField(_("année de création"), null=True, blank=True)
    yearly_budget = MoneyField(_("budget annuel (€)"), null=True, blank=True)
    jobs = models.PositiveSmallIntegerField(_("emplois (ETP)"), null=True, blank=True)
    website = models.URLField(_("site web"), blank=True)
    is_published = models.BooleanField(_("publié"), default=True)
    is_fictitious = models.BooleanField(
        _("fictif (démo)"), default=False, help_text=_("donnée inventée pour la démonstration")
    )
    # Lower-case, accent-free copy of title and summary for the SQLite search fallback.
    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(founded_year__isnull=True)
                | models.Q(founded_year__gte=1800, founded_year__lte=2200),
                name="project_founded_year_plausible",
            ),
            *money_checks("project", "yearly_budget"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    def get_domains_display(self) -> list[str]:
        return [str(Domain(code).label) for code in self.domains if code in Domain.values]

    def get_publics_display(self) -> list[str]:
        return [str(Public(code).label) for code in self.publics if code in Public.values]

    def get_methods_display(self) -> list[str]:
        return [str(Method(code).label) for code in self.methods if code in Method.values]


class NeedKind(models.TextChoices):
    FINANCING = "financing", _("financement")
    REGULATORY = "regulatory", _("aide réglementaire")
    PARTNERS = "partners", _("partenaires")
    SKILLS = "skills", _("compétences")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("ouvert")
    MET = "met", _("satisfait")
    DROPPED = "dropped", _("abandonné")


class Need(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(_("nature"), max_length=16, choices=NeedKind.choices, db_index=True)
    amount = MoneyField(
        _("montant (€)"), null=True, blank=True, help_text=_("pour un besoin de financement")
    )
    purpose = models.CharField(_("objet"), max_length=500)
    status = models.CharField(
        _("état"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("besoin")
        verbose_name_plural = _("besoins")
        ordering = ["project", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="financing")
                | models.Q(amount__isnull=False, amount__gt=0),
                name="need_financing_has_amount",
            ),
            *money_checks("need", "amount"),
        ]

    def __str__(self) -> str:
        if self.kind == NeedKind.FINANCING and self.amount:
            return f"{self.get_kind_display()} — {self.amount} € — {self.purpose}"
        return f"{self.get_kind_display()} — {self.purpose}"
