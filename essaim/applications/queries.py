"""What a user sees of an application: its state, its history and its decision.

One rule, used by the pages, the API, the receipt and the lists: the programme's staff see
everything; anybody else who may see the application (its applicants — the collective's lead and
members, invited people — and the experts) sees the state the applicants see
(``workflow.APPLICANT_VIEW``: "en comité" until the wave is published), the history rows they
are concerned by with only the comments addressed to them, and the decision only once its wave is
published, with its motivation only if it was addressed to them.
"""

import copy
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, F, Q, QuerySet, Value, When

from essaim.accounts import permissions
from essaim.applications import rules, workflow
from essaim.applications.models import Application, Message
from essaim.applications.workflow import ApplicantStatus, Status
from essaim.calls.models import WaveStatus
from essaim.core import history
from essaim.core.models import HistoryEvent

# The rows of an application's history its applicants are concerned by (the others — expert
# requests, assignment, waves — are the programme team's business).
APPLICANT_ACTIONS = {"create", *workflow.BY_NAME}
DECISIONS = {"label", "not_label"}


def sees_internals(user, application: Application) -> bool:
    """Whether ``user`` is staff of the application's programme: internal states and notes,
    decisions before publication."""
    return rules.can_instruct(user, application)


def _wave_status(application: Application) -> str | None:
    return application.wave.status if application.wave_id else None


def decision_is_public(application: Application) -> bool:
    """Whether the application's wave is published (its decision told to the applicants)."""
    return _wave_status(application) == WaveStatus.PUBLISHED


def applicant_status(application: Application) -> str:
    """The state the applicants see (``workflow.APPLICANT_VIEW``)."""
    return workflow.applicant_status(application.status, _wave_status(application))


def shown_status(user, application: Application) -> str:
    """The state ``user`` sees: the state itself for the programme's staff, else the
    applicants' view of it."""
    if sees_internals(user, application):
        return application.status
    return applicant_status(application)


def status_label(code: str) -> str:
    """The French label of a state, internal or as the applicants see it."""
    if code in Status.values:
        return str(Status(code).label)
    if code in ApplicantStatus.values:
        return str(ApplicantStatus(code).label)
    return code


def with_shown_status(queryset: QuerySet[Application], user) -> QuerySet[Application]:
    """Annotate ``shown_status``: what ``user`` sees of each application's state (the same table
    as :func:`shown_status`, in SQL, so that lists filter on it and reveal nothing)."""
    staff = permissions.staff_programmes(user)
    if staff.every:
        return queryset.annotate(shown_status=F("status"))
    columns = {
        workflow.NO_WAVE: Q(wave__isnull=True),
        workflow.WAVE_NOT_PUBLISHED: Q(wave__isnull=False) & ~Q(wave__status=WaveStatus.PUBLISHED),
        workflow.WAVE_PUBLISHED: Q(wave__status=WaveStatus.PUBLISHED),
    }
    whens = [When(staff.q("call__programme"), then=F("status"))] if staff else []
    for status, seen in workflow.APPLICANT_VIEW.items():
        for column, condition in columns.items():
            if seen[column] != status:
                whens.append(When(Q(status=status) & condition, then=Value(seen[column])))
    return queryset.annotate(shown_status=Case(*whens, default=F("status")))


# --- History ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One row of the history as data (the API): codes and the words for them."""

    at: datetime
    actor: object | None
    action: str
    action_label: str
    from_state: str
    to_state: str
    from_label: str
    to_label: str
    comment: str
    internal: bool  # an internal note (only ever in the staff's entries)


def _visible_events(user, application: Application) -> list[HistoryEvent]:
    """The history events ``user`` may see, oldest first, as that user sees them.

    The programme's staff: every row, internal notes marked. Anybody else: the workflow's
    transitions with the states as the applicants see them, a decision only once its wave is
    published, and only the comments addressed to the applicants; a row that shows no change to
    them and says nothing to them is left out. The events given to others are unsaved copies
    carrying what they may read."""
    events = HistoryEvent.objects.for_object(application).select_related("actor")
    if sees_internals(user, application):
        return list(events)
    events = events.filter(action__in=APPLICANT_ACTIONS)
    if not decision_is_public(application):
        events = events.exclude(action__in=DECISIONS)
    seen_events = []
    for event in events:
        # A row is seen as the applicants saw the change then: out of a wave, except a decision.
        column = workflow.WAVE_PUBLISHED if event.action in DECISIONS else workflow.NO_WAVE
        from_state, to_state = _seen(event.from_state, column), _seen(event.to_state, column)
        comment = "" if event.comment_internal else event.comment
        if from_state == to_state and not comment:
            continue
        seen = copy.copy(event)
        seen.from_state, seen.to_state = from_state, to_state
        seen.comment, seen.comment_internal = comment, False
        seen_events.append(seen)
    return seen_events


def history_rows_visible_to(user, application: Application) -> list[history.HistoryRow]:
    """The application's history as ``user`` may see it (see ``_visible_events``), oldest
    first, in words (``core/_history.html``)."""
    rows = history.rows_for_events(Application, _visible_events(user, application))
    for row in rows:
        # The states may be the applicants' view of them (``ApplicantStatus``).
        row.from_label = status_label(row.event.from_state) if row.event.from_state else ""
        row.to_label = status_label(row.event.to_state) if row.event.to_state else ""
    return rows


def history_visible_to(user, application: Application) -> list[HistoryEntry]:
    """The same rows as :func:`history_rows_visible_to`, as data (codes and words)."""
    return [
        HistoryEntry(
            at=row.at,
            actor=row.actor,
            action=row.event.action,
            action_label=row.action_label,
            from_state=row.event.from_state,
            to_state=row.event.to_state,
            from_label=row.from_label,
            to_label=row.to_label,
            comment=row.comment,
            internal=row.comment_internal,
        )
        for row in history_rows_visible_to(user, application)
    ]


def _seen(state: str, column: int) -> str:
    views = workflow.APPLICANT_VIEW.get(state)
    return views[column] if views else ""


# --- Decision -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisibleDecision:
    outcome: str
    outcome_label: str
    motivation: str  # empty when the motivation is not for this user
    motivation_addressed: bool
    public: bool  # the wave is published
    label: object | None  # the label granted (only once published)


def decision_visible_to(user, application: Application) -> VisibleDecision | None:
    """The committee's decision as ``user`` may see it: the programme's staff always; anybody
    else once the wave is published, with the motivation only if it was addressed to the
    applicants. ``None``: no decision, or not yet told."""
    decision = getattr(application, "decision", None)
    if decision is None:
        return None
    public = decision_is_public(application)
    staff = sees_internals(user, application)
    if not (staff or public):
        return None
    return VisibleDecision(
        outcome=decision.outcome,
        outcome_label=str(decision.get_outcome_display()),
        motivation=decision.motivation if staff or decision.motivation_addressed else "",
        motivation_addressed=decision.motivation_addressed,
        public=public,
        label=getattr(application, "label", None) if public else None,
    )


def pending_change_request(application: Application) -> Message | None:
    """While changes are requested: the programme team's request (their latest message in the
    thread) until the collective answers there or resubmits; ``None`` otherwise. One query."""
    if application.status != Status.CHANGES_REQUESTED:
        return None
    last = application.messages.select_related("author").order_by("-created_at", "-pk").first()
    return last if last is not None and last.from_staff else None
