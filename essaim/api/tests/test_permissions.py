"""The API's own endpoints answer about the caller only: ``/auth/me`` lists the caller's
memberships (through the permission vocabulary), never another programme's, and a superuser's
status is no role held in anybody's name."""

import pytest

from essaim.testing import other_programme, superuser

pytestmark = pytest.mark.django_db


def test_me_lists_the_callers_own_roles_only(client):
    first, second = other_programme("Premier"), other_programme("Second")
    client.force_login(first.admin)
    roles = client.get("/api/v1/auth/me").json()["roles"]
    assert [(r["role"], r["programme_id"]) for r in roles] == [
        ("programme_admin", first.programme.pk)
    ]
    assert second.programme.pk not in {r["programme_id"] for r in roles}


def test_me_shows_no_role_for_a_superusers_status(client):
    client.force_login(superuser())
    assert client.get("/api/v1/auth/me").json()["roles"] == []
