"""Each aggregation rule on known numbers, at the three levels, in the database."""

import datetime
from decimal import Decimal

import pytest

from essaim.impact import aggregates
from essaim.impact.models import Measurement, MeasurementStatus
from essaim.projects.tests.factories import ProjectFactory

D = Decimal


def put(
    world,
    code,
    value,
    *,
    label=None,
    project=None,
    day=(2025, 12, 31),
    weight=None,
    status=MeasurementStatus.RECORDED,
    breakdown_key="",
):
    label = label or world.label
    period_end = datetime.date(*day)
    return Measurement.objects.create(
        indicator=world.ind(code),
        label=label,
        project=project,
        period_end=period_end,
        year=period_end.year,
        value=D(value),
        weight=None if weight is None else D(weight),
        breakdown_key=breakdown_key,
        status=status,
        source="test",
        channel="form",
        author=world.admin,
    )


def figures(world, level, code=None):
    found = aggregates.by_key(
        aggregates.aggregate(
            Measurement.objects.counted(),
            level=level,
            indicators=list(world.indicators.values()),
        )
    )
    return found


@pytest.fixture
def second_project(world):
    return ProjectFactory(
        perimeter=world.label.perimeter, collective=world.label.application.collective
    )


def test_sum_project_territory_programme(world, second_project):
    ind = world.ind("emplois-crees")
    put(world, "emplois-crees", 3, project=world.project)
    put(world, "emplois-crees", 4, project=second_project)
    put(world, "emplois-crees", 2)  # the territory's own, outside projects
    put(world, "emplois-crees", 10, label=world.other_label)
    put(world, "emplois-crees", 99, breakdown_key="sexe=femme")  # a cell, not a total
    put(world, "emplois-crees", 50, day=(2025, 6, 30), status=MeasurementStatus.REJECTED)
    project = figures(world, "project")
    assert project[(ind.pk, world.project.pk, 2025)].value == D(3)
    territory = figures(world, "territory")
    assert territory[(ind.pk, world.label.pk, 2025)].value == D(9)
    assert territory[(ind.pk, world.label.pk, 2025)].count == 3
    assert territory[(ind.pk, world.other_label.pk, 2025)].value == D(10)
    programme = figures(world, "programme")
    assert programme[(ind.pk, world.programme.pk, 2025)].value == D(19)


def test_sum_is_per_year(world):
    ind = world.ind("fonds-leves")
    put(world, "fonds-leves", 100, day=(2024, 12, 31))
    put(world, "fonds-leves", 250, day=(2025, 6, 30))
    put(world, "fonds-leves", 50, day=(2025, 12, 31))
    territory = figures(world, "territory")
    assert territory[(ind.pk, world.label.pk, 2024)].value == D(100)
    assert territory[(ind.pk, world.label.pk, 2025)].value == D(300)


def test_mean_is_over_rows(world, second_project):
    ind = world.ind("absenteisme")
    put(world, "absenteisme", 4, project=world.project)
    put(world, "absenteisme", 8, project=second_project)
    put(world, "absenteisme", 3, label=world.other_label)
    territory = figures(world, "territory")
    assert territory[(ind.pk, world.label.pk, 2025)].value == D(6)
    # The programme's mean is over the three rows (15 / 3), not the mean of means (4.5).
    assert figures(world, "programme")[(ind.pk, world.programme.pk, 2025)].value == D(5)


def test_weighted_mean(world, second_project):
    ind = world.ind("satisfaction-beneficiaires")
    put(world, "satisfaction-beneficiaires", 8, project=world.project, weight=30)
    put(world, "satisfaction-beneficiaires", 6, project=second_project, weight=10)
    put(world, "satisfaction-beneficiaires", 9, label=world.other_label, weight=60)
    # (8×30 + 6×10) / 40 = 7.5
    assert figures(world, "territory")[(ind.pk, world.label.pk, 2025)].value == D("7.5")
    # (240 + 60 + 540) / 100 = 8.4
    assert figures(world, "programme")[(ind.pk, world.programme.pk, 2025)].value == D("8.4")


def test_ratio_is_never_summed(world):
    ratio = world.ind("taux-blocages-leves")
    put(world, "blocages-identifies", 10)
    put(world, "blocages-leves", 9)
    put(world, "blocages-identifies", 90, label=world.other_label)
    put(world, "blocages-leves", 9, label=world.other_label)
    territory = figures(world, "territory")
    assert territory[(ratio.pk, world.label.pk, 2025)].value == D("0.9")
    assert territory[(ratio.pk, world.other_label.pk, 2025)].value == D("0.1")
    # Σ numerators / Σ denominators = 18 / 100, not 0.9 + 0.1 nor their mean 0.5.
    assert figures(world, "programme")[(ratio.pk, world.programme.pk, 2025)].value == D("0.18")


def test_ratio_without_denominator_is_absent(world):
    ratio = world.ind("taux-blocages-leves")
    put(world, "blocages-leves", 3)
    assert (ratio.pk, world.label.pk, 2025) not in figures(world, "territory")


def test_ratio_with_zero_denominator_has_no_value(world):
    ratio = world.ind("taux-blocages-leves")
    put(world, "blocages-leves", 0)
    put(world, "blocages-identifies", 0)
    assert figures(world, "territory")[(ratio.pk, world.label.pk, 2025)].value is None


def test_last_value_of_the_year(world, second_project):
    ind = world.ind("supermarches-cooperatifs")
    put(world, "supermarches-cooperatifs", 1, project=world.project, day=(2025, 3, 31))
    put(world, "supermarches-cooperatifs", 2, project=world.project, day=(2025, 12, 31))
    put(world, "supermarches-cooperatifs", 1, project=second_project, day=(2025, 12, 31))
    put(world, "supermarches-cooperatifs", 5, label=world.other_label, day=(2025, 6, 30))
    put(world, "supermarches-cooperatifs", 7, label=world.other_label, day=(2024, 12, 31))
    project = figures(world, "project")
    assert project[(ind.pk, world.project.pk, 2025)].value == D(2)
    territory = figures(world, "territory")
    # The latest period of the year (31/12), its values summed: 2 + 1.
    assert territory[(ind.pk, world.label.pk, 2025)].value == D(3)
    assert territory[(ind.pk, world.other_label.pk, 2025)].value == D(5)
    assert territory[(ind.pk, world.other_label.pk, 2024)].value == D(7)
    # The programme's latest 2025 period is 31/12: the other territory's June value is older.
    assert figures(world, "programme")[(ind.pk, world.programme.pk, 2025)].value == D(3)


def test_programme_totals_equal_the_rule_over_territories(world):
    ind = world.ind("personnes-touchees")
    for value, label in ((120, world.label), (80, world.other_label)):
        put(world, "personnes-touchees", value, label=label)
    territory = figures(world, "territory")
    total = sum(territory[(ind.pk, lab.pk, 2025)].value for lab in (world.label, world.other_label))
    assert figures(world, "programme")[(ind.pk, world.programme.pk, 2025)].value == total


def test_aggregation_query_count_is_fixed(world, django_assert_max_num_queries):
    for year in (2024, 2025):
        for code in ("emplois-crees", "absenteisme", "supermarches-cooperatifs"):
            put(world, code, 1, day=(year, 12, 31))
        put(world, "satisfaction-beneficiaires", 5, weight=3, day=(year, 12, 31))
    # Sums, means and weighted means in one query; last values in one; every ratio in one.
    with django_assert_max_num_queries(3):
        figures(world, "territory")


def test_published_only(world):
    ind = world.ind("emplois-crees")
    put(world, "emplois-crees", 3, status=MeasurementStatus.PUBLISHED)
    put(world, "emplois-crees", 4, label=world.other_label)
    found = aggregates.by_key(
        aggregates.aggregate(Measurement.objects.published(), level="programme", indicators=[ind])
    )
    assert found[(ind.pk, world.programme.pk, 2025)].value == D(3)
