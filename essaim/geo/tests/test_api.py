"""The geo API: public reads, 404 messages naming the code, query budgets on lists."""

import pytest

from essaim.geo.models import Perimeter
from essaim.geo.services import Unit, perimeter_create
from essaim.geo.tests.factories import CommuneFactory, DepartementFactory, EpciFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def nouvelle_aquitaine(geography):
    return perimeter_create(
        user=None, name="Région Nouvelle-Aquitaine", units=[Unit("region", "75")]
    )


def test_niort_is_in_deux_sevres_nouvelle_aquitaine_niortais_and_the_region_perimeter(
    client, nouvelle_aquitaine, django_assert_max_num_queries
):
    perimeter_create(user=None, name="Nantes Métropole", units=[Unit("epci", "244400404")])

    with django_assert_max_num_queries(2):
        response = client.get(f"{API}/geo/communes/79191")

    assert response.status_code == 200
    body = response.json()
    assert body["insee"] == "79191"
    assert body["name"] == "Niort"
    assert body["departement"] == {"code": "79", "name": "Deux-Sèvres"}
    assert body["region"] == {"code": "75", "name": "Nouvelle-Aquitaine"}
    assert body["epci"] == {"siren": "200041317", "name": "CA du Niortais", "kind": "CA"}
    assert body["perimeters"] == [
        {
            "id": nouvelle_aquitaine.pk,
            "slug": "region-nouvelle-aquitaine",
            "name": "Région Nouvelle-Aquitaine",
            "url": "/geo/perimetres/region-nouvelle-aquitaine/",
        }
    ]


def test_unknown_insee_code_is_a_404_naming_the_code(client, geography):
    response = client.get(f"{API}/geo/communes/99999")

    assert response.status_code == 404
    assert "99999" in response.json()["detail"]


def test_regions_and_departements(client, geography):
    regions = client.get(f"{API}/geo/regions").json()
    assert [(r["code"], r["name"]) for r in regions] == [
        ("52", "Pays de la Loire"),
        ("75", "Nouvelle-Aquitaine"),
    ]
    assert regions[1]["population"] == 7221 + 59854 + 10140 + 10289 + 89916

    departements = client.get(f"{API}/geo/departements", {"region": "75"}).json()
    assert [d["code"] for d in departements] == ["79", "86"]
    assert departements[0]["region"] == {"code": "75", "name": "Nouvelle-Aquitaine"}


def test_unknown_region_filter_is_a_422_naming_the_field(client, geography):
    response = client.get(f"{API}/geo/departements", {"region": "99"})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "region", "message": "Région inconnue : « 99 »."}
    ]


def test_epci_search_ignores_accents_and_case(client, geography):
    body = client.get(f"{API}/geo/epci", {"q": "gatine"}).json()
    assert [e["siren"] for e in body["items"]] == ["200041333"]
    assert client.get(f"{API}/geo/epci", {"q": "2000413"}).json()["count"] == 2


def test_commune_search_by_name_code_and_departement(client, geography):
    by_name = client.get(f"{API}/geo/communes", {"q": "REZE"}).json()
    assert [c["insee"] for c in by_name["items"]] == ["44143"]
    by_code = client.get(f"{API}/geo/communes", {"q": "791"}).json()
    assert [c["insee"] for c in by_code["items"]] == ["79191"]
    in_86 = client.get(f"{API}/geo/communes", {"departement": "86"}).json()
    assert in_86["count"] == 2
    bad = client.get(f"{API}/geo/communes", {"departement": "00"})
    assert bad.status_code == 422
    assert "00" in bad.json()["detail"]


def test_perimeter_detail_and_its_communes(client, nouvelle_aquitaine):
    perimeter = perimeter_create(
        user=None,
        name="Deux-Sèvres sans Niort",
        units=[Unit("departement", "79"), Unit("commune", "79191", excluded=True)],
    )

    body = client.get(f"{API}/geo/perimeters/{perimeter.pk}").json()

    assert body["commune_count"] == 2
    assert body["population"] == 7221 + 10140
    assert body["units"] == [
        {
            "kind": "departement",
            "kind_label": "département",
            "code": "79",
            "name": "Deux-Sèvres",
            "excluded": False,
        },
        {
            "kind": "commune",
            "kind_label": "commune",
            "code": "79191",
            "name": "Niort",
            "excluded": True,
        },
    ]
    communes = client.get(body["communes_url"]).json()
    assert [c["insee"] for c in communes["items"]] == ["79081", "79202"]
    listing = client.get(f"{API}/geo/perimeters").json()
    assert [p["name"] for p in listing["items"]] == [
        "Deux-Sèvres sans Niort",
        "Région Nouvelle-Aquitaine",
    ]


def test_unknown_perimeter_is_a_404_naming_the_id(client, db):
    for path in ("/geo/perimeters/424242", "/geo/perimeters/424242/communes"):
        response = client.get(API + path)
        assert response.status_code == 404
        assert "424242" in response.json()["detail"]


def test_reads_are_public_and_the_same_for_everyone(client, nouvelle_aquitaine, user):
    anonymous = client.get(f"{API}/geo/communes/79191").json()
    client.force_login(user)
    logged_in = client.get(f"{API}/geo/communes/79191").json()
    assert anonymous == logged_in
    bad_token = client.get(f"{API}/geo/communes/79191", headers={"authorization": "Bearer nope"})
    assert bad_token.status_code == 401


def test_an_empty_write_names_the_missing_fields(client, nouvelle_aquitaine, programme_admin):
    """Writes are the services' (``test_api_writes``): an empty body builds nothing."""
    client.force_login(programme_admin)
    response = client.post(f"{API}/geo/perimeters", {}, content_type="application/json")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"name", "units"}
    assert Perimeter.objects.count() == 1


def test_list_endpoints_have_a_bounded_number_of_queries(client, db, django_assert_max_num_queries):
    departement = DepartementFactory()
    epci = EpciFactory()
    CommuneFactory.create_batch(60, departement=departement, epci=epci)
    EpciFactory.create_batch(60)
    perimeter = perimeter_create(
        user=None, name="Grand", units=[Unit("departement", departement.code)]
    )
    for path, params in (
        ("/geo/regions", {}),
        ("/geo/departements", {}),
        ("/geo/epci", {}),
        ("/geo/communes", {}),
        ("/geo/communes", {"q": "commune", "departement": departement.code}),
        ("/geo/perimeters", {}),
        (f"/geo/perimeters/{perimeter.pk}", {}),
        (f"/geo/perimeters/{perimeter.pk}/communes", {}),
    ):
        with django_assert_max_num_queries(6):
            response = client.get(API + path, params)
        assert response.status_code == 200, path
    assert client.get(f"{API}/geo/perimeters/{perimeter.pk}/communes").json()["count"] == 60
