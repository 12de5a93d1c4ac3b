"""Applications (candidatures): a territory's answer to a call, carried by a collective and built
on challenges (défis)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from essaim.accounts import permissions
from essaim.applications.workflow import Status


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ApplicationQuerySet":
        """Programme staff see their programmes' applications; a collective's people see their
        collective's, and invited people the application they joined; an expert sees those they
        were asked to review, once they declared no conflict of interest; nobody else sees any
        (a superuser, staff of every programme, sees them all)."""
        if not permissions.is_signed_in(user):
            return self.none()
        staff = permissions.staff_programmes(user)
        if staff.every:
            return self.all()
        # No join that repeats an application (EXISTS for the people and the requests): the
        # filter stays on the rows themselves, so that a page of a large list is one index scan.
        people = ApplicationPerson.objects.filter(application=models.OuterRef("pk"), user=user)
        query = (
            models.Q(models.Exists(people))
            | staff.q("call__programme")
            | permissions.territory_collectives(user).q("collective")
        )
        if permissions.is_expert(user):
            # Only once the expert declared no conflict of interest (the conflict gate).
            requests = self.model._meta.get_field("review_requests").related_model.objects
            query |= models.Q(
                models.Exists(
                    requests.filter(
                        application=models.OuterRef("pk"),
                        expert=user,
                        status__in=["accepted", "submitted"],
                    )
                )
            )
        return self.filter(query)

    def instructed_by(self, user) -> "ApplicationQuerySet":
        """The applications ``user`` instructs: their programmes' submitted ones (no drafts)."""
        return permissions.staff_programmes(user).filter(
            self.exclude(status=Status.DRAFT), "call__programme"
        )


class Application(models.Model):
    call = models.ForeignKey(
        "calls.Call", on_delete=models.PROTECT, related_name="applications", verbose_name=_("appel")
    )
    form_version = models.ForeignKey(
        "calls.FormVersion",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("version du formulaire"),
    )
    reference = models.CharField(_("numéro"), max_length=20, unique=True)
    title = models.CharField(_("titre"), max_length=255)
    perimeter = models.ForeignKey(
        "geo.Perimeter",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("territoire"),
    )
    collective = models.ForeignKey(
        "actors.Collective",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("collectif porteur"),
    )
    status = models.CharField(
        _("état"), max_length=32, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    answers = models.JSONField(_("réponses"), default=dict, blank=True)
    summary = models.TextField(_("résumé"), blank=True)
    cutoff = models.ForeignKey(
        "calls.CutOff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("date limite"),
    )
    wave = models.ForeignKey(
        "calls.Wave",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("vague"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_applications",
        verbose_name=_("instructeur chargé"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="created_applications",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("déposée le"), null=True, blank=True)
    # What was sent at the last submission, to show instructors what changed since.
    submitted_snapshot = models.JSONField(default=dict, blank=True, editable=False)
    is_fictitious = models.BooleanField(_("fictive (démo)"), default=False)
    # What the instruction queue shows of the application's thread, history and expert requests,
    # kept here by the services that change them (``services.summary``, and ``reviews.services``
    # for the requests) so that the queue reads columns rather than a subquery per row.
    last_message_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_message_from_staff = models.BooleanField(default=False, editable=False)
    resubmitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_deadline = models.DateField(null=True, blank=True, editable=False)
    # The queue's « échéance »: ``review_deadline``, else the committee date of the wave.
    instruction_deadline = models.DateField(null=True, blank=True, editable=False)
    reviews_open = models.PositiveSmallIntegerField(default=0, editable=False)
    reviews_submitted = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["call", "status"]),
            # The instruction queue: its order (earliest deadline first), and its tabs' counts
            # read from the index alone.
            models.Index(
                fields=["instruction_deadline", "submitted_at", "id"],
                name="application_queue_order",
            ),
            models.Index(fields=["call", "status", "reviews_open"], name="application_queue_tabs"),
            # The API's list order (``-updated_at, pk``): a deep page by cursor reads 50 rows of
            # this index instead of sorting every visible application.
            models.Index(fields=["-updated_at", "id"], name="application_updated_id_idx"),
        ]
        # The state and the fields it implies move together (``services.transitions``), and the
        # database refuses any row where they disagree. A withdrawn application may have been
        # withdrawn as a draft (no submission date) or later (one).
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=Status.DRAFT) | models.Q(submitted_at__isnull=True),
                name="application_draft_not_submitted",
                violation_error_message=_("Un brouillon n'a pas de date de dépôt."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[Status.DRAFT, Status.WITHDRAWN])
                | models.Q(submitted_at__isnull=False),
                name="application_submitted_has_date",
                violation_error_message=_("Une candidature déposée a une date de dépôt."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status=Status.DRAFT)
                | models.Q(wave__isnull=True, cutoff__isnull=True),
                name="application_draft_no_wave_no_cutoff",
                violation_error_message=_(
                    "Un brouillon n'est ni dans une vague ni rattaché à une date limite."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=[Status.LABELLED, Status.NOT_LABELLED])
                | models.Q(wave__isnull=False),
                name="application_decided_in_wave",
                violation_error_message=_(
                    "Une candidature labellisée ou non labellisée est dans une vague."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    def save(self, *args, **kwargs):
        # The summary columns are written by their services' UPDATEs only: saving an object
        # loaded before one of them ran must not put its old values back.
        plain = self.pk is not None and not (
            args or self._state.adding or kwargs.get("force_insert")
        )
        if plain and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in SUMMARY_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("applications:detail", args=[self.pk])


# Kept by ``services.summary`` and ``reviews.services`` (see the fields' comment).
SUMMARY_FIELDS = frozenset(
    {
        "last_message_at",
        "last_message_from_staff",
        "resubmitted_at",
        "review_deadline",
        "instruction_deadline",
        "reviews_open",
        "reviews_submitted",
    }
)


class Challenge(models.Model):
    """A défi of the application, with its lines of work (axes de travail)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="challenges"
    )
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("défi"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    lines = models.JSONField(
        _("axes de travail"), default=list, blank=True, help_text=_("une liste de textes courts")
    )

    class Meta:
        verbose_name = _("défi")
        verbose_name_plural = _("défis")
        ordering = ["application", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class ApplicationPerson(models.Model):
    """A person of the collective on this application: who may edit, who may submit."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="application_roles",
    )
    email = models.EmailField(_("adresse électronique"))
    is_lead = models.BooleanField(_("référent"), default=False)
    can_edit = models.BooleanField(_("peut modifier"), default=True)
    is_signatory = models.BooleanField(_("signataire"), default=False)
    invited_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # The secret of the invitation link; cleared once the invitation is accepted.
    invitation_token = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("personne du collectif")
        verbose_name_plural = _("personnes du collectif")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "email"], name="application_person_once"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(is_lead=True),
                name="application_one_lead_person",
            ),
        ]

    def __str__(self) -> str:
        return self.email


class Message(models.Model):
    """The thread between the collective and the instructors (never shows reviews)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    attachment = models.FileField(
        _("pièce jointe"), upload_to="applications/messages/%Y/", blank=True
    )
    attachment_name = models.CharField(_("nom du fichier"), max_length=255, blank=True)
    attachment_size = models.PositiveIntegerField(null=True, blank=True)
    from_staff = models.BooleanField(
        _("de l'équipe du programme"), default=False, help_text=_("sinon, du collectif")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} — {self.created_at:%Y-%m-%d}"


class Attachment(models.Model):
    """A file answering a form field of kind ``file``."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    field_key = models.CharField(max_length=100)
    file = models.FileField(upload_to="applications/files/%Y/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")

    def __str__(self) -> str:
        return self.original_name


class PrivateNote(models.Model):
    """An instructor's note on an application, never shown to the applicants."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="private_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note privée")
        verbose_name_plural = _("notes privées")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:50]
