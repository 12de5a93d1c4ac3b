import datetime

import pytest
from django.test import Client
from django.urls import reverse

from essaim.core.models import HistoryEvent
from essaim.projects.tests.history_check import (
    assert_in_words,
    record_every_action,
    rendered_history,
)
from essaim.support import services
from essaim.support.models import (
    Action,
    Comment,
    Meeting,
    MeetingDecision,
    Milestone,
    SupportAxis,
)
from essaim.support.tests.factories import ActionFactory, axes_for, territory
from essaim.support.workflow import ActionStatus

OUTSIDERS = ["other_lead", "expert", "financer", "other_programme_admin"]
INSIDERS = ["lead", "member", "admin", "instructor"]


def pages(o):
    return [
        reverse("support:plan", args=[o["plan"]]),
        reverse("support:timeline", args=[o["plan"]]),
        reverse("support:pdf", args=[o["plan"]]),
        reverse("support:action_create", args=[o["plan"]]),
        reverse("support:meeting_create", args=[o["plan"]]),
        reverse("support:action", args=[o["action"]]),
        reverse("support:action_edit", args=[o["action"]]),
    ]


def posts(world, o):
    axis = world.axes[0].pk
    return [
        (
            reverse("support:action_create", args=[o["plan"]]),
            {"axis": axis, "title": "Nouvelle", "starts_on": "2026-01-01", "due_on": "2026-02-01"},
        ),
        (
            reverse("support:action_edit", args=[o["action"]]),
            {"axis": axis, "title": "Changée", "budget_planned": "1000"},
        ),
        (reverse("support:action_transition", args=[o["action"], "start"]), {}),
        (reverse("support:action_comment", args=[o["action"]]), {"body": "Bonjour"}),
        (
            reverse("support:milestone_create", args=[o["plan"]]),
            {"title": "Jalon", "due_on": "2026-04-01"},
        ),
        (reverse("support:milestone_reach", args=[o["milestone"]]), {}),
        (
            reverse("support:meeting_create", args=[o["plan"]]),
            {"title": "Réunion", "held_on": "2026-04-01", "decisions": "Une\nDeux"},
        ),
        (reverse("support:decision_to_action", args=[o["decision"]]), {"axis": axis}),
    ]


def snapshot():
    return (
        list(Action.objects.order_by("pk").values_list("pk", "title", "status", "budget_planned")),
        Comment.objects.count(),
        list(Milestone.objects.order_by("pk").values_list("pk", "reached_on")),
        Meeting.objects.count(),
        MeetingDecision.objects.count(),
        HistoryEvent.objects.count(),
    )


def test_anonymous_is_sent_to_login(client, world, objects):
    before = snapshot()
    for url in pages(objects) + [reverse("support:index"), reverse("support:programme")]:
        response = client.get(url)
        assert (
            response.status_code == 302
            and "/connexion" in response["Location"]
            or (response.status_code == 302 and "login" in response["Location"])
        ), url
    for url, data in posts(world, objects):
        assert client.post(url, data).status_code == 302, url
    assert snapshot() == before


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_and_change_nothing(client, world, objects, who):
    client.force_login(getattr(world, who))
    before = snapshot()
    for url in pages(objects):
        assert client.get(url).status_code == 404, url
    for url, data in posts(world, objects):
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before


@pytest.mark.parametrize("who", ["other_lead", "expert", "financer", "lead", "member"])
def test_programme_view_is_for_the_programme_team(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("support:programme")).status_code == 403


def test_programme_view_shows_only_the_programme_of_the_staff(client, world):
    client.force_login(world.other_programme_admin)
    html = client.get(reverse("support:programme")).content.decode()
    assert world.plan.label.perimeter.name not in html
    client.force_login(world.instructor)
    html = client.get(reverse("support:programme")).content.decode()
    assert world.plan.label.perimeter.name in html
    assert world.other_plan.label.perimeter.name in html


@pytest.mark.parametrize("who", INSIDERS)
def test_insiders_see_every_page(client, world, objects, who):
    client.force_login(getattr(world, who))
    for url in pages(objects):
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get(reverse("support:pdf", args=[objects["plan"]])).content.startswith(b"%PDF")


@pytest.mark.parametrize("who", INSIDERS)
def test_insiders_co_build(client, world, objects, who):
    client.force_login(getattr(world, who))
    for url, data in posts(world, objects):
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content[:2000])
    assert Action.objects.filter(title="Nouvelle").exists()
    changed = Action.objects.get(pk=objects["action"])
    assert changed.title == "Changée" and changed.status == ActionStatus.IN_PROGRESS
    assert Comment.objects.filter(body="Bonjour").exists()
    assert Milestone.objects.get(pk=objects["milestone"]).reached_on is not None
    assert Meeting.objects.filter(title="Réunion").get().decisions.count() == 2
    assert MeetingDecision.objects.get(pk=objects["decision"]).action.axis == world.axes[0]


def test_entry_points(client, world):
    client.force_login(world.lead)
    response = client.get(reverse("support:index"))
    assert response.status_code == 302 and response["Location"] == world.plan.get_absolute_url()
    assert client.get(reverse("support:mine"))["Location"] == world.plan.get_absolute_url()
    client.force_login(world.admin)
    assert client.get(reverse("support:index")).status_code == 200
    client.force_login(world.expert)
    assert client.get(reverse("support:index")).status_code == 404


def test_bad_input_keeps_what_was_typed(client, world):
    client.force_login(world.lead)
    url = reverse("support:action_create", args=[world.plan.pk])
    response = client.post(
        url,
        {
            "axis": world.axes[0].pk,
            "title": "Mon action",
            "starts_on": "2026-05-01",
            "due_on": "2026-04-01",
            "budget_planned": "100",
            "budget_committed": "200",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "précède le début" in html and "dépasse le budget prévu" in html
    assert 'value="Mon action"' in html
    assert not Action.objects.exists()


def test_transition_without_reason_is_refused(client, world):
    action = ActionFactory(plan=world.plan)
    client.force_login(world.member)
    response = client.post(reverse("support:action_transition", args=[action.pk, "block"]), {})
    assert response.status_code == 422
    assert "Indiquez le motif" in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED
    response = client.post(
        reverse("support:action_transition", args=[action.pk, "block"]), {"reason": "Attente"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.BLOCKED and action.status_reason == "Attente"


def test_plan_page_shows_late_and_blocked(client, world):
    ActionFactory(
        plan=world.plan,
        title="En retard",
        due_on=datetime.date(2020, 1, 1),
        starts_on=datetime.date(2019, 1, 1),
    )
    ActionFactory(
        plan=world.plan, title="Bloquée", status="blocked", status_reason="Attente DGCCRF"
    )
    client.force_login(world.lead)
    html = client.get(reverse("support:plan", args=[world.plan.pk])).content.decode()
    assert "En retard" in html and 'data-late="1"' in html
    assert "Attente DGCCRF" in html


# --- Query budgets (10× the demo) ----------------------------------------------------------------


def _many(world, plans=30, actions_per_plan=10):
    admin = world.admin
    wave = world.plan.label.wave
    created = [territory(wave, admin) for _ in range(plans)]
    rows = []
    for plan in [world.plan, *created]:
        for i in range(actions_per_plan):
            rows.append(
                Action(
                    plan=plan,
                    axis=world.axes[i % 6],
                    title=f"Action {i}",
                    due_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i * 20),
                    status=["planned", "in_progress", "done"][i % 3],
                    budget_planned=100,
                    created_by=admin,
                )
            )
    Action.objects.bulk_create(rows)
    return created


def test_programme_view_query_budget(client, world, django_assert_max_num_queries):
    # 10x the demo: 270 plans (the demo has 27), 1,620 actions (the demo ~145).
    _many(world, plans=268, actions_per_plan=6)
    client.force_login(world.admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("support:programme"))
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row">') == 270


def test_plan_page_query_budget(client, world, django_assert_max_num_queries):
    axes_for(world.programme)
    rows = [
        Action(
            plan=world.plan,
            axis=world.axes[i % 6],
            title=f"Action {i}",
            due_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
            status=["planned", "in_progress", "done", "blocked"][i % 4],
            status_reason="r" if i % 4 == 3 else "",
            budget_planned=100,
            created_by=world.admin,
        )
        for i in range(150)
    ]
    Action.objects.bulk_create(rows)
    for n in range(10):
        services.meeting_create(
            user=world.admin,
            plan=world.plan,
            title=f"Réunion {n}",
            held_on=datetime.date(2026, 1, 1),
            decisions=["a", "b"],
        )
        Milestone.objects.create(plan=world.plan, title=f"J{n}", due_on=datetime.date(2026, 1, 1))
    client.force_login(world.lead)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("support:plan", args=[world.plan.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('id="action-') == 150
    with django_assert_max_num_queries(12):
        assert client.get(reverse("support:timeline", args=[world.plan.pk])).status_code == 200


def test_plan_page_in_english(client, world, settings):
    ActionFactory(plan=world.plan, status="blocked", status_reason="Waiting")
    client.force_login(world.lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("support:plan", args=[world.plan.pk])).text
    assert "Support plan" in html and "Add an action" in html and "blocked" in html


def test_plan_axis_and_action_histories_read_in_words(world):
    description = record_every_action(world.plan, world.lead)
    client = Client()
    client.force_login(world.lead)
    assert_in_words(client.get(world.plan.get_absolute_url()).content.decode(), description)
    action = ActionFactory(plan=world.plan, created_by=world.lead)
    description = record_every_action(action, world.lead)
    assert_in_words(client.get(action.get_absolute_url()).content.decode(), description)
    axis = SupportAxis.objects.filter(programme_id=world.plan.label.programme_id).first()
    description = record_every_action(axis)
    assert_in_words(rendered_history(axis), description)
