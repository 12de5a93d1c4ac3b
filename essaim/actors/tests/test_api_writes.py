"""Organisations' writes through the API: create, change, confirm, add a person, declare a
partnership — the same services and rules as the pages, history recorded, strangers refused,
bad input a 422 naming the field, a second confirmation a 409."""

import json

import pytest
from django.test import Client

from essaim.actors.history import OrganisationAction
from essaim.actors.models import Organisation, Partnership, Person
from essaim.actors.tests import test_permissions
from essaim.actors.tests.factories import OrganisationFactory, PersonFactory, commune
from essaim.core.models import HistoryEvent

pytestmark = pytest.mark.django_db

API = "/api/v1/organisations"
NEW_SIRET = test_permissions.NEW_SIRET
register = test_permissions.register
# The two programmes, their people and the Épicerie of ``test_permissions``.
people = test_permissions.people


def send(method, user, url, body=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(
        url, data=json.dumps(body or {}), content_type="application/json"
    )


def actions(organisation) -> list[str]:
    return list(HistoryEvent.objects.for_object(organisation).values_list("action", flat=True))


def fields(response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def test_create_by_a_programme_admin(people):
    niort = commune()
    response = send(
        "post",
        people.admin,
        API,
        {
            "name": "Coopérative nouvelle",
            "kind": "association",
            "siret": NEW_SIRET,
            "commune": "79191",
            "is_ess": True,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["siren"] == NEW_SIRET[:9] and body["is_verified"] is True
    organisation = Organisation.objects.get(pk=body["id"])
    assert organisation.commune == niort and organisation.created_by == people.admin
    assert actions(organisation) == [OrganisationAction.CREATED]


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("lead", 403), ("holder", 403), ("instructor", 403), ("superuser", 201)],
)
def test_create_who_may(people, who, status):
    count = Organisation.objects.count()
    user = getattr(people, who) if who else None
    response = send("post", user, API, {"name": "Nouvelle", "kind": "association"})
    assert response.status_code == status, response.content
    assert Organisation.objects.count() == count + (status == 201)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "kind": "association"}, "name"),
        ({"name": "X", "kind": "club"}, "kind"),
        ({"name": "X", "kind": "association", "siret": "00000000000000"}, "siret"),
        ({"name": "X", "kind": "association", "commune": "00000"}, "commune"),
        ({"name": "X", "kind": "association", "legal_category": "0000"}, "legal_category"),
    ],
)
def test_create_bad_input_names_the_field(people, body, field):
    count = Organisation.objects.count()
    response = send("post", people.admin, API, body)
    assert response.status_code == 422, response.content
    assert field in fields(response)
    assert Organisation.objects.count() == count


def test_update_by_its_member_records_the_changes(people):
    url = f"{API}/{people.epicerie.pk}"
    response = send("patch", people.holder, url, {"acronym": "ECM", "website": None})
    assert response.status_code == 200, response.content
    assert response.json()["acronym"] == "ECM"
    people.epicerie.refresh_from_db()
    assert people.epicerie.acronym == "ECM"
    event = HistoryEvent.objects.for_object(people.epicerie).get(action=OrganisationAction.UPDATED)
    assert event.payload["changes"]["acronym"] == ["", "ECM"]


@pytest.mark.parametrize("who", ["other_holder", "admin", "other_admin", "lead", "other_lead"])
def test_update_refused_to_others(people, who):
    response = send("patch", getattr(people, who), f"{API}/{people.epicerie.pk}", {"name": "X"})
    assert response.status_code == 403
    people.epicerie.refresh_from_db()
    assert people.epicerie.name == "Épicerie coopérative"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"siren": "123"}, "siren"),
        ({"website": "pas une url"}, "website"),
    ],
)
def test_update_bad_input(people, body, field):
    response = send("patch", people.holder, f"{API}/{people.epicerie.pk}", body)
    assert response.status_code == 422, response.content
    assert field in fields(response)
    assert OrganisationAction.UPDATED not in actions(people.epicerie)


def test_verify_then_409(people):
    organisation = register(people)
    url = f"{API}/{organisation.pk}/verify"
    assert send("post", people.other_admin, url).status_code == 404  # not seen outside
    response = send("post", people.instructor, url)
    assert response.status_code == 200, response.content
    assert response.json()["is_verified"] is True
    organisation.refresh_from_db()
    assert organisation.verified_by == people.instructor
    assert OrganisationAction.VERIFIED in actions(organisation)
    again = send("post", people.instructor, url)
    assert again.status_code == 409
    assert "déjà confirmée" in again.json()["detail"]


def test_verify_refused_to_those_who_only_see_it(people):
    organisation = register(people)
    url = f"{API}/{organisation.pk}/verify"
    for user in (people.applicant, people.lead):
        assert send("post", user, url).status_code == 403
    organisation.refresh_from_db()
    assert organisation.verified_at is None


def test_person_add(people):
    response = send(
        "post",
        people.holder,
        f"{API}/{people.epicerie.pk}/people",
        {"first_name": "Anne", "last_name": "Roux", "email": "Anne@Example.org", "is_public": True},
    )
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert (person.organisation, person.email) == (people.epicerie, "anne@example.org")
    assert OrganisationAction.PERSON_ADDED in actions(people.epicerie)


def test_person_add_refused_and_bad_input(people):
    url = f"{API}/{people.epicerie.pk}/people"
    body = {"first_name": "Anne", "last_name": "Roux"}
    for user in (people.other_holder, people.admin, people.lead):
        assert send("post", user, url, body).status_code == 403
    response = send("post", people.holder, url, {**body, "email": "pas-un-courriel"})
    assert response.status_code == 422 and "email" in fields(response)
    response = send("post", people.holder, url, {"first_name": "Anne", "last_name": ""})
    assert response.status_code == 422 and "last_name" in fields(response)
    assert not Person.objects.filter(organisation=people.epicerie).exists()


def test_partnership_add_both_directions(people):
    other = OrganisationFactory(name="Réseau régional")
    mentor = PersonFactory(organisation=people.epicerie)
    url = f"{API}/{people.epicerie.pk}/partnerships"
    response = send(
        "post",
        people.holder,
        url,
        {
            "kind": "mentors",
            "organisation_id": other.pk,
            "person_id": mentor.pk,
            "started_on": "2025-01-01",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["source_id"], body["target_id"], body["person_id"]) == (
        people.epicerie.pk,
        other.pk,
        mentor.pk,
    )
    response = send(
        "post",
        people.holder,
        url,
        {"direction": "in", "kind": "funds", "organisation_id": other.pk},
    )
    assert response.status_code == 201, response.content
    assert response.json()["source_id"] == other.pk
    assert actions(other).count(OrganisationAction.PARTNERSHIP_ADDED) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "funds", "organisation_id": 999999}, "organisation_id"),
        ({"kind": "magic", "organisation_id": "@other"}, "kind"),
        ({"kind": "funds", "organisation_id": "@self"}, "organisation_id"),
        (
            {
                "kind": "funds",
                "organisation_id": "@other",
                "started_on": "2025-02-01",
                "ended_on": "2025-01-01",
            },
            "ended_on",
        ),
        ({"kind": "funds", "organisation_id": "@other", "person_id": 999999}, "person_id"),
        ({"kind": "funds", "organisation_id": "@other", "direction": "sideways"}, "direction"),
    ],
)
def test_partnership_bad_input(people, body, field):
    other = OrganisationFactory(name="Réseau régional")
    ids = {"@other": other.pk, "@self": people.epicerie.pk}
    body = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    response = send("post", people.holder, f"{API}/{people.epicerie.pk}/partnerships", body)
    assert response.status_code == 422, response.content
    assert field in fields(response)
    assert not Partnership.objects.exists()


def test_partnership_refused_to_strangers(people):
    other = OrganisationFactory(name="Réseau régional")
    url = f"{API}/{people.epicerie.pk}/partnerships"
    for user in (people.other_holder, people.admin, people.other_admin, people.lead):
        response = send("post", user, url, {"kind": "funds", "organisation_id": other.pk})
        assert response.status_code == 403
    # With an unconfirmed organisation the member does not see: as unknown.
    hidden = OrganisationFactory(unverified=True)
    response = send("post", people.holder, url, {"kind": "funds", "organisation_id": hidden.pk})
    assert response.status_code == 422 and "organisation_id" in fields(response)
    assert not Partnership.objects.exists()


def test_partnership_declared_only_from_ones_own_organisation(people):
    """As on the page: the other organisation's member declares it from their own one."""
    other = OrganisationFactory(name="Réseau régional")
    response = send(
        "post",
        people.holder,
        f"{API}/{other.pk}/partnerships",
        {"kind": "funds", "organisation_id": people.epicerie.pk, "direction": "in"},
    )
    assert response.status_code == 403
    assert not Partnership.objects.exists()


def test_blank_text_is_stripped_and_refused(people):
    response = send("patch", people.holder, f"{API}/{people.epicerie.pk}", {"name": "   "})
    assert response.status_code == 422 and "name" in fields(response)
    response = send("patch", people.holder, f"{API}/{people.epicerie.pk}", {"acronym": " EC "})
    assert response.status_code == 200 and response.json()["acronym"] == "EC"
