"""Every write of the single window. Transitions obey the tables in ``workflow.py`` and write one
history row in the same transaction; e-mails leave only once the transaction commits."""

import re
import secrets
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from essaim.accounts import permissions
from essaim.accounts.models import Role
from essaim.calls.models import Call, CallKind, CallPurpose
from essaim.core.notifications import notify
from essaim.core.services import history_record
from essaim.regulatory import rules as access
from essaim.regulatory import search, workflow
from essaim.regulatory.models import (
    Channel,
    Direction,
    ExperimentationRequest,
    KnowledgeArticle,
    MessageKind,
    PendingTicket,
    RuleLevel,
    RuleReference,
    Ticket,
    TicketAttachment,
    TicketMessage,
    TicketSequence,
)
from essaim.regulatory.workflow import Actor, Outcome, TicketState

FIRST_ANSWER_DAYS = getattr(settings, "ESSAIM_TICKET_FIRST_ANSWER_DAYS", 10)
OUTCOME_DAYS = getattr(settings, "ESSAIM_TICKET_OUTCOME_DAYS", 60)
REMINDER_EVERY = timedelta(days=1)
PENDING_TTL = timedelta(days=7)


# --- Permissions ------------------------------------------------------------------------------
# Decided in ``essaim.regulatory.rules`` (imported as ``access``); these names stay here for the
# callers (views, API, the e-mail intake and the quarantine).


def is_officer_for(user, programme_id: int) -> bool:
    return access.is_officer_for(user, programme_id)


def is_officer(user) -> bool:
    return access.is_officer(user)


def is_author(user, ticket: Ticket) -> bool:
    return access.is_author(user, ticket)


def can_act(user, ticket: Ticket, actor: str) -> bool:
    if actor == Actor.OFFICER:
        return is_officer_for(user, ticket.programme_id)
    if actor == Actor.AUTHOR:
        return is_author(user, ticket)
    return False


def ticket_actions(ticket: Ticket, user) -> list[workflow.Transition]:
    """The transitions ``user`` may take now (what pages and API offer)."""
    return [
        t
        for t in workflow.ticket_transitions_from(ticket.state)
        if t.actor != Actor.SYSTEM and can_act(user, ticket, t.actor)
    ]


def officers_of(programme_id: int):
    return permissions.holders([Role.SINGLE_WINDOW_OFFICER], programmes=[programme_id])


def experimentation_calls():
    return Call.objects.filter(
        kind=CallKind.CALL_FOR_PROJECTS, purpose=CallPurpose.EXPERIMENTATION
    ).select_related("programme")


# --- Tickets ----------------------------------------------------------------------------------


def _next_number(prefix: str, year: int) -> str:
    key = year if prefix == "SAISINE" else 10_000 + year
    # UPDATE first: it takes the row lock, so two transactions never get the same number.
    if not TicketSequence.objects.filter(year=key).update(last=F("last") + 1):
        TicketSequence.objects.get_or_create(year=key)
        TicketSequence.objects.filter(year=key).update(last=F("last") + 1)
    last = TicketSequence.objects.filter(year=key).values_list("last", flat=True).get()
    return f"{prefix}-{year}-{last:04d}"


def _stale(ticket: Ticket, transition: workflow.Transition) -> ValidationError:
    return ValidationError(
        {
            "state": _("Impossible de faire « %(action)s » : la saisine est « %(state)s ».")
            % {"action": transition.label, "state": ticket.get_state_display()}
        },
        code="stale_state",
    )


def _lock_for(ticket: Ticket, user, name: str) -> tuple[Ticket, workflow.Transition]:
    transition = workflow.TICKET_BY_NAME[name]
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if transition.actor != Actor.SYSTEM and not can_act(user, locked, transition.actor):
        raise PermissionDenied(_("Vous n'avez pas le droit de faire cette action."))
    if locked.state not in transition.source:
        raise _stale(locked, transition)
    return locked, transition


def _move(locked: Ticket, transition, user, comment="", payload=None, fields=()) -> Ticket:
    from_state = locked.state
    locked.state = transition.target
    locked.save(update_fields=["state", *fields])
    history_record(
        obj=locked,
        user=user,
        action=transition.name,
        from_state=from_state,
        to_state=transition.target,
        comment=comment,
        payload=payload or {},
    )
    return locked


def _save_attachments(ticket: Ticket, message, files) -> None:
    """``files``: uploaded files or (name, content_type, bytes) triples."""
    for item in files:
        if isinstance(item, tuple):
            name, content_type, content = item
            upload = ContentFile(content, name=name)
        else:
            name, content_type, upload = item.name, getattr(item, "content_type", ""), item
        attachment = TicketAttachment(
            ticket=ticket,
            message=message,
            filename=name[:255],
            content_type=(content_type or "")[:255],
            size=upload.size or 0,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()


def _single_window_address(programme) -> str:
    return programme.single_window_email or settings.DEFAULT_FROM_EMAIL


def _outbound(
    *, ticket: Ticket, user, kind: str, subject: str, body: str, reply_to: TicketMessage | None
) -> TicketMessage | None:
    """An outgoing message in the thread, sent by e-mail once the transaction commits (its
    ``In-Reply-To``/``References`` point at the thread, so the conversation holds)."""
    to = ticket.reply_address
    domain = _single_window_address(ticket.programme).rpartition("@")[2] or "essaim.local"
    references = ""
    in_reply_to = ""
    if reply_to is not None and reply_to.message_id:
        in_reply_to = reply_to.message_id
        references = " ".join(filter(None, [reply_to.references, reply_to.message_id]))
    message = TicketMessage.objects.create(
        ticket=ticket,
        direction=Direction.OUTBOUND,
        kind=kind,
        channel=Channel.EMAIL if to else Channel.WEB,
        # Unguessable: a reply naming it in In-Reply-To/References threads into the ticket.
        message_id=f"<{secrets.token_hex(16)}@{domain}>",
        in_reply_to=in_reply_to,
        references=references[-5000:],
        author=user if user is not None and user.is_authenticated else None,
        from_email=_single_window_address(ticket.programme),
        to_email=to,
        subject=subject[:998],
        body=body,
    )
    if to:
        from essaim.regulatory.tasks import ticket_message_send

        transaction.on_commit(partial(ticket_message_send.enqueue, message_pk=message.pk))
    return message


def _last_inbound(ticket: Ticket) -> TicketMessage | None:
    return (
        TicketMessage.objects.filter(ticket=ticket, message_id__isnull=False)
        .exclude(kind=MessageKind.ACKNOWLEDGEMENT)
        .order_by("-created_at", "-pk")
        .first()
    )


def acknowledgement_text(ticket: Ticket) -> str:
    return _(
        "Bonjour,\n\n"
        "Le guichet unique a bien reçu votre saisine « %(title)s ». Elle porte le numéro "
        "%(number)s. Pour compléter votre dossier, répondez simplement à ce courriel : votre "
        "réponse rejoindra la saisine.\n\n"
        "Nous vous répondons sous %(days)s jours.\n\n"
        "Le guichet unique — %(programme)s"
    ) % {
        "title": ticket.title,
        "number": ticket.number,
        "days": FIRST_ANSWER_DAYS,
        "programme": ticket.programme.name,
    }


def unconfirmed_acknowledgement_text(ticket: Ticket, link: str) -> str:
    """The acknowledgement of a ticket whose sender has not confirmed their address: it repeats
    nothing the sender wrote (the ``From:`` may be someone else's address)."""
    return _(
        "Bonjour,\n\n"
        "Le guichet unique a reçu un courriel envoyé depuis votre adresse ; il est enregistré "
        "comme saisine sous le numéro %(number)s.\n\n"
        "Votre adresse n'est pas encore confirmée. Si vous êtes bien l'auteur de ce message, "
        "confirmez-la en ouvrant ce lien :\n\n%(link)s\n\n"
        "Pour compléter votre dossier, répondez simplement à ce courriel. Si vous n'avez pas "
        "écrit au guichet unique, ignorez ce message.\n\n"
        "Le guichet unique — %(programme)s"
    ) % {"number": ticket.number, "link": link, "programme": ticket.programme.name}


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
        from essaim.projects.models import Project

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
            from essaim.actors.models import Organisation

            organisation = Organisation.objects.filter(pk=held).first()
    received_at = received_at or timezone.now()
    ticket = Ticket(
        programme=programme,
        number=_next_number("SAISINE", received_at.year),
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
    ticket.search_text = search.normalise(
        " ".join(text for text, _w in search.ticket_parts(ticket, rule_rows))
    )
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
    _save_attachments(ticket, None, attachments)
    if search.uses_postgres():
        search.index([ticket])
    history_record(
        obj=ticket,
        user=author,
        action="create",
        to_state=ticket.state,
        payload={"channel": channel},
    )
    if acknowledge:
        acknowledge_ticket(ticket=ticket, reply_to=None)
    return ticket


def acknowledge_ticket(*, ticket: Ticket, reply_to: TicketMessage | None) -> TicketMessage | None:
    """The automatic acknowledgement, carrying the ticket number in its subject (and, once the
    author is known, the ticket's title)."""
    if ticket.awaiting_sender_confirmation:
        from essaim.regulatory.services_mail import sender_confirm_url

        subject = _("%(tag)s Accusé de réception") % {"tag": ticket.subject_tag}
        body = unconfirmed_acknowledgement_text(ticket, sender_confirm_url(ticket))
    else:
        subject = _("%(tag)s Accusé de réception : %(title)s") % {
            "tag": ticket.subject_tag,
            "title": ticket.title,
        }
        body = acknowledgement_text(ticket)
    return _outbound(
        ticket=ticket,
        user=None,
        kind=MessageKind.ACKNOWLEDGEMENT,
        subject=subject,
        body=body,
        reply_to=reply_to,
    )


@transaction.atomic
def ticket_message_receive(
    *,
    ticket: Ticket,
    user=None,
    body: str,
    subject: str = "",
    channel: str = Channel.WEB,
    from_email: str = "",
    to_email: str = "",
    message_id: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    raw: bytes | None = None,
    attachments=(),
    created_at=None,
    record: bool = True,
) -> TicketMessage:
    """Add a message from the author (web or e-mail) to the thread. An answered or closed ticket
    is reopened (history row ``reopen_on_message``)."""
    if channel == Channel.WEB and not is_author(user, ticket):
        raise PermissionDenied(_("Seul l'auteur de la saisine peut y ajouter un message."))
    if not body.strip() and not attachments:
        raise ValidationError({"body": _("Le message est vide.")})
    message = TicketMessage.objects.create(
        ticket=ticket,
        direction=Direction.INBOUND,
        kind=MessageKind.MESSAGE,
        channel=channel,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        author=user if user is not None and user.is_authenticated else None,
        from_email=from_email or (user.email if user and user.is_authenticated else ""),
        to_email=to_email,
        subject=subject[:998],
        body=body,
        raw=raw,
        created_at=created_at or timezone.now(),
    )
    _save_attachments(ticket, message, attachments)
    if ticket.state in workflow.TICKET_BY_NAME["reopen_on_message"].source:
        locked, transition = _lock_for(ticket, None, "reopen_on_message")
        previous = {"outcome": locked.outcome}
        locked.outcome = ""
        locked.out_of_scope_reason = ""
        locked.outcome_at = None
        _move(
            locked,
            transition,
            None,
            payload={**previous, "message": message.pk},
            fields=("outcome", "out_of_scope_reason", "outcome_at"),
        )
        ticket.state = locked.state
    elif record:
        history_record(
            obj=ticket, user=message.author, action="message", payload={"message": message.pk}
        )
    return message


@transaction.atomic
def ticket_triage(
    *, ticket: Ticket, user, category: str, priority: str, comment: str = ""
) -> Ticket:
    """Set the theme and priority. Officers of the ticket's programme only."""
    locked, transition = _lock_for(ticket, user, "triage")
    from essaim.regulatory.models import Priority, Theme

    errors = {}
    if category not in Theme.values:
        errors["category"] = _("Choisissez un thème.")
    if priority not in Priority.values:
        errors["priority"] = _("Choisissez une priorité.")
    if errors:
        raise ValidationError(errors)
    payload = {"category": category, "priority": priority}
    locked.category, locked.priority = category, priority
    return _move(locked, transition, user, comment, payload, ("category", "priority"))


@transaction.atomic
def ticket_route(
    *, ticket: Ticket, user, administration=None, assignee=None, comment: str = ""
) -> Ticket:
    """Name the administration responsible and the officer in charge."""
    locked, transition = _lock_for(ticket, user, "route")
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
    result = _move(locked, transition, user, comment, payload, ("administration", "assignee"))
    if locked.assignee and locked.assignee != user:
        notify(
            users=[locked.assignee],
            title=_("Saisine %(number)s qui vous est confiée") % {"number": locked.number},
            url=reverse("regulatory:ticket_detail", args=[locked.pk]),
        )
    return result


@transaction.atomic
def ticket_start(*, ticket: Ticket, user) -> Ticket:
    locked, transition = _lock_for(ticket, user, "start")
    if locked.assignee_id is None:
        locked.assignee = user
    return _move(locked, transition, user, fields=("assignee",))


@transaction.atomic
def ticket_answer(*, ticket: Ticket, user, body: str, attachments=()) -> TicketMessage:
    """Answer the author: the message stays in the thread and goes out by e-mail (threaded on
    the author's last message); the first answer stops the first-answer clock."""
    locked, transition = _lock_for(ticket, user, "answer")
    if not body.strip():
        raise ValidationError({"body": _("Écrivez la réponse.")})
    message = _outbound(
        ticket=locked,
        user=user,
        kind=MessageKind.ANSWER,
        subject=_("%(tag)s Réponse du guichet unique : %(title)s")
        % {"tag": locked.subject_tag, "title": locked.title},
        body=body,
        reply_to=_last_inbound(locked),
    )
    _save_attachments(locked, message, attachments)
    fields = []
    if locked.first_answered_at is None:
        locked.first_answered_at = timezone.now()
        fields.append("first_answered_at")
    if locked.assignee_id is None:
        locked.assignee = user
        fields.append("assignee")
    _move(locked, transition, user, payload={"message": message.pk}, fields=fields)
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
    locked, transition = _lock_for(ticket, user, "close")
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
    return _move(
        locked,
        transition,
        user,
        reason,
        {"outcome": outcome, "out_of_scope_reason": locked.out_of_scope_reason},
        ("outcome", "outcome_reason", "out_of_scope_reason", "outcome_at"),
    )


@transaction.atomic
def ticket_withdraw(*, ticket: Ticket, user, comment: str = "") -> Ticket:
    locked, transition = _lock_for(ticket, user, "withdraw")
    locked.outcome = Outcome.WITHDRAWN
    locked.outcome_reason = comment
    locked.outcome_at = timezone.now()
    return _move(
        locked,
        transition,
        user,
        comment,
        {"outcome": Outcome.WITHDRAWN},
        ("outcome", "outcome_reason", "outcome_at"),
    )


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, user, comment: str) -> Ticket:
    locked, transition = _lock_for(ticket, user, "reopen")
    if not comment.strip():
        raise ValidationError({"comment": _("Un commentaire est obligatoire pour cette action.")})
    previous = locked.outcome
    locked.outcome = ""
    locked.out_of_scope_reason = ""
    locked.outcome_at = None
    return _move(
        locked,
        transition,
        user,
        comment,
        {"outcome": previous},
        ("outcome", "out_of_scope_reason", "outcome_at"),
    )


def _validate_experimentation(data: dict) -> dict:
    errors = {}
    for field in ("derogation_asked", "rule_text", "evaluation_plan"):
        if not (data.get(field) or "").strip():
            errors[field] = _("Ce champ est obligatoire.")
    if data.get("rule_level") not in RuleLevel.values:
        errors["rule_level"] = _("Choisissez le niveau de la règle.")
    elif data["rule_level"] == RuleLevel.EU_LAW:
        errors["rule_level"] = _(
            "Le droit de l'Union européenne ne peut pas faire l'objet d'une expérimentation."
        )
    elif data["rule_level"] == RuleLevel.LOCAL_RULE:
        errors["rule_level"] = _(
            "Les règles propres aux collectivités relèvent de la collectivité elle-même."
        )
    duration = data.get("duration_months")
    if not isinstance(duration, int) or not 1 <= duration <= 60:
        errors["duration_months"] = _("Indiquez une durée entre 1 et 60 mois.")
    call = data.get("call")
    if (
        call is None
        or call.purpose != CallPurpose.EXPERIMENTATION
        or (call.kind != CallKind.CALL_FOR_PROJECTS)
    ):
        errors["call"] = _("Choisissez un appel à projets d'expérimentation.")
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def experimentation_submit(
    *,
    user,
    call: Call,
    title: str,
    derogation_asked: str,
    rule_text: str,
    rule_level: str,
    duration_months: int,
    evaluation_plan: str,
    perimeter=None,
    organisation=None,
    project_title: str = "",
    project=None,
    ticket: Ticket | None = None,
    is_fictitious: bool = False,
) -> ExperimentationRequest:
    """File a request in an experimentation call (purpose ``experimentation``)."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Connectez-vous pour déposer une demande."))
    _validate_experimentation(
        {
            "call": call,
            "derogation_asked": derogation_asked,
            "rule_text": rule_text,
            "rule_level": rule_level,
            "duration_months": duration_months,
            "evaluation_plan": evaluation_plan,
        }
    )
    if not (title or "").strip():
        raise ValidationError({"title": _("Donnez un titre à la demande.")})
    now = timezone.now()
    request = ExperimentationRequest.objects.create(
        call=call,
        ticket=ticket,
        number=_next_number("EXPE", now.year),
        title=title.strip()[:255],
        applicant=(ticket.author if ticket else user),
        applicant_email=(ticket.reply_address if ticket else user.email),
        organisation=organisation,
        project=project,
        project_title=project_title[:255],
        derogation_asked=derogation_asked,
        rule_text=rule_text,
        rule_level=rule_level,
        perimeter=perimeter,
        duration_months=duration_months,
        evaluation_plan=evaluation_plan,
        submitted_at=now,
        is_fictitious=is_fictitious,
    )
    history_record(
        obj=request,
        user=user,
        action="submit",
        to_state=request.state,
        payload={"ticket": ticket.pk if ticket else None},
    )
    return request


@transaction.atomic
def ticket_to_experimentation(
    *,
    ticket: Ticket,
    user,
    call: Call,
    derogation_asked: str,
    rule_text: str,
    rule_level: str,
    duration_months: int,
    evaluation_plan: str,
    perimeter=None,
) -> ExperimentationRequest:
    """In one step: the ticket becomes an experimentation request keeping its links (author,
    organisation, project, territory), and is closed with the outcome "experimentation request
    filed"."""
    locked, transition = _lock_for(ticket, user, "to_experimentation")
    if ExperimentationRequest.objects.filter(ticket=locked).exists():
        raise ValidationError({"ticket": _("Cette saisine a déjà donné lieu à une demande.")})
    request = experimentation_submit(
        user=user,
        call=call,
        title=locked.title,
        derogation_asked=derogation_asked,
        rule_text=rule_text,
        rule_level=rule_level,
        duration_months=duration_months,
        evaluation_plan=evaluation_plan,
        perimeter=perimeter or locked.perimeter,
        organisation=locked.organisation,
        project=locked.project,
        project_title=locked.project_title,
        ticket=locked,
        is_fictitious=locked.is_fictitious,
    )
    locked.outcome = Outcome.EXPERIMENTATION
    locked.outcome_at = timezone.now()
    _move(
        locked,
        transition,
        user,
        payload={"outcome": Outcome.EXPERIMENTATION, "experimentation_request": request.pk},
        fields=("outcome", "outcome_at"),
    )
    return request


def experimentation_actions(request: ExperimentationRequest, user) -> list[workflow.Transition]:
    """The transitions ``user`` may take now: the officers and admins of the call's programme."""
    if not access.can_handle_experimentation(user, request):
        return []
    return workflow.experimentation_transitions_from(request.state)


@transaction.atomic
def experimentation_transition(
    *,
    request: ExperimentationRequest,
    user,
    name: str,
    comment: str = "",
    granted_from=None,
    granted_until=None,
    granted_perimeter=None,
    evaluation_dates=(),
) -> ExperimentationRequest:
    """Take transition ``name`` (the officers and admins of the call's programme). Granting needs
    the derogation's dates, its territory and at least one evaluation date within them;
    refusing, evaluating and abandoning need a comment."""
    transition = workflow.EXPERIMENTATION_BY_NAME.get(name)
    if transition is None:
        raise ValidationError({"transition": _("Action inconnue : « %(name)s ».") % {"name": name}})
    locked = (
        ExperimentationRequest.objects.select_for_update().select_related("call").get(pk=request.pk)
    )
    if not access.can_handle_experimentation(user, locked):
        raise PermissionDenied(_("Vous n'avez pas le droit de faire cette action."))
    if locked.state not in transition.source:
        raise ValidationError(
            {
                "state": _("Impossible de faire « %(action)s » : la demande est « %(state)s ».")
                % {"action": transition.label, "state": locked.get_state_display()}
            },
            code="stale_state",
        )
    if transition.comment_required and not comment.strip():
        raise ValidationError({"comment": _("Un commentaire est obligatoire pour cette action.")})
    fields = ["state"]
    payload = {}
    if name == "grant":
        errors = {}
        if not granted_from:
            errors["granted_from"] = _("Indiquez le début de la dérogation.")
        if not granted_until:
            errors["granted_until"] = _("Indiquez la fin de la dérogation.")
        elif granted_from and granted_until <= granted_from:
            errors["granted_until"] = _("La fin doit suivre le début.")
        territory = granted_perimeter or locked.perimeter
        if territory is None:
            errors["granted_perimeter"] = _("Indiquez le territoire de la dérogation.")
        dates = sorted(d for d in evaluation_dates if d)
        if not dates:
            errors["evaluation_dates"] = _("Indiquez au moins une date d'évaluation.")
        elif (
            granted_from
            and granted_until
            and not all(granted_from <= d <= granted_until + timedelta(days=365) for d in dates)
        ):
            errors["evaluation_dates"] = _(
                "Les dates d'évaluation doivent tomber pendant la dérogation (ou l'année qui suit)."
            )
        if errors:
            raise ValidationError(errors)
        locked.granted_from, locked.granted_until = granted_from, granted_until
        locked.granted_perimeter = territory
        locked.evaluation_dates = [d.isoformat() for d in dates]
        locked.decided_at = timezone.now()
        fields += [
            "granted_from",
            "granted_until",
            "granted_perimeter",
            "evaluation_dates",
            "decided_at",
        ]
        payload = {
            "granted_from": granted_from.isoformat(),
            "granted_until": granted_until.isoformat(),
            "granted_perimeter": territory.pk,
            "evaluation_dates": locked.evaluation_dates,
        }
    elif name == "refuse":
        locked.refusal_reason = comment
        locked.decided_at = timezone.now()
        fields += ["refusal_reason", "decided_at"]
    elif name == "evaluate":
        locked.evaluation_summary = comment
        fields.append("evaluation_summary")
    from_state = locked.state
    locked.state = transition.target
    locked.save(update_fields=fields)
    history_record(
        obj=locked,
        user=user,
        action=name,
        from_state=from_state,
        to_state=transition.target,
        comment=comment,
        payload=payload,
    )
    if locked.applicant_id and name in {"grant", "refuse"}:
        notify(
            users=[locked.applicant],
            title=_("Votre demande d'expérimentation %(number)s : %(state)s")
            % {"number": locked.number, "state": locked.get_state_display()},
            body=comment,
            url=reverse("regulatory:experimentation_detail", args=[locked.pk]),
        )
    return locked


# --- Knowledge base ---------------------------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?:(?:\+|00)33[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}")
URL = re.compile(r"https?://\S+")


def anonymise(text: str, ticket: Ticket | None = None) -> str:
    """Remove what points at a person or an organisation: e-mail addresses, phone numbers,
    links, and the names the ticket knows (author, organisation, project)."""
    text = EMAIL.sub(_("[adresse retirée]"), text or "")
    text = PHONE.sub(_("[téléphone retiré]"), text)
    text = URL.sub(_("[lien retiré]"), text)
    if ticket is not None:
        names = [ticket.author_name, ticket.project_title]
        if ticket.author_id:
            names += [ticket.author.first_name, ticket.author.last_name]
        if ticket.organisation_id:
            names += [ticket.organisation.name, ticket.organisation.acronym]
        for name in sorted({n.strip() for n in names if n and len(n.strip()) > 2}, key=len)[::-1]:
            text = re.sub(re.escape(name), _("[nom retiré]"), text, flags=re.IGNORECASE)
    return text


def article_draft(ticket: Ticket) -> dict:
    """A first anonymised draft of the published question and answer, for the officer to edit."""
    answer = (
        TicketMessage.objects.filter(ticket=ticket, kind=MessageKind.ANSWER)
        .order_by("-created_at")
        .first()
    )
    rule = ticket.rules.first()
    question = "\n\n".join(p for p in (ticket.wants_to_do, ticket.blocked_by) if p.strip())
    return {
        "title": anonymise(ticket.title, ticket),
        "question": anonymise(question, ticket),
        "answer": anonymise(answer.body if answer else ticket.outcome_reason, ticket),
        "theme": ticket.category or "other",
        "rule_level": rule.level if rule else "",
        "rule_reference": str(rule) if rule else "",
    }


def _check_anonymous(fields: dict) -> None:
    errors = {}
    for field, value in fields.items():
        if EMAIL.search(value or "") or PHONE.search(value or ""):
            errors[field] = _(
                "Le texte contient encore une adresse électronique ou un numéro de téléphone."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def article_publish(
    *,
    ticket: Ticket,
    user,
    title: str,
    question: str,
    answer: str,
    theme: str,
    rule_reference: str = "",
    rule_level: str = "",
) -> KnowledgeArticle:
    """Publish (or update) the anonymised question and answer of a resolved ticket whose author
    agreed (the officers of the ticket's programme). Refuses text that still holds an e-mail
    address or a phone number."""
    if not access.can_publish_article(user, ticket):
        raise PermissionDenied(_("Vous n'avez pas le droit de faire cette action."))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    errors = {}
    if not ticket.publish_consent:
        errors["publish_consent"] = _("L'auteur n'a pas accepté la publication.")
    if ticket.state != TicketState.CLOSED or ticket.outcome == Outcome.WITHDRAWN:
        errors["state"] = _("Seule une saisine close avec une issue peut être publiée.")
    for field, value in (("title", title), ("question", question), ("answer", answer)):
        if not (value or "").strip():
            errors[field] = _("Ce champ est obligatoire.")
    from essaim.regulatory.models import Theme

    if theme not in Theme.values:
        errors["theme"] = _("Choisissez un thème.")
    if rule_level and rule_level not in RuleLevel.values:
        errors["rule_level"] = _("Niveau de règle inconnu.")
    if errors:
        raise ValidationError(errors)
    _check_anonymous({"title": title, "question": question, "answer": answer})
    article = KnowledgeArticle.objects.filter(ticket=ticket).first()
    created = article is None
    if created:
        base = slugify(title)[:100] or "reponse"
        slug = base
        while KnowledgeArticle.objects.filter(slug=slug).exists():
            slug = f"{base}-{secrets.token_hex(2)}"
        article = KnowledgeArticle(ticket=ticket, slug=slug)
    article.title = title.strip()[:255]
    article.question = question.strip()
    article.answer = answer.strip()
    article.theme = theme
    article.rule_reference = rule_reference[:255]
    article.rule_level = rule_level
    article.outcome = ticket.outcome
    article.is_published = True
    article.published_at = article.published_at or timezone.now()
    article.is_fictitious = ticket.is_fictitious
    article.save()
    search.index([article])
    history_record(
        obj=ticket,
        user=user,
        action="publish" if created else "publish_update",
        payload={"article": article.pk},
    )
    return article


@transaction.atomic
def article_unpublish(*, article: KnowledgeArticle, user) -> KnowledgeArticle:
    if not access.can_unpublish_article(user, article):
        raise PermissionDenied(_("Vous n'avez pas le droit de faire cette action."))
    article.is_published = False
    article.save(update_fields=["is_published"])
    if article.ticket_id:
        history_record(obj=article.ticket, user=user, action="unpublish")
    return article


# --- Web tickets from people without an account ---------------------------------------------


@transaction.atomic
def pending_ticket_create(
    *, email: str, data: dict, attachment=None, idempotency_key: str | None = None
) -> PendingTicket:
    """Keep a web ticket from someone without an account until they confirm their address (a
    link sent by e-mail). Submitting the same form twice keeps one pending ticket."""
    if idempotency_key:
        existing = PendingTicket.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    pending = PendingTicket(
        token=secrets.token_urlsafe(32),
        email=email.strip().lower(),
        data=data,
        idempotency_key=idempotency_key or None,
    )
    if attachment is not None:
        pending.attachment.save(attachment.name, attachment, save=False)
    pending.save()
    link = settings.ESSAIM_BASE_URL + reverse("regulatory:ticket_confirm", args=[pending.token])
    from essaim.core.tasks import send_email

    transaction.on_commit(
        partial(
            send_email.enqueue,
            to=[pending.email],
            subject=_("Confirmez votre adresse pour envoyer votre saisine"),
            body=_(
                "Bonjour,\n\nPour transmettre votre saisine « %(title)s » au guichet unique, "
                "confirmez votre adresse en ouvrant ce lien (valable 7 jours) :\n\n%(link)s\n\n"
                "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message."
            )
            % {"title": data.get("title", ""), "link": link},
        )
    )
    return pending


@transaction.atomic
def pending_ticket_confirm(*, token: str) -> Ticket:
    """Open the ticket of a confirmed address. Confirming twice returns the same ticket."""
    from essaim.calls.models import Programme
    from essaim.geo.models import Perimeter

    pending = PendingTicket.objects.select_for_update().filter(token=token).first()
    if pending is None or pending.created_at < timezone.now() - PENDING_TTL:
        raise ValidationError({"token": _("Ce lien de confirmation est inconnu ou expiré.")})
    if pending.confirmed_ticket_id:
        return pending.confirmed_ticket
    data = dict(pending.data)
    programme = Programme.objects.get(pk=data.pop("programme"))
    perimeter_id = data.pop("perimeter", None)
    attachments = []
    if pending.attachment:
        with pending.attachment.open("rb") as handle:
            content = handle.read()
        attachments.append((pending.attachment.name.rsplit("/", 1)[-1], "", content))
    ticket = ticket_create(
        user=None,
        programme=programme,
        perimeter=Perimeter.objects.filter(pk=perimeter_id).first() if perimeter_id else None,
        author_email=pending.email,
        channel=Channel.WEB,
        idempotency_key=f"pending-{pending.pk}",
        attachments=attachments,
        **data,
    )
    pending.confirmed_ticket = ticket
    pending.save(update_fields=["confirmed_ticket"])
    return ticket


# --- Service-level reminders ------------------------------------------------------------------


@transaction.atomic
def ticket_reminders_send(*, now=None) -> int:
    """Remind the officer in charge (or every officer of the programme) of each overdue ticket,
    at most once a day per ticket. Returns the number of tickets reminded."""
    now = now or timezone.now()
    due = (
        Ticket.objects.overdue(now)
        .exclude(last_reminder_at__gte=now - REMINDER_EVERY)
        .select_related("assignee")
        .select_for_update(of=("self",))
    )
    count = 0
    for ticket in due:
        users = [ticket.assignee] if ticket.assignee_id else list(officers_of(ticket.programme_id))
        late = (
            _("première réponse attendue le %(date)s")
            if ticket.first_answered_at is None
            else _("issue attendue le %(date)s")
        ) % {
            "date": timezone.localtime(
                ticket.first_answer_due_at
                if ticket.first_answered_at is None
                else ticket.outcome_due_at
            ).strftime("%d/%m/%Y")
        }
        notify(
            users=users,
            title=_("Saisine %(number)s en retard") % {"number": ticket.number},
            body=late,
            url=reverse("regulatory:ticket_detail", args=[ticket.pk]),
        )
        ticket.last_reminder_at = now
        ticket.save(update_fields=["last_reminder_at"])
        history_record(obj=ticket, user=None, action="reminder", comment=late)
        count += 1
    return count
