"""The action workflow: one table of states and allowed transitions.

planned → in_progress → done; planned / in_progress → blocked (with a reason) → unblock →
in_progress; dropped (with a reason) from any open state; done / dropped → reopen → in_progress.
Pages and API ask ``essaim.support.services.action_allowed_transitions``; the service
``action_transition`` performs a transition only if this table allows it, and writes the history.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from essaim.core import workflow as core_workflow


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("prévue")
    IN_PROGRESS = "in_progress", _("en cours")
    DONE = "done", _("réalisée")
    BLOCKED = "blocked", _("bloquée")
    DROPPED = "dropped", _("abandonnée")


# An action in one of these states is finished: never late, never reminded.
CLOSED_STATES = frozenset({ActionStatus.DONE, ActionStatus.DROPPED})
# States that need a reason (kept on the action and in the history).
REASON_STATES = frozenset({ActionStatus.BLOCKED, ActionStatus.DROPPED})


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple[str, ...]
    target: str
    label: str
    reason_required: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition("start", (ActionStatus.PLANNED,), ActionStatus.IN_PROGRESS, _("Démarrer")),
    Transition(
        "complete",
        (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS),
        ActionStatus.DONE,
        _("Marquer comme réalisée"),
    ),
    Transition(
        "block",
        (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS),
        ActionStatus.BLOCKED,
        _("Signaler un blocage"),
        reason_required=True,
    ),
    Transition("unblock", (ActionStatus.BLOCKED,), ActionStatus.IN_PROGRESS, _("Débloquer")),
    Transition(
        "drop",
        (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED),
        ActionStatus.DROPPED,
        _("Abandonner"),
        reason_required=True,
    ),
    Transition(
        "reopen",
        (ActionStatus.DONE, ActionStatus.DROPPED),
        ActionStatus.IN_PROGRESS,
        _("Rouvrir"),
    ),
)
BY_NAME = core_workflow.by_name(TRANSITIONS)


def transitions_from(status: str) -> list[Transition]:
    return core_workflow.transitions_from(TRANSITIONS, status)


def done_message(name: str, action) -> str:
    """The confirmation of transition ``name`` on ``action``, with the state's one word."""
    return str(_("L'action « %(title)s » est « %(status)s ».")) % {
        "title": action.title,
        "status": ActionStatus(BY_NAME[name].target).label,
    }
