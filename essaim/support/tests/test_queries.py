import datetime
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from essaim.core.models import Notification
from essaim.support import queries, reminders
from essaim.support.models import Action, ActionReminder, Meeting, Milestone, SupportPlan
from essaim.support.pdf import plan_pdf
from essaim.support.tests.factories import ActionFactory
from essaim.support.workflow import ActionStatus

TODAY = datetime.date(2026, 6, 15)


def _day(offset):
    return TODAY + datetime.timedelta(days=offset)


def _actions(world):
    first, second = world.axes[0], world.axes[1]
    plan = world.plan
    ActionFactory(
        plan=plan,
        axis=first,
        status=ActionStatus.DONE,
        due_on=_day(-10),
        budget_planned=1000,
        budget_committed=800,
        budget_spent=700,
    )
    ActionFactory(plan=plan, axis=first, status=ActionStatus.IN_PROGRESS, due_on=_day(-1))  # late
    ActionFactory(plan=plan, axis=first, status=ActionStatus.PLANNED, due_on=TODAY)  # not late
    ActionFactory(
        plan=plan, axis=first, status=ActionStatus.DROPPED, status_reason="x", due_on=_day(-30)
    )
    ActionFactory(
        plan=plan,
        axis=second,
        status=ActionStatus.BLOCKED,
        status_reason="y",
        due_on=_day(-2),
        budget_planned=500,
        budget_committed=500,
        budget_spent=100,
    )
    ActionFactory(plan=plan, axis=second, status=ActionStatus.DONE, due_on=None)
    # Another plan's actions count for nothing here.
    ActionFactory(plan=world.other_plan, axis=first, status=ActionStatus.DONE)


def test_plan_progress_maths(world, django_assert_num_queries):
    _actions(world)
    with django_assert_num_queries(2):
        progress = queries.plan_progress(world.plan, TODAY)
    overall = progress.overall
    assert (overall.total, overall.dropped, overall.counted) == (6, 1, 5)
    assert overall.done == 2 and overall.done_share == 40
    assert overall.late == 2  # the in-progress one due yesterday and the blocked one
    assert overall.blocked == 1
    assert overall.budget_planned == Decimal(1000 + 1000 * 3 + 500 + 1000)
    assert overall.budget_committed == Decimal(800 + 500)
    assert overall.budget_spent == Decimal(700 + 100)
    by_code = {row.axis.code: row.progress for row in progress.axes}
    assert list(by_code) == [a.code for a in world.axes]
    assert (by_code["strategy"].done, by_code["strategy"].counted) == (1, 3)
    assert by_code["strategy"].done_share == 33 and by_code["strategy"].late == 1
    assert (by_code["financing"].done, by_code["financing"].late) == (1, 1)
    assert by_code["impact"].counted == 0 and by_code["impact"].done_share == 0


def test_programme_rows_one_query(world, django_assert_num_queries):
    _actions(world)
    Meeting.objects.create(plan=world.plan, title="Copil", held_on=_day(5), created_by=world.admin)
    Meeting.objects.create(plan=world.plan, title="Passé", held_on=_day(-5), created_by=world.admin)
    with django_assert_num_queries(1):
        rows = queries.programme_rows(SupportPlan.objects.all(), TODAY)
        names = [r.plan.label.perimeter.name for r in rows]
    assert len(names) == 2
    mine = next(r for r in rows if r.plan == world.plan)
    assert mine.progress.done == 2 and mine.progress.late == 2
    assert mine.next_meeting == _day(5)
    other = next(r for r in rows if r.plan == world.other_plan)
    assert other.progress.done == 1 and other.next_meeting is None
    assert queries.programme_totals(rows).done == 3


def test_timeline_orders_everything_by_date(world):
    action = ActionFactory(plan=world.plan, starts_on=_day(-20), due_on=_day(10))
    Milestone.objects.create(plan=world.plan, title="Jalon", due_on=_day(-1))
    Meeting.objects.create(plan=world.plan, title="Copil", held_on=_day(0), created_by=world.admin)
    items = queries.timeline(world.plan, TODAY)
    assert [(i.day, i.kind) for i in items] == [
        (_day(-20), "action_start"),
        (_day(-1), "milestone"),
        (_day(0), "meeting"),
        (_day(10), "action_due"),
    ]
    assert items[1].late is True and items[3].obj == action and items[3].late is False


# --- Reminders -----------------------------------------------------------------------------------


def test_reminder_kinds():
    action = Action(due_on=_day(7))
    assert reminders.reminder_kind(action, TODAY) == "before"
    action.due_on = _day(1)
    assert reminders.reminder_kind(action, TODAY) == "before"
    action.due_on = _day(3)
    assert reminders.reminder_kind(action, TODAY) is None
    action.due_on = _day(-1)
    assert reminders.reminder_kind(action, TODAY) == "after"
    action.due_on = _day(-8)
    assert reminders.reminder_kind(action, TODAY) == "after"
    action.due_on = _day(-4)
    assert reminders.reminder_kind(action, TODAY) is None


def test_reminders_once_per_day_per_action(world, mailoutbox, django_capture_on_commit_callbacks):
    soon = ActionFactory(plan=world.plan, starts_on=_day(-5), due_on=_day(1), created_by=world.lead)
    late = ActionFactory(plan=world.plan, starts_on=_day(-50), due_on=_day(-1))
    ActionFactory(plan=world.plan, starts_on=_day(-50), due_on=_day(-1), status="done")
    ActionFactory(plan=world.plan, starts_on=_day(-50), due_on=_day(3))  # not a reminder day
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_action_reminders(TODAY) == 2
    assert reminders.send_action_reminders(TODAY) == 0  # same day: nothing twice
    assert set(ActionReminder.objects.values_list("action_id", "kind")) == {
        (soon.pk, "before"),
        (late.pk, "after"),
    }
    # The territory lead (author of one) and each author are told, in the app and by e-mail.
    lead_notes = Notification.objects.filter(user=world.lead)
    assert lead_notes.count() == 2
    assert any("en retard" in n.title for n in lead_notes)
    assert len(mailoutbox) == Notification.objects.count()
    # The next day, "soon" is due today (no reminder); "late" is two days late (no reminder).
    assert reminders.send_action_reminders(_day(1)) == 0


def test_reminders_command(world):
    ActionFactory(
        plan=world.plan, starts_on=None, due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    call_command("send_action_reminders")
    assert ActionReminder.objects.count() == 1
    call_command("send_action_reminders")
    assert ActionReminder.objects.count() == 1


# --- PDF -----------------------------------------------------------------------------------------


def test_pdf(world):
    _actions(world)
    Meeting.objects.create(
        plan=world.plan, title="Copil", held_on=timezone.localdate(), created_by=world.admin
    )
    data = plan_pdf(world.plan)
    assert data.startswith(b"%PDF")
