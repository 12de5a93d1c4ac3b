"""The programme team's perimeter list, creation and edit pages."""

import pytest
from django.urls import reverse

from essaim.core.models import HistoryEvent
from essaim.geo.models import Perimeter, PerimeterUnit
from essaim.geo.queries import communes_of
from essaim.geo.services import Unit, perimeter_create

pytestmark = pytest.mark.django_db

CREATE = reverse("geo:perimeter_create")


@pytest.fixture
def poitou(geography, programme_admin):
    """Built by the programme admin, who may therefore change it."""
    return perimeter_create(user=programme_admin, name="Poitou", units=[Unit("departement", "86")])


def test_list_is_public_and_offers_creation_to_staff_only(client, poitou, programme_admin, user):
    html = client.get(reverse("geo:perimeter_list")).content.decode()
    assert "Poitou" in html
    assert CREATE not in html
    client.force_login(user)
    assert CREATE not in client.get(reverse("geo:perimeter_list")).content.decode()
    client.force_login(programme_admin)
    assert CREATE in client.get(reverse("geo:perimeter_list")).content.decode()


def test_list_has_a_bounded_number_of_queries(client, geography, django_assert_max_num_queries):
    for number in range(60):
        perimeter_create(user=None, name=f"Périmètre {number}", units=[Unit("region", "75")])
    with django_assert_max_num_queries(3):
        response = client.get(reverse("geo:perimeter_list"), {"page": 2})
    assert response.status_code == 200


@pytest.mark.parametrize(("who", "status"), [("user", 403), ("project_holder", 403)])
def test_forms_are_forbidden_without_the_role_and_change_nothing(
    client, poitou, who, status, request
):
    client.force_login(request.getfixturevalue(who))
    update = reverse("geo:perimeter_update", args=[poitou.slug])
    assert client.get(CREATE).status_code == status
    assert client.get(update).status_code == status
    data = {"name": "Autre", "units": "region 52"}
    assert client.post(CREATE, data).status_code == status
    assert client.post(update, data).status_code == status
    assert list(Perimeter.objects.values_list("name", flat=True)) == ["Poitou"]
    assert list(PerimeterUnit.objects.values_list("code", flat=True)) == ["86"]


def test_anonymous_is_sent_to_the_login_page(client, poitou):
    response = client.get(CREATE)
    assert response.status_code == 302
    assert "/comptes/" in response["Location"]
    client.post(CREATE, {"name": "Autre", "units": "region 52"})
    assert Perimeter.objects.count() == 1


def test_staff_create_a_perimeter_from_unit_lines(client, geography, programme_admin):
    client.force_login(programme_admin)
    assert client.get(CREATE).status_code == 200

    response = client.post(
        CREATE,
        {
            "name": "Deux-Sèvres sauf Niort",
            "description": "Essai.",
            "units": "Département 79 — Deux-Sèvres\n\nsauf commune 79191 — Niort\n",
        },
    )

    perimeter = Perimeter.objects.get(slug="deux-sevres-sauf-niort")
    assert response.status_code == 302
    assert response["Location"] == reverse("geo:perimeter_detail", args=[perimeter.slug])
    assert sorted(communes_of(perimeter).values_list("insee", flat=True)) == ["79081", "79202"]
    assert HistoryEvent.objects.for_object(perimeter).get().actor == programme_admin


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ("canton 7901", "Ligne 1 : « canton 7901 » n&#x27;est pas de la forme"),
        ("region 75\nnimporte quoi ici", "Ligne 2"),
        ("commune 00000", "commune « 00000 » introuvable"),
        ("", "Ce champ est obligatoire"),
    ],
)
def test_bad_units_are_explained_and_the_input_kept(
    client, geography, programme_admin, units, message
):
    client.force_login(programme_admin)
    response = client.post(CREATE, {"name": "Essai", "units": units})

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Essai"' in html
    assert not Perimeter.objects.exists()


def test_duplicate_name_is_explained(client, poitou, programme_admin):
    client.force_login(programme_admin)
    response = client.post(CREATE, {"name": "Poitou", "units": "region 75"})
    assert response.status_code == 200
    assert "identifiant « poitou »" in response.content.decode()
    assert Perimeter.objects.count() == 1


def test_creator_edits_units_and_the_change_is_in_the_history(client, poitou, programme_admin):
    client.force_login(programme_admin)
    update = reverse("geo:perimeter_update", args=[poitou.slug])
    form_html = client.get(update).content.decode()
    assert "departement 86 — Vienne" in form_html

    response = client.post(
        update, {"name": "Poitou", "units": "departement 86\ndepartement 79\nsauf commune 79191"}
    )

    assert response.status_code == 302
    poitou.refresh_from_db()
    assert poitou.commune_count == 4
    event = HistoryEvent.objects.for_object(poitou).filter(action="perimeter.updated").get()
    assert event.actor == programme_admin
    assert event.payload["commune_count"] == [2, 4]
    page = client.get(reverse("geo:perimeter_detail", args=[poitou.slug])).content.decode()
    assert "Périmètre mis à jour." in page
    assert update in page
