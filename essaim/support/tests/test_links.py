"""Axes 4 to 6: an action links to the introductions, events, indicators and campaigns it drives;
the action's page shows their state, the plan's progress counts them, the engaged company sees
the actions it takes part in and its reported results become impact measurements."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory, UserFactory
from essaim.actors.models import OrganisationKind
from essaim.actors.tests.factories import OrganisationFactory
from essaim.calls.models import Programme
from essaim.core import history
from essaim.impact.models import Campaign, Indicator, IndicatorPlan, Measurement, Target
from essaim.projects.models import Need, NeedKind
from essaim.projects.tests.factories import ProjectFactory
from essaim.support import links, queries
from essaim.support.models import Action
from essaim.support.tests.factories import ActionFactory
from essaim.synergies import services as synergies_services
from essaim.synergies.models import Event, Introduction, IntroductionStatus, Registration

THIS_YEAR = timezone.localdate().year


def _introduction(project, company, status=IntroductionStatus.DONE):
    need = Need.objects.create(project=project, kind=NeedKind.SKILLS, purpose="Logistique")
    return Introduction.objects.create(
        need=need,
        project=project,
        company=company,
        status=status,
        done_at=timezone.now() if status == IntroductionStatus.DONE else None,
    )


def _event(programme, days=-10, attendees=2, absent=1):
    event = Event.objects.create(
        programme=programme,
        title=f"Rencontre {programme.pk} {days}",
        starts_at=timezone.now() + datetime.timedelta(days=days),
        place="Niort",
        capacity=30,
    )
    for n in range(attendees + absent):
        Registration.objects.create(event=event, user=UserFactory(), attended=n < attendees)
    return event


def _indicator(programme, code, name):
    return Indicator.objects.create(
        programme=programme, code=code, name=name, unit="u", aggregation="sum"
    )


@pytest.fixture
def w(world):
    label = world.plan.label
    project = ProjectFactory(
        perimeter=label.perimeter, collective=label.application.collective, title="Épicerie"
    )
    other_project = ProjectFactory(
        perimeter=world.other_plan.label.perimeter,
        collective=world.other_plan.label.application.collective,
    )
    company = OrganisationFactory(name="Atelier Boréal", kind=OrganisationKind.COMPANY)
    company_user = MembershipFactory(role=Role.COMPANY, organisation=company).user
    other_programme = Programme.objects.get(slug="autre-programme")
    indicator = _indicator(world.programme, "mises-en-relation", "Mises en relation")
    target_plan = IndicatorPlan.objects.create(indicator=indicator, label=label)
    Target.objects.create(plan=target_plan, year=THIS_YEAR, value=Decimal(3))
    Measurement.objects.create(
        indicator=indicator,
        label=label,
        period_end=datetime.date(THIS_YEAR, 6, 30),
        year=THIS_YEAR,
        value=Decimal(4),
        source="test",
        channel="form",
        author=world.admin,
    )
    campaign = Campaign.objects.create(
        programme=world.programme,
        title="Collecte du semestre",
        period_start=datetime.date(THIS_YEAR, 1, 1),
        period_end=datetime.date(THIS_YEAR, 6, 30),
        due_on=datetime.date(THIS_YEAR, 7, 31),
        created_by=world.admin,
    )
    campaign.indicators.add(indicator)
    campaign.labels.add(label)
    Measurement.objects.filter(indicator=indicator).update(campaign=campaign)
    synergy_axis = next(a for a in world.axes if a.code == "synergies")
    return SimpleNamespace(
        world=world,
        project=project,
        company=company,
        company_user=company_user,
        intro=_introduction(project, company),
        proposed=_introduction(project, company, IntroductionStatus.PROPOSED),
        other_intro=_introduction(other_project, company),
        event=_event(world.programme),
        other_event=_event(other_programme),
        indicator=indicator,
        other_indicator=_indicator(other_programme, "mises-en-relation", "Ailleurs"),
        campaign=campaign,
        action=ActionFactory(plan=world.plan, axis=synergy_axis, created_by=world.lead),
    )


def _link_all(w, user=None):
    return links.action_links_set(
        user=user or w.world.lead,
        action=w.action,
        introductions=[w.intro, w.proposed],
        events=[w.event],
        indicators=[w.indicator],
        campaigns=[w.campaign],
    )


def test_the_territory_links_what_the_action_drives_with_history(w):
    _link_all(w)
    action = Action.objects.get(pk=w.action.pk)
    assert set(action.introductions.all()) == {w.intro, w.proposed}
    assert list(action.events.all()) == [w.event]
    assert list(action.indicators.all()) == [w.indicator]
    assert list(action.campaigns.all()) == [w.campaign]
    row = [r for r in history.history_rows(action) if r.event.action == "action_link"][0]
    assert row.event.payload["events"] == [[], [w.event.pk]]
    # Unchanged links write nothing more; a kind not given stays as it is.
    links.action_links_set(user=w.world.instructor, action=action, events=[w.event])
    assert [r.event.action for r in history.history_rows(action)].count("action_link") == 1
    links.action_links_set(user=w.world.admin, action=action, introductions=[])
    assert not action.introductions.exists() and action.events.exists()


def test_objects_of_another_territory_or_programme_are_refused(w):
    for kind, obj in (
        ("introductions", w.other_intro),
        ("events", w.other_event),
        ("indicators", w.other_indicator),
    ):
        with pytest.raises(ValidationError) as error:
            links.action_links_set(user=w.world.lead, action=w.action, **{kind: [obj]})
        assert kind in error.value.message_dict
        assert str(obj.pk) in error.value.message_dict[kind][0]
    assert not w.action.introductions.exists() and not w.action.events.exists()


@pytest.mark.parametrize(
    "who", ["other_lead", "other_programme_admin", "expert", "financer", "member_of_nothing"]
)
def test_only_those_who_cobuild_the_plan_link(w, who):
    user = UserFactory() if who == "member_of_nothing" else getattr(w.world, who)
    with pytest.raises(PermissionDenied):
        links.action_links_set(user=user, action=w.action, events=[w.event])
    assert not w.action.events.exists()


def test_the_edit_form_links_and_refuses_another_territory(client, w):
    client.force_login(w.world.lead)
    url = reverse("support:action_edit", args=[w.action.pk])
    page = client.get(url).content.decode()
    assert f'value="{w.intro.pk}"' in page and "Rencontre" in page
    data = {
        "axis": w.action.axis_id,
        "title": w.action.title,
        "starts_on": "2026-01-01",
        "due_on": "2026-06-30",
        "budget_planned": 1000,
        "introductions": [w.intro.pk],
        "events": [w.event.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(w.action.introductions.all()) == [w.intro]
    response = client.post(url, {**data, "introductions": [w.other_intro.pk]})
    assert response.status_code == 422
    assert list(w.action.introductions.all()) == [w.intro]


@pytest.mark.parametrize("kind", links.KINDS)
def test_an_action_of_an_axis_without_links_links_nothing(w, kind):
    strategy = next(a for a in w.world.axes if a.code == "strategy")
    assert not strategy.takes_links
    action = ActionFactory(plan=w.world.plan, axis=strategy, created_by=w.world.lead)
    obj = {"introductions": w.intro, "events": w.event, "indicators": w.indicator}.get(
        kind, w.campaign
    )
    with pytest.raises(ValidationError) as error:
        links.action_links_set(user=w.world.lead, action=action, **{kind: [obj]})
    assert list(error.value.message_dict) == [kind]
    assert "Axe strategy" in error.value.message_dict[kind][0]
    assert not getattr(action, kind).exists()
    # Clearing is allowed (an empty list), and writes nothing.
    links.action_links_set(user=w.world.lead, action=action, **{kind: []})
    assert not history.history_rows(action) or all(
        r.event.action != "action_link" for r in history.history_rows(action)
    )


def test_the_form_shows_link_fields_for_link_axes_and_refuses_them_for_others(client, w):
    strategy = next(a for a in w.world.axes if a.code == "strategy")
    action = ActionFactory(plan=w.world.plan, axis=strategy, created_by=w.world.lead)
    client.force_login(w.world.lead)
    url = reverse("support:action_edit", args=[action.pk])
    page = client.get(url).content.decode()
    link_axes = " ".join(str(a.pk) for a in w.world.axes if a.takes_links)
    assert f'data-link-axes="{link_axes}"' in page and 'data-axis-links="events"' in page
    assert "support/axis-links.js" in page
    data = {
        "axis": strategy.pk,
        "title": action.title,
        "starts_on": "2026-01-01",
        "due_on": "2026-06-30",
        "budget_planned": 1000,
    }
    response = client.post(url, {**data, "events": [w.event.pk]})
    assert response.status_code == 422
    assert "ne relie ni mises en relation" in response.content.decode()
    assert not action.events.exists()
    assert client.post(url, data).status_code == 302
    # A programme without a link axis: no link field at all.
    type(strategy).objects.filter(programme=w.world.programme).update(takes_links=False)
    page = client.get(url).content.decode()
    assert "data-axis-links" not in page and 'name="events"' not in page
    assert client.post(url, data).status_code == 302


def test_the_action_page_shows_the_state_of_its_links(client, w, django_assert_max_num_queries):
    _link_all(w)
    client.force_login(w.world.lead)
    url = reverse("support:action", args=[w.action.pk])
    with django_assert_max_num_queries(30) as few:
        page = client.get(url).content.decode()
    assert "Atelier Boréal → Épicerie" in page and "réalisée" in page and "proposée" in page
    assert "3 inscrits, 2 présents" in page
    assert "4 u en" in page and "cible 3" in page and "atteinte" in page
    assert "1 / 1 indicateurs renseignés par le territoire" in page
    # More links, same number of queries.
    for n in range(5):
        w.action.introductions.add(_introduction(w.project, OrganisationFactory()))
        w.action.events.add(_event(w.world.programme, days=n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_other_programme_staff_get_404_on_a_linked_action(client, w):
    _link_all(w)
    client.force_login(w.world.other_programme_admin)
    assert client.get(reverse("support:action", args=[w.action.pk])).status_code == 404
    client.force_login(w.world.other_lead)
    assert client.get(reverse("support:action_edit", args=[w.action.pk])).status_code == 404


def test_the_plan_progress_counts_per_axis_in_few_queries(w, django_assert_max_num_queries):
    _link_all(w)
    impact_axis = next(a for a in w.world.axes if a.code == "impact")
    other = ActionFactory(plan=w.world.plan, axis=impact_axis, created_by=w.world.lead)
    links.action_links_set(user=w.world.lead, action=other, indicators=[w.indicator])
    with django_assert_max_num_queries(14):
        progress = queries.plan_progress(w.world.plan, with_links=True)
    counts = {row.axis.code: row.links for row in progress.axes}
    synergies = counts["synergies"]
    assert (synergies.introductions_done, synergies.introductions) == (1, 2)
    assert (synergies.events_held, synergies.events, synergies.attendees) == (1, 1, 2)
    assert (synergies.indicators_on_target, synergies.indicators) == (1, 1)
    assert (synergies.campaigns_complete, synergies.campaigns) == (1, 1)
    assert (counts["impact"].indicators_on_target, counts["impact"].introductions) == (1, 0)
    assert not counts["strategy"].any
    # Not asked: no counts, the two queries of the figures.
    assert queries.plan_progress(w.world.plan).axes[0].links is None


def test_the_plan_page_shows_the_counts(client, w):
    _link_all(w)
    client.force_login(w.world.instructor)
    page = client.get(reverse("support:plan", args=[w.world.plan.pk])).content.decode()
    assert 'id="link-counts-synergies"' in page
    assert "1 / 2 mises en relation réalisées" in page
    assert "1 / 1 rencontres tenues, 2 présents" in page


def test_the_company_sees_the_actions_it_takes_part_in(client, w, django_assert_max_num_queries):
    w.action.lead_organisation = w.company
    w.action.save()
    partner_action = ActionFactory(plan=w.world.other_plan, created_by=w.world.admin)
    partner_action.partners.add(w.company)
    ActionFactory(plan=w.world.plan, title="Sans l'entreprise", created_by=w.world.admin)
    client.force_login(w.company_user)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("synergies:company_space")).content.decode()
    assert f'id="company-action-{w.action.pk}"' in page
    assert f'id="company-action-{partner_action.pk}"' in page
    assert "Sans l'entreprise" not in page
    assert reverse("support:action", args=[w.action.pk]) not in page  # read-only
    # Another company sees none of them.
    stranger = OrganisationFactory(kind=OrganisationKind.COMPANY)
    client.force_login(MembershipFactory(role=Role.COMPANY, organisation=stranger).user)
    assert (
        'id="company-support-actions"'
        not in client.get(reverse("synergies:company_space")).content.decode()
    )


def _library(programme):
    return {
        code: _indicator(programme, code, code)
        for code in ("heures-mecenat", "achats-responsables", "investissements-entreprises")
    }


def test_reported_results_become_measurements_and_corrections_keep_history(w):
    indicators = _library(w.world.programme)
    indicators["mises-en-relation"] = w.indicator
    intro = synergies_services.introduction_report(
        user=w.company_user,
        introduction=w.intro,
        data={"hours": 40, "purchases": 1200, "invested": 0},
    )
    period_end = datetime.date(intro.done_at.year, 12, 31)

    def value(code):
        row = Measurement.objects.filter(
            indicator=indicators[code], project=w.project, period_end=period_end
        ).first()
        return row and row.value

    assert value("heures-mecenat") == 40
    assert value("achats-responsables") == 1200
    assert value("mises-en-relation") == 1
    assert value("investissements-entreprises") is None  # nothing invested: no value
    hours = Measurement.objects.get(indicator=indicators["heures-mecenat"], project=w.project)
    assert hours.source == "synergies" and hours.label_id == w.world.plan.label_id
    assert hours.author == w.company_user

    synergies_services.introduction_report(
        user=w.company_user, introduction=intro, data={"hours": 45}
    )
    hours.refresh_from_db()
    assert hours.value == 45
    corrected = [r for r in history.history_rows(hours) if r.event.action == "measurement_correct"]
    assert len(corrected) == 1
    old, new = corrected[0].event.payload["changes"]["value"]
    assert (Decimal(old), Decimal(new)) == (40, 45)
    # Another done introduction of the project the same year adds up.
    second = _introduction(w.project, OrganisationFactory())
    synergies_services.introduction_report(
        user=MembershipFactory(role=Role.COMPANY, organisation=second.company).user,
        introduction=second,
        data={"hours": 5},
    )
    assert value("heures-mecenat") == 50 and value("mises-en-relation") == 2


def test_results_of_an_introduction_not_done_make_no_measurement(w):
    _library(w.world.programme)
    accepted = _introduction(w.project, w.company, IntroductionStatus.ACCEPTED)
    synergies_services.introduction_report(
        user=w.company_user, introduction=accepted, data={"hours": 12}
    )
    assert not Measurement.objects.filter(project=w.project).exists()


def test_marking_done_after_reporting_records_the_measurements(w):
    indicators = _library(w.world.programme)
    accepted = _introduction(w.project, w.company, IntroductionStatus.ACCEPTED)
    synergies_services.introduction_report(
        user=w.company_user, introduction=accepted, data={"hours": 12}
    )
    assert not Measurement.objects.filter(project=w.project).exists()
    holder = MembershipFactory(role=Role.PROJECT_HOLDER, organisation=w.project.holder).user
    synergies_services.introduction_transition(
        user=w.company_user, introduction=accepted, name="mark_done"
    )
    synergies_services.introduction_transition(user=holder, introduction=accepted, name="mark_done")
    hours = Measurement.objects.get(indicator=indicators["heures-mecenat"], project=w.project)
    assert hours.value == 12 and hours.source == "synergies"


# --- The support API shows each action's links with their state ---------------------------------


def _api_action(client, plan_id, action_id):
    response = client.get(f"/api/v1/support-plans/{plan_id}")
    assert response.status_code == 200
    actions = [a for axis in response.json()["axes"] for a in axis["actions"]]
    return next(a for a in actions if a["id"] == action_id), actions


def test_the_api_lists_each_actions_links_with_a_short_state(
    client, w, django_assert_max_num_queries
):
    _link_all(w)
    client.force_login(w.world.lead)
    with django_assert_max_num_queries(30) as few:
        found, actions = _api_action(client, w.world.plan.pk, w.action.pk)
    got = found["links"]
    assert {(i["id"], i["state"]) for i in got["introductions"]} == {
        (w.intro.pk, "done"),
        (w.proposed.pk, "proposed"),
    }
    assert got["events"] == [
        {"id": w.event.pk, "name": w.event.title, "state": "held", "detail": "3/2"}
    ]
    assert got["indicators"] == [
        {
            "id": w.indicator.pk,
            "name": "Mises en relation",
            "state": "on_target",
            "detail": f"{THIS_YEAR}: 4 / 3",
        }
    ]
    assert got["campaigns"][0]["id"] == w.campaign.pk
    assert got["campaigns"][0]["state"] == "complete"
    others = [a for a in actions if a["id"] != w.action.pk]
    assert all(not any(a["links"].values()) for a in others)
    # More links, same number of queries.
    for n in range(4):
        w.action.introductions.add(_introduction(w.project, OrganisationFactory()))
        w.action.events.add(_event(w.world.programme, days=n + 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        found, _actions = _api_action(client, w.world.plan.pk, w.action.pk)
    assert len(found["links"]["introductions"]) == 6
    assert "upcoming" in {e["state"] for e in found["links"]["events"]}
    # A transition answers with the action's links too.
    response = client.post(
        f"/api/v1/support-actions/{w.action.pk}/transitions/start",
        {"reason": ""},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert len(response.json()["links"]["introductions"]) == 6


@pytest.mark.parametrize("who", ["other_lead", "other_programme_admin", "expert", "financer"])
def test_the_api_shows_no_links_outside_the_plans_scope(client, w, who):
    _link_all(w)
    client.force_login(getattr(w.world, who))
    response = client.get(f"/api/v1/support-plans/{w.world.plan.pk}")
    assert response.status_code == 404
    assert "introductions" not in response.content.decode()
