"""Users (e-mail login), role memberships scoped to a programme, a collective or an organisation,
and API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
    _user_has_perm,
)
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse électronique"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(
        _("accès à l'administration technique"),
        default=False,
        help_text=_("donne accès à l'interface d'administration de Django"),
    )
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    # Room for two-factor authentication: staff roles may be required to enrol later.
    mfa_required = models.BooleanField(_("double authentification exigée"), default=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    def has_perm(self, perm, obj=None) -> bool:
        """Ask the backends, without Django's blanket yes for superusers: what a superuser may
        do is decided by ``essaim.accounts.permissions`` like everything else (they are staff of
        every programme, but never act as an expert or a territory's member). Model-level
        permissions (``obj=None``, the Django admin) still come from ``ModelBackend``, which grants
        superusers all of them."""
        if not self.is_active:
            return False
        if obj is None and self.is_superuser:
            return True
        return _user_has_perm(self, perm, obj)


class Role(models.TextChoices):
    PROGRAMME_ADMIN = "programme_admin", _("administrateur du programme")
    INSTRUCTOR = "instructor", _("instructeur")
    EXPERT = "expert", _("expert")
    TERRITORY_LEAD = "territory_lead", _("référent du territoire")
    TERRITORY_MEMBER = "territory_member", _("membre du collectif")
    PROJECT_HOLDER = "project_holder", _("porteur de projet")
    FINANCER = "financer", _("financeur")
    COMPANY = "company", _("entreprise engagée")
    SINGLE_WINDOW_OFFICER = "single_window_officer", _("agent du guichet unique")


# Which scope each role is held in: one place, read by the model constraint and the forms.
PROGRAMME_ROLES = {Role.PROGRAMME_ADMIN, Role.INSTRUCTOR, Role.SINGLE_WINDOW_OFFICER}
COLLECTIVE_ROLES = {Role.TERRITORY_LEAD, Role.TERRITORY_MEMBER}
ORGANISATION_ROLES = {Role.EXPERT, Role.PROJECT_HOLDER, Role.FINANCER, Role.COMPANY}


class MembershipQuerySet(models.QuerySet):
    def active(self) -> "MembershipQuerySet":
        return self.filter(ended_at__isnull=True)


class Membership(models.Model):
    """A user holds a role within one scope: a programme, a collective (territory) or an
    organisation. An expert also names the programme they review for."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices)
    programme = models.ForeignKey(
        "calls.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("programme"),
    )
    collective = models.ForeignKey(
        "actors.Collective",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("collectif porteur"),
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(_("fin"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attribué par"),
    )
    ended_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("retiré par"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("rôle d'un utilisateur")
        verbose_name_plural = _("rôles des utilisateurs")
        constraints = [
            # Sorted: a set's order changes from one process to the next (string hashing), which
            # would make makemigrations see a new constraint every other run.
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(
                        role__in=sorted(r.value for r in PROGRAMME_ROLES),
                        programme__isnull=False,
                        collective__isnull=True,
                    )
                    | Q(
                        role__in=sorted(r.value for r in COLLECTIVE_ROLES),
                        collective__isnull=False,
                    )
                    | Q(
                        role__in=sorted(r.value for r in ORGANISATION_ROLES),
                        organisation__isnull=False,
                        collective__isnull=True,
                    )
                ),
            ),
            # Nullable scopes compared through COALESCE, which SQLite and PostgreSQL both index.
            models.UniqueConstraint(
                "user",
                "role",
                Coalesce("programme", Value(0)),
                Coalesce("collective", Value(0)),
                Coalesce("organisation", Value(0)),
                condition=Q(ended_at__isnull=True),
                name="membership_unique_active",
            ),
        ]

    def __str__(self) -> str:
        scope = self.collective or self.organisation or self.programme
        return f"{self.user} — {self.get_role_display()} ({scope})"


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(
            accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An invitation to hold a role, bound to one e-mail address: whoever signs in with that
    address (after signing up if need be) and opens the link receives the role. The link's key
    is never stored, only its hash."""

    email = models.EmailField(_("adresse électronique"))
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices)
    programme = models.ForeignKey(
        "calls.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("programme"),
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    collective = models.ForeignKey(
        "actors.Collective",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("collectif porteur"),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invité par")
    )
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valable jusqu'au"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} — {self.get_role_display()}"

    @staticmethod
    def new_key() -> tuple[str, str]:
        raw = secrets.token_urlsafe(32)
        return raw, _hash_token(raw)

    @classmethod
    def find(cls, raw: str) -> "Invitation | None":
        return cls.objects.filter(key_hash=_hash_token(raw)).select_related("programme").first()


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def get_user_for(self, raw: str) -> User | None:
        """The token's user, carrying the token (``user.api_token``) so that the permission
        vocabulary narrows their rights to it."""
        token = (
            self.usable()
            .filter(key_hash=_hash_token(raw), user__is_active=True)
            .select_related("user")
            .first()
        )
        if token is None:
            return None
        token.user.api_token = token
        return token.user


class TokenAccess(models.TextChoices):
    READ = "read", _("lecture seule")
    WRITE = "write", _("lecture et écriture")


class ApiToken(models.Model):
    """An expiring, revocable bearer token. Only its SHA-256 is stored; the key is shown once.

    A token acts with its user's rights, narrowed by its ``access`` (a read-only token is refused
    every POST, PUT, PATCH and DELETE) and, when ``programme`` is set, to that programme: the
    user's roles in other programmes and their superuser status do not come with it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100, blank=True)
    access = models.CharField(
        _("droits"), max_length=5, choices=TokenAccess.choices, default=TokenAccess.WRITE
    )
    programme = models.ForeignKey(
        "calls.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("limité au programme"),
    )
    prefix = models.CharField(max_length=8, help_text=_("début de la clé, pour la reconnaître"))
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def new_key() -> tuple[str, str]:
        raw = "ess_" + secrets.token_urlsafe(32)
        return raw, _hash_token(raw)
