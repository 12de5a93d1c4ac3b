"""The public perimeter page and the official-unit search for pickers."""

import pytest
from django.urls import reverse

from essaim.core.models import HistoryEvent
from essaim.geo.models import Perimeter, PerimeterCommune
from essaim.geo.services import Unit, perimeter_create
from essaim.geo.tests.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region_75(geography):
    return perimeter_create(
        user=None,
        name="Région Nouvelle-Aquitaine",
        units=[Unit("region", "75"), Unit("commune", "86194", excluded=True)],
        description="La région Nouvelle-Aquitaine (75).",
    )


def page(perimeter, **params):
    return reverse("geo:perimeter_detail", args=[perimeter.slug])


def test_perimeter_page_shows_units_population_count_and_communes(client, region_75):
    response = client.get(page(region_75))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Région Nouvelle-Aquitaine" in html
    assert "Nouvelle-Aquitaine</strong>" in html
    assert "Poitiers</strong>" in html  # the excluded unit, by name
    assert 'id="perimeter-commune-count">4<' in html
    for name in ("Niort", "Chauray", "Parthenay", "Buxerolles"):
        assert f"<td>{name}</td>" in html
    assert "<td>Poitiers</td>" not in html
    assert "CA du Niortais" in html
    assert "Aucun collectif" in html
    assert 'id="perimeter-history"' not in html


@pytest.mark.parametrize("who", ["anonymous", "user", "project_holder"])
def test_perimeter_page_is_public_and_hides_history_from_non_staff(client, region_75, who, request):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(page(region_75))
    assert response.status_code == 200
    assert "Historique" not in response.content.decode()


def test_programme_staff_see_the_history(client, region_75, programme_admin):
    client.force_login(programme_admin)
    html = client.get(page(region_75)).content.decode()
    assert 'id="perimeter-history"' in html
    assert "création" in html


def test_unknown_perimeter_is_404(client, db):
    assert client.get("/geo/perimetres/nulle-part/").status_code == 404


def test_perimeter_page_lists_collectives_using_it(client, region_75):
    from essaim.actors.models import Collective

    Collective.objects.create(name="Collectif Nouvelle-Aquitaine", perimeter=region_75)
    html = client.get(page(region_75)).content.decode()
    assert "Collectif porteur : Collectif Nouvelle-Aquitaine" in html


def test_perimeter_page_has_a_bounded_number_of_queries(client, db, django_assert_max_num_queries):
    departement = DepartementFactory()
    CommuneFactory.create_batch(120, departement=departement)
    perimeter = perimeter_create(
        user=None, name="Grand", units=[Unit("departement", departement.code)]
    )
    assert perimeter.commune_count == 120

    for number in ("1", "3"):
        with django_assert_max_num_queries(9):
            response = client.get(page(perimeter), {"page": number})
        assert response.status_code == 200
    assert "Communes du périmètre (page 3 sur 3)" in response.content.decode()


def test_page_does_not_change_anything(client, region_75):
    before = (Perimeter.objects.count(), PerimeterCommune.objects.count())
    history = HistoryEvent.objects.count()
    client.get(page(region_75))
    client.post(page(region_75))
    assert (Perimeter.objects.count(), PerimeterCommune.objects.count()) == before
    assert HistoryEvent.objects.count() == history


SEARCH = "/geo/recherche"


def test_search_answers_an_html_fragment_of_units(client, geography):
    response = client.get(SEARCH, {"q": "niort"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-geo-unit-kind="commune"' in html
    assert 'data-geo-unit-code="79191"' in html
    assert 'data-geo-unit-code="200041317"' in html  # CA du Niortais


def test_search_answers_json_when_asked(client, geography):
    response = client.get(
        SEARCH,
        {"q": "deux sevres", "kinds": "departement,commune"},
        headers={"accept": "application/json"},
    )

    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "kind": "departement",
                "kind_label": "département",
                "code": "79",
                "name": "Deux-Sèvres",
                "context": "Nouvelle-Aquitaine",
            }
        ]
    }


def test_search_by_kind_and_code(client, geography):
    def codes(**params):
        response = client.get(SEARCH, params, headers={"accept": "application/json"})
        return [(r["kind"], r["code"]) for r in response.json()["results"]]

    assert codes(q="nouvelle", kinds="region") == [("region", "75")]
    assert codes(q="Poitiers", kinds="commune,epci") == [
        ("epci", "200069854"),
        ("commune", "86194"),
    ]
    assert codes(q="86", kinds="departement") == [("departement", "86")]
    assert codes(q="7919", kinds="commune") == [("commune", "79191")]
    assert codes(q="n", kinds="commune") == []  # too short


def test_search_refuses_unknown_kinds_with_a_message(client, geography):
    response = client.get(SEARCH, {"q": "niort", "kinds": "canton"})
    assert response.status_code == 400
    assert "canton" in response.content.decode()
    json_response = client.get(
        SEARCH, {"q": "niort", "kinds": "canton"}, headers={"accept": "application/json"}
    )
    assert json_response.json()["errors"][0]["field"] == "kinds"


def test_search_has_one_query_per_kind(client, geography, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get(SEARCH, {"q": "ni"})
