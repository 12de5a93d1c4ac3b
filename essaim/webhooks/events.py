"""The events a partner may subscribe to, which history rows raise them, and who may receive them.

An event is raised by a typed history row (``essaim.core.history``): the domain services already
record one for every change, so webhooks listen to ``history_recorded`` and pick the few actions
below — no domain app knows about webhooks. Each event names:

- the history actions that raise it (model label, action code);
- the programmes its object belongs to (a subscription is for one programme);
- the permission scope its receiver must hold in that programme (``essaim.accounts.permissions``),
  asked when the subscription is saved and again before each attempt, with the object's own
  ``visible_to(owner)``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from essaim.accounts import permissions
from essaim.projects.models import programme_ids_of


class EventType(models.TextChoices):
    APPLICATION_SUBMITTED = "application.submitted", _("candidature déposée")
    APPLICATION_DECIDED = "application.decided", _("candidature décidée (labellisée ou non)")
    LABEL_GRANTED = "label.granted", _("label attribué")
    LABEL_REVOKED = "label.revoked", _("label révoqué")
    TICKET_UPDATED = "ticket.updated", _("saisine du guichet unique mise à jour")
    FINANCING_REQUEST_DECIDED = (
        "financing_request.decided",
        _("demande de financement accordée ou refusée"),
    )
    MEASUREMENT_PUBLISHED = "measurement.published", _("mesure d'impact publiée")


@dataclass(frozen=True)
class Family:
    """The events of one model: its name in payloads, its programmes, who may receive them."""

    object_name: str
    programmes: Callable[[models.Model], set[int]]
    scope: Callable[[object], permissions.Scope]


def _one(programme_id) -> set[int]:
    return set() if programme_id is None else {programme_id}


FAMILIES: dict[str, Family] = {
    "applications.application": Family(
        "application", lambda obj: _one(obj.call.programme_id), permissions.staff_programmes
    ),
    "labels.label": Family(
        "label", lambda obj: _one(obj.programme_id), permissions.staff_programmes
    ),
    "regulatory.ticket": Family(
        "ticket", lambda obj: _one(obj.programme_id), permissions.window_programmes
    ),
    "financing.financingrequest": Family(
        "financing_request",
        lambda obj: programme_ids_of(obj.project),
        permissions.staff_programmes,
    ),
    "impact.measurement": Family(
        "measurement", lambda obj: _one(obj.indicator.programme_id), permissions.staff_programmes
    ),
}

# (model label, history action code) -> event.
_TICKET_MOVES = (
    "triage",
    "route",
    "start",
    "answer",
    "close",
    "to_experimentation",
    "withdraw",
    "reopen",
    "reopen_on_message",
)
RAISED_BY: dict[tuple[str, str], EventType] = {
    ("applications.application", "submit"): EventType.APPLICATION_SUBMITTED,
    ("applications.application", "resubmit"): EventType.APPLICATION_SUBMITTED,
    ("applications.application", "label"): EventType.APPLICATION_DECIDED,
    ("applications.application", "not_label"): EventType.APPLICATION_DECIDED,
    ("labels.label", "label_grant"): EventType.LABEL_GRANTED,
    ("labels.label", "label_revoke"): EventType.LABEL_REVOKED,
    **{("regulatory.ticket", code): EventType.TICKET_UPDATED for code in _TICKET_MOVES},
    ("financing.financingrequest", "grant"): EventType.FINANCING_REQUEST_DECIDED,
    ("financing.financingrequest", "decline"): EventType.FINANCING_REQUEST_DECIDED,
    ("impact.measurement", "measurement_publish"): EventType.MEASUREMENT_PUBLISHED,
}

FAMILY_OF: dict[str, str] = {event: label for (label, _code), event in RAISED_BY.items()}


def family_of(event_type: str) -> Family:
    return FAMILIES[FAMILY_OF[event_type]]


def events_for(user, programme_id: int | None) -> list[EventType]:
    """The events ``user`` may receive for ``programme_id`` (none outside their roles)."""
    if programme_id is None:
        return []
    return [event for event in EventType if programme_id in family_of(event).scope(user)]
