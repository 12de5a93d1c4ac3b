"""Perimeters: built from official units with exclusions, rebuilt set-based, with history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from essaim.core.models import HistoryEvent
from essaim.geo.models import Perimeter, PerimeterCommune, PerimeterUnit
from essaim.geo.queries import communes_of, perimeters_containing
from essaim.geo.services import Unit, perimeter_create, perimeter_ensure, perimeter_update

pytestmark = pytest.mark.django_db


def insee_codes(perimeter):
    return sorted(communes_of(perimeter).values_list("insee", flat=True))


def test_region_perimeter_has_all_its_communes_population_and_count(geography, programme_admin):
    perimeter = perimeter_create(
        user=programme_admin, name="Région Nouvelle-Aquitaine", units=[Unit("region", "75")]
    )

    assert perimeter.slug == "region-nouvelle-aquitaine"
    assert insee_codes(perimeter) == ["79081", "79191", "79202", "86041", "86194"]
    assert perimeter.commune_count == 5
    assert perimeter.population == 7221 + 59854 + 10140 + 10289 + 89916
    event = HistoryEvent.objects.for_object(perimeter).get()
    assert event.action == "perimeter.created"
    assert event.actor == programme_admin
    assert event.payload["units"] == [{"kind": "region", "code": "75", "excluded": False}]


def test_union_of_kinds_with_exclusions(geography):
    perimeter = perimeter_create(
        user=None,
        name="Mosaïque",
        units=[
            Unit("region", "75"),
            Unit("epci", "244400404"),  # Nantes Métropole
            Unit("epci", "200041317", excluded=True),  # minus the CA du Niortais
            Unit("commune", "86194", excluded=True),  # minus Poitiers
            Unit("departement", "79"),  # adds nothing new but Parthenay (already in 75)
        ],
    )

    assert insee_codes(perimeter) == ["44109", "44143", "79202", "86041"]
    assert perimeter.commune_count == 4
    assert perimeter.population == 327734 + 43556 + 10140 + 10289


def test_single_communes_and_departement(geography):
    perimeter = perimeter_create(
        user=None,
        name="Ville et département",
        units=[Unit("commune", "44143"), Unit("departement", "86")],
    )
    assert insee_codes(perimeter) == ["44143", "86041", "86194"]


def test_rebuild_touches_only_its_own_perimeter(geography):
    first = perimeter_create(user=None, name="Un", units=[Unit("departement", "79")])
    second = perimeter_create(user=None, name="Deux", units=[Unit("departement", "86")])

    perimeter_update(user=None, perimeter=second, units=[Unit("departement", "44")])

    assert insee_codes(first) == ["79081", "79191", "79202"]
    assert insee_codes(second) == ["44109", "44143"]
    assert PerimeterCommune.objects.count() == 5


def test_update_records_old_and_new_units(geography, programme_admin):
    perimeter = perimeter_create(
        user=programme_admin, name="Poitou", units=[Unit("departement", "86")]
    )

    changed = perimeter_update(
        user=programme_admin,
        perimeter=perimeter,
        name="Poitou élargi",
        units=[Unit("departement", "86"), Unit("departement", "79")],
    )

    assert changed
    perimeter.refresh_from_db()
    assert perimeter.name == "Poitou élargi"
    assert perimeter.commune_count == 5
    event = HistoryEvent.objects.for_object(perimeter).filter(action="perimeter.updated").get()
    assert event.payload["changes"] == {"name": ["Poitou", "Poitou élargi"]}
    assert event.payload["commune_count"] == [2, 5]
    assert [u["code"] for u in event.payload["units"]["to"]] == ["79", "86"]


def test_update_with_the_same_data_writes_nothing(geography, django_assert_max_num_queries):
    perimeter = perimeter_create(user=None, name="Poitou", units=[Unit("departement", "86")])

    with django_assert_max_num_queries(6) as queries:
        changed = perimeter_ensure(user=None, name="Poitou", units=[Unit("departement", "86")])

    assert changed == perimeter
    assert not any(
        q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        for q in queries.captured_queries
    )
    assert HistoryEvent.objects.for_object(perimeter).count() == 1


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ([Unit("commune", "00000")], "commune « 00000 » introuvable"),
        ([Unit("epci", "123456789")], "EPCI « 123456789 » introuvable"),
        ([Unit("canton", "7901")], "Type d'unité inconnu"),
        ([Unit("region", "75", excluded=True)], "au moins une unité"),
        ([], "au moins une unité"),
        (
            [Unit("region", "75"), Unit("region", "75", excluded=True)],
            "à la fois incluse et exclue",
        ),
    ],
)
def test_bad_units_are_refused_with_a_message_and_nothing_written(geography, units, message):
    with pytest.raises(ValidationError) as error:
        perimeter_create(user=None, name="Mauvais", units=units)

    assert "units" in error.value.message_dict
    assert any(message in m for m in error.value.message_dict["units"])
    assert not Perimeter.objects.exists()
    assert not PerimeterUnit.objects.exists()


def test_duplicate_slug_is_refused(geography):
    perimeter_create(user=None, name="Poitou", units=[Unit("departement", "86")])
    with pytest.raises(ValidationError) as error:
        perimeter_create(user=None, name="Poitou", units=[Unit("departement", "79")])
    assert "poitou" in error.value.message_dict["slug"][0]
    assert Perimeter.objects.count() == 1


def test_people_without_the_role_cannot_create_or_change(geography, project_holder, user):
    perimeter = perimeter_create(user=None, name="Poitou", units=[Unit("departement", "86")])

    for someone in (project_holder, user):
        with pytest.raises(PermissionDenied):
            perimeter_create(user=someone, name="Autre", units=[Unit("departement", "79")])
        with pytest.raises(PermissionDenied):
            perimeter_update(user=someone, perimeter=perimeter, units=[Unit("region", "52")])

    assert list(Perimeter.objects.values_list("name", flat=True)) == ["Poitou"]
    assert insee_codes(perimeter) == ["86041", "86194"]
    assert HistoryEvent.objects.for_object(perimeter).count() == 1


def test_containment_lookups_are_one_query_each(geography, django_assert_num_queries):
    region = perimeter_create(
        user=None, name="Région Nouvelle-Aquitaine", units=[Unit("region", "75")]
    )
    niortais = perimeter_create(user=None, name="Niortais", units=[Unit("epci", "200041317")])
    perimeter_create(user=None, name="Nantes", units=[Unit("epci", "244400404")])

    with django_assert_num_queries(1):
        containing = list(perimeters_containing("79191"))
    with django_assert_num_queries(1):
        communes = [(c.insee, c.departement.code) for c in communes_of(niortais)]

    assert containing == [niortais, region]
    assert communes == [("79081", "79"), ("79191", "79")]
