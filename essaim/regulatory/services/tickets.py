"""Tickets: opening one (numbered, idempotent, acknowledged) and every officer's or author's move
along the ticket workflow (``workflow.TICKET_TRANSITIONS``)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.actors.models import Organisation
from essaim.core import search as full_text
from essaim.core.notifications import notify
from essaim.core.services import history_record
from essaim.projects.models import Project
from essaim.regulatory import rules as access
from essaim.regulatory import search, workflow
from essaim.regulatory.history import TicketAction
from essaim.regulatory.models import (
    Channel,
    MessageKind,
    Priority,
    RuleLevel,
    RuleReference,
    Theme,
    Ticket,
    TicketMessage,
)
from essaim.regulatory.services.common import (
    FIRST_ANSWER_DAYS,
    OUTCOME_DAYS,
    lock_for,
    move,
    next_number,
    officers_of,
)
from essaim.regulatory.services.messages import (
    acknowledge_ticket,
    last_inbound,
    outbound,
    save_attachments,
)
from essaim.regulatory.workflow import Outcome


def _rules(ticket: Ticket, rules) -> list[RuleReference]:
    """Validated, unsaved rule references."""
    rows = []
    for index, rule in enumerate(rules or ()):
        level = rule.get("level") or ""
        text = (rule.get("text") or "").strip()
        if not text:
            continue
        if level not in RuleLevel.values:
            raise ValidationError(
                {
                    f"rules.{index}.level": _("Niveau de règle inconnu : « %(level)s ».")
                    % {"level": level}
                }
            )
        rows.append(
            RuleReference(
                level=level,
                text=text[:255],
                article=(rule.get("article") or "").strip()[:100],
            )
        )
    return rows


@transaction.atomic
def ticket_create(
    *,
    user,
    programme,
    title: str,
    wants_to_do: str = "",
    blocked_by: str = "",
    rules_text: str = "",
    rules=(),
    project_title: str = "",
    project=None,
    organisation=None,
    perimeter=None,
    author_email: str = "",
    author_name: str = "",
    channel: str = Channel.WEB,
    publish_consent: bool = False,
    idempotency_key: str | None = None,
    attachments=(),
    received_at=None,
    acknowledge: bool = True,
    is_fictitious: bool = False,
) -> Ticket:
    """Open a ticket. Guarantees: one number per ticket (``SAISINE-<year>-<n>``), the same
    ``idempotency_key`` never opens a second ticket (the first is returned), the service-level
    clock starts, an acknowledgement goes out by e-mail once committed, one history row."""
    if idempotency_key:
        existing = Ticket.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Indiquez l'objet de la saisine.")})
    if channel == Channel.WEB and not (wants_to_do.strip() and blocked_by.strip()):
        raise ValidationError(
            {
                field: _("Ce champ est obligatoire.")
                for field, value in (("wants_to_do", wants_to_do), ("blocked_by", blocked_by))
                if not value.strip()
            }
        )
    author = user if user is not None and user.is_authenticated else None
    if project is not None:
        if author is None or not Project.objects.editable_by(author).filter(pk=project.pk).exists():
            raise ValidationError({"project": _("Vous ne portez pas ce projet.")})
        project_title = project_title or project.title
        organisation = organisation or project.holder
        perimeter = perimeter or project.perimeter
    if author is None and not author_email:
        raise ValidationError({"author_email": _("Une adresse électronique est nécessaire.")})
    if organisation is None and author is not None:
        held = access.default_organisation_id(author)
        if held is not None:
            organisation = Organisation.objects.filter(pk=held).first()
    received_at = received_at or timezone.now()
    ticket = Ticket(
        programme=programme,
        number=next_number("SAISINE", received_at.year),
        title=title[:255],
        wants_to_do=wants_to_do,
        blocked_by=blocked_by,
        rules_text=rules_text,
        project=project,
        project_title=project_title[:255],
        organisation=organisation,
        perimeter=perimeter,
        author=author,
        author_email=(author.email if author else author_email)[:320],
        author_name=(author.get_full_name() if author else author_name)[:255],
        channel=channel,
        publish_consent=publish_consent,
        idempotency_key=idempotency_key or None,
        received_at=received_at,
        first_answer_due_at=received_at + timedelta(days=FIRST_ANSWER_DAYS),
        outcome_due_at=received_at + timedelta(days=OUTCOME_DAYS),
        is_fictitious=is_fictitious,
    )
    rule_rows = _rules(ticket, rules)
    ticket.search_text = full_text.text_of(search.ticket_parts(ticket, rule_rows))
    if idempotency_key:
        try:
            with transaction.atomic():
                ticket.save()
        except IntegrityError:
            existing = Ticket.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
            raise
    else:
        ticket.save()
    for rule in rule_rows:
        rule.ticket = ticket
    RuleReference.objects.bulk_create(rule_rows)
    save_attachments(ticket, None, attachments)
    if full_text.uses_postgres():
        search.index([ticket])
    history_record(
        obj=ticket,
        user=author,
        action=TicketAction.CREATE,
        to_state=ticket.state,
        payload={"channel": channel},
    )
    if acknowledge:
        acknowledge_ticket(ticket=ticket, reply_to=None)
    return ticket


@transaction.atomic
def ticket_triage(
    *, ticket: Ticket, user, category: str, priority: str, comment: str = ""
) -> Ticket:
    """Set the theme and priority. Officers of the ticket's programme only."""
    locked, transition = lock_for(ticket, user, "triage")
    errors = {}
    if category not in Theme.values:
        errors["category"] = _("Choisissez un thème.")
    if priority not in Priority.values:
        errors["priority"] = _("Choisissez une priorité.")
    if errors:
        raise ValidationError(errors)
    payload = {"category": category, "priority": priority}
    locked.category, locked.priority = category, priority
    return move(locked, transition, user, comment, payload, ("category", "priority"))


@transaction.atomic
def ticket_route(
    *, ticket: Ticket, user, administration=None, assignee=None, comment: str = ""
) -> Ticket:
    """Name the administration responsible and the officer in charge."""
    locked, transition = lock_for(ticket, user, "route")
    if administration is None:
        raise ValidationError({"administration": _("Choisissez l'administration compétente.")})
    if (
        assignee is not None
        and not officers_of(locked.programme_id).filter(pk=assignee.pk).exists()
    ):
        raise ValidationError(
            {"assignee": _("Cette personne n'est pas agent du guichet unique de ce programme.")}
        )
    locked.administration = administration
    locked.assignee = assignee or locked.assignee or user
    payload = {"administration": administration.pk, "assignee": locked.assignee_id}
    result = move(locked, transition, user, comment, payload, ("administration", "assignee"))
    if locked.assignee and locked.assignee != user:
        notify(
            users=[locked.assignee],
            title=_("Saisine %(number)s qui vous est confiée") % {"number": locked.number},
            url=reverse("regulatory:ticket_detail", args=[locked.pk]),
        )
    return result


@transaction.atomic
def ticket_start(*, ticket: Ticket, user) -> Ticket:
    locked, transition = lock_for(ticket, user, "start")
    if locked.assignee_id is None:
        locked.assignee = user
    return move(locked, transition, user, fields=("assignee",))


@transaction.atomic
def ticket_answer(*, ticket: Ticket, user, body: str, attachments=()) -> TicketMessage:
    """Answer the author: the message stays in the thread and goes out by e-mail (threaded on
    the author's last message); the first answer stops the first-answer clock."""
    locked, transition = lock_for(ticket, user, "answer")
    if not body.strip():
        raise ValidationError({"body": _("Écrivez la réponse.")})
    message = outbound(
        ticket=locked,
        user=user,
        kind=MessageKind.ANSWER,
        subject=_("%(tag)s Réponse du guichet unique : %(title)s")
        % {"tag": locked.subject_tag, "title": locked.title},
        body=body,
        reply_to=last_inbound(locked),
    )
    save_attachments(locked, message, attachments)
    fields = []
    if locked.first_answered_at is None:
        locked.first_answered_at = timezone.now()
        fields.append("first_answered_at")
    if locked.assignee_id is None:
        locked.assignee = user
        fields.append("assignee")
    move(locked, transition, user, payload={"message": message.pk}, fields=fields)
    if locked.author_id:
        notify(
            users=[locked.author],
            title=_("Réponse du guichet unique à votre saisine %(number)s")
            % {"number": locked.number},
            url=reverse("regulatory:ticket_detail", args=[locked.pk]),
            email=False,  # the answer itself goes out by e-mail
        )
    return message


@transaction.atomic
def ticket_close(
    *,
    ticket: Ticket,
    user,
    outcome: str,
    reason: str = "",
    out_of_scope_reason: str = "",
) -> Ticket:
    """Close with an outcome. Out of scope needs its kind (EU law, independent regulator, local
    rule, other) and an explanation; an experimentation request goes through
    :func:`ticket_to_experimentation`."""
    locked, transition = lock_for(ticket, user, "close")
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choisissez une issue.")
    elif outcome == Outcome.EXPERIMENTATION:
        errors["outcome"] = _(
            "Pour une demande d'expérimentation, utilisez « Transformer en demande "
            "d'expérimentation »."
        )
    elif outcome == Outcome.OUT_OF_SCOPE:
        if out_of_scope_reason not in workflow.OutOfScopeReason.values:
            errors["out_of_scope_reason"] = _("Précisez pourquoi la saisine est hors champ.")
        if not reason.strip():
            errors["reason"] = _("Expliquez le motif à l'auteur.")
    if errors:
        raise ValidationError(errors)
    locked.outcome = outcome
    locked.outcome_reason = reason
    locked.out_of_scope_reason = out_of_scope_reason if outcome == Outcome.OUT_OF_SCOPE else ""
    locked.outcome_at = timezone.now()
    return move(
        locked,
        transition,
        user,
        reason,
        {"outcome": outcome, "out_of_scope_reason": locked.out_of_scope_reason},
        ("outcome", "outcome_reason", "out_of_scope_reason", "outcome_at"),
    )


@transaction.atomic
def ticket_withdraw(*, ticket: Ticket, user, comment: str = "") -> Ticket:
    locked, transition = lock_for(ticket, user, "withdraw")
    locked.outcome = Outcome.WITHDRAWN
    locked.outcome_reason = comment
    locked.outcome_at = timezone.now()
    return move(
        locked,
        transition,
        user,
        comment,
        {"outcome": Outcome.WITHDRAWN},
        ("outcome", "outcome_reason", "outcome_at"),
    )


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, user, comment: str) -> Ticket:
    locked, transition = lock_for(ticket, user, "reopen")
    if not comment.strip():
        raise ValidationError({"comment": _("Un commentaire est obligatoire pour cette action.")})
    previous = locked.outcome
    locked.outcome = ""
    locked.out_of_scope_reason = ""
    locked.outcome_at = None
    return move(
        locked,
        transition,
        user,
        comment,
        {"outcome": previous},
        ("outcome", "out_of_scope_reason", "outcome_at"),
    )
