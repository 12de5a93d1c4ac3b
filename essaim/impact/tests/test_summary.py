"""The yearly summary of published figures equals the aggregation from the raw rows after every
service that changes what is published (publish, correct, republish, review), at the three
levels and for every rule; a full rebuild gives the same cells; the open data reads it."""

import datetime
from decimal import Decimal

import pytest

from essaim.impact import aggregates, opendata, services, summary
from essaim.impact.models import Measurement, MeasurementStatus, YearlyFigure
from essaim.impact.tests.test_aggregates import put
from essaim.projects.tests.factories import ProjectFactory

D = Decimal
LEVELS = ("project", "territory", "programme")


def raw(world, level):
    return aggregates.by_key(
        aggregates.aggregate(
            Measurement.objects.published(),
            level=level,
            indicators=list(world.indicators.values()),
        )
    )


def read(world, level):
    return aggregates.by_key(
        aggregates.aggregate_summary(level=level, indicators=list(world.indicators.values()))
    )


def assert_summary_is_raw(world):
    for level in LEVELS:
        expected = {k: (f.value, f.count) for k, f in raw(world, level).items()}
        found = {k: (f.value, f.count) for k, f in read(world, level).items()}
        assert found == expected, level


def cells():
    return sorted(
        YearlyFigure.objects.values_list(
            "indicator_id",
            "label_id",
            "project_id",
            "year",
            "count",
            "value_sum",
            "weighted_sum",
            "weight_sum",
            "last_period",
            "last_sum",
            "last_count",
        ),
        key=lambda row: tuple(str(x) for x in row),
    )


@pytest.fixture
def rows(world):
    """Every rule on two territories, two projects, two years; cells and a rejected row aside."""
    second = ProjectFactory(
        perimeter=world.label.perimeter, collective=world.label.application.collective
    )
    for label in (world.label, world.other_label):
        put(world, "emplois-crees", 2, label=label)
        put(world, "emplois-crees", 5, label=label, day=(2024, 12, 31))
        put(world, "emplois-crees", 99, label=label, breakdown_key="sexe=femme")
        put(world, "absenteisme", 3, label=label)
        put(world, "satisfaction-beneficiaires", 9, label=label, weight=60)
        put(world, "blocages-identifies", 90, label=label)
        put(world, "blocages-leves", 9, label=label)
        put(world, "supermarches-cooperatifs", 5, label=label, day=(2025, 6, 30))
    for project in (world.project, second):
        put(world, "emplois-crees", 3, project=project)
        put(world, "absenteisme", 4, project=project)
        put(world, "satisfaction-beneficiaires", 8, project=project, weight=30)
        put(world, "supermarches-cooperatifs", 1, project=project, day=(2025, 3, 31))
        put(world, "supermarches-cooperatifs", 2, project=project, day=(2025, 12, 31))
    put(world, "blocages-leves", 7, project=world.project)  # a ratio term with no partner
    put(world, "emplois-crees", 50, day=(2025, 6, 30), status=MeasurementStatus.REJECTED)
    return second


def publish_all(world):
    for label in (world.label, world.other_label):
        services.measurements_publish(user=world.admin, label=label)


def test_nothing_published_nothing_summarised(world, rows):
    assert not YearlyFigure.objects.exists()
    assert read(world, "territory") == {} == raw(world, "territory")


def test_publish_fills_the_summary_with_the_raw_figures(world, rows):
    publish_all(world)
    assert YearlyFigure.objects.exists()
    assert_summary_is_raw(world)
    territory = read(world, "territory")
    emplois = world.ind("emplois-crees").pk
    assert territory[(emplois, world.label.pk, 2025)].value == D(8)  # 2 + 3 + 3, no cell
    assert territory[(emplois, world.label.pk, 2025)].count == 3
    assert territory[(emplois, world.label.pk, 2024)].value == D(5)
    programme = read(world, "programme")
    ratio = world.ind("taux-blocages-leves").pk
    # (9 + 7 + 9) / (90 + 90): every term summed, the project's numerator included.
    assert programme[(ratio, world.programme.pk, 2025)].value == D("0.1389")  # 25 / 180
    # (9×60×2 + 8×30×2) / (60×2 + 30×2) = 1560 / 180
    weighted = world.ind("satisfaction-beneficiaires").pk
    assert programme[(weighted, world.programme.pk, 2025)].value == D("8.6667")
    # Latest 2025 period is 31/12: the two projects' 2 + 2; the territories' June 5s are older.
    last = world.ind("supermarches-cooperatifs").pk
    assert programme[(last, world.programme.pk, 2025)].value == D(4)
    assert territory[(last, world.other_label.pk, 2025)].value == D(5)
    mean = world.ind("absenteisme").pk
    assert programme[(mean, world.programme.pk, 2025)].value == D("3.5")  # (3+3+4+4) / 4


def test_publish_is_per_territory(world, rows):
    services.measurements_publish(user=world.admin, label=world.other_label)
    assert set(YearlyFigure.objects.values_list("label_id", flat=True)) == {world.other_label.pk}
    assert_summary_is_raw(world)


def test_correction_takes_the_value_out_until_republished(world, rows):
    publish_all(world)
    emplois = world.ind("emplois-crees").pk
    row = Measurement.objects.get(
        indicator_id=emplois,
        label=world.label,
        project=None,
        period_end=datetime.date(2025, 12, 31),
        breakdown_key="",
    )
    services.measurement_correct(
        user=world.admin, measurement=row, value="4", comment="Erreur de saisie."
    )
    assert_summary_is_raw(world)
    assert read(world, "territory")[(emplois, world.label.pk, 2025)].value == D(6)  # 3 + 3
    row.refresh_from_db()
    if row.status == MeasurementStatus.FLAGGED:
        services.measurement_review(user=world.admin, measurement=row, confirm=True)
    services.measurements_publish(user=world.admin, label=world.label)
    assert_summary_is_raw(world)
    assert read(world, "territory")[(emplois, world.label.pk, 2025)].value == D(10)  # 4 + 3 + 3


def test_correcting_the_last_period_moves_the_last_value(world, rows):
    publish_all(world)
    last = world.ind("supermarches-cooperatifs")
    row = Measurement.objects.get(
        indicator=last, project=world.project, period_end=datetime.date(2025, 12, 31)
    )
    services.measurement_correct(user=world.admin, measurement=row, value="3", comment="Erratum.")
    assert_summary_is_raw(world)
    # The project's published latest period is now 31/03 (value 1).
    assert read(world, "project")[(last.pk, world.project.pk, 2025)].value == D(1)


def test_rejected_and_flagged_values_stay_out(world, rows):
    flagged = put(world, "emplois-crees", 1000, day=(2025, 9, 30), status="flagged")
    confirmed = put(world, "emplois-crees", 1, day=(2025, 3, 31), status="flagged")
    publish_all(world)
    assert_summary_is_raw(world)
    before = cells()
    services.measurement_review(
        user=world.admin, measurement=flagged, confirm=False, comment="Aberrant."
    )
    assert cells() == before  # a rejected value was never public
    assert_summary_is_raw(world)
    services.measurement_review(user=world.admin, measurement=confirmed, confirm=True)
    services.measurements_publish(user=world.admin, label=world.label)
    assert_summary_is_raw(world)
    emplois = world.ind("emplois-crees").pk
    assert read(world, "territory")[(emplois, world.label.pk, 2025)].value == D(9)


def test_rebuild_gives_the_same_cells(world, rows):
    publish_all(world)
    row = Measurement.objects.filter(label=world.label, project__isnull=True).first()
    services.measurement_correct(user=world.admin, measurement=row, value="6", comment="Erratum.")
    kept = cells()
    assert summary.rebuild() == len(kept)
    assert cells() == kept


def test_open_data_reads_the_summary(world, rows):
    publish_all(world)
    emplois = world.ind("emplois-crees")
    found = {
        (r["indicator"], r["year"]): r["value"]
        for r in opendata.published_rows(programme=world.programme, level="programme")
    }
    assert found[(emplois.code, 2025)] == D(10)  # 2 + 2 (territories) + 3 + 3 (projects)
    YearlyFigure.objects.all().delete()  # proof it is the summary that is read
    assert opendata.published_rows(programme=world.programme, level="programme") == []


def test_summary_read_query_count_is_fixed(world, rows, django_assert_max_num_queries):
    publish_all(world)
    with django_assert_max_num_queries(3):
        read(world, "programme")


def test_a_derived_correction_needs_no_entry_rights_and_keeps_the_summary(world, rows):
    """``support.bridge`` corrects the cooperation figures it derives for a company that holds no
    impact role: the correction is made, recorded, and the published figure leaves the summary."""
    from django.core.exceptions import PermissionDenied

    from essaim.accounts.tests.factories import UserFactory

    publish_all(world)
    emplois = world.ind("emplois-crees").pk
    row = Measurement.objects.get(
        indicator_id=emplois,
        label=world.label,
        project=world.project,
        period_end=datetime.date(2025, 12, 31),
        breakdown_key="",
    )
    company_member = UserFactory()
    with pytest.raises(PermissionDenied):
        services.measurement_correct(
            user=company_member, measurement=row, value="4", comment="Chiffre repris."
        )
    services.measurement_correct_derived(
        user=company_member, measurement=row, value="4", source="synergies", comment="Repris."
    )
    row.refresh_from_db()
    assert row.value == D(4) and row.source == "synergies"
    assert row.status != MeasurementStatus.PUBLISHED
    assert_summary_is_raw(world)
    assert read(world, "territory")[(emplois, world.label.pk, 2025)].value == D(5)  # 2 + 3
