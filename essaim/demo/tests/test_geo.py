"""The demo's territory definitions match the reference YAML and the shipped geography."""

import pytest
import yaml
from django.utils.text import slugify

from essaim.demo import REFERENCE_FILE
from essaim.demo.geo import TERRITORIES, labelled_names
from essaim.geo.reference import SNAPSHOT_PATH, snapshot_read


@pytest.fixture(scope="module")
def names():
    return labelled_names(yaml.safe_load(REFERENCE_FILE.read_text()))


def test_every_labelled_territory_of_waves_1_and_2_has_a_definition(names):
    assert len(names) == 27
    assert sorted(TERRITORIES) == sorted(names)
    slugs = {slugify(name) for name in names}
    assert len(slugs) == 27
    assert {"region-nouvelle-aquitaine", "region-normandie", "mayotte"} <= slugs


def test_every_unit_named_in_the_definitions_exists_in_the_shipped_snapshot():
    snapshot = snapshot_read(SNAPSHOT_PATH)
    epci_names = {row[1] for row in snapshot["epci"]}
    ept_names = {row[1] for row in snapshot["ept"]}
    regions = {row[0] for row in snapshot["regions"]}
    departements = {row[0] for row in snapshot["departements"]}
    communes = {row[0] for row in snapshot["communes"]}
    for name, territory in TERRITORIES.items():
        assert set(territory.epci) <= epci_names, name
        assert set(territory.ept) <= ept_names, name
        assert set(territory.regions) <= regions, name
        assert set(territory.departements) <= departements, name
        assert set(territory.communes) <= communes, name
        assert (
            territory.regions
            or territory.departements
            or territory.epci
            or (territory.ept or territory.communes)
        ), name


def test_region_perimeters_use_the_official_region_codes():
    assert TERRITORIES["Région Nouvelle-Aquitaine"].regions == ["75"]
    assert TERRITORIES["Région Normandie"].regions == ["28"]
    assert TERRITORIES["Région Bretagne"].regions == ["53"]
    assert TERRITORIES["Mayotte"].departements == ["976"]


@pytest.mark.django_db
def test_demo_builds_the_27_perimeters_over_all_of_france_and_is_idempotent(names):
    from essaim.core.models import HistoryEvent
    from essaim.demo import DemoContext
    from essaim.demo import geo as demo
    from essaim.geo.models import Commune, Perimeter
    from essaim.geo.queries import communes_of, perimeters_containing

    ctx = DemoContext(reference=yaml.safe_load(REFERENCE_FILE.read_text()))
    demo.load(ctx)

    perimeters = ctx.objects["perimeters"]
    assert sorted(perimeters) == sorted(names)
    assert all(p.commune_count > 0 and p.population for p in perimeters.values())
    region = perimeters["Région Nouvelle-Aquitaine"]
    assert region.slug == "region-nouvelle-aquitaine"
    assert region.commune_count == Commune.objects.filter(region__code="75").count()
    assert [p.slug for p in perimeters_containing("79191")] == ["region-nouvelle-aquitaine"]
    assert sorted(communes_of(perimeters["Est Ensemble"]).values_list("insee", flat=True)) == [
        "93006", "93008", "93010", "93045", "93048", "93053", "93055", "93061", "93063",
    ]  # fmt: skip
    assert list(communes_of(perimeters["Roubaix"]).values_list("name", flat=True)) == ["Roubaix"]
    assert perimeters["Mayotte"].commune_count == 17
    assert "Approximation" in perimeters["Vallée de la Marne"].description
    grenoble = perimeters["Grenoble Alpes Métropole"].description
    assert "l'intercommunalité Grenoble-Alpes-Métropole" in grenoble
    assert "SIREN" not in grenoble

    events = HistoryEvent.objects.count()
    demo.load(ctx)
    assert Perimeter.objects.count() == 27
    assert HistoryEvent.objects.count() == events
