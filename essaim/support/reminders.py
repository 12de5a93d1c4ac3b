"""Reminders about action due dates: before (7 days and 1 day before) and after (the day after,
then every week while the action stays open). At most one reminder per action and per day: the
``ActionReminder`` row is the guard (a unique constraint), so running twice a day sends nothing
twice."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.accounts import permissions
from essaim.accounts.models import Role
from essaim.core.notifications import notify
from essaim.support.models import Action, ActionReminder, PlanStatus, ReminderKind

DAYS_BEFORE = (7, 1)
WEEKLY_AFTER = 7


def reminder_kind(action: Action, today: datetime.date) -> str | None:
    if action.due_on is None:
        return None
    delta = (action.due_on - today).days
    if delta in DAYS_BEFORE:
        return ReminderKind.BEFORE
    if delta < 0 and (-delta - 1) % WEEKLY_AFTER == 0:
        return ReminderKind.AFTER
    return None


def _due_candidates(today: datetime.date):
    return (
        Action.objects.open()
        .filter(plan__status=PlanStatus.OPEN, due_on__isnull=False)
        .filter(due_on__lte=today + datetime.timedelta(days=max(DAYS_BEFORE)))
        .exclude(reminders__sent_on=today)
        .select_related("plan__label__application", "plan__label__perimeter", "created_by")
    )


def send_action_reminders(today: datetime.date | None = None) -> int:
    """Remind the territory's leads and the action's author. Returns the number of actions
    reminded."""
    today = today or timezone.localdate()
    actions = [a for a in _due_candidates(today) if reminder_kind(a, today)]
    if not actions:
        return 0
    collectives = {a.plan.label.application.collective_id for a in actions}
    leads = permissions.holders_by_scope([Role.TERRITORY_LEAD], "collective", collectives)
    sent = 0
    for action in actions:
        kind = reminder_kind(action, today)
        try:
            with transaction.atomic():
                ActionReminder.objects.create(action=action, kind=kind, sent_on=today)
                users = [*leads.get(action.plan.label.application.collective_id, [])]
                users.append(action.created_by)
                due = action.due_on.strftime("%d/%m/%Y")
                if kind == ReminderKind.BEFORE:
                    title = _("Échéance le %(due)s : %(title)s") % {"due": due, "title": action}
                else:
                    title = _("Action en retard (échéance %(due)s) : %(title)s") % {
                        "due": due,
                        "title": action,
                    }
                notify(
                    users=users,
                    title=title,
                    body=_("Plan d'accompagnement — %(territory)s")
                    % {"territory": action.plan.label.perimeter},
                    url=reverse("support:action", args=[action.pk]),
                )
        except IntegrityError:
            continue  # another run reminded this action today
        sent += 1
    return sent
