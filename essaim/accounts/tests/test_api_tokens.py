"""/api/v1/auth/tokens: each caller lists and revokes their own tokens only."""

import pytest

from essaim.accounts.models import ApiToken
from essaim.accounts.services import api_token_create
from essaim.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_list_and_revoke_own_tokens_only(client):
    owner, stranger = UserFactory(), UserFactory()
    current, key = api_token_create(user=owner, name="script")
    other, _key = api_token_create(user=owner, name="ancien", access="read")
    foreign, foreign_key = api_token_create(user=stranger)
    _read, read_key = api_token_create(user=owner, access="read")

    listed = client.get("/api/v1/auth/tokens", headers=bearer(key)).json()["items"]
    assert {t["id"] for t in listed} == {current.pk, other.pk, _read.pk}
    assert [t["current"] for t in listed if t["id"] == current.pk] == [True]
    assert all("key_hash" not in t for t in listed)

    assert (
        client.delete(f"/api/v1/auth/tokens/{foreign.pk}", headers=bearer(key)).status_code == 404
    )
    assert client.delete(f"/api/v1/auth/tokens/{other.pk}").status_code == 401
    refused = client.delete(f"/api/v1/auth/tokens/{other.pk}", headers=bearer(read_key))
    assert refused.status_code == 403
    assert client.delete(f"/api/v1/auth/tokens/{other.pk}", headers=bearer(key)).status_code == 204
    assert ApiToken.objects.usable().filter(user=owner).count() == 2
    assert ApiToken.objects.usable().filter(pk=foreign.pk).exists()
    assert client.get("/api/v1/auth/tokens", headers=bearer(foreign_key)).json()["count"] == 1
