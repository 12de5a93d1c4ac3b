"""Programmes and their calls. A programme, its calls, forms and grids are data."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.accounts import permissions

# Bounds of a label's validity, in years: a form, the programme file's schema and the database
# agree on them.
LABEL_VALIDITY_MIN_YEARS = 1
LABEL_VALIDITY_MAX_YEARS = 20
LOGO_DIR = "programmes/logos/"


def default_label_validity_years() -> int:
    """A new programme's label validity: ``ESSAIM_LABEL_VALIDITY_YEARS`` (default 3)."""
    return int(getattr(settings, "ESSAIM_LABEL_VALIDITY_YEARS", 3))


class Programme(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("nom court"), max_length=60, blank=True)
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
    contact_email = models.EmailField(_("adresse de contact"), blank=True)
    home_text = models.TextField(
        _("texte de la page d'accueil"),
        blank=True,
        help_text=_("présentation publique du programme, en quelques paragraphes"),
    )
    regions = models.ManyToManyField(
        "geo.Region",
        blank=True,
        related_name="programmes",
        verbose_name=_("zone du programme"),
        help_text=_("régions où l'on peut candidater ; vide : toute la France"),
    )
    label_validity_years = models.PositiveSmallIntegerField(
        _("durée de validité du label (ans)"),
        default=default_label_validity_years,
        validators=[
            MinValueValidator(LABEL_VALIDITY_MIN_YEARS),
            MaxValueValidator(LABEL_VALIDITY_MAX_YEARS),
        ],
        help_text=_("un label attribué est valable ce nombre d'années à partir de son attribution"),
    )
    logo = models.FileField(
        _("logo"),
        upload_to=LOGO_DIR,
        max_length=200,
        blank=True,
        help_text=_("PNG ou JPEG, montré sur la page publique du programme"),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CallKind(models.TextChoices):
    PERMANENT_AMI = "permanent_ami", _("appel à manifestation d'intérêt permanent")
    CALL_FOR_PROJECTS = "call_for_projects", _("appel à projets")


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("en préparation")
    OPEN = "open", _("ouvert")
    CLOSED = "closed", _("clos")
    ARCHIVED = "archived", _("archivé")


class CallPurpose(models.TextChoices):
    """What an application to the call leads to: a territory label, or (the single window's
    France Expérimentation) a regulatory derogation."""

    LABEL = "label", _("labellisation de territoires")
    EXPERIMENTATION = "experimentation", _("expérimentation réglementaire")


class CallQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CallQuerySet":
        """Open, closed and archived calls for everyone; drafts for their programme's admins."""
        admins = permissions.admin_programmes(user)
        if admins.every:
            return self.all()
        return self.filter(~Q(status=CallStatus.DRAFT) | admins.q("programme"))

    def open_now(self, today=None) -> "CallQuerySet":
        """The calls one may apply to today: open, already opened and not yet closed."""
        today = today or timezone.localdate()
        return self.filter(
            Q(opens_on__isnull=True) | Q(opens_on__lte=today),
            Q(closes_on__isnull=True) | Q(closes_on__gte=today),
            status=CallStatus.OPEN,
        )

    def managed_by(self, user) -> "CallQuerySet":
        """The calls of the programmes ``user`` administers."""
        return permissions.admin_programmes(user).filter(self, "programme")


class Call(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="calls", verbose_name=_("programme")
    )
    title = models.CharField(_("titre"), max_length=255)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    kind = models.CharField(_("type"), max_length=32, choices=CallKind.choices)
    purpose = models.CharField(
        _("finalité"), max_length=32, choices=CallPurpose.choices, default=CallPurpose.LABEL
    )
    status = models.CharField(
        _("état"), max_length=16, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    description = models.TextField(_("présentation"), blank=True)
    opens_on = models.DateField(_("ouverture"), null=True, blank=True)
    closes_on = models.DateField(
        _("clôture"), null=True, blank=True, help_text=_("vide pour un appel permanent")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("appel")
        verbose_name_plural = _("appels")
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__isnull=True)
                | models.Q(opens_on__isnull=True)
                | models.Q(closes_on__gte=models.F("opens_on")),
                name="call_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title


class CutOff(models.Model):
    """A permanent call's cut-off: applications submitted by this date go to ``wave``."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="cutoffs")
    date = models.DateField(_("date limite"))
    wave = models.ForeignKey(
        "calls.Wave",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cutoffs",
        verbose_name=_("vague"),
    )

    class Meta:
        verbose_name = _("date limite")
        verbose_name_plural = _("dates limites")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["call", "date"], name="cutoff_once")]

    def __str__(self) -> str:
        return f"{self.call} — {self.date:%d/%m/%Y}"


class FormVersion(models.Model):
    """One published (or draft) version of a call's application form. ``schema`` is the form as
    data (sections and fields), validated by ``essaim.calls.formschema`` on save through the
    services. Applications keep the version they answered."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="form_versions")
    number = models.PositiveIntegerField(_("version"))
    schema = models.JSONField(_("définition"), default=dict)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version de formulaire")
        verbose_name_plural = _("versions de formulaire")
        ordering = ["call", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="form_version_number_once"),
            models.UniqueConstraint(
                fields=["call"],
                condition=models.Q(published_at__isnull=True),
                name="form_version_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} v{self.number}"


class ScoringGrid(models.Model):
    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="grid")
    scale_min = models.PositiveSmallIntegerField(_("note minimale"), default=0)
    scale_max = models.PositiveSmallIntegerField(_("note maximale"), default=4)
    scale_labels = models.JSONField(
        _("signification des notes"),
        default=dict,
        blank=True,
        help_text=_('{"0": "absent", "1": "insuffisant", …}'),
    )
    comment_required_below = models.PositiveSmallIntegerField(
        _("commentaire obligatoire sous la note"), null=True, blank=True
    )
    disagreement_threshold = models.PositiveSmallIntegerField(
        _("écart signalant un désaccord"), default=2
    )

    class Meta:
        verbose_name = _("grille de notation")
        verbose_name_plural = _("grilles de notation")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")), name="grid_scale_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.call} — grille"


class Criterion(models.Model):
    grid = models.ForeignKey(ScoringGrid, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("critère"), max_length=255)
    help_text = models.TextField(_("aide"), blank=True)
    weight = models.DecimalField(_("poids"), max_digits=5, decimal_places=2, default=1)

    class Meta:
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        ordering = ["grid", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="criterion_weight_positive"
            )
        ]

    def __str__(self) -> str:
        return self.title


class WaveStatus(models.TextChoices):
    PLANNED = "planned", _("prévue")
    DECIDED = "decided", _("décidée")
    PUBLISHED = "published", _("publiée")


class WaveQuerySet(models.QuerySet):
    def visible_to(self, user) -> "WaveQuerySet":
        """Published waves for everyone; every wave of the programmes ``user`` is staff of."""
        staff = permissions.staff_programmes(user)
        if staff.every:
            return self.all()
        return self.filter(Q(status=WaveStatus.PUBLISHED) | staff.q("programme"))

    def of_staff(self, user) -> "WaveQuerySet":
        """The waves of the programmes ``user`` is staff of (committee pages): any other is a 404
        there, published or not."""
        return permissions.staff_programmes(user).filter(self, "programme")


class Wave(models.Model):
    """A batch of decisions taken by a committee and announced together."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="waves")
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=255, blank=True)
    committee_on = models.DateField(_("date du comité"), null=True, blank=True)
    announced_on = models.DateField(_("date d'annonce"), null=True, blank=True)
    announced_at = models.CharField(_("lieu d'annonce"), max_length=100, blank=True)
    status = models.CharField(
        _("état"), max_length=16, choices=WaveStatus.choices, default=WaveStatus.PLANNED
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)

    objects = WaveQuerySet.as_manager()

    class Meta:
        verbose_name = _("vague")
        verbose_name_plural = _("vagues")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="wave_number_once")
        ]

    def __str__(self) -> str:
        return self.title or _("Vague %(number)s") % {"number": self.number}


# --- A programme's partner organisations ----------------------------------------------------------


class PartnerKind(models.TextChoices):
    EXPERT = "expert", _("partenaire expert")
    FINANCER = "financer", _("financeur")
    COMPANY = "company", _("entreprise engagée")
    NETWORK = "network", _("réseau d'entrepreneurs")


class ProgrammePartnerQuerySet(models.QuerySet):
    def active(self) -> "ProgrammePartnerQuerySet":
        return self.filter(ended_at__isnull=True)


class ProgrammePartner(models.Model):
    """An organisation of the directory in partnership with a programme: its expert partner
    (also ``Programme.expert_partner``), a financer, an engaged company, an entrepreneurial
    network. Added and ended by the programme's admins (``essaim.operators.partners``); an ended
    partnership stays, with who ended it."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="partners", verbose_name=_("programme")
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.PROTECT,
        related_name="programme_partnerships",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("partenariat"), max_length=16, choices=PartnerKind.choices)
    since = models.DateField(_("depuis le"), default=timezone.localdate)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ajouté par"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(_("fin"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("terminé par"),
    )

    objects = ProgrammePartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partenaire d'un programme")
        verbose_name_plural = _("partenaires des programmes")
        ordering = ["programme", "kind", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation", "kind"],
                condition=Q(ended_at__isnull=True),
                name="programme_partner_once",
            ),
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(ended_at__isnull=True, kind="expert"),
                name="programme_one_expert_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_kind_display()})"
