"""Entering values: checks, outliers, corrections kept in the history, CSV reports, campaigns,
and who may do it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from essaim.core.models import HistoryEvent
from essaim.impact import csv_import, outliers, services
from essaim.impact.models import Campaign, CampaignStatus, Measurement, MeasurementStatus

D = Decimal


def record(world, user=None, code="emplois-crees", value="3", day=(2025, 12, 31), **kw):
    kw.setdefault("label", world.label)
    kw.setdefault("source", "Registre du collectif")
    return services.measurement_record(
        user=user or world.lead,
        indicator=world.ind(code),
        period_end=datetime.date(*day),
        value=value,
        **kw,
    )


# --- Outlier rule -------------------------------------------------------------------------------


def test_outlier_rule_on_known_series():
    history = [D(10), D(11), D(9), D(10), D(12)]
    # median 10, MAD 1: 0.6745 × |x − 10| > 3.5 ⇔ |x − 10| > 5.19
    assert outliers.outlier_reason(D(15), history) == ""
    assert "médiane 10" in outliers.outlier_reason(D(16), history)
    assert outliers.outlier_reason(D(4), history) != ""


def test_outlier_needs_history():
    assert outliers.outlier_reason(D(1000), [D(1), D(2), D(3)]) == ""


def test_outlier_flat_history():
    assert outliers.outlier_reason(D(10), [D(10)] * 5) == ""
    assert outliers.outlier_reason(D(14), [D(10)] * 5) == ""
    assert outliers.outlier_reason(D(16), [D(10)] * 5) != ""


def test_far_value_is_flagged_with_its_reason(world):
    for month, value in ((3, "10"), (6, "11"), (9, "9"), (12, "10")):
        record(world, value=value, day=(2024, month, 28))
    normal = record(world, value="12", day=(2025, 3, 31))
    far = record(world, value="300", day=(2025, 6, 30))
    assert normal.status == MeasurementStatus.RECORDED
    assert far.status == MeasurementStatus.FLAGGED
    assert "médiane" in far.flag_reason
    assert HistoryEvent.objects.filter(object_id=str(far.pk), action="measurement_flag").exists()


# --- Checks -------------------------------------------------------------------------------------


def test_value_keeps_source_author_comment(world):
    m = record(world, comment="Chiffre du bilan annuel", channel="api")
    assert (m.source, m.author, m.comment, m.channel) == (
        "Registre du collectif",
        world.lead,
        "Chiffre du bilan annuel",
        "api",
    )
    assert m.year == 2025


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"value": "-1"}, "value"),
        ({"value": "douze"}, "value"),
        ({"value": "1.00001"}, "value"),
        ({"unit": "personnes"}, "unit"),
        ({"source": "  "}, "source"),
        ({"weight": "3"}, "weight"),
        ({"breakdown": {"sexe": "inconnu"}}, "breakdown"),
        ({"breakdown": {"couleur": "bleu"}}, "breakdown"),
        ({"day": (1999, 12, 31)}, "period_end"),
    ],
)
def test_bad_values_name_their_field(world, kw, field):
    with pytest.raises(ValidationError) as error:
        record(world, **kw)
    assert field in error.value.message_dict
    assert not Measurement.objects.exists()


def test_bounds_of_the_indicator(world):
    with pytest.raises(ValidationError) as error:
        record(world, code="satisfaction-beneficiaires", value="11", weight="5")
    assert "au plus 10" in error.value.message_dict["value"][0]


def test_ratio_is_not_entered(world):
    with pytest.raises(ValidationError) as error:
        record(world, code="taux-blocages-leves", value="0.5")
    assert "numérateur" in error.value.message_dict["indicator"][0]


def test_weighted_mean_needs_weight(world):
    with pytest.raises(ValidationError) as error:
        record(world, code="satisfaction-beneficiaires", value="8")
    assert "weight" in error.value.message_dict
    assert record(world, code="satisfaction-beneficiaires", value="8", weight="12").weight == 12


def test_duplicate_is_refused(world):
    record(world)
    with pytest.raises(ValidationError) as error:
        record(world, value="4")
    assert "existe déjà" in error.value.message_dict["period_end"][0]


def test_breakdown_cells_are_separate(world):
    record(world)
    cell = record(world, value="2", breakdown={"sexe": "femme", "age": "moins-26"})
    assert cell.breakdown_key == "age=moins-26;sexe=femme"


# --- Corrections --------------------------------------------------------------------------------


def test_correction_keeps_old_value_in_history(world):
    m = record(world, value="3")
    services.measurement_correct(
        user=world.lead, measurement=m, value="5", comment="Erreur de saisie"
    )
    m.refresh_from_db()
    assert m.value == 5
    event = HistoryEvent.objects.get(object_id=str(m.pk), action="measurement_correct")
    assert event.payload["changes"]["value"] == ["3.0000", "5"]
    assert event.comment == "Erreur de saisie"
    assert event.actor == world.lead


def test_correction_needs_a_reason(world):
    m = record(world)
    with pytest.raises(ValidationError):
        services.measurement_correct(user=world.lead, measurement=m, value="5", comment="")


def test_published_value_is_corrected_by_staff_only_and_republished(world):
    m = record(world)
    assert services.measurements_publish(user=world.instructor, label=world.label) == 1
    m.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.measurement_correct(user=world.lead, measurement=m, value="5", comment="x")
    services.measurement_correct(user=world.admin, measurement=m, value="5", comment="Bilan revu")
    m.refresh_from_db()
    assert m.status == MeasurementStatus.RECORDED


def test_review_confirm_and_reject(world):
    m = record(world)
    Measurement.objects.filter(pk=m.pk).update(status=MeasurementStatus.FLAGGED)
    with pytest.raises(PermissionDenied):
        services.measurement_review(user=world.lead, measurement=m, confirm=True)
    services.measurement_review(user=world.instructor, measurement=m, confirm=True)
    m.refresh_from_db()
    assert m.status == MeasurementStatus.RECORDED
    with pytest.raises(ValidationError):
        services.measurement_review(user=world.instructor, measurement=m, confirm=False)
    services.measurement_review(
        user=world.instructor, measurement=m, confirm=False, comment="Doublon"
    )
    m.refresh_from_db()
    assert m.status == MeasurementStatus.REJECTED


def test_publish_skips_flagged(world):
    record(world)
    flagged = record(world, day=(2025, 6, 30))
    Measurement.objects.filter(pk=flagged.pk).update(status=MeasurementStatus.FLAGGED)
    assert services.measurements_publish(user=world.admin, label=world.label) == 1
    flagged.refresh_from_db()
    assert flagged.status == MeasurementStatus.FLAGGED


# --- Who enters ---------------------------------------------------------------------------------


def test_who_enters_for_a_territory(world):
    record(world, user=world.member)
    record(world, user=world.instructor, day=(2025, 6, 30))
    for intruder in (world.other_lead, world.other_admin, world.holder, world.other_holder):
        with pytest.raises(PermissionDenied):
            record(world, user=intruder, day=(2025, 3, 31))
    assert Measurement.objects.count() == 2


def test_holder_enters_for_their_project_only(world):
    m = record(world, user=world.holder, project=world.project)
    assert m.label == world.label
    with pytest.raises(PermissionDenied):
        record(world, user=world.other_holder, project=world.project, day=(2025, 6, 30))


def test_project_outside_the_territory(world):
    with pytest.raises(ValidationError) as error:
        record(world, user=world.admin, label=world.other_label, project=world.project)
    assert "project" in error.value.message_dict


def test_other_programme_cannot_publish_or_review(world):
    m = record(world)
    with pytest.raises(PermissionDenied):
        services.measurements_publish(user=world.other_admin, label=world.label)
    with pytest.raises(PermissionDenied):
        services.measurement_review(
            user=world.other_admin, measurement=m, confirm=False, comment="x"
        )
    m.refresh_from_db()
    assert m.status == MeasurementStatus.RECORDED


def test_library_belongs_to_admins(world):
    with pytest.raises(PermissionDenied):
        services.indicator_save(
            user=world.instructor,
            programme=world.programme,
            code="x",
            name="X",
            unit="u",
            aggregation="sum",
        )
    with pytest.raises(PermissionDenied):
        services.indicator_save(
            user=world.other_admin,
            programme=world.programme,
            code="x",
            name="X",
            unit="u",
            aggregation="sum",
        )


def test_library_load_is_idempotent(world):
    before = HistoryEvent.objects.count()
    services.library_load(
        user=world.admin, programme=world.programme, entries=services.starter_library()
    )
    assert HistoryEvent.objects.count() == before
    assert world.ind("taux-blocages-leves").numerator == world.ind("blocages-leves")


def test_plan_targets(world):
    plan = services.plan_save(
        user=world.lead,
        indicator=world.ind("emplois-crees"),
        label=world.label,
        baseline="12",
        baseline_year=2019,
        targets={2024: "20", 2025: "30"},
    )
    assert {t.year: t.value for t in plan.targets.all()} == {2024: 20, 2025: 30}
    services.plan_save(
        user=world.instructor,
        indicator=world.ind("emplois-crees"),
        label=world.label,
        baseline="12",
        baseline_year=2019,
        targets={2025: "25"},
    )
    assert {t.year: t.value for t in plan.targets.all()} == {2025: 25}
    with pytest.raises(PermissionDenied):
        services.plan_save(
            user=world.other_lead, indicator=world.ind("emplois-crees"), label=world.label
        )


# --- Campaigns ----------------------------------------------------------------------------------


@pytest.fixture
def campaign(world):
    c = services.campaign_create(
        user=world.admin,
        programme=world.programme,
        title="Bilan 2025",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        due_on=datetime.date(2026, 2, 28),
        indicators=[world.ind("emplois-crees"), world.ind("fonds-leves")],
        labels=[world.label, world.other_label],
    )
    return services.campaign_set_status(user=world.admin, campaign=c, status=CampaignStatus.OPEN)


def test_closed_campaign_refuses_with_its_dates(world, campaign):
    services.campaign_set_status(user=world.admin, campaign=campaign, status=CampaignStatus.CLOSED)
    campaign.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        record(world, campaign=campaign)
    message = error.value.message_dict["campaign"][0]
    assert "01/01/2025" in message and "31/12/2025" in message and "28/02/2026" in message


def test_campaign_period_and_indicators(world, campaign):
    with pytest.raises(ValidationError) as error:
        record(world, campaign=campaign, day=(2024, 12, 31))
    assert "period_end" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        record(world, campaign=campaign, code="mises-en-relation")
    assert "indicator" in error.value.message_dict


def test_campaign_of_another_programme_is_refused_to_its_staff(world):
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            user=world.other_admin,
            programme=world.programme,
            title="x",
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2025, 12, 31),
            due_on=datetime.date(2026, 1, 31),
            indicators=[world.ind("emplois-crees")],
            labels=[world.label],
        )
    assert not Campaign.objects.exists()


def test_completion_late_and_reminders(
    world, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    from essaim.impact import queries, reminders

    record(world, campaign=campaign)
    record(world, campaign=campaign, code="fonds-leves", value="1000")
    rows = {row.label.pk: row for row in queries.campaign_completion(campaign)}
    assert (rows[world.label.pk].reported, rows[world.label.pk].expected) == (2, 2)
    assert rows[world.other_label.pk].reported == 0
    late = queries.late_rows(campaign, list(rows.values()), datetime.date(2026, 3, 1))
    assert [row.label for row in late] == [world.other_label]
    assert queries.late_rows(campaign, list(rows.values()), datetime.date(2026, 2, 1)) == []
    # The day after the due date: the incomplete territory only, once a day.
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_campaign_reminders(datetime.date(2026, 3, 1)) == 1
    assert reminders.send_campaign_reminders(datetime.date(2026, 3, 1)) == 0
    assert reminders.send_campaign_reminders(datetime.date(2026, 3, 2)) == 0
    assert [m.to for m in mailoutbox] == [[world.other_lead.email]]


# --- CSV ----------------------------------------------------------------------------------------

HEADER = "indicateur;periode;valeur;unite;poids;ventilation;projet;source;commentaire\n"


def csv_of(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


def test_clean_file_is_imported(world):
    data = csv_of(
        "emplois-crees;2025-12-31;3;ETP;;;;Registre;",
        "emplois-crees;31/12/2025;1;ETP;;sexe=femme;;Registre;",
        f"fonds-leves;2025;15000;€;;;{world.project.pk};Bilan;ok",
    )
    report = csv_import.measurements_import(user=world.lead, label=world.label, data=data)
    assert report.errors == []
    assert len(report.imported) == 3
    assert Measurement.objects.filter(channel="csv").count() == 3
    assert Measurement.objects.get(project=world.project).value == 15000


def test_bad_rows_are_reported_and_nothing_imported(world):
    data = csv_of(
        "emplois-crees;2025-12-31;3;ETP;;;;Registre;",
        "emplois-crees;2025-06-30;trois;ETP;;;;Registre;",
        "inconnu;2025-12-31;3;ETP;;;;Registre;",
        "fonds-leves;2025-12-31;10;personnes;;;;Registre;",
        "emplois-crees;2025-12-31;4;ETP;;;;Registre;",
        "emplois-crees;2025-13-45;4;ETP;;;;Registre;",
    )
    report = csv_import.measurements_import(user=world.lead, label=world.label, data=data)
    found = {(e.line, e.column) for e in report.errors}
    assert found == {(3, "valeur"), (4, "indicateur"), (5, "unite"), (6, "periode"), (7, "periode")}
    assert "Doublon de la ligne 2" in [e.message for e in report.errors if e.line == 6][0]
    assert not Measurement.objects.exists()


def test_accepting_valid_rows_imports_only_them(world):
    data = csv_of(
        "emplois-crees;2025-12-31;3;ETP;;;;Registre;",
        "emplois-crees;2025-06-30;trois;ETP;;;;Registre;",
    )
    report = csv_import.measurements_import(
        user=world.lead, label=world.label, data=data, accept_valid=True
    )
    assert len(report.errors) == 1 and len(report.imported) == 1
    assert Measurement.objects.get().value == 3


def test_existing_value_is_a_row_error(world):
    record(world)
    report = csv_import.measurements_import(
        user=world.lead, label=world.label, data=csv_of("emplois-crees;2025-12-31;9;ETP;;;;R;")
    )
    assert [(e.line, e.column) for e in report.errors] == [(2, "periode")]


def test_unreadable_files(world):
    for data, words in (
        (b"valeur;periode\n1;2025\n", "Colonnes manquantes"),
        (b"indicateur;periode;valeur;pirate\n", "Colonnes inconnues"),
        (HEADER.encode(), "aucune ligne"),
        (b"x" * (csv_import.MAX_BYTES + 1), "1 Mo"),
    ):
        with pytest.raises(ValidationError) as error:
            csv_import.measurements_import(user=world.lead, label=world.label, data=data)
        assert words in error.value.message_dict["file"][0]


def test_csv_by_an_intruder_imports_nothing(world):
    report = csv_import.measurements_import(
        user=world.other_lead,
        label=world.label,
        data=csv_of("emplois-crees;2025-12-31;3;ETP;;;;Registre;"),
        accept_valid=True,
    )
    assert report.errors and not Measurement.objects.exists()


def test_value_answers_the_only_open_campaign_asking_for_it(world, campaign):
    answered = record(world)
    assert answered.campaign == campaign
    outside = record(world, day=(2024, 12, 31))
    assert outside.campaign is None
    other = record(world, code="mises-en-relation")
    assert other.campaign is None
