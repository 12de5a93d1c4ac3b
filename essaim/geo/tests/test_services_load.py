"""Loading the reference geography (on a tiny snapshot) and the shape of the shipped one."""

import pytest

from essaim.geo.models import Commune, Departement, Epci, ReferenceLoad, Region
from essaim.geo.reference import SNAPSHOT_PATH, fold, snapshot_read
from essaim.geo.services import Unit, geo_load_reference, geo_reference_is_loaded, perimeter_create
from essaim.geo.tests.factories import load_tiny_geography, tiny_snapshot

pytestmark = pytest.mark.django_db


def test_load_creates_every_unit_with_its_links():
    report = load_tiny_geography()

    assert report.created == {"regions": 2, "departements": 3, "epci": 4, "communes": 7}
    niort = Commune.objects.select_related("departement", "region", "epci").get(insee="79191")
    assert niort.name == "Niort"
    assert niort.departement.code == "79"
    assert niort.region.code == "75"
    assert niort.epci.siren == "200041317"
    assert niort.siren == "217901917"
    assert niort.postal_codes == ["79000"]
    assert niort.population == 59854
    assert Departement.objects.get(code="79").population == 59854 + 7221 + 10140
    assert Region.objects.get(code="52").population == 327734 + 43556
    assert Epci.objects.get(siren="244400404").kind == "METRO"
    assert ReferenceLoad.objects.get(name="cog").version.startswith("COG 2026")


def test_second_load_writes_nothing(django_assert_max_num_queries):
    load_tiny_geography()
    before = list(Commune.objects.values_list("pk", "insee", "name", "epci_id"))

    # Four reads (one per level), the ReferenceLoad check and the savepoint: no write at all.
    with django_assert_max_num_queries(7) as queries:
        report = load_tiny_geography()

    assert not report.changed
    assert not any(
        q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        for q in queries.captured_queries
    )
    assert list(Commune.objects.values_list("pk", "insee", "name", "epci_id")) == before


def test_changed_names_populations_and_memberships_update_in_place():
    load_tiny_geography()
    niort_pk = Commune.objects.get(insee="79191").pk
    snapshot = tiny_snapshot()
    snapshot["communes"][3][1] = "Niort-en-Poitou"  # renamed
    snapshot["communes"][3][6] = 60000  # new population
    snapshot["communes"][4][4] = "200041317"  # Parthenay joins the CA du Niortais
    snapshot["epci"][0][4] = 130000

    report = geo_load_reference(user=None, snapshot=snapshot)

    assert report.created["communes"] == 0
    assert report.updated == {"regions": 1, "departements": 1, "epci": 1, "communes": 2}
    niort = Commune.objects.get(insee="79191")
    assert (niort.pk, niort.name, niort.population) == (niort_pk, "Niort-en-Poitou", 60000)
    assert niort.search_name == "niort en poitou"
    assert Commune.objects.get(insee="79202").epci.siren == "200041317"
    assert Epci.objects.get(siren="200041317").population == 130000


def test_membership_change_rebuilds_perimeters():
    load_tiny_geography()
    perimeter = perimeter_create(
        user=None, name="Agglo de Niort", units=[Unit("epci", "200041317")]
    )
    assert perimeter.commune_count == 2
    snapshot = tiny_snapshot()
    snapshot["communes"][4][4] = "200041317"

    report = geo_load_reference(user=None, snapshot=snapshot)

    assert report.perimeters_rebuilt == 1
    perimeter.refresh_from_db()
    assert perimeter.commune_count == 3
    assert perimeter.population == 59854 + 7221 + 10140


def test_units_missing_from_a_new_snapshot_are_kept_and_counted():
    load_tiny_geography()
    snapshot = tiny_snapshot()
    del snapshot["communes"][0]

    report = geo_load_reference(user=None, snapshot=snapshot)

    assert report.stale["communes"] == 1
    assert Commune.objects.filter(insee="44109").exists()


def test_reference_is_loaded_tracks_the_snapshot_file(tmp_path):
    from essaim.geo.reference import snapshot_write

    path = tmp_path / "tiny.json.gz"
    snapshot_write(tiny_snapshot(), path)
    assert not geo_reference_is_loaded(path=path)
    geo_load_reference(user=None, path=path)
    assert geo_reference_is_loaded(path=path)
    assert not geo_reference_is_loaded(path=SNAPSHOT_PATH)


def test_load_rolls_back_entirely_on_bad_data():
    snapshot = tiny_snapshot()
    snapshot["communes"].append(["99999", "Nulle part", "00", "75", "", "", 1, []])

    with pytest.raises(KeyError):
        geo_load_reference(user=None, snapshot=snapshot)

    assert not Region.objects.exists()
    assert not Commune.objects.exists()


def test_fold_ignores_accents_case_and_punctuation():
    assert fold("Saint-Étienne-du-Rouvray") == "saint etienne du rouvray"
    assert fold("L'Haÿ-les-Roses") == "l hay les roses"
    assert fold("  Œuilly ") == "oeuilly"


def test_shipped_snapshot_has_the_expected_shape():
    snapshot = snapshot_read(SNAPSHOT_PATH)

    assert snapshot["source"]["package"] == "@etalab/decoupage-administratif"
    assert snapshot["source"]["version"] == "6.0.0"
    assert len(snapshot["regions"]) == 26
    assert len(snapshot["departements"]) == 109
    assert 1200 < len(snapshot["epci"]) < 1300
    assert 34000 < len(snapshot["communes"]) < 36000
    assert SNAPSHOT_PATH.stat().st_size < 3_000_000
    communes = {row[0]: row for row in snapshot["communes"]}
    assert communes["79191"][:5] == ["79191", "Niort", "79", "75", "200041317"]
    epci = {row[0]: row for row in snapshot["epci"]}
    assert epci["200041317"][1] == "CA du Niortais"
    departements = {row[0]: row for row in snapshot["departements"]}
    assert departements["79"][1:3] == ["Deux-Sèvres", "75"]
    regions = {row[0]: row for row in snapshot["regions"]}
    assert regions["75"][1] == "Nouvelle-Aquitaine"
    # Every commune's département, région and EPCI exist in the snapshot.
    assert all(row[2] in departements and row[3] in regions for row in communes.values())
    assert all(row[4] == "" or row[4] in epci for row in communes.values())
    ept = {row[1]: row for row in snapshot["ept"]}
    assert "93048" in ept["Est Ensemble"][2]  # Montreuil


def test_geo_load_command_loads_a_snapshot_file(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from essaim.geo.reference import snapshot_write

    path = tmp_path / "tiny.json.gz"
    snapshot_write(tiny_snapshot(), path)
    out = StringIO()
    call_command("geo_load", "--path", str(path), stdout=out)
    call_command("geo_load", "--path", str(path), stdout=out)

    first, second = out.getvalue().splitlines()
    assert "communes: +7 ~0" in first
    assert "communes: +0 ~0" in second
    assert Commune.objects.count() == 7
