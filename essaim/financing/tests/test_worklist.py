"""The financer's requests as a worklist: tabs and counts by who the request waits on, oldest
first, the applicant's contact, filters by instrument and territory (bounded), query budget."""

import pytest
from django.test import Client

from essaim.financing.models import FinancingRequest
from essaim.financing.workflow import RequestStatus

pytestmark = pytest.mark.django_db
LIST = "/financement/demandes/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(world, instrument, status=RequestStatus.RECEIVED, project=None, **kwargs):
    return FinancingRequest.objects.create(
        project=project or world.supermarket,
        instrument=world.instruments[instrument],
        amount=kwargs.pop("amount", 10_000),
        purpose="Local",
        sent_by=world.holder,
        terms={},
        status=status,
        granted_amount=10_000 if status in {"granted", "disbursed"} else None,
        **kwargs,
    )


def keys(response):
    return [r.pk for r in response.context["page"]]


def counts(response):
    return {tab.key: tab.count for tab in response.context["worklist"].tabs}


@pytest.fixture
def pipeline(world):
    return {
        "received": send(world, "FISO #2"),
        "in_review": send(world, "FISO #2", RequestStatus.IN_REVIEW),
        "granted": send(world, "FISO #2", RequestStatus.GRANTED),
        "declined": send(world, "FISO #2", RequestStatus.DECLINED),
        "other": send(world, "Apport associatif France Active"),
    }


def test_financer_opens_on_the_requests_waiting_for_a_decision(world, pipeline):
    response = client_for(world.financer).get(LIST)
    assert response.status_code == 200
    # Oldest sent first: waiting longest.
    assert keys(response) == [pipeline["received"].pk, pipeline["in_review"].pk]
    assert counts(response) == {"a-traiter": 2, "suivis": 1, "traites": 1}
    suivis = client_for(world.financer).get(LIST, {"onglet": "suivis"})
    assert keys(suivis) == [pipeline["granted"].pk]


def test_the_holder_waits_on_the_financers(world, pipeline):
    response = client_for(world.holder).get(LIST)
    assert keys(response) == []
    assert counts(response) == {"a-traiter": 0, "suivis": 4, "traites": 1}


def test_list_and_request_page_show_the_applicants_contact(world, pipeline):
    client = client_for(world.financer)
    page = client.get(LIST).content.decode()
    assert world.holder.email in page and world.epicerie.name in page
    detail = client.get(pipeline["received"].get_absolute_url()).content.decode()
    assert f"mailto:{world.holder.email}" in detail


def test_filters_by_instrument_and_territory(world, pipeline):
    other_territory = send(world, "FISO #2", project=world.other_project)
    client = client_for(world.financer)
    fiso = world.instruments["FISO #2"]
    by_territory = client.get(LIST, {"territoire": world.other_project.perimeter_id})
    assert keys(by_territory) == [other_territory.pk]
    assert counts(by_territory) == {"a-traiter": 1, "suivis": 0, "traites": 0}
    staff = client_for(world.staff)
    by_instrument = staff.get(LIST, {"instrument": fiso.pk, "onglet": "suivis"})
    assert pipeline["other"].pk not in keys(by_instrument)
    assert pipeline["in_review"].pk in keys(by_instrument)
    # The tabs keep the filter.
    assert f"instrument={fiso.pk}" in by_instrument.context["worklist"].tabs[0].url


@pytest.mark.parametrize(
    "params",
    [
        {"instrument": "abc"},
        {"instrument": "9" * 40},
        {"territoire": "-1"},
        {"territoire": "99999"},
        {"onglet": "partout"},
        {"onglet": "traites", "page": "x"},
    ],
)
def test_bad_parameters_are_bounded(world, pipeline, params):
    response = client_for(world.financer).get(LIST, params)
    if params.get("page"):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert response.context["worklist"].tab == "a-traiter"
    # An unknown filter value is said on its field and left out.
    if "onglet" not in params:
        assert response.context["form"].errors
        assert counts(response)["a-traiter"] == 2


@pytest.mark.parametrize("size", [2, 20])
def test_query_budget_does_not_grow(world, size, django_assert_num_queries):
    for n in range(size):
        send(world, "FISO #2", [RequestStatus.RECEIVED, RequestStatus.GRANTED][n % 2])
    client = client_for(world.financer)
    client.get(LIST)
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(LIST).status_code == 200


LIST_QUERIES = 11
