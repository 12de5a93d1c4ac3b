"""GET /api/v1/organisations and /api/v1/organisations/{id}: same search and filters as the
directory, public people only, partnerships both ways, collectives, JSON 404/422."""

import pytest

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory
from essaim.actors.models import Organisation, OrganisationKind
from essaim.actors.tests.factories import (
    CollectiveMemberFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    commune,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/organisations"


def test_list_searches_and_paginates(client):
    OrganisationFactory(name="France Active", is_ess=True)
    OrganisationFactory(name="France Active Normandie", is_ess=True)
    OrganisationFactory(name="Bpifrance", kind=OrganisationKind.FINANCER)
    response = client.get(LIST, {"q": "france active"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["name"] for item in body["items"]] == ["France Active", "France Active Normandie"]
    assert body["items"][0]["url"].startswith("/annuaire/organisations/")
    assert body["items"][0]["kind_label"] == "association"


def test_list_filters(client):
    niort = commune()
    OrganisationFactory(name="A", commune=niort, esus_approved=True, is_ess=True)
    OrganisationFactory(name="B", kind=OrganisationKind.FINANCER)

    def names(**params):
        return [item["name"] for item in client.get(LIST, params).json()["items"]]

    assert names(region="75") == ["A"]
    assert names(kind="financer") == ["B"]
    assert names(ess="true") == ["A"]
    assert names(ess="false") == ["B"]
    assert names(esus="true") == ["A"]
    item = client.get(LIST, {"region": "75"}).json()["items"][0]
    assert item["commune"] == {"insee": "79191", "name": "Niort"}
    assert item["region"] == {"code": "75", "name": "Nouvelle-Aquitaine"}


def test_list_bad_filters_are_422_naming_the_field(client):
    response = client.get(LIST, {"kind": "spaceship"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"
    commune()
    response = client.get(LIST, {"region": "99"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "region", "message": "Région inconnue : « 99 »."}
    ]


def test_list_query_budget(client, django_assert_max_num_queries):
    niort = commune()
    Organisation.objects.bulk_create(
        Organisation(name=f"Org {i:03d}", kind=OrganisationKind.ASSOCIATION, commune=niort)
        for i in range(220)
    )
    with django_assert_max_num_queries(3):
        response = client.get(LIST, {"page": 2})
    body = response.json()
    assert body["count"] == 220
    assert len(body["items"]) == 50
    assert body["items"][0]["name"] == "Org 050"


def test_detail(client):
    organisation = OrganisationFactory(name="France Active Normandie", legal_category="9220")
    PersonFactory(organisation=organisation, first_name="Alice", is_public=True)
    PersonFactory(organisation=organisation, first_name="Bob", is_public=False)
    PartnershipFactory(
        source=organisation, target=OrganisationFactory(name="France Active"), kind="member_of"
    )
    PartnershipFactory(
        source=OrganisationFactory(name="Région Normandie"), target=organisation, kind="funds"
    )
    CollectiveMemberFactory(
        organisation=organisation, collective__name="Collectif normand", role="member"
    )
    response = client.get(f"{LIST}/{organisation.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["legal_category_label"] == "Association déclarée"
    assert [p["first_name"] for p in body["people"]] == ["Alice"]
    assert "email" not in body["people"][0]
    assert [(p["direction"], p["kind"], p["organisation_name"]) for p in body["partnerships"]] == [
        ("out", "member_of", "France Active"),
        ("in", "funds", "Région Normandie"),
    ]
    assert body["collectives"][0]["name"] == "Collectif normand"
    assert body["collectives"][0]["role_label"] == "membre"


def test_detail_shows_private_people_to_own_members(client):
    organisation = OrganisationFactory()
    PersonFactory(organisation=organisation, first_name="Bob", is_public=False)
    user = MembershipFactory(role=Role.FINANCER, organisation=organisation, programme=None).user
    client.force_login(user)
    assert [p["first_name"] for p in client.get(f"{LIST}/{organisation.pk}").json()["people"]] == [
        "Bob"
    ]


def test_detail_unknown_id_is_404_naming_it(client):
    response = client.get(f"{LIST}/424242")
    assert response.status_code == 404
    assert "424242" in response.json()["detail"]


def test_openapi_documents_the_filters(client):
    schema = client.get("/api/v1/openapi.json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/organisations"]["get"]["parameters"]}
    assert {"q", "region", "kind", "ess", "esus", "page"} <= parameters


def test_bearer_token_sees_what_its_user_sees_in_the_pages(client):
    from essaim.accounts.services import api_token_create

    organisation = OrganisationFactory()
    PersonFactory(organisation=organisation, first_name="Bob", is_public=False)
    member = MembershipFactory(role=Role.COMPANY, organisation=organisation, programme=None).user
    stranger = MembershipFactory(
        role=Role.COMPANY, organisation=OrganisationFactory(), programme=None
    ).user
    for user, expected in ((member, ["Bob"]), (stranger, [])):
        _token, raw = api_token_create(user=user)
        response = client.get(
            f"{LIST}/{organisation.pk}", headers={"Authorization": f"Bearer {raw}"}
        )
        assert [p["first_name"] for p in response.json()["people"]] == expected
    response = client.get(LIST, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
