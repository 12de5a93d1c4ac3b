"""The list endpoints' filters: bounded (422 naming the parameter), narrowing, never widening the
caller's scope: another programme's rows never appear, whatever the filters say."""

import datetime

import pytest
from django.utils import timezone

from essaim.accounts.services import api_token_create
from essaim.api.urls import api
from essaim.applications.models import Application
from essaim.applications.tests.factories import ApplicationFactory, staff
from essaim.applications.workflow import Status
from essaim.calls.tests.factories import CallFactory, FormVersionFactory

pytestmark = pytest.mark.django_db


def auth(user) -> dict:
    _token, raw = api_token_create(user=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def test_every_query_parameter_is_bounded():
    """The mechanism for new endpoints: a query parameter states its bounds in the document (a
    string: a maximum length, an enumeration or a pattern; a number: a maximum)."""
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]

    def resolve(spec):
        while "$ref" in spec:
            spec = components[spec["$ref"].rsplit("/", 1)[-1]]
        return spec

    offenders = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                spec = resolve(parameter["schema"])
                for variant in [resolve(v) for v in spec.get("anyOf", [spec])]:
                    kind = variant.get("type")
                    bounded = {
                        "string": {"maxLength", "enum", "pattern", "format"},
                        "integer": {"maximum"},
                        "number": {"maximum"},
                    }.get(kind)
                    if bounded is not None and not bounded & set(variant):
                        offenders.append(f"{method.upper()} {path} {parameter['name']}")
    assert offenders == []


@pytest.fixture
def two_programmes():
    """Two programmes' applications (ours: two calls, one in review); an instructor of ours."""
    ours = FormVersionFactory()
    second = FormVersionFactory(call=CallFactory(programme=ours.call.programme))
    theirs = FormVersionFactory()
    mine = [
        ApplicationFactory(form_version=ours),
        ApplicationFactory(form_version=second, status=Status.SUBMITTED),
    ]
    foreign = ApplicationFactory(form_version=theirs, status=Status.SUBMITTED)
    old = timezone.now() - datetime.timedelta(days=30)
    Application.objects.filter(pk=mine[0].pk).update(updated_at=old)
    return mine, foreign, staff(ours.call.programme)


def _ids(client, headers, **params) -> list[int]:
    response = client.get("/api/v1/applications", params, headers=headers)
    assert response.status_code == 200, response.content
    return sorted(item["id"] for item in response.json()["items"])


def test_application_filters_narrow(client, two_programmes):
    mine, _foreign, instructor = two_programmes
    headers = auth(instructor)
    assert _ids(client, headers) == sorted(a.pk for a in mine)
    assert _ids(client, headers, status="submitted") == [mine[1].pk]
    assert _ids(client, headers, call_id=mine[0].call_id) == [mine[0].pk]
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert _ids(client, headers, updated_since=since) == [mine[1].pk]
    slug = mine[0].call.programme.slug
    assert _ids(client, headers, programme=slug) == sorted(a.pk for a in mine)


def test_application_filters_never_widen_the_scope(client, two_programmes):
    _mine, foreign, instructor = two_programmes
    headers = auth(instructor)
    assert _ids(client, headers, call_id=foreign.call_id) == []
    assert _ids(client, headers, programme=foreign.call.programme.slug) == []
    assert _ids(client, headers, programme=foreign.call.programme.slug, cursor="") == []
    assert foreign.pk not in _ids(client, headers, status="submitted")


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/applications", {"status": "bogus"}, "status"),
        ("/api/v1/applications", {"wave": "0"}, "wave"),
        ("/api/v1/applications", {"call_id": str(2**63)}, "call_id"),
        ("/api/v1/applications", {"programme": "x" * 101}, "programme"),
        ("/api/v1/applications", {"updated_since": "hier"}, "updated_since"),
        ("/api/v1/tickets", {"category": "bogus"}, "category"),
        ("/api/v1/tickets", {"q": "x" * 201}, "q"),
        ("/api/v1/labels", {"region": "x" * 101}, "region"),
        ("/api/v1/organisations", {"q": "x" * 201}, "q"),
        ("/api/v1/projects", {"territory": "x" * 101}, "territory"),
        ("/api/v1/calls", {"status": "bogus"}, "status"),
        ("/api/v1/applications", {"cursor": "x" * 3000}, "cursor"),
    ],
)
def test_a_filter_out_of_bounds_is_a_422_naming_it(client, two_programmes, path, params, field):
    _mine, _foreign, instructor = two_programmes
    response = client.get(path, params, headers=auth(instructor))
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == [field]
