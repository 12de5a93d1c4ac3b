"""The regulatory single window: tickets (saisines) from the web and from plain e-mail, their
thread, attachments and quarantined mail; experimentation requests. The public knowledge base's
models live in ``essaim.regulatory.knowledge`` and are imported here, like every model of the
app."""

import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.regulatory import rules
from essaim.regulatory.knowledge import (
    KnowledgeArticle,
    KnowledgeCategory,
    RuleLevel,
    Theme,
)
from essaim.regulatory.mailparse import header_block
from essaim.regulatory.rules_mail import held_mail_scope
from essaim.regulatory.workflow import (
    ExperimentationState,
    Outcome,
    OutOfScopeReason,
    TicketState,
)


class Priority(models.TextChoices):
    LOW = "low", _("basse")
    NORMAL = "normal", _("normale")
    HIGH = "high", _("haute")
    URGENT = "urgent", _("urgente")


# The largest attachment a ticket takes, from the web form and from e-mail alike.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def new_reply_token() -> str:
    """The secret of a ticket's reply address (``guichet+<token>@…``): lowercase hex, because
    some mail servers lowercase the local part."""
    return secrets.token_hex(10)


class Channel(models.TextChoices):
    WEB = "web", _("formulaire en ligne")
    EMAIL = "email", _("courriel")
    API = "api", _("API")


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TicketQuerySet":
        """Officers see the tickets of their programmes; an author sees their own; a project
        holder also sees the tickets of their organisations (``essaim.regulatory.rules``)."""
        query = rules.tickets_visible_q(user)
        return self.none() if query is None else self.filter(query)

    def authored_by(self, user) -> "TicketQuerySet":
        """The tickets ``user`` sent or that concern their organisations ("my tickets")."""
        query = rules.authored_tickets_q(user)
        return self.none() if query is None else self.filter(query)

    def overdue(self, now=None) -> "TicketQuerySet":
        now = now or timezone.now()
        return self.exclude(state=TicketState.CLOSED).filter(
            Q(first_answered_at__isnull=True, first_answer_due_at__lt=now)
            | Q(outcome_due_at__lt=now)
        )


class Ticket(models.Model):
    """A regulatory blocker sent to the single window."""

    programme = models.ForeignKey(
        "calls.Programme",
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("programme"),
    )
    number = models.CharField(_("numéro"), max_length=32, unique=True)
    title = models.CharField(_("objet"), max_length=255)
    wants_to_do = models.TextField(_("ce que le projet veut faire"), blank=True)
    blocked_by = models.TextField(_("ce qui bloque"), blank=True)
    rules_text = models.TextField(_("règles en cause"), blank=True)
    # The project when it has a page on the platform; its name as text otherwise (e-mail
    # tickets, people without an account).
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("projet"),
    )
    project_title = models.CharField(_("nom du projet"), max_length=255, blank=True)
    organisation = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("organisation"),
    )
    perimeter = models.ForeignKey(
        "geo.Perimeter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("territoire"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("auteur"),
    )
    author_email = models.EmailField(_("adresse de l'auteur"), max_length=320, blank=True)
    author_name = models.CharField(_("nom de l'auteur"), max_length=255, blank=True)
    channel = models.CharField(_("canal"), max_length=8, choices=Channel.choices)
    state = models.CharField(
        _("état"), max_length=16, choices=TicketState.choices, default=TicketState.NEW
    )
    outcome = models.CharField(_("issue"), max_length=32, choices=Outcome.choices, blank=True)
    out_of_scope_reason = models.CharField(
        _("motif du hors champ"), max_length=32, choices=OutOfScopeReason.choices, blank=True
    )
    outcome_reason = models.TextField(_("précisions sur l'issue"), blank=True)
    category = models.CharField(_("thème"), max_length=16, choices=Theme.choices, blank=True)
    administration = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="routed_tickets",
        verbose_name=_("administration compétente"),
    )
    priority = models.CharField(
        _("priorité"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("agent chargé"),
    )
    publish_consent = models.BooleanField(
        _("accord pour une publication anonymisée"), default=False
    )
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    received_at = models.DateTimeField(_("reçue le"), default=timezone.now, db_index=True)
    first_answered_at = models.DateTimeField(_("première réponse le"), null=True, blank=True)
    outcome_at = models.DateTimeField(_("issue le"), null=True, blank=True)
    first_answer_due_at = models.DateTimeField(_("première réponse attendue le"), null=True)
    outcome_due_at = models.DateTimeField(_("issue attendue le"), null=True)
    last_reminder_at = models.DateTimeField(_("dernière relance"), null=True, blank=True)
    is_fictitious = models.BooleanField(_("fictive (démo)"), default=False)
    # Mail intake: the secret that threads replies (``Reply-To: guichet+<token>@…``), whether the
    # sender of a mail-born ticket still has to confirm their address, and the closed ticket a
    # follow-up continues.
    reply_token = models.CharField(
        max_length=32, unique=True, null=True, default=new_reply_token, editable=False
    )
    awaiting_sender_confirmation = models.BooleanField(
        _("adresse de l'auteur à confirmer"), default=False
    )
    follows = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("suite de la saisine"),
    )
    search_text = models.TextField(editable=False, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("saisine")
        verbose_name_plural = _("saisines")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["programme", "state"])]
        constraints = [
            models.CheckConstraint(
                name="ticket_closed_has_outcome",
                condition=~Q(state="closed") | ~Q(outcome=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    @property
    def subject_tag(self) -> str:
        return f"[{self.number}]"

    @property
    def reply_address(self) -> str:
        return self.author.email if self.author_id else self.author_email

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        if self.state == TicketState.CLOSED:
            return False
        if self.first_answered_at is None and self.first_answer_due_at:
            if self.first_answer_due_at < now:
                return True
        return bool(self.outcome_due_at and self.outcome_due_at < now)


class TicketSequence(models.Model):
    """The last ticket number given in a year (row-locked when a ticket is numbered)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class RuleReference(models.Model):
    """A structured reference to a rule a ticket involves."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="rules")
    level = models.CharField(_("niveau"), max_length=16, choices=RuleLevel.choices)
    text = models.CharField(
        _("texte"),
        max_length=255,
        help_text=_("code, décret, arrêté ou circulaire, p. ex. « Code rural »"),
    )
    article = models.CharField(_("article"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("référence réglementaire")
        verbose_name_plural = _("références réglementaires")

    def __str__(self) -> str:
        return f"{self.text}, {self.article}" if self.article else self.text


class Direction(models.TextChoices):
    INBOUND = "in", _("reçu")
    OUTBOUND = "out", _("envoyé")


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("message")
    ACKNOWLEDGEMENT = "ack", _("accusé de réception")
    ANSWER = "answer", _("réponse du guichet")


class TicketMessage(models.Model):
    """One message of a ticket's thread, received (web or mail) or sent by the single window."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(_("sens"), max_length=3, choices=Direction.choices)
    kind = models.CharField(
        _("nature"), max_length=8, choices=MessageKind.choices, default=MessageKind.MESSAGE
    )
    channel = models.CharField(_("canal"), max_length=8, choices=Channel.choices)
    message_id = models.CharField(max_length=500, null=True, blank=True, unique=True)
    in_reply_to = models.CharField(max_length=500, blank=True)
    references = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    from_email = models.CharField(_("de"), max_length=320, blank=True)
    to_email = models.TextField(_("à"), blank=True)
    subject = models.CharField(_("objet"), max_length=998, blank=True)
    body = models.TextField(_("texte"), blank=True)
    raw = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    # The ``Date:`` header exactly as the sender wrote it: shown, never used for numbering or
    # service-level clocks (``created_at`` is the reception time).
    date_header = models.CharField(_("date indiquée par l'expéditeur"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    send_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("message d'une saisine")
        verbose_name_plural = _("messages des saisines")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.subject or str(self.pk)


def attachment_path(instance, filename: str) -> str:
    return f"regulatory/tickets/{instance.ticket_id}/{filename}"


class TicketAttachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        TicketMessage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("fichier"), upload_to=attachment_path, max_length=500)
    filename = models.CharField(_("nom"), max_length=255)
    content_type = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")

    def __str__(self) -> str:
        return self.filename


class QuarantineStatus(models.TextChoices):
    PENDING = "pending", _("à traiter")
    REPROCESSED = "reprocessed", _("retraité")
    ATTACHED = "attached", _("rattaché à une saisine")
    FILED = "filed", _("enregistré comme nouvelle saisine")
    DISCARDED = "discarded", _("écarté")


class HeldMailKind(models.TextChoices):
    QUARANTINE = "quarantine", _("en quarantaine")
    TO_CONFIRM = "to_confirm", _("à confirmer")


class QuarantinedMailQuerySet(models.QuerySet):
    def visible_to(self, user) -> "QuarantinedMailQuerySet":
        """The held mail of the programmes whose single window ``user`` staffs (mail addressed
        to no known programme: superusers only)."""
        return held_mail_scope(user).filter(self, "programme")

    def pending(self) -> "QuarantinedMailQuerySet":
        return self.filter(status=QuarantineStatus.PENDING)


class QuarantinedMail(models.Model):
    """A message the intake did not put into a ticket's thread, kept with the reason so that no
    mail is ever lost: either unusable (``quarantine``: unreadable, too large…), or usable but
    not proven to belong where it claims (``to_confirm``: a reply by the subject's number only,
    or from someone who is not a party of the ticket), waiting for an officer to attach it,
    file it as a new ticket or discard it. Owned by the programme it was addressed to."""

    kind = models.CharField(
        _("nature"),
        max_length=12,
        choices=HeldMailKind.choices,
        default=HeldMailKind.QUARANTINE,
    )
    programme = models.ForeignKey(
        "calls.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_mail",
        verbose_name=_("programme"),
    )
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="held_mail",
        verbose_name=_("saisine visée"),
    )
    # The whole message, or only its beginning when it was over the size limit (``truncated``:
    # the original stays in the mailbox or the imported file).
    raw = models.BinaryField(editable=False)
    truncated = models.BooleanField(_("tronqué"), default=False)
    size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    sha256 = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(max_length=500, blank=True, db_index=True)
    from_email = models.CharField(_("expéditeur"), max_length=320, blank=True)
    subject = models.CharField(_("objet"), max_length=998, blank=True)
    date_header = models.CharField(_("date indiquée par l'expéditeur"), max_length=200, blank=True)
    source = models.CharField(_("provenance"), max_length=500, blank=True)
    reason = models.TextField(_("motif"))
    status = models.CharField(
        _("état"),
        max_length=12,
        choices=QuarantineStatus.choices,
        default=QuarantineStatus.PENDING,
    )
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=1)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_message = models.ForeignKey(
        TicketMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = QuarantinedMailQuerySet.as_manager()

    class Meta:
        verbose_name = _("courriel retenu")
        verbose_name_plural = _("courriels retenus")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["programme", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.source or self.sha256[:12]}: {self.reason[:60]}"

    @property
    def preview(self) -> str:
        return bytes(self.raw[:2000]).decode("utf-8", errors="replace")

    @property
    def headers_text(self) -> str:
        """The header block as received (8-bit bytes read as UTF-8 with replacements)."""
        return header_block(bytes(self.raw)).decode("utf-8", errors="replace")


class PendingTicket(models.Model):
    """A web ticket from someone without an account, kept until they confirm their address."""

    token = models.CharField(max_length=64, unique=True)
    email = models.EmailField(max_length=320)
    data = models.JSONField(default=dict)
    attachment = models.FileField(upload_to="regulatory/pending/", blank=True, max_length=500)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_ticket = models.OneToOneField(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.email


class ImapCursor(models.Model):
    """The last UID read in one IMAP folder (reset when the folder's UIDVALIDITY changes)."""

    mailbox = models.CharField(max_length=500, unique=True)
    uidvalidity = models.BigIntegerField(default=0)
    last_uid = models.BigIntegerField(default=0)
    polled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.mailbox} ({self.last_uid})"


class ExperimentationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ExperimentationQuerySet":
        """The officers and admins of the call's programme, the applicant and the project
        holders of its organisation (``essaim.regulatory.rules``)."""
        query = rules.experimentations_visible_q(user)
        return self.none() if query is None else self.filter(query)


class ExperimentationRequest(models.Model):
    """A request for a time-limited derogation, in a call for projects of purpose
    "experimentation" (France Expérimentation)."""

    call = models.ForeignKey(
        "calls.Call",
        on_delete=models.PROTECT,
        related_name="experimentation_requests",
        verbose_name=_("appel"),
    )
    ticket = models.OneToOneField(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experimentation_request",
        verbose_name=_("saisine d'origine"),
    )
    number = models.CharField(_("numéro"), max_length=32, unique=True)
    title = models.CharField(_("titre"), max_length=255)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experimentation_requests",
        verbose_name=_("demandeur"),
    )
    applicant_email = models.EmailField(max_length=320, blank=True)
    organisation = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experimentation_requests",
        verbose_name=_("organisation"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experimentation_requests",
        verbose_name=_("projet"),
    )
    project_title = models.CharField(_("nom du projet"), max_length=255, blank=True)
    derogation_asked = models.TextField(_("dérogation demandée"))
    rule_text = models.TextField(_("règle en cause"))
    rule_level = models.CharField(_("niveau de la règle"), max_length=16, choices=RuleLevel.choices)
    perimeter = models.ForeignKey(
        "geo.Perimeter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experimentation_requests",
        verbose_name=_("territoire"),
    )
    duration_months = models.PositiveSmallIntegerField(_("durée demandée (mois)"))
    evaluation_plan = models.TextField(_("plan d'évaluation"))
    state = models.CharField(
        _("état"),
        max_length=16,
        choices=ExperimentationState.choices,
        default=ExperimentationState.SUBMITTED,
    )
    refusal_reason = models.TextField(_("motif du refus"), blank=True)
    granted_from = models.DateField(_("dérogation du"), null=True, blank=True)
    granted_until = models.DateField(_("dérogation jusqu'au"), null=True, blank=True)
    granted_perimeter = models.ForeignKey(
        "geo.Perimeter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territoire de la dérogation"),
    )
    evaluation_dates = models.JSONField(_("dates d'évaluation"), default=list, blank=True)
    evaluation_summary = models.TextField(_("bilan de l'évaluation"), blank=True)
    submitted_at = models.DateTimeField(_("déposée le"), default=timezone.now)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    is_fictitious = models.BooleanField(_("fictive (démo)"), default=False)

    objects = ExperimentationQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande d'expérimentation")
        verbose_name_plural = _("demandes d'expérimentation")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="experimentation_duration_positive", condition=Q(duration_months__gt=0)
            ),
            models.CheckConstraint(
                name="experimentation_granted_dates",
                condition=Q(granted_from__isnull=True)
                | Q(granted_until__isnull=True)
                | Q(granted_until__gt=models.F("granted_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"


__all__ = [
    "KnowledgeArticle",
    "KnowledgeCategory",
    "RuleLevel",
    "Theme",
]
