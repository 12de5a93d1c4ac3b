"""Engaged companies' offers, introductions between a project's need and a company, and events
between labelled territories (axes 4 and 6 of a support plan).

- an :class:`Offer` is shared (the directory's kind of data): published offers are public, kept by
  their company's members;
- an :class:`Introduction` follows its project: owned by the programmes that own the project
  (``projects.Project.objects.of_programmes``), read by its two parties;
- an :class:`Event` is owned by its programme.

Who sees what is in ``essaim.synergies.rules``; every write in ``essaim.synergies.services``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.accounts import permissions
from essaim.actors.models import PartnershipKind
from essaim.applications.models import Application
from essaim.core.money import MoneyField, money_checks
from essaim.labels.models import Label
from essaim.projects.models import Project, programmes_q

MAX_HOURS = 100_000
MAX_CAPACITY = 5_000


def _any(parts: list) -> models.Q | None:
    if not parts:
        return None
    query = parts[0]
    for part in parts[1:]:
        query |= part
    return query


def offers_visible_q(user) -> models.Q:
    """Published offers are public; withdrawn ones are read by their company's members and
    superusers (who own every shared object)."""
    if permissions.owns_shared_objects(user):
        return models.Q()
    query = models.Q(status=OfferStatus.PUBLISHED)
    companies = permissions.company_organisations(user)
    if companies:
        query |= companies.q("company")
    return query


def introductions_visible_q(user) -> models.Q | None:
    """Its company's members, the project's holders and the people of its collective, the staff
    of the programmes that own the project. ``None``: nothing."""
    if not permissions.is_signed_in(user):
        return None
    staff = permissions.staff_programmes(user)
    if staff.every:
        return models.Q()
    parts = []
    for scope, lookup in (
        (permissions.company_organisations(user), "company"),
        (permissions.holder_organisations(user), "project__holder"),
        (permissions.territory_collectives(user), "project__collective"),
    ):
        if scope:
            parts.append(scope.q(lookup))
    if staff:
        parts.append(models.Q(project__in=Project.objects.filter(programmes_q(staff.sorted()))))
    return _any(parts)


def audience_programme_ids(user) -> set[int]:
    """The programmes whose events ``user`` may attend: those their collective applied to
    (territory people), and those that own a project of their holder organisation (project
    holders). Two queries at most."""
    found: set[int] = set()
    collectives = permissions.territory_collectives(user)
    if collectives:
        found |= set(
            collectives.filter(Application.objects.all(), "collective")
            .order_by()
            .values_list("call__programme_id", flat=True)
        )
    holders = permissions.holder_organisations(user)
    if holders:
        projects = holders.filter(Project.objects.all(), "holder")
        found |= set(
            Application.objects.filter(
                models.Q(collective_id__in=projects.values("collective_id"))
                | models.Q(perimeter_id__in=projects.values("perimeter_id"))
            )
            .order_by()
            .values_list("call__programme_id", flat=True)
            .union(
                Label.objects.filter(perimeter_id__in=projects.values("perimeter_id"))
                .order_by()
                .values_list("programme_id", flat=True)
            )
            .order_by()
        )
    return found


def events_visible_q(user) -> models.Q | None:
    """The staff of the event's programme; the people of the territories and projects that
    programme owns (``audience_programme_ids``). ``None``: nothing."""
    if not permissions.is_signed_in(user):
        return None
    staff = permissions.staff_programmes(user)
    if staff.every:
        return models.Q()
    programmes = set(staff.ids) | audience_programme_ids(user)
    if not programmes:
        return None
    return models.Q(programme_id__in=sorted(programmes))


class OfferKind(models.TextChoices):
    SKILLS_SPONSORSHIP = "skills_sponsorship", _("mécénat de compétences")
    RESPONSIBLE_PURCHASING = "responsible_purchasing", _("achats responsables")
    INVESTMENT = "investment", _("investissement")
    PREMISES = "premises", _("locaux")
    MENTORING = "mentoring", _("mentorat")
    VOLUNTEERING = "volunteering", _("bénévolat")


class OfferStatus(models.TextChoices):
    PUBLISHED = "published", _("publiée")
    WITHDRAWN = "withdrawn", _("retirée")


class OfferQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OfferQuerySet":
        """Published offers are public; a withdrawn one is read by its company's members (and
        a superuser): ``essaim.synergies.rules.offers_visible_q``."""
        return self.filter(offers_visible_q(user))

    def active(self, today=None) -> "OfferQuerySet":
        """Published and within their dates."""
        today = today or timezone.localdate()
        return self.filter(
            models.Q(starts_on__isnull=True) | models.Q(starts_on__lte=today),
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=today),
            status=OfferStatus.PUBLISHED,
        )


class Offer(models.Model):
    company = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("entreprise"),
    )
    kind = models.CharField(_("nature"), max_length=32, choices=OfferKind.choices, db_index=True)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    conditions = models.TextField(_("conditions"), max_length=2000, blank=True)
    is_national = models.BooleanField(
        _("toute la France"), default=False, help_text=_("l'offre couvre tous les territoires")
    )
    regions = models.ManyToManyField(
        "geo.Region", blank=True, related_name="+", verbose_name=_("régions couvertes")
    )
    perimeters = models.ManyToManyField(
        "geo.Perimeter", blank=True, related_name="+", verbose_name=_("territoires couverts")
    )
    status = models.CharField(
        _("état"),
        max_length=16,
        choices=OfferStatus.choices,
        default=OfferStatus.PUBLISHED,
        db_index=True,
    )
    starts_on = models.DateField(_("à partir du"), null=True, blank=True)
    ends_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    is_fictitious = models.BooleanField(_("fictive (démo)"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offre")
        verbose_name_plural = _("offres")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(starts_on__lte=models.F("ends_on")),
                name="offer_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("synergies:offer_detail", args=[self.pk])


class IntroductionStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposée")
    ACCEPTED = "accepted", _("acceptée")
    DONE = "done", _("réalisée")
    DECLINED = "declined", _("déclinée")


class IntroductionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "IntroductionQuerySet":
        """Its company's members, the project's holders and collective's people, the staff of
        the programmes that own the project (``essaim.synergies.rules``)."""
        query = introductions_visible_q(user)
        return self.none() if query is None else self.filter(query)


class Introduction(models.Model):
    """A company's "Je peux aider" on a project's need: proposed → accepted → done, or
    declined (``essaim.synergies.workflow``)."""

    need = models.ForeignKey(
        "projects.Need",
        on_delete=models.PROTECT,
        related_name="introductions",
        verbose_name=_("besoin"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        related_name="introductions",
        verbose_name=_("projet"),
    )
    company = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.PROTECT,
        related_name="introductions",
        verbose_name=_("entreprise"),
    )
    offer = models.ForeignKey(
        Offer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introductions",
        verbose_name=_("offre"),
    )
    message = models.TextField(_("message de l'entreprise"), max_length=2000, blank=True)
    status = models.CharField(
        _("état"),
        max_length=16,
        choices=IntroductionStatus.choices,
        default=IntroductionStatus.PROPOSED,
        db_index=True,
    )
    decline_reason = models.TextField(_("motif du refus"), max_length=2000, blank=True)
    company_done = models.BooleanField(_("réalisée selon l'entreprise"), default=False)
    project_done = models.BooleanField(_("réalisée selon le projet"), default=False)
    hours = models.PositiveIntegerField(
        _("heures données"), null=True, blank=True, validators=[MaxValueValidator(MAX_HOURS)]
    )
    purchases = MoneyField(_("achats (€)"), null=True, blank=True)
    invested = MoneyField(_("montants investis (€)"), null=True, blank=True)
    result = models.TextField(_("ce que l'aide a produit"), max_length=2000, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    done_at = models.DateTimeField(_("réalisée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_fictitious = models.BooleanField(_("fictive (démo)"), default=False)

    objects = IntroductionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mise en relation")
        verbose_name_plural = _("mises en relation")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "company"],
                condition=~models.Q(status="declined"),
                name="introduction_once_per_need_and_company",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__isnull=True) | models.Q(hours__lte=MAX_HOURS),
                name="introduction_hours_bounded",
            ),
            *money_checks("introduction", "purchases"),
            *money_checks("introduction", "invested"),
        ]

    def __str__(self) -> str:
        return f"{self.company} → {self.project}"

    def get_absolute_url(self) -> str:
        return reverse("synergies:introduction_detail", args=[self.pk])


class EventQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EventQuerySet":
        """The staff of its programme, and the people of the territories and projects that
        programme owns (``essaim.synergies.rules.events_visible_q``)."""
        query = events_visible_q(user)
        return self.none() if query is None else self.filter(query)


class Event(models.Model):
    """A meetup or learning exchange between a programme's labelled territories."""

    programme = models.ForeignKey(
        "calls.Programme",
        on_delete=models.CASCADE,
        related_name="synergy_events",
        verbose_name=_("programme"),
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    starts_at = models.DateTimeField(_("date et heure"))
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    is_online = models.BooleanField(_("en ligne"), default=False)
    capacity = models.PositiveIntegerField(
        _("nombre de places"), validators=[MaxValueValidator(MAX_CAPACITY)]
    )
    is_fictitious = models.BooleanField(_("fictif (démo)"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("rencontre")
        verbose_name_plural = _("rencontres")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1, capacity__lte=MAX_CAPACITY),
                name="event_capacity_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(is_online=True) | ~models.Q(place=""),
                name="event_has_place_or_online",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("synergies:event_detail", args=[self.pk])


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    attended = models.BooleanField(_("présent"), null=True, blank=True)
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="registration_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.event}"


# --- The ecosystem network: relations with a project ------------------------------------------

# The relations an organisation has with a project (the labels read "<organisation> <kind>
# <project>": "Bpifrance finance Épicerie…"); a subset of ``actors.PartnershipKind``.
PROJECT_RELATION_KINDS = (
    PartnershipKind.FUNDS,
    PartnershipKind.PARTNER,
    PartnershipKind.SUPPLIES,
    PartnershipKind.MENTORS,
    PartnershipKind.SUPPORTS,
    PartnershipKind.COOPERATES,
)


class ProjectRelation(models.Model):
    """A typed, dated edge of the ecosystem network between an organisation and a project (a
    funder, a partner, a supplier, a mentor of the project). Kept here and not in ``actors``:
    projects sit above actors in the flow. ``person`` (optional) is who holds the relation on
    the organisation's side (the mentor); ``introduction`` is set when the relation records
    the cooperation an introduction produced (``services.introduction_transition``)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="relations", verbose_name=_("projet")
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.CASCADE,
        related_name="project_relations",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        "actors.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_relations",
        verbose_name=_("personne"),
    )
    kind = models.CharField(
        _("nature"),
        max_length=32,
        choices=[(kind.value, kind.label) for kind in PROJECT_RELATION_KINDS],
    )
    started_on = models.DateField(_("début"), null=True, blank=True)
    ended_on = models.DateField(_("fin"), null=True, blank=True)
    description = models.CharField(_("précision"), max_length=255, blank=True)
    introduction = models.OneToOneField(
        Introduction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relation",
        verbose_name=_("mise en relation"),
    )
    is_fictitious = models.BooleanField(_("fictive (démo)"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("déclarée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("relation d'un projet")
        verbose_name_plural = _("relations des projets")
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="project_relation_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_kind_display()} {self.project}"
