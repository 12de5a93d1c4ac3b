import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from essaim.calls.models import WaveStatus
from essaim.core.models import HistoryEvent
from essaim.labels.models import Decision, Outcome
from essaim.labels.services import label_grant
from essaim.labels.tests.factories import ApplicationFactory, WaveFactory
from essaim.support import rules, services, workflow
from essaim.support.models import Action, Meeting, SupportPlan
from essaim.support.tests.factories import ActionFactory
from essaim.support.workflow import ActionStatus


def _data(world, **extra):
    data = {
        "axis": world.axes[0],
        "title": "Tour de table des financeurs",
        "starts_on": datetime.date(2026, 3, 1),
        "due_on": datetime.date(2026, 6, 1),
        "budget_planned": "10000",
        "budget_committed": "4000",
        "budget_spent": "1000",
    }
    data.update(extra)
    return data


# --- Opening -------------------------------------------------------------------------------------


def test_support_plan_open_is_idempotent(world):
    label = world.plan.label
    events = HistoryEvent.objects.for_object(world.plan).count()
    again = services.support_plan_open(label=label, user=world.admin)
    assert again.pk == world.plan.pk
    assert SupportPlan.objects.filter(label=label).count() == 1
    assert HistoryEvent.objects.for_object(world.plan).count() == events == 1


@pytest.mark.parametrize("who", ["lead", "instructor", "other_programme_admin", "expert"])
def test_only_programme_admins_open_plans(world, who):
    SupportPlan.objects.filter(pk=world.plan.pk).delete()
    with pytest.raises(PermissionDenied):
        services.support_plan_open(label=world.plan.label, user=getattr(world, who))
    # No plan was opened for the label: the other territory's plan is the only one left.
    assert list(SupportPlan.objects.values_list("pk", flat=True)) == [world.other_plan.pk]


def test_label_grant_opens_the_plan(world):
    application = ApplicationFactory(
        proposed=True,
        wave=WaveFactory(
            french_impact=True, programme=world.programme, number=9, status=WaveStatus.PUBLISHED
        ),
    )
    decision = Decision.objects.create(
        application=application,
        wave=application.wave,
        outcome=Outcome.LABELLED,
        motivation="ok",
        decided_by=world.admin,
    )
    label = label_grant(decision=decision, user=world.admin)
    plan = SupportPlan.objects.get(label=label)
    assert plan.status == "open"
    # The plan shows the programme's axes.
    assert [a.code for a in services.axes_of(plan)] == [a.code for a in world.axes]
    # Granting twice opens nothing more.
    label_grant(decision=decision, user=world.admin)
    assert SupportPlan.objects.filter(label=label).count() == 1


# --- Actions: validation -------------------------------------------------------------------------


def test_action_create_records_history(world):
    action = services.action_create(user=world.lead, plan=world.plan, data=_data(world))
    assert action.status == ActionStatus.PLANNED
    assert action.budget_planned == Decimal(10000)
    event = HistoryEvent.objects.for_object(action).get()
    assert event.action == "action_create"
    assert event.actor == world.lead


def test_due_before_start_is_refused_naming_the_field(world):
    with pytest.raises(ValidationError) as exc:
        services.action_create(
            user=world.lead,
            plan=world.plan,
            data=_data(
                world, starts_on=datetime.date(2026, 6, 1), due_on=datetime.date(2026, 5, 1)
            ),
        )
    assert list(exc.value.message_dict) == ["due_on"]
    assert "précède le début" in exc.value.message_dict["due_on"][0]
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("budgets", "field", "words"),
    [
        (("1000", "2000", "0"), "budget_committed", "dépasse le budget prévu"),
        (("1000", "500", "600"), "budget_spent", "dépasse le budget engagé"),
        (("-1", "0", "0"), "budget_planned", "positif"),
    ],
)
def test_budgets_are_checked_naming_the_field(world, budgets, field, words):
    planned, committed, spent = budgets
    with pytest.raises(ValidationError) as exc:
        services.action_create(
            user=world.lead,
            plan=world.plan,
            data=_data(
                world, budget_planned=planned, budget_committed=committed, budget_spent=spent
            ),
        )
    assert field in exc.value.message_dict
    assert words in " ".join(exc.value.message_dict[field])
    assert not Action.objects.exists()


def test_database_holds_the_invariants(world):
    action = ActionFactory(plan=world.plan)
    for update in (
        {"due_on": datetime.date(2025, 1, 1)},
        {"budget_spent": Decimal(5000)},
        {"status": ActionStatus.BLOCKED, "status_reason": ""},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Action.objects.filter(pk=action.pk).update(**update)


def test_axis_of_another_programme_is_refused(world):
    from essaim.support.tests.factories import axes_for

    foreign = axes_for(world.other_programme_admin.memberships.get().programme)[0]
    with pytest.raises(ValidationError) as exc:
        services.action_create(user=world.lead, plan=world.plan, data=_data(world, axis=foreign))
    assert "axis" in exc.value.message_dict


def test_action_update_records_changes(world):
    action = services.action_create(user=world.lead, plan=world.plan, data=_data(world))
    services.action_update(
        user=world.instructor, action=action, data={"budget_spent": "2000", "title": "Nouveau"}
    )
    action.refresh_from_db()
    assert action.title == "Nouveau" and action.budget_spent == Decimal(2000)
    event = HistoryEvent.objects.for_object(action).filter(action="action_update").get()
    assert set(event.payload) == {"budget_spent", "title"}


# --- Workflow ------------------------------------------------------------------------------------


def test_workflow_table():
    names = {s: {t.name for t in workflow.transitions_from(s)} for s in ActionStatus.values}
    assert names == {
        "planned": {"start", "complete", "block", "drop"},
        "in_progress": {"complete", "block", "drop"},
        "blocked": {"unblock", "drop"},
        "done": {"reopen"},
        "dropped": {"reopen"},
    }
    assert {t.name for t in workflow.TRANSITIONS if t.reason_required} == {"block", "drop"}


def test_transitions_are_in_the_history(world):
    action = services.action_create(user=world.lead, plan=world.plan, data=_data(world))
    services.action_transition(user=world.lead, action=action, name="start")
    services.action_transition(user=world.member, action=action, name="block", reason="Attente")
    action.refresh_from_db()
    assert action.status == ActionStatus.BLOCKED and action.status_reason == "Attente"
    services.action_transition(user=world.admin, action=action, name="unblock")
    services.action_transition(user=world.instructor, action=action, name="complete")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.done_on is not None
    assert action.status_reason == ""
    rows = list(
        HistoryEvent.objects.for_object(action)
        .exclude(action="action_create")
        .order_by("pk")
        .values_list("from_state", "to_state", "comment")
    )
    assert rows == [
        ("planned", "in_progress", ""),
        ("in_progress", "blocked", "Attente"),
        ("blocked", "in_progress", ""),
        ("in_progress", "done", ""),
    ]


@pytest.mark.parametrize("name", ["block", "drop"])
def test_reason_required(world, name):
    action = ActionFactory(plan=world.plan)
    with pytest.raises(ValidationError) as exc:
        services.action_transition(user=world.lead, action=action, name=name, reason="  ")
    assert list(exc.value.message_dict) == ["reason"]
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED


def test_transition_not_allowed_from_state(world):
    action = ActionFactory(plan=world.plan, status=ActionStatus.DONE)
    with pytest.raises(ValidationError):
        services.action_transition(user=world.lead, action=action, name="block", reason="x")
    with pytest.raises(ValidationError):
        services.action_transition(user=world.lead, action=action, name="nope")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert not HistoryEvent.objects.for_object(action).exists()


# --- Permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_lead", "expert", "financer", "other_programme_admin", None])
def test_only_the_territory_and_programme_team_edit(world, who):
    from django.contrib.auth.models import AnonymousUser

    user = getattr(world, who) if who else AnonymousUser()
    action = ActionFactory(plan=world.plan)
    with pytest.raises(PermissionDenied):
        services.action_create(user=user, plan=world.plan, data=_data(world))
    with pytest.raises(PermissionDenied):
        services.action_transition(user=user, action=action, name="start")
    with pytest.raises(PermissionDenied):
        services.comment_add(user=user, action=action, body="Bonjour")
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            user=user, plan=world.plan, title="R", held_on=datetime.date(2026, 1, 1)
        )
    assert Action.objects.count() == 1
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("who", ["lead", "member", "admin", "instructor"])
def test_territory_and_programme_team_co_build(world, who):
    user = getattr(world, who)
    action = services.action_create(user=user, plan=world.plan, data=_data(world))
    services.action_transition(user=user, action=action, name="start")
    services.comment_add(user=user, action=action, body="Bonjour")
    assert action.comments.count() == 1


def test_closed_plan_is_read_only(world):
    SupportPlan.objects.filter(pk=world.plan.pk).update(status="closed")
    world.plan.refresh_from_db()
    assert rules.can_view_plan(world.lead, world.plan)
    with pytest.raises(PermissionDenied):
        services.action_create(user=world.lead, plan=world.plan, data=_data(world))


def test_visible_to(world):
    assert set(SupportPlan.objects.visible_to(world.lead)) == {world.plan}
    assert set(SupportPlan.objects.visible_to(world.admin)) == {world.plan, world.other_plan}
    assert set(SupportPlan.objects.visible_to(world.instructor)) == {world.plan, world.other_plan}
    for user in (world.expert, world.financer, world.other_programme_admin):
        assert not SupportPlan.objects.visible_to(user).exists()


# --- Meetings and decisions ----------------------------------------------------------------------


def test_decision_becomes_an_action_once(world):
    meeting = services.meeting_create(
        user=world.lead,
        plan=world.plan,
        title="Copil",
        held_on=datetime.date(2026, 2, 1),
        minutes="Compte rendu",
        decisions=["Réunir les financeurs", "", "Créer un club"],
    )
    decisions = list(meeting.decisions.order_by("position"))
    assert [d.text for d in decisions] == ["Réunir les financeurs", "Créer un club"]
    action = services.action_create_from_decision(
        user=world.instructor, decision=decisions[0], axis=world.axes[1]
    )
    assert action.title == "Réunir les financeurs" and action.source_decision == decisions[0]
    assert action.axis == world.axes[1]
    with pytest.raises(ValidationError):
        services.action_create_from_decision(
            user=world.instructor, decision=decisions[0], axis=world.axes[1]
        )
    assert Action.objects.count() == 1


def test_milestones(world):
    action = ActionFactory(plan=world.plan)
    milestone = services.milestone_create(
        user=world.lead,
        plan=world.plan,
        title="Bilan",
        due_on=datetime.date(2026, 5, 1),
        action=action,
    )
    services.milestone_reach(user=world.lead, milestone=milestone)
    milestone.refresh_from_db()
    assert milestone.reached_on is not None
    other = ActionFactory(plan=world.other_plan)
    with pytest.raises(ValidationError):
        services.milestone_create(
            user=world.lead,
            plan=world.plan,
            title="X",
            due_on=datetime.date(2026, 5, 1),
            action=other,
        )
