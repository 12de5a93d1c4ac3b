from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthz_503_with_the_reason_when_the_database_is_unreachable(client):
    with mock.patch("essaim.core.views.connection") as connection:
        cursor = connection.cursor.return_value.__enter__.return_value
        cursor.execute.side_effect = OperationalError("connection refused on 127.0.0.1:5432")
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "unreachable",
        "reason": "connection refused on 127.0.0.1:5432",
    }


def test_healthz_is_get_only(client):
    assert client.post("/healthz").status_code == 405
