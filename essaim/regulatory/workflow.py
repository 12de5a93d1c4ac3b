"""The two workflows of the single window, each one table of states and allowed transitions.

Pages and API ask ``services.ticket_actions(ticket, user)`` /
``services.experimentation_actions(request, user)``; the services perform a transition only if
its table allows it, and record it in the history in the same transaction.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from essaim.core import workflow as core_workflow
from essaim.core.workflow import Transition


class TicketState(models.TextChoices):
    NEW = "new", _("nouvelle")
    TRIAGED = "triaged", _("qualifiée")
    ROUTED = "routed", _("transmise à l'administration")
    IN_PROGRESS = "in_progress", _("en cours")
    ANSWERED = "answered", _("répondue")
    CLOSED = "closed", _("close")


OPEN_TICKET_STATES = (
    TicketState.NEW,
    TicketState.TRIAGED,
    TicketState.ROUTED,
    TicketState.IN_PROGRESS,
    TicketState.ANSWERED,
)


class Outcome(models.TextChoices):
    CLARIFIED = "clarified", _("clarifiée : faisable sans dérogation")
    WORKAROUND = "workaround", _("solution de contournement trouvée")
    EXPERIMENTATION = "experimentation", _("demande d'expérimentation déposée")
    LEGAL_CHANGE = "legal_change", _("évolution du droit proposée")
    OUT_OF_SCOPE = "out_of_scope", _("hors champ")
    WITHDRAWN = "withdrawn", _("retirée")


# Outcomes that count as "resolved" in the public figures.
RESOLVED_OUTCOMES = (
    Outcome.CLARIFIED,
    Outcome.WORKAROUND,
    Outcome.EXPERIMENTATION,
    Outcome.LEGAL_CHANGE,
)


class OutOfScopeReason(models.TextChoices):
    EU_LAW = "eu_law", _("droit de l'Union européenne")
    INDEPENDENT_REGULATOR = "independent_regulator", _("règle d'une autorité indépendante")
    LOCAL_RULE = "local_rule", _("règle propre à une collectivité")
    OTHER = "other", _("autre motif")


class Actor(models.TextChoices):
    OFFICER = "officer", _("agent du guichet unique")
    AUTHOR = "author", _("auteur de la saisine")
    SYSTEM = "system", _("système (nouveau message)")


S = TicketState
TICKET_TRANSITIONS: tuple[Transition, ...] = (
    Transition("triage", (S.NEW, S.TRIAGED), S.TRIAGED, Actor.OFFICER, _("Qualifier")),
    Transition(
        "route",
        (S.NEW, S.TRIAGED, S.ROUTED, S.IN_PROGRESS),
        S.ROUTED,
        Actor.OFFICER,
        _("Transmettre"),
    ),
    Transition(
        "start", (S.TRIAGED, S.ROUTED), S.IN_PROGRESS, Actor.OFFICER, _("Prendre en charge")
    ),
    Transition(
        "answer",
        (S.NEW, S.TRIAGED, S.ROUTED, S.IN_PROGRESS, S.ANSWERED),
        S.ANSWERED,
        Actor.OFFICER,
        _("Répondre"),
        comment_required=True,
    ),
    Transition(
        "close",
        (S.TRIAGED, S.ROUTED, S.IN_PROGRESS, S.ANSWERED),
        S.CLOSED,
        Actor.OFFICER,
        _("Clore avec une issue"),
    ),
    Transition(
        "to_experimentation",
        (S.TRIAGED, S.ROUTED, S.IN_PROGRESS, S.ANSWERED),
        S.CLOSED,
        Actor.OFFICER,
        _("Transformer en demande d'expérimentation"),
    ),
    Transition(
        "withdraw", tuple(OPEN_TICKET_STATES), S.CLOSED, Actor.AUTHOR, _("Retirer la saisine")
    ),
    Transition(
        "reopen",
        (S.ANSWERED, S.CLOSED),
        S.IN_PROGRESS,
        Actor.OFFICER,
        _("Rouvrir"),
        comment_required=True,
    ),
    # A new message from the author reopens an answered or closed ticket.
    Transition("reopen_on_message", (S.ANSWERED, S.CLOSED), S.IN_PROGRESS, Actor.SYSTEM, ""),
)
TICKET_BY_NAME = core_workflow.by_name(TICKET_TRANSITIONS)


class ExperimentationState(models.TextChoices):
    SUBMITTED = "submitted", _("déposée")
    IN_REVIEW = "in_review", _("en instruction")
    GRANTED = "granted", _("accordée (dérogation temporaire)")
    REFUSED = "refused", _("refusée")
    EVALUATED = "evaluated", _("évaluée")
    GENERALISED = "generalised", _("généralisée")
    ABANDONED = "abandoned", _("abandonnée")


E = ExperimentationState
EXPERIMENTATION_TRANSITIONS: tuple[Transition, ...] = (
    Transition("review", (E.SUBMITTED,), E.IN_REVIEW, Actor.OFFICER, _("Instruire")),
    Transition("grant", (E.IN_REVIEW,), E.GRANTED, Actor.OFFICER, _("Accorder la dérogation")),
    Transition(
        "refuse",
        (E.SUBMITTED, E.IN_REVIEW),
        E.REFUSED,
        Actor.OFFICER,
        _("Refuser"),
        comment_required=True,
    ),
    Transition(
        "evaluate",
        (E.GRANTED,),
        E.EVALUATED,
        Actor.OFFICER,
        _("Enregistrer l'évaluation"),
        comment_required=True,
    ),
    Transition("generalise", (E.EVALUATED,), E.GENERALISED, Actor.OFFICER, _("Généraliser")),
    Transition("abandon", (E.EVALUATED,), E.ABANDONED, Actor.OFFICER, _("Abandonner"), True),
)
EXPERIMENTATION_BY_NAME = core_workflow.by_name(EXPERIMENTATION_TRANSITIONS)


def ticket_transitions_from(state: str) -> list[Transition]:
    return core_workflow.transitions_from(TICKET_TRANSITIONS, state)


def experimentation_transitions_from(state: str) -> list[Transition]:
    return core_workflow.transitions_from(EXPERIMENTATION_TRANSITIONS, state)


# --- What the confirmations say ------------------------------------------------------------------
# Once an action is done, the page says what happened, with the state's one word (``%(state)s``:
# the label of the transition's target state) and the ticket's or request's ``%(number)s``.

TICKET_DONE: dict[str, str] = {
    "triage": _(
        "La saisine %(number)s est « %(state)s » : son thème et sa priorité sont enregistrés."
    ),
    "route": _("La saisine %(number)s est « %(state)s » ; elle est suivie par %(assignee)s."),
    "start": _("Vous suivez la saisine %(number)s : elle est « %(state)s »."),
    "answer": _(
        "Votre réponse a été envoyée par courriel à l'auteur ; la saisine %(number)s est "
        "« %(state)s »."
    ),
    "close": _("La saisine %(number)s est « %(state)s », avec l'issue « %(outcome)s »."),
    "reopen": _("La saisine %(number)s est rouverte : elle est « %(state)s »."),
    "withdraw": _("Vous avez retiré la saisine %(number)s : elle est « %(state)s »."),
}

EXPERIMENTATION_DONE: dict[str, str] = {
    "review": _("La demande d'expérimentation %(number)s est « %(state)s »."),
    "grant": _(
        "La dérogation est accordée : la demande d'expérimentation %(number)s est « %(state)s »."
    ),
    "refuse": _("La demande d'expérimentation %(number)s est « %(state)s »."),
    "evaluate": _(
        "L'évaluation est enregistrée : la demande d'expérimentation %(number)s est « %(state)s »."
    ),
    "generalise": _("La demande d'expérimentation %(number)s est « %(state)s »."),
    "abandon": _("La demande d'expérimentation %(number)s est « %(state)s »."),
}


def ticket_done(name: str, ticket) -> str:
    """The confirmation of ticket action ``name`` (``ticket``: as it is after the action)."""
    return str(TICKET_DONE[name]) % {
        "number": ticket.number,
        "state": TicketState(TICKET_BY_NAME[name].target).label,
        "assignee": ticket.assignee or "—",
        "outcome": ticket.get_outcome_display() if ticket.outcome else "—",
    }


def experimentation_done(name: str, request) -> str:
    """The confirmation of experimentation action ``name``."""
    return str(EXPERIMENTATION_DONE[name]) % {
        "number": request.number,
        "state": ExperimentationState(EXPERIMENTATION_BY_NAME[name].target).label,
    }
