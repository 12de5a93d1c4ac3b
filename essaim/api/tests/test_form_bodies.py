"""The API takes JSON: a form-encoded or empty body is a clear 4xx, never a 500."""

import datetime

import pytest
from django.utils import timezone

from essaim.accounts.models import ApiToken
from essaim.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def bearer() -> str:
    raw, key_hash = ApiToken.new_key()
    ApiToken.objects.create(
        user=UserFactory(),
        name="form bodies",
        prefix=raw[4:12],
        key_hash=key_hash,
        access="write",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    return f"Bearer {raw}"


@pytest.mark.parametrize("body", [{"title": "Un projet"}, None])
def test_a_form_body_to_a_json_endpoint_is_refused_not_a_server_error(client, body):
    """A multipart form (the test client's default) was read as a form by the middlewares, and
    the API's parser then could not read the body: RawPostDataException, a 500."""
    response = client.post("/api/v1/projects", body or {}, HTTP_AUTHORIZATION=bearer())
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]
