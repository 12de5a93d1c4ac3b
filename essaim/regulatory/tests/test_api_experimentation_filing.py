"""API: an experimentation request filed directly (``POST /experimentation-requests``), as on
the page ``regulatory:experimentation_new``: anyone signed in files one in an experimentation
call, for the first organisation they hold a project in; the form's fields, bounds and checks
(a 422 naming the field); a read-only token writes nothing; the same request sent ten times at
once with one ``Idempotency-Key`` files one request."""

import pytest
from django.db import connection
from django.test import Client

from essaim.core.models import HistoryEvent
from essaim.regulatory.models import ExperimentationRequest
from essaim.regulatory.tests.factories import (
    CallFactory,
    OrganisationFactory,
    PerimeterFactory,
    ProgrammeFactory,
    holder,
    officer,
)
from essaim.testing import bearer, other_programme, run_concurrently, table_state

URL = "/api/v1/experimentation-requests"
FIELDS = {
    "title": "Vendre en vrac sans pré-emballage",
    "project_title": "Épicerie du bourg",
    "derogation_asked": "Vendre du vrac sans pré-emballage",
    "rule_text": "Code de la consommation, R. 412-1",
    "rule_level": "decree",
    "duration_months": 24,
    "evaluation_plan": "Bilan sanitaire à 12 et 24 mois",
}


@pytest.fixture
def programme():
    return ProgrammeFactory(single_window=True)


@pytest.fixture
def call(programme):
    return CallFactory(experimentation=True, programme=programme)


def post(client, user, body, access="write", **headers):
    return client.post(
        URL, body, content_type="application/json", headers={**bearer(user, access), **headers}
    )


def field_of(response) -> str:
    assert response.status_code == 422, response.content
    return response.json()["errors"][0]["field"]


@pytest.mark.django_db
def test_a_project_holder_files_a_request_seen_by_the_calls_programme_only(client, programme, call):
    organisation = OrganisationFactory(name="Épicerie coopérative")
    applicant = holder(organisation)
    perimeter = PerimeterFactory()
    body = {**FIELDS, "call_id": call.pk, "perimeter_slug": perimeter.slug}
    response = post(client, applicant, body)
    assert response.status_code == 201, response.content
    created = response.json()
    obj = ExperimentationRequest.objects.get()
    assert created["id"] == obj.pk and created["number"] == obj.number
    assert (created["state"], created["call"], created["perimeter"]) == (
        "submitted",
        call.slug,
        perimeter.slug,
    )
    assert created["actions"] == []  # the applicant follows it; the officers decide
    # As the page: the applicant, their first organisation, the form's fields.
    assert (obj.applicant, obj.applicant_email, obj.organisation) == (
        applicant,
        applicant.email,
        organisation,
    )
    assert (obj.project_title, obj.rule_level, obj.duration_months, obj.ticket) == (
        "Épicerie du bourg",
        "decree",
        24,
        None,
    )
    assert HistoryEvent.objects.for_object(obj).filter(action="submit").count() == 1
    # The call's programme decides it; another programme's officer and admin do not see it.
    guichet = officer(programme)
    seen = client.get(f"{URL}/{obj.pk}", headers=bearer(guichet)).json()
    assert "review" in seen["actions"]
    stranger = other_programme()
    for outsider in (stranger.officer, stranger.admin, holder()):
        assert client.get(f"{URL}/{obj.pk}", headers=bearer(outsider)).status_code == 404
    # Another programme's staff may file too (anyone signed in, as on the page): their own.
    mine = post(client, stranger.admin, {**FIELDS, "call_id": call.pk})
    assert mine.status_code == 201 and mine.json()["perimeter"] is None
    assert ExperimentationRequest.objects.get(pk=mine.json()["id"]).organisation is None


@pytest.mark.django_db
def test_bad_input_is_a_422_naming_the_field_and_files_nothing(client, programme, call):
    applicant = holder()
    ordinary = CallFactory(programme=programme)  # not an experimentation call
    cases = {
        "call_id": {"call_id": ordinary.pk},
        "call_id ": {"call_id": 2_000_000_000},
        "call_id  ": {"call_id": 0},
        "title": {"title": "   "},
        "title ": {"title": "x" * 256},
        "project_title": {"project_title": "x" * 256},
        "perimeter_slug": {"perimeter_slug": "nulle-part"},
        "derogation_asked": {"derogation_asked": " \n "},
        "rule_text": {"rule_text": ""},
        "rule_text ": {"rule_text": "x" * 20_001},
        "rule_level": {"rule_level": "eu_law"},  # Union law: no experimentation
        "rule_level ": {"rule_level": "local_rule"},  # the local authority's own business
        "rule_level  ": {"rule_level": "constitution?"},
        "duration_months": {"duration_months": 61},
        "duration_months ": {"duration_months": 0},
        "duration_months  ": {"duration_months": "douze"},
        "evaluation_plan": {"evaluation_plan": "  "},
    }
    for field, change in cases.items():
        body = {**FIELDS, "call_id": call.pk, **change}
        assert field_of(post(client, applicant, body)) == field.strip(), change
    missing = dict(FIELDS)
    del missing["evaluation_plan"]
    assert field_of(post(client, applicant, {**missing, "call_id": call.pk})) == "evaluation_plan"
    assert not ExperimentationRequest.objects.exists()


@pytest.mark.django_db
def test_anonymous_and_read_only_tokens_file_nothing(client, call):
    read_only = bearer(holder(), "read")
    before = table_state(ExperimentationRequest)
    body = {**FIELDS, "call_id": call.pk}
    anonymous = client.post(URL, body, content_type="application/json")
    assert anonymous.status_code == 401
    refused = client.post(URL, body, content_type="application/json", headers=read_only)
    assert refused.status_code == 403
    assert table_state(ExperimentationRequest) == before


@pytest.mark.django_db
def test_the_same_key_sent_again_files_one_request(client, call):
    applicant = holder()
    body = {**FIELDS, "call_id": call.pk}
    first = post(client, applicant, body, **{"Idempotency-Key": "vrac-1"})
    again = post(client, applicant, body, **{"Idempotency-Key": "vrac-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert ExperimentationRequest.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
def test_ten_identical_requests_at_once_file_one(settings):
    settings.IDEMPOTENCY_WAIT_SECONDS = 60
    call = CallFactory(experimentation=True, programme=ProgrammeFactory(single_window=True))
    headers = {**bearer(holder()), "Idempotency-Key": "double-clic"}
    body = {**FIELDS, "call_id": call.pk}

    def send(_index):
        response = Client().post(URL, body, content_type="application/json", headers=headers)
        return response.status_code, response.content

    outcomes = run_concurrently(send, 10)
    assert [status for status, _body in outcomes] == [201] * 10, outcomes
    assert len({content for _status, content in outcomes}) == 1
    assert ExperimentationRequest.objects.count() == 1
    assert HistoryEvent.objects.filter(action="submit").count() == 1
