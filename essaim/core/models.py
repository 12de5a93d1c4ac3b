"""What every step shares: the append-only history of changes and transitions."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HistoryQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> "HistoryQuerySet":
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).select_related("actor")

    def update(self, **kwargs):  # noqa: ARG002 - append-only
        raise TypeError("The history is append-only.")

    def delete(self):
        raise TypeError("The history is append-only.")


class HistoryEvent(models.Model):
    """One change or transition of one object: who, when, what, from, to, why.

    Rows are only ever added (by ``essaim.core.services.history_record``, in the same transaction
    as the change they describe); updating or deleting one raises.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.RESTRICT)
    object_id = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
        help_text=_("vide pour une action du système"),
    )
    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=64)
    from_state = models.CharField(_("état de départ"), max_length=64, blank=True)
    to_state = models.CharField(_("état d'arrivée"), max_length=64, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    # Whether the comment is an internal note of the team in charge of the object (never shown
    # to the people the object is about, e.g. an application's applicants); the row itself may
    # still be shown to them without its comment. Each app's history view applies it.
    comment_internal = models.BooleanField(
        _("commentaire interne"),
        default=False,
        help_text=_("réservé à l'équipe du programme"),
    )
    payload = models.JSONField(_("détails"), default=dict, blank=True)

    objects = HistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement d'historique")
        verbose_name_plural = _("historique")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The history is append-only.")


class DemoDataset(models.Model):
    """Records which demo data set version is loaded, so that a second demo run skips loading."""

    name = models.CharField(max_length=64, unique=True)
    version = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}@{self.version}"


class Notification(models.Model):
    """An in-app notice for one user (the e-mail copy, if any, is sent by a background task)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("titre"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("lien"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class PeriodicRun(models.Model):
    """When each periodic job (``essaim.core.schedule.BY_NAME``) was last enqueued."""

    name = models.CharField(max_length=64, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class IdempotencyKey(models.Model):
    """One create (or change) request carrying a key — form field ``idempotency_key`` or header
    ``Idempotency-Key`` — and the response it got, so that the same request sent again (a double
    click, a retry after a timeout, ten identical calls at once) gets that response instead of
    running twice. Written by ``essaim.core.idempotency`` in the transaction of the request it
    describes; kept a day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(max_length=128)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    response_body = models.BinaryField(blank=True, default=b"")
    csp_nonce = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("clé d'idempotence")
        verbose_name_plural = _("clés d'idempotence")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class JobState(models.TextChoices):
    QUEUED = "queued", _("en attente")
    RUNNING = "running", _("en cours")
    DONE = "done", _("prêt")
    FAILED = "failed", _("échec")


class BackgroundJob(models.Model):
    """A long piece of work asked for by someone (a large export…), run by ``essaim worker``
    (``essaim.core.jobs``), its progress shown on a page and its file kept in the default storage
    until ``expires_at``. Written only by ``essaim.core.jobs``."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="background_jobs",
        verbose_name=_("demandé par"),
    )
    # The programme the work is about, when it is one programme's (its staff only may follow
    # it). A plain id: core sits below calls in the flow and holds no foreign key to it.
    programme_id = models.PositiveIntegerField(_("programme"), null=True, blank=True)
    kind = models.CharField(_("type"), max_length=64)
    title = models.CharField(_("intitulé"), max_length=255)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of kind and params")
    state = models.CharField(
        _("état"), max_length=16, choices=JobState.choices, default=JobState.QUEUED
    )
    done = models.PositiveIntegerField(_("fait"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    result = models.FileField(_("fichier"), upload_to="jobs/", max_length=300, blank=True)
    filename = models.CharField(_("nom du fichier"), max_length=255, blank=True)
    content_type = models.CharField(max_length=128, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("disponible jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("tâche de fond")
        verbose_name_plural = _("tâches de fond")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]
        constraints = [
            # Ten identical clicks start one job: one unfinished job per requester and work.
            models.UniqueConstraint(
                fields=["requested_by", "fingerprint"],
                condition=models.Q(state__in=["queued", "running"]),
                name="core_backgroundjob_one_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def expired(self) -> bool:
        """Past its expiry: its file is no longer served (and soon deleted)."""
        return self.expires_at is not None and self.expires_at <= timezone.now()
