"""Perimeters built and changed through the API (``POST``/``PATCH /geo/perimeters``): the same
services and rules as the pages — programme staff build; the creator changes, and once a label
uses the perimeter only its programme's admins — history recorded, bad input a 422 naming the
field."""

import json

import pytest
from django.test import Client

from essaim.core.models import HistoryEvent
from essaim.geo.history import PerimeterAction
from essaim.geo.models import Perimeter
from essaim.geo.tests import test_permissions

pytestmark = pytest.mark.django_db

API = "/api/v1/geo/perimeters"
# Two programmes, their people, a labelled perimeter (niortais) and a free one (gatine).
people = test_permissions.people


def send(method, user, url, body):
    client = Client()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def fields(response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def actions(perimeter) -> list[str]:
    return list(HistoryEvent.objects.for_object(perimeter).values_list("action", flat=True))


BODY = {
    "name": "Marais poitevin",
    "description": "Niort sans la Gâtine.",
    "units": [
        {"kind": "departement", "code": "79"},
        {"kind": "epci", "code": "200041333", "excluded": True},
    ],
}


def test_create_by_programme_staff(people):
    response = send("post", people.other_instructor, API, BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    perimeter = Perimeter.objects.get(pk=body["id"])
    assert (perimeter.slug, perimeter.created_by) == ("marais-poitevin", people.other_instructor)
    assert [(u["kind"], u["excluded"]) for u in body["units"]] == [
        ("departement", False),
        ("epci", True),
    ]
    assert body["commune_count"] == perimeter.commune_count > 0
    assert actions(perimeter) == [PerimeterAction.CREATED]


@pytest.mark.parametrize(
    ("who", "status"), [(None, 401), ("holder", 403), ("lead", 403), ("officer", 403)]
)
def test_create_refused(people, who, status):
    count = Perimeter.objects.count()
    response = send("post", getattr(people, who) if who else None, API, BODY)
    assert response.status_code == status
    assert Perimeter.objects.count() == count


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "Gâtine"}, "name"),  # its slug is taken
        ({"name": ""}, "name"),
        ({"units": []}, "units"),
        ({"units": [{"kind": "epci", "code": "999999999"}]}, "units"),
        ({"units": [{"kind": "canton", "code": "7901"}]}, "units.0.kind"),
        ({"units": [{"kind": "commune", "code": "79191", "excluded": True}]}, "units"),
    ],
)
def test_create_bad_input(people, change, field):
    count = Perimeter.objects.count()
    response = send("post", people.admin, API, {**BODY, **change})
    assert response.status_code == 422, response.content
    assert field in fields(response)
    assert Perimeter.objects.count() == count


def test_update_by_its_creator(people):
    gatine = people.gatine
    response = send(
        "patch",
        people.creator,
        f"{API}/{gatine.pk}",
        {"name": "Gâtine poitevine", "units": [{"kind": "commune", "code": "79191"}]},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Gâtine poitevine"
    assert body["description"] == "Bocage."  # not sent: kept
    assert [u["code"] for u in body["units"]] == ["79191"]
    gatine.refresh_from_db()
    assert (gatine.name, gatine.commune_count) == ("Gâtine poitevine", 1)
    event = HistoryEvent.objects.for_object(gatine).get(action=PerimeterAction.UPDATED)
    assert event.actor == people.creator
    assert event.payload["changes"]["name"] == ["Gâtine", "Gâtine poitevine"]


@pytest.mark.parametrize(
    ("who", "perimeter", "status"),
    [
        ("admin", "gatine", 403),  # another's perimeter
        ("other_instructor", "gatine", 403),
        ("holder", "gatine", 403),
        ("creator", "niortais", 403),  # labelled: only the label's programme admins
        ("other_admin", "niortais", 403),
        ("instructor", "niortais", 403),
        ("admin", "niortais", 200),
        ("superuser", "gatine", 200),
    ],
)
def test_update_who_may(people, who, perimeter, status):
    target = getattr(people, perimeter)
    before = target.name
    response = send("patch", getattr(people, who), f"{API}/{target.pk}", {"name": "Renommé"})
    assert response.status_code == status, response.content
    target.refresh_from_db()
    assert target.name == ("Renommé" if status == 200 else before)


@pytest.mark.parametrize(
    ("change", "field"),
    [({"name": None}, "name"), ({"units": None}, "units"), ({"units": []}, "units")],
)
def test_update_bad_input(people, change, field):
    response = send("patch", people.creator, f"{API}/{people.gatine.pk}", change)
    assert response.status_code == 422, response.content
    assert field in fields(response)
    assert PerimeterAction.UPDATED not in actions(people.gatine)


def test_update_unknown_is_a_404(people):
    assert send("patch", people.creator, f"{API}/999999", {"name": "X"}).status_code == 404
