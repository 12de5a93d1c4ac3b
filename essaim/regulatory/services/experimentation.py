"""Experimentation requests: filing one in an experimentation call (directly or from a ticket,
which it closes) and the officers' moves along ``workflow.EXPERIMENTATION_TRANSITIONS``."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.calls.models import Call, CallKind, CallPurpose
from essaim.core.notifications import notify
from essaim.core.services import history_record
from essaim.regulatory import rules as access
from essaim.regulatory import workflow
from essaim.regulatory.history import ExperimentationAction
from essaim.regulatory.models import ExperimentationRequest, RuleLevel, Ticket
from essaim.regulatory.services.common import lock_for, move, next_number
from essaim.regulatory.workflow import Outcome


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
        number=next_number("EXPE", now.year),
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
        action=ExperimentationAction.SUBMIT,
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
    locked, transition = lock_for(ticket, user, "to_experimentation")
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
    move(
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
        action=ExperimentationAction(name),
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
