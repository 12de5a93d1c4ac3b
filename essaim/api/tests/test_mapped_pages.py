"""A list endpoint builds the answers of the page it serves only: with 100,000 applications the
staff's `/api/v1/applications` took 55 s building every answer before keeping 50 (national data
set), 0.5 s once mapped."""

import pytest

from essaim.calls import api as calls_api
from essaim.calls.tests.factories import CallFactory, ProgrammeFactory
from essaim.core.api.pagination import mapped

pytestmark = pytest.mark.django_db


def test_only_the_served_page_is_turned_into_answers(client, monkeypatch):
    programme = ProgrammeFactory()
    CallFactory.create_batch(12, programme=programme)
    built = []
    call_out = calls_api._call_out

    def counting(call):
        built.append(call.pk)
        return call_out(call)

    monkeypatch.setattr(calls_api, "_call_out", counting)
    response = client.get("/api/v1/calls", {"page_size": 5, "page": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 12
    assert len(body["items"]) == 5
    assert len(built) == 5


def test_a_page_is_one_limited_query_and_a_count(django_assert_num_queries):
    programme = ProgrammeFactory()
    CallFactory.create_batch(7, programme=programme)
    rows = mapped(programme.calls.order_by("pk"), lambda call: call.title)
    with django_assert_num_queries(1):
        assert len(rows[2:4]) == 2
    with django_assert_num_queries(1):
        assert rows.all().count() == 7
