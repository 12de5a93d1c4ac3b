"""Organisations, the people attached to them, partnerships, and the collectives that carry a
territory."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.accounts import permissions
from essaim.actors.legal_categories import legal_category_label, validate_legal_category
from essaim.actors.search import search
from essaim.actors.validators import validate_siren, validate_siret


class OrganisationKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", _("collectivité territoriale")
    ASSOCIATION = "association", _("association")
    COOPERATIVE = "cooperative", _("coopérative (SCOP, SCIC)")
    COMPANY = "company", _("entreprise")
    NETWORK = "network", _("réseau")
    FINANCER = "financer", _("financeur")
    PUBLIC_BODY = "public_body", _("organisme public")
    SUPPORT = "support", _("structure d'accompagnement")


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OrganisationQuerySet":
        """The directory: every verified organisation is public. One registered through an
        application waits for the staff's confirmation, seen meanwhile only by its creator, its
        own members, the people of its collectives and the staff of the programmes those
        collectives apply to (``essaim.actors.rules``). People and history are not public."""
        return self.filter(visible_organisations_q(user))

    def verified(self) -> "OrganisationQuerySet":
        return self.filter(verified_at__isnull=False)

    def unverified(self) -> "OrganisationQuerySet":
        return self.filter(verified_at__isnull=True)

    def search(self, query: str) -> "OrganisationQuerySet":
        """Full-text search, best matches first: PostgreSQL's text search when the database is
        PostgreSQL, a plain accent-free word match on SQLite (see ``essaim.actors.search``)."""
        return search(self, query)

    def filter_directory(
        self,
        *,
        region: str = "",
        kind: str = "",
        ess: bool | None = None,
        esus: bool | None = None,
    ) -> "OrganisationQuerySet":
        """The directory's filters; empty values filter nothing. ``region`` is an INSEE code,
        matched through the organisation's commune."""
        queryset = self
        if region:
            queryset = queryset.filter(commune__region__code=region)
        if kind:
            queryset = queryset.filter(kind=kind)
        if ess is not None:
            queryset = queryset.filter(is_ess=ess)
        if esus is not None:
            queryset = queryset.filter(esus_approved=esus)
        return queryset


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=255)
    acronym = models.CharField(_("sigle"), max_length=50, blank=True)
    siren = models.CharField(
        _("SIREN"), max_length=9, blank=True, db_index=True, validators=[validate_siren]
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    legal_category = models.CharField(
        _("catégorie juridique (code INSEE)"),
        max_length=4,
        blank=True,
        validators=[validate_legal_category],
    )
    kind = models.CharField(_("type"), max_length=32, choices=OrganisationKind.choices)
    is_ess = models.BooleanField(_("membre de l'ESS"), default=False)
    esus_approved = models.BooleanField(_("agrément ESUS"), default=False)
    commune = models.ForeignKey(
        "geo.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("commune"),
    )
    website = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("présentation"), blank=True)
    is_fictitious = models.BooleanField(
        _("fictive (démo)"), default=False, help_text=_("donnée inventée pour la démonstration")
    )
    # Written by essaim.actors.search.organisation_index (services, demo loader), never save():
    # a lower-case, accent-free copy of name, acronym, SIREN/SIRET, commune and description for
    # the SQLite fallback, and the weighted tsvector PostgreSQL searches (GIN index, migration
    # 0002, PostgreSQL only).
    search_text = models.TextField(editable=False, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créée par"),
    )
    # In the public directory once confirmed. Organisations made by the staff, the demo or an
    # import are confirmed when created; one registered through an application
    # (``services.organisation_register``) starts unconfirmed until staff confirm it
    # (``services.organisation_verify``). The migration confirmed every existing row.
    verified_at = models.DateTimeField(
        _("confirmée le"), null=True, blank=True, default=timezone.now
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmée par"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        # The directory's pages are read in this order (a page of 20 out of 50,000).
        indexes = [models.Index(fields=["name"], name="organisation_name_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Invariants a form or a service must hold before saving (named by field)."""
        super().clean()
        if self.siren and self.siret and not self.siret.startswith(self.siren):
            raise ValidationError(
                {
                    "siret": _(
                        "Le SIRET « %(siret)s » ne commence pas par le SIREN « %(siren)s » : "
                        "les 9 premiers chiffres d'un SIRET sont le SIREN de l'organisation."
                    )
                    % {"siret": self.siret, "siren": self.siren}
                }
            )
        if self.siret:
            duplicate = Organisation.objects.filter(siret=self.siret).exclude(pk=self.pk).first()
            if duplicate is not None:
                raise ValidationError(
                    {
                        "siret": _(
                            "Le SIRET « %(siret)s » est déjà celui de l'organisation « %(name)s »."
                        )
                        % {"siret": self.siret, "name": duplicate.name}
                    }
                )

    @property
    def legal_category_label(self) -> str:
        return legal_category_label(self.legal_category)

    @property
    def region(self):
        return self.commune.region if self.commune_id else None

    def get_absolute_url(self) -> str:
        return reverse("actors:organisation_detail", args=[self.pk])


class Person(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="people",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    job_title = models.CharField(_("fonction"), max_length=200, blank=True)
    email = models.EmailField(_("adresse électronique"), blank=True)
    is_public = models.BooleanField(_("visible publiquement"), default=False)
    is_fictitious = models.BooleanField(
        _("fictive (démo)"), default=False, help_text=_("personne inventée pour la démonstration")
    )

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class PartnershipKind(models.TextChoices):
    MEMBER_OF = "member_of", _("membre de")
    FUNDS = "funds", _("finance")
    SUPPORTS = "supports", _("accompagne")
    COOPERATES = "cooperates", _("coopère avec")
    SUBSIDIARY_OF = "subsidiary_of", _("filiale de")
    # The ecosystem network's relations (``essaim.synergies.network``).
    PARTNER = "partner", _("partenaire de")
    SUPPLIES = "supplies", _("fournisseur de")
    NETWORK_MEMBER = "network_member", _("membre du réseau")
    MENTORS = "mentors", _("mentor de")


class Partnership(models.Model):
    """A typed, dated edge between two organisations — the ecosystem network's relations.

    ``person`` names who holds the relation on the source's side (the mentor, the contact);
    people are shown only to the readers of a territory's network who may see them
    (``essaim.synergies.network``). A relation with a *project* (a funder, a partner, a mentor of
    that project) is not kept here — projects sit above actors in the flow — but in
    ``synergies.ProjectRelation``."""

    source = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partnerships_out"
    )
    target = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partnerships_in"
    )
    kind = models.CharField(_("nature"), max_length=32, choices=PartnershipKind.choices)
    started_on = models.DateField(_("début"), null=True, blank=True)
    ended_on = models.DateField(_("fin"), null=True, blank=True)
    description = models.CharField(_("précision"), max_length=255, blank=True)
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relations",
        verbose_name=_("personne"),
    )
    is_fictitious = models.BooleanField(_("fictif (démo)"), default=False)

    class Meta:
        verbose_name = _("partenariat")
        verbose_name_plural = _("partenariats")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="partnership_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="partnership_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"


class Collective(models.Model):
    """The organisations that carry a territory (collectif porteur)."""

    name = models.CharField(_("nom"), max_length=255)
    perimeter = models.ForeignKey(
        "geo.Perimeter",
        on_delete=models.PROTECT,
        related_name="collectives",
        verbose_name=_("périmètre"),
    )
    description = models.TextField(_("présentation"), blank=True)
    organisations = models.ManyToManyField(
        Organisation, through="CollectiveMember", related_name="collectives"
    )
    is_fictitious = models.BooleanField(_("fictif (démo)"), default=False)

    class Meta:
        verbose_name = _("collectif porteur")
        verbose_name_plural = _("collectifs porteurs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CollectiveRole(models.TextChoices):
    LEAD = "lead", _("chef de file")
    MEMBER = "member", _("membre")
    SUPPORTER = "supporter", _("soutien")


class CollectiveMember(models.Model):
    collective = models.ForeignKey(Collective, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="collective_memberships"
    )
    role = models.CharField(
        _("rôle"), max_length=16, choices=CollectiveRole.choices, default=CollectiveRole.MEMBER
    )
    position = models.PositiveSmallIntegerField(default=0)
    started_on = models.DateField(_("membre depuis"), null=True, blank=True)
    ended_on = models.DateField(_("membre jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("membre d'un collectif")
        verbose_name_plural = _("membres des collectifs")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "organisation"], name="collective_member_once"
            ),
            models.UniqueConstraint(
                fields=["collective"],
                condition=models.Q(role="lead"),
                name="collective_one_lead",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="collective_member_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


# Who sees which organisation: the queries behind ``OrganisationQuerySet.visible_to`` and the
# rules of ``essaim.actors.rules``, here because the queryset needs them.

# The programmes an organisation is involved in: those its collectives' applications go to.
APPLICATION_PROGRAMME = "collective__applications__call__programme"


def involved_organisations(scope):
    """Ids (a subquery) of the organisations involved in the applications of ``scope``'s
    programmes."""
    return scope.filter(CollectiveMember.objects.all(), APPLICATION_PROGRAMME).values(
        "organisation_id"
    )


def visible_organisations_q(user) -> Q:
    """The filter of ``Organisation.objects.visible_to(user)`` (no query of its own beyond the
    user's memberships)."""
    query = Q(verified_at__isnull=False)
    if not permissions.is_signed_in(user):
        return query
    staff = permissions.staff_programmes(user)
    if staff.every:
        return Q()
    query |= Q(created_by=user)
    members = permissions.member_organisations(user)
    if members:
        query |= members.q("pk")
    territories = permissions.territory_collectives(user)
    if territories:
        query |= Q(
            pk__in=territories.filter(CollectiveMember.objects.all(), "collective").values(
                "organisation_id"
            )
        )
    if staff:
        query |= Q(pk__in=involved_organisations(staff))
    return query
