"""Support plans (plans d'accompagnement): the programme's axes, one plan per label, its actions,
milestones, meetings with their decisions, and comments on actions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from essaim.accounts import permissions
from essaim.core.money import MoneyField, money_checks
from essaim.support.workflow import ActionStatus


class SupportAxis(models.Model):
    """One axis of a programme's support plans (the demo: the seed's six axes). Data, not code."""

    programme = models.ForeignKey(
        "calls.Programme",
        on_delete=models.CASCADE,
        related_name="support_axes",
        verbose_name=_("programme"),
    )
    position = models.PositiveSmallIntegerField(_("rang"), default=0)
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("intitulé"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    # Axes 4 to 6 of the seed (synergies, impact, engaged companies): their actions link to the
    # introductions, events, indicators and campaigns they drive (``support.links``). A flag,
    # not a code: a programme names and orders its axes as it likes.
    takes_links = models.BooleanField(
        _("relie les mises en relation, rencontres, indicateurs et campagnes"),
        default=False,
        help_text=_(
            "Les actions de cet axe peuvent être reliées aux mises en relation, rencontres, "
            "indicateurs et campagnes qu'elles font avancer."
        ),
    )

    class Meta:
        verbose_name = _("axe d'accompagnement")
        verbose_name_plural = _("axes d'accompagnement")
        ordering = ["programme", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="support_axis_code_once")
        ]

    def __str__(self) -> str:
        return self.title


class PlanStatus(models.TextChoices):
    OPEN = "open", _("en cours")
    CLOSED = "closed", _("clos")


class SupportPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SupportPlanQuerySet":
        """The programme team (admins, instructors) sees its programme's plans; a collective's
        people (lead, members) see their territory's plan; nobody else sees any."""
        staff = permissions.staff_programmes(user)
        if staff.every:
            return self.all()
        collectives = permissions.territory_collectives(user)
        if not staff and not collectives:
            return self.none()
        return self.filter(
            staff.q("label__programme") | collectives.q("label__application__collective")
        )


class SupportPlan(models.Model):
    """The tailored support plan a label opens (one per label)."""

    label = models.OneToOneField(
        "labels.Label", on_delete=models.PROTECT, related_name="support_plan"
    )
    status = models.CharField(
        _("état"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.OPEN
    )
    opened_at = models.DateTimeField(_("ouvert le"))
    summary = models.TextField(_("présentation"), blank=True)

    objects = SupportPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan d'accompagnement")
        verbose_name_plural = _("plans d'accompagnement")
        ordering = ["label__perimeter__name"]

    def __str__(self) -> str:
        return str(_("Plan d'accompagnement — %(territory)s") % {"territory": self.territory})

    @property
    def territory(self):
        return self.label.perimeter

    def get_absolute_url(self) -> str:
        return reverse("support:plan", args=[self.pk])


class ActionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ActionQuerySet":
        return self.filter(plan__in=SupportPlan.objects.visible_to(user).values("pk"))

    def open(self) -> "ActionQuerySet":
        return self.exclude(status__in=[ActionStatus.DONE, ActionStatus.DROPPED])

    def late_on(self, day) -> "ActionQuerySet":
        return self.open().filter(due_on__lt=day)


class Action(models.Model):
    """A unit of work of a support plan, under one axis."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="actions")
    axis = models.ForeignKey(
        SupportAxis, on_delete=models.PROTECT, related_name="actions", verbose_name=_("axe")
    )
    challenge = models.ForeignKey(
        "applications.Challenge",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_actions",
        verbose_name=_("défi"),
    )
    title = models.CharField(_("intitulé"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    lead_organisation = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_support_actions",
        verbose_name=_("structure pilote"),
    )
    partners = models.ManyToManyField(
        "actors.Organisation",
        blank=True,
        related_name="support_actions",
        verbose_name=_("partenaires"),
    )
    # A string reference: support and financing sit side by side in the flow and import nothing
    # of each other (pyproject.toml); the database link is all a financing action needs.
    instrument = models.ForeignKey(
        "financing.Instrument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_actions",
        verbose_name=_("outil de financement mobilisé"),
        help_text=_("pour une action de l'axe financement : l'outil qu'elle mobilise"),
    )
    # Axes 4 to 6: what the action drives (``services.action_links_set`` checks that each one is
    # of the plan's programme or territory). Support sits above synergies and impact in the flow.
    introductions = models.ManyToManyField(
        "synergies.Introduction",
        blank=True,
        related_name="support_actions",
        verbose_name=_("mises en relation"),
    )
    events = models.ManyToManyField(
        "synergies.Event", blank=True, related_name="support_actions", verbose_name=_("rencontres")
    )
    indicators = models.ManyToManyField(
        "impact.Indicator",
        blank=True,
        related_name="support_actions",
        verbose_name=_("indicateurs"),
    )
    campaigns = models.ManyToManyField(
        "impact.Campaign",
        blank=True,
        related_name="support_actions",
        verbose_name=_("campagnes de collecte"),
    )
    starts_on = models.DateField(_("début"), null=True, blank=True)
    due_on = models.DateField(_("échéance"), null=True, blank=True, db_index=True)
    budget_planned = MoneyField(_("budget prévu (€)"), default=0)
    budget_committed = MoneyField(_("budget engagé (€)"), default=0)
    budget_spent = MoneyField(_("budget dépensé (€)"), default=0)
    status = models.CharField(
        _("état"),
        max_length=16,
        choices=ActionStatus.choices,
        default=ActionStatus.PLANNED,
        db_index=True,
    )
    status_reason = models.TextField(_("motif"), blank=True)
    done_on = models.DateField(_("réalisée le"), null=True, blank=True)
    source_decision = models.OneToOneField(
        "MeetingDecision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action",
        verbose_name=_("décision d'origine"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_fictitious = models.BooleanField(_("fictive (démo)"), default=False)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["plan", "axis__position", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="support_action_due_after_start",
                condition=Q(starts_on__isnull=True)
                | Q(due_on__isnull=True)
                | Q(due_on__gte=models.F("starts_on")),
            ),
            models.CheckConstraint(
                name="support_action_budgets_ordered",
                condition=Q(budget_spent__gte=0)
                & Q(budget_committed__gte=models.F("budget_spent"))
                & Q(budget_planned__gte=models.F("budget_committed")),
            ),
            models.CheckConstraint(
                name="support_action_reason_when_blocked_or_dropped",
                condition=~Q(status__in=["blocked", "dropped"]) | ~Q(status_reason=""),
            ),
            *money_checks("support_action", "budget_planned", "budget_committed", "budget_spent"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("support:action", args=[self.pk])

    def is_late_on(self, day) -> bool:
        return (
            self.due_on is not None
            and self.due_on < day
            and self.status not in (ActionStatus.DONE, ActionStatus.DROPPED)
        )


class Milestone(models.Model):
    """A dated milestone of the plan, or of one of its actions."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="milestones")
    action = models.ForeignKey(
        Action,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("action"),
    )
    title = models.CharField(_("intitulé"), max_length=255)
    due_on = models.DateField(_("date prévue"))
    reached_on = models.DateField(_("atteint le"), null=True, blank=True)
    is_fictitious = models.BooleanField(_("fictif (démo)"), default=False)

    class Meta:
        verbose_name = _("jalon")
        verbose_name_plural = _("jalons")
        ordering = ["plan", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    """A steering or working meeting of the plan, with its agenda, minutes and decisions."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("intitulé"), max_length=255)
    held_on = models.DateField(_("date"))
    agenda = models.TextField(_("ordre du jour"), blank=True)
    minutes = models.TextField(_("compte rendu"), blank=True)
    participants = models.TextField(
        _("participants"), blank=True, help_text=_("une personne ou une structure par ligne")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_fictitious = models.BooleanField(_("fictive (démo)"), default=False)

    class Meta:
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")
        ordering = ["plan", "held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d/%m/%Y})"

    @property
    def participant_list(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]


class MeetingDecision(models.Model):
    """A decision taken in a meeting; it may become an action of the plan in one step."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("décision"))

    class Meta:
        verbose_name = _("décision de réunion")
        verbose_name_plural = _("décisions de réunion")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Comment(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("commentaire"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["action", "created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:80]


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("avant l'échéance")
    AFTER = "after", _("après l'échéance")


class ActionReminder(models.Model):
    """A reminder sent about an action: at most one per action and per day (the constraint)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=8, choices=ReminderKind.choices)
    sent_on = models.DateField()

    class Meta:
        verbose_name = _("relance")
        verbose_name_plural = _("relances")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "sent_on"], name="support_one_reminder_per_action_per_day"
            )
        ]
