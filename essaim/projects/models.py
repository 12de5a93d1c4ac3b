"""Local social-innovation projects, their stage and their needs.

The taxonomies (domains, publics, methods) are small and fixed, in the spirit of the Carrefour
des innovations sociales; they are stored as code lists (see ``fields.CodeListField``).
"""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from essaim.accounts import permissions
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


def _applications():
    # Read through the app registry: projects come before applications and labels in the flow.
    return apps.get_model("applications", "Application").objects.all()


def _labels():
    return apps.get_model("labels", "Label").objects.all()


def programmes_q(programme_ids) -> models.Q:
    """Projects owned by the programmes ``programme_ids``: their collective applied to one of
    them, or their territory is that of one of their applications or labels (subqueries, no
    query of its own)."""
    applications = _applications().filter(call__programme_id__in=programme_ids)
    labels = _labels().filter(programme_id__in=programme_ids)
    return (
        models.Q(collective_id__in=applications.values("collective_id"))
        | models.Q(perimeter_id__in=applications.values("perimeter_id"))
        | models.Q(perimeter_id__in=labels.values("perimeter_id"))
    )


def programme_ids_of_territory(*, perimeter_id: int | None, collective_id: int | None) -> set:
    """The programmes that own a project of this territory and collective: those whose
    applications or labels cover them (one query; none without a territory)."""
    if perimeter_id is None and collective_id is None:
        return set()
    criteria = models.Q(pk__in=[])
    if collective_id is not None:
        criteria |= models.Q(collective_id=collective_id)
    if perimeter_id is not None:
        criteria |= models.Q(perimeter_id=perimeter_id)
    programmes = (
        _applications().filter(criteria).order_by().values_list("call__programme_id", flat=True)
    )
    if perimeter_id is not None:
        labels = _labels().filter(perimeter_id=perimeter_id).order_by()
        programmes = programmes.union(labels.values_list("programme_id", flat=True)).order_by()
    return set(programmes)


def programme_ids_of(project) -> set:
    """The programmes that own ``project`` (``docs/architecture.md``)."""
    return programme_ids_of_territory(
        perimeter_id=project.perimeter_id, collective_id=project.collective_id
    )


class ProjectQuerySet(models.QuerySet):
    def of_programmes(self, scope) -> "ProjectQuerySet":
        """Projects owned by the programmes of ``scope`` (a ``permissions.Scope``): their
        territory or collective is covered by the programmes' applications or labels. The one
        definition of "the programme's projects", for pages, API, exports and financing."""
        if scope.every:
            return self.all()
        if not scope:
            return self.none()
        return self.filter(programmes_q(scope.sorted()))

    def editable_by(self, user) -> "ProjectQuerySet":
        """Projects ``user`` may change: the holder organisation's project holders, the people of
        the project's collective, the staff of the programmes that own it (``of_programmes``)."""
        if not permissions.is_signed_in(user):
            return self.none()
        staff = permissions.staff_programmes(user)
        if staff.every:
            return self.all()
        parts = []
        holders = permissions.holder_organisations(user)
        if holders:
            parts.append(holders.q("holder"))
        territories = permissions.territory_collectives(user)
        if territories:
            parts.append(territories.q("collective"))
        if staff:
            parts.append(programmes_q(staff.sorted()))
        if not parts:
            return self.none()
        query = parts[0]
        for part in parts[1:]:
            query |= part
        return self.filter(query)

    def visible_to(self, user) -> "ProjectQuerySet":
        """Published projects are public; an unpublished one only to those who may edit it."""
        if not permissions.is_signed_in(user):
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
        # The directory's pages are read in this order (a page of 20 out of 20,000).
        indexes = [models.Index(fields=["title", "id"], name="project_title_idx")]
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
