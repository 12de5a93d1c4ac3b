"""A new password cuts off whoever used the old one: API tokens are revoked and the person's
other sessions end."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from essaim.accounts.models import ApiToken
from essaim.accounts.services import api_token_create
from essaim.accounts.testing import sign_in
from essaim.accounts.tests.factories import UserFactory
from essaim.core.models import HistoryEvent

pytestmark = pytest.mark.django_db

DASHBOARD_URL = reverse("accounts:dashboard")
ME_URL = "/api/v1/auth/me"


def _bearer(key):
    return {"Authorization": f"Bearer {key}"}


def test_password_reset_revokes_api_tokens_and_sessions(client):
    user = UserFactory(email="camille@exemple.fr")
    _token, key = api_token_create(user=user, name="script")
    _other_token, other_key = api_token_create(user=UserFactory())
    elsewhere = Client()
    sign_in(elsewhere, user.email)
    assert elsewhere.get(DASHBOARD_URL).status_code == 200
    assert client.get(ME_URL, headers=_bearer(key)).status_code == 200

    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/comptes/mot-de-passe/nouveau/\S+)", mail.outbox[0].body)
    form_url = client.get(link[1]).url
    response = client.post(
        form_url, {"password1": "ruche-2019-neuve", "password2": "ruche-2019-neuve"}
    )
    assert response.status_code == 302

    # The token answers 401 saying it was revoked; the other session is over.
    response = client.get(ME_URL, headers=_bearer(key))
    assert response.status_code == 401
    assert "révoqué" in response.json()["detail"]
    assert not ApiToken.objects.usable().filter(user=user).exists()
    response = elsewhere.get(DASHBOARD_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    # Nobody else's tokens are touched; the revocation is in the person's history.
    assert client.get(ME_URL, headers=_bearer(other_key)).status_code == 200
    event = HistoryEvent.objects.for_object(user).get(action="api_tokens_revoked")
    assert event.payload == {"count": 1, "reason": "password_changed"}


def test_password_change_revokes_api_tokens_and_ends_other_sessions(client):
    user = UserFactory()
    _token, key = api_token_create(user=user)
    elsewhere = Client()
    sign_in(elsewhere, user.email)
    sign_in(client, user.email)

    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "secret-password",
            "password1": "ruche-2019-neuve",
            "password2": "ruche-2019-neuve",
        },
    )
    assert response.status_code == 302
    # This session stays signed in; the other one and the token are cut off.
    assert client.get(DASHBOARD_URL).status_code == 200
    assert elsewhere.get(DASHBOARD_URL).status_code == 302
    assert client.get(ME_URL, headers=_bearer(key)).status_code == 401


def test_a_wrong_current_password_changes_and_revokes_nothing(client):
    user = UserFactory()
    _token, key = api_token_create(user=user)
    sign_in(client, user.email)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "pas-le-bon",
            "password1": "ruche-2019-neuve",
            "password2": "ruche-2019-neuve",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("secret-password")
    assert client.get(ME_URL, headers=_bearer(key)).status_code == 200
