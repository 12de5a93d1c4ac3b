"""The indicator library's editing (services and pages), a project's indicator plan, and the links
of a labelled territory's public page to its published figures: checks named by field, the
history of each change (old → new), attackers (another programme's staff, another territory's
lead, another holder, anonymous) refused with nothing changed, query budgets."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from essaim.calls.models import Wave
from essaim.core.models import HistoryEvent
from essaim.impact import services, services_library, services_reports
from essaim.impact.history import IndicatorAction, PlanAction
from essaim.impact.models import Indicator, IndicatorPlan, Report, ReportStatus


def fields(**overrides):
    return {
        "code": "benevoles",
        "name": "Bénévoles mobilisés",
        "unit": "personnes",
        "aggregation": "sum",
        "direction": "higher",
        **overrides,
    }


def events(obj, action):
    return HistoryEvent.objects.for_object(obj).filter(action=action)


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# --- Services: the library ---------------------------------------------------------------------


def test_admin_creates_an_indicator_with_its_history(world):
    indicator = services_library.indicator_create(
        user=world.admin,
        programme=world.programme,
        **fields(breakdowns=[{"dimension": "sexe", "values": ["femme", "homme"]}], min_value="0"),
    )
    assert indicator.programme == world.programme and indicator.min_value == 0
    assert indicator.dimensions() == {"sexe": ["femme", "homme"]}
    assert events(indicator, IndicatorAction.CREATED).count() == 1


@pytest.mark.parametrize("who", ["instructor", "lead", "holder", "other_admin"])
def test_only_the_programme_admins_change_the_library(world, who):
    user = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services_library.indicator_create(user=user, programme=world.programme, **fields())
    indicator = world.ind("emplois-crees")
    with pytest.raises(PermissionDenied):
        services_library.indicator_update(
            user=user, indicator=indicator, **fields(code="emplois-crees", name="Piraté")
        )
    indicator.refresh_from_db()
    assert indicator.name == "Emplois créés"
    assert not Indicator.objects.filter(code="benevoles").exists()


def test_checks_name_the_field(world):
    create = services_library.indicator_create
    programme = world.programme
    assert "code" in errors_of(
        lambda: create(user=world.admin, programme=programme, **fields(code="emplois-crees"))
    )
    assert "code" in errors_of(
        lambda: create(user=world.admin, programme=programme, **fields(code="Émplois créés"))
    )
    found = errors_of(
        lambda: create(
            user=world.admin,
            programme=programme,
            **fields(name="", unit="", min_value="5", max_value="2", aggregation="ratio"),
        )
    )
    assert {"name", "unit", "max_value"} <= set(found)
    # A ratio: both terms, of the same programme, not ratios themselves, not equal.
    found = errors_of(
        lambda: create(
            user=world.admin,
            programme=programme,
            **fields(aggregation="ratio", numerator=world.ind("blocages-leves")),
        )
    )
    assert "Un ratio a un dénominateur." in found["denominator"]
    other = services_library.indicator_create(
        user=world.other_admin, programme=world.other_programme, **fields()
    )
    found = errors_of(
        lambda: create(
            user=world.admin,
            programme=programme,
            **fields(
                code="taux",
                aggregation="ratio",
                numerator=other,
                denominator=world.ind("taux-blocages-leves"),
            ),
        )
    )
    assert "autre programme" in found["numerator"][0]
    assert "Un ratio ne peut pas servir de terme" in found["denominator"][0]
    found = errors_of(
        lambda: create(
            user=world.admin,
            programme=programme,
            **fields(aggregation="weighted_mean"),
        )
    )
    assert "weight" in found
    assert Indicator.objects.filter(programme=programme, code="taux").count() == 0


def test_update_records_each_field_old_and_new(world):
    indicator = world.ind("taux-blocages-leves")
    services_library.indicator_update(
        user=world.admin,
        indicator=indicator,
        **fields(
            code="taux-levee",
            name=indicator.name,
            unit=indicator.unit,
            aggregation="ratio",
            numerator=world.ind("blocages-leves"),
            denominator=world.ind("projets-accompagnes"),
            definition=indicator.definition,
            theme=indicator.theme,
            challenge=indicator.challenge,
            sdg_targets=indicator.sdg_targets,
            imp_what=indicator.imp_what,
            imp_who=indicator.imp_who,
            imp_how_much=indicator.imp_how_much,
            imp_contribution=indicator.imp_contribution,
            imp_risk=indicator.imp_risk,
            breakdowns=indicator.breakdowns,
            min_value=indicator.min_value,
            max_value=indicator.max_value,
            direction=indicator.direction,
        ),
    )
    event = events(indicator, IndicatorAction.UPDATED).get()
    assert event.payload["changes"] == {
        "code": ["taux-blocages-leves", "taux-levee"],
        "denominator": ["blocages-identifies", "projets-accompagnes"],
    }
    # Nothing changed: no event.
    indicator.refresh_from_db()
    before = HistoryEvent.objects.count()
    services_library.indicator_update(
        user=world.admin,
        indicator=indicator,
        **{
            name: getattr(indicator, name)
            for name in ("code", *services_library.FIELDS, *services_library.TERMS)
        },
    )
    assert HistoryEvent.objects.count() == before


def test_a_measured_or_used_indicator_does_not_become_a_ratio(world):
    update = services_library.indicator_update
    ratio_terms = {"numerator": world.ind("fonds-leves"), "denominator": world.ind("emplois-crees")}
    used = world.ind("blocages-leves")  # the numerator of the starter library's ratio
    found = errors_of(
        lambda: update(
            user=world.admin,
            indicator=used,
            **fields(code=used.code, aggregation="ratio", **ratio_terms),
        )
    )
    assert "Taux de blocages levés" in found["aggregation"][0]
    measured = world.ind("projets-accompagnes")
    services.measurement_record(
        user=world.admin,
        indicator=measured,
        label=world.label,
        period_end=datetime.date(2025, 12, 31),
        value="3",
        source="Registre",
    )
    found = errors_of(
        lambda: update(
            user=world.admin,
            indicator=measured,
            **fields(code=measured.code, aggregation="ratio", **ratio_terms),
        )
    )
    assert "valeurs saisies" in found["aggregation"][0]
    measured.refresh_from_db()
    assert measured.aggregation == "sum"
    # Nor can it name itself.
    found = errors_of(
        lambda: update(
            user=world.admin,
            indicator=measured,
            **fields(code=measured.code, aggregation="weighted_mean", weight=measured),
        )
    )
    assert "lui-même" in found["weight"][0]


# --- Services: a project's plan ----------------------------------------------------------------


def save_project_plan(world, user, label=None, **kw):
    return services.plan_save(
        user=user,
        indicator=world.ind("emplois-crees"),
        label=label or world.label,
        project=world.project,
        **{"baseline": "1", "baseline_year": 2020, "targets": {2025: "4"}, **kw},
    )


def test_holder_plans_the_project_and_the_history_keeps_old_values(world):
    plan = save_project_plan(world, world.holder)
    save_project_plan(world, world.lead, targets={2025: "6", 2026: "9"})
    plan.refresh_from_db()
    assert {t.year: t.value for t in plan.targets.all()} == {2025: 6, 2026: 9}
    last = events(plan, PlanAction.SAVED).order_by("-pk").first()
    assert last.payload["changes"] == {"target_2025": ["4", "6"], "target_2026": [None, "9"]}


@pytest.mark.parametrize("who", ["other_holder", "other_lead", "other_admin"])
def test_attackers_cannot_plan_the_project(world, who):
    with pytest.raises(PermissionDenied):
        save_project_plan(world, getattr(world, who))
    assert not IndicatorPlan.objects.exists()


def test_holder_cannot_plan_the_project_in_another_territory(world):
    found = errors_of(lambda: save_project_plan(world, world.holder, label=world.other_label))
    assert "project" in found
    assert not IndicatorPlan.objects.exists()


# --- Pages --------------------------------------------------------------------------------------


def test_admin_creates_and_edits_from_the_library(client, world, django_assert_max_num_queries):
    client.force_login(world.admin)
    library = client.get(reverse("impact:library"), {"programme": world.programme.slug})
    create_url = reverse("impact:indicator_create", args=[world.programme.slug])
    assert create_url in library.content.decode()
    with django_assert_max_num_queries(15):
        assert client.get(create_url).status_code == 200
    response = client.post(
        create_url,
        {
            **fields(),
            "breakdowns": "sexe : femme, homme\nage : moins-26, plus-26",
            "sdg_targets": "8.3, 17.17",
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(programme=world.programme, code="benevoles")
    assert indicator.sdg_targets == ["8.3", "17.17"] and len(indicator.breakdowns) == 2
    edit_url = reverse("impact:indicator_edit", args=[indicator.pk])
    with django_assert_max_num_queries(15):
        page = client.get(edit_url)
    assert page.status_code == 200 and "sexe : femme, homme" in page.content.decode()
    response = client.post(edit_url, {**fields(unit="bénévoles"), "breakdowns": "sexe femme"})
    assert response.status_code == 400
    assert "dimension : valeur" in response.content.decode()
    response = client.post(edit_url, {**fields(code="emplois-crees")})
    assert response.status_code == 400 and "déjà utilisé" in response.content.decode()
    response = client.post(edit_url, {**fields(unit="bénévoles")})
    assert response.status_code == 302
    page = client.get(edit_url).content.decode()
    assert "personnes → bénévoles" in page  # the history, old → new


@pytest.mark.parametrize(
    ("who", "status"), [("other_admin", 404), ("instructor", 404), ("lead", 404)]
)
def test_others_cannot_reach_the_library_editing(client, world, who, status):
    indicator = world.ind("emplois-crees")
    client.force_login(getattr(world, who))
    create_url = reverse("impact:indicator_create", args=[world.programme.slug])
    edit_url = reverse("impact:indicator_edit", args=[indicator.pk])
    assert client.get(create_url).status_code == status
    assert client.post(create_url, fields()).status_code == status
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, fields(code=indicator.code, unit="x")).status_code == 403
    library = client.get(reverse("impact:library")).content.decode()
    assert edit_url not in library
    indicator.refresh_from_db()
    assert indicator.unit == "ETP" and not Indicator.objects.filter(code="benevoles").exists()


def test_anonymous_is_sent_to_login_from_the_editing_pages(client, world):
    for url in (
        reverse("impact:indicator_create", args=[world.programme.slug]),
        reverse("impact:indicator_edit", args=[world.ind("emplois-crees").pk]),
        reverse("impact:project_plan", args=[world.project.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "connexion" in response["Location"]


def test_project_plan_page_from_the_project_page(client, world, django_assert_max_num_queries):
    save_project_plan(world, world.holder)
    client.force_login(world.holder)
    plan_url = reverse("impact:project_plan", args=[world.project.pk])
    assert (
        plan_url in client.get(reverse("projects:detail", args=[world.project.pk])).content.decode()
    )
    with django_assert_max_num_queries(15):
        page = client.get(plan_url)
    body = page.content.decode()
    assert page.status_code == 200 and "2025 : 4" in body
    edit_url = reverse(
        "impact:project_plan_edit", args=[world.project.pk, world.ind("fonds-leves").pk]
    )
    assert edit_url in body
    assert client.post(edit_url, {"baseline": "abc"}).status_code == 400
    response = client.post(edit_url, {"baseline": "1000", "target_2025": "5000"})
    assert response.status_code == 302
    plan = IndicatorPlan.objects.get(project=world.project, indicator=world.ind("fonds-leves"))
    assert plan.label == world.label and plan.targets.get().value == 5000
    client.force_login(world.lead)  # the territory's lead reads and changes it too
    assert client.get(plan_url).status_code == 200


@pytest.mark.parametrize("who", ["other_holder", "other_lead", "other_admin"])
def test_project_plan_refused_to_attackers(client, world, who):
    client.force_login(getattr(world, who))
    indicator = world.ind("emplois-crees")
    assert client.get(reverse("impact:project_plan", args=[world.project.pk])).status_code == 403
    edit_url = reverse("impact:project_plan_edit", args=[world.project.pk, indicator.pk])
    assert client.post(edit_url, {"baseline": "1"}).status_code == 403
    assert not IndicatorPlan.objects.exists()


# --- The public territory page ------------------------------------------------------------------


def test_public_territory_page_links_to_published_figures_and_report(client, world):
    Wave.objects.filter(pk=world.label.wave_id).update(status="published")
    url = reverse("territories:detail", args=[world.label.perimeter.slug])
    figures_url = reverse("impact:open_data")
    assert figures_url not in client.get(url).content.decode()
    for label in (world.label, world.other_label):
        services.measurement_record(
            user=world.admin,
            indicator=world.ind("emplois-crees"),
            label=label,
            period_end=datetime.date(2025, 12, 31),
            value="7" if label == world.label else "99",
            source="Registre",
        )
    assert figures_url not in client.get(url).content.decode()  # recorded, not published
    services.measurements_publish(user=world.admin, label=world.label)
    report = Report.objects.create(
        programme=world.programme,
        label=world.label,
        year=2025,
        title="Rapport 2025",
        created_by=world.admin,
    )
    assert report.get_absolute_url() not in client.get(url).content.decode()  # not published
    # Generated (a task), then published through the service: the cached page shows it at once.
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.DONE)
    services_reports.report_publish(user=world.admin, report=report)
    body = client.get(url).content.decode()
    assert report.get_absolute_url() in body
    slugs = (world.programme.slug, world.label.perimeter.slug)
    link = f"{figures_url}?programme={slugs[0]}&amp;territoire={slugs[1]}"
    assert link in body
    figures = client.get(link.replace("&amp;", "&"))
    rows = figures.context["rows"]
    assert [r["territory"] for r in rows] == [world.label.perimeter.name]
    assert figures.status_code == 200
