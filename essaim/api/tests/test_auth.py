from datetime import timedelta

import pytest
from django.utils import timezone

from essaim.accounts.models import ApiToken, Role
from essaim.accounts.services import api_token_create, api_token_revoke
from essaim.accounts.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
ME_URL = "/api/v1/auth/me"


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


class TestTokenCreate:
    def test_email_and_password_give_a_token(self, client):
        user = UserFactory(email="camille@exemple.fr")
        response = client.post(
            TOKEN_URL,
            {"email": "Camille@Exemple.fr", "password": "secret-password", "name": "export"},
            content_type="application/json",
        )
        assert response.status_code == 201
        body = response.json()
        token = ApiToken.objects.get(user=user)
        assert body["token"].startswith("ess_" + token.prefix)
        assert body["prefix"] == token.prefix
        assert token.name == "export"
        assert token.expires_at > timezone.now() + timedelta(days=29)

    def test_wrong_password_is_401_and_creates_nothing(self, client):
        UserFactory(email="camille@exemple.fr")
        response = client.post(
            TOKEN_URL,
            {"email": "camille@exemple.fr", "password": "wrong"},
            content_type="application/json",
        )
        assert response.status_code == 401
        assert response.json() == {"detail": "Adresse électronique ou mot de passe incorrect."}
        assert ApiToken.objects.count() == 0

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"email": "pas-une-adresse", "password": "x"}, "email"),
            ({"email": "camille@exemple.fr"}, "password"),
            ({"email": "camille@exemple.fr", "password": ""}, "password"),
            ({"password": "x"}, "email"),
        ],
    )
    def test_bad_payload_is_422_naming_the_field(self, client, payload, field):
        response = client.post(TOKEN_URL, payload, content_type="application/json")
        assert response.status_code == 422
        body = response.json()
        assert [error["field"] for error in body["errors"]] == [field]
        assert body["detail"].startswith(f"{field}: ")
        assert ApiToken.objects.count() == 0

    def test_revoke_the_token_in_use(self, client):
        token, key = api_token_create(user=UserFactory())
        response = client.delete(TOKEN_URL, headers=bearer(key))
        assert response.status_code == 204
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert client.get(ME_URL, headers=bearer(key)).status_code == 401


class TestMe:
    def test_bearer_token(self, client):
        membership = MembershipFactory(
            user__email="camille@exemple.fr", role=Role.PROGRAMME_ADMIN, programme=_programme()
        )
        _token, key = api_token_create(user=membership.user)
        response = client.get(ME_URL, headers=bearer(key))
        assert response.status_code == 200
        body = response.json()
        assert body["email"] == "camille@exemple.fr"
        assert body["roles"] == [
            {
                "role": "programme_admin",
                "label": "administrateur du programme",
                "programme_id": membership.programme_id,
                "collective_id": None,
                "organisation_id": None,
            }
        ]

    def test_session(self, client):
        user = UserFactory()
        client.force_login(user)
        response = client.get(ME_URL)
        assert response.status_code == 200
        assert response.json()["roles"] == []

    def test_anonymous_is_401(self, client):
        response = client.get(ME_URL)
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentification requise."}

    def test_unknown_token_is_401(self, client):
        response = client.get(ME_URL, headers=bearer("ess_not-a-token"))
        assert response.status_code == 401
        assert "inconnu" in response.json()["detail"]

    def test_expired_token_is_401_saying_so(self, client):
        token, key = api_token_create(user=UserFactory())
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
        response = client.get(ME_URL, headers=bearer(key))
        assert response.status_code == 401
        assert "a expiré le" in response.json()["detail"]

    def test_revoked_token_is_401_saying_so(self, client):
        token, key = api_token_create(user=UserFactory())
        api_token_revoke(user=token.user, token=token)
        response = client.get(ME_URL, headers=bearer(key))
        assert response.status_code == 401
        assert "a été révoqué le" in response.json()["detail"]

    def test_token_of_a_deactivated_account_is_401(self, client):
        token, key = api_token_create(user=UserFactory())
        token.user.is_active = False
        token.user.save(update_fields=["is_active"])
        response = client.get(ME_URL, headers=bearer(key))
        assert response.status_code == 401
        assert "désactivé" in response.json()["detail"]

    def test_bad_scheme_is_401(self, client):
        response = client.get(ME_URL, headers={"Authorization": "Token abc"})
        assert response.status_code == 401
        assert "Bearer" in response.json()["detail"]

    def test_a_bad_token_never_falls_back_to_anonymous_on_public_endpoints(self, client):
        response = client.get("/api/v1/openapi.json", headers=bearer("ess_nope"))
        # The schema itself is public and ignores auth; an endpoint with optional auth refuses.
        assert response.status_code == 200
        me = client.get(ME_URL, headers=bearer("ess_nope"))
        assert me.status_code == 401

    def test_english_message_when_asked(self, client, settings):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.get(ME_URL)
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication required."}


def _programme():
    from essaim.calls.models import Programme

    return Programme.objects.create(
        slug="french-impact-territoires",
        name="French Impact — Territoires",
        label_name="Territoire French Impact",
    )


class TestTokenThrottling:
    def _attempt(self, client, password, email="camille@exemple.fr", **extra):
        return client.post(
            TOKEN_URL,
            {"email": email, "password": password, **extra},
            content_type="application/json",
        )

    def test_token_endpoint_answers_429_with_retry_after_after_30_failures(self, client, settings):
        UserFactory(email="camille@exemple.fr")
        statuses = [self._attempt(client, "wrong").status_code for _attempt in range(30)]
        assert statuses[0] == 401
        assert statuses[-1] == 429
        # The right password does not get through either, and the client is told when to retry.
        response = self._attempt(client, "secret-password")
        assert response.status_code == 429
        assert response["Retry-After"] == str(settings.ESSAIM_LOGIN_FAILURE_WINDOW)
        assert "Trop de tentatives" in response.json()["detail"]
        assert ApiToken.objects.count() == 0

    def test_failures_on_the_login_page_count_for_the_api_too(self, client, settings):
        UserFactory(email="camille@exemple.fr")
        for _attempt in range(settings.ESSAIM_LOGIN_FAILURES_PER_ADDRESS):
            client.post("/comptes/connexion/", {"login": "camille@exemple.fr", "password": "x"})
        assert self._attempt(client, "secret-password").status_code == 429
        assert ApiToken.objects.count() == 0

    def test_another_address_is_not_blocked(self, client, settings):
        UserFactory(email="camille@exemple.fr")
        UserFactory(email="lucas@exemple.fr")
        for _attempt in range(settings.ESSAIM_LOGIN_FAILURES_PER_ADDRESS + 1):
            self._attempt(client, "wrong")
        assert self._attempt(client, "secret-password", email="lucas@exemple.fr").status_code == 201


class TestTokenSecondFactor:
    def test_an_account_with_totp_must_send_its_code(self, client):
        from essaim.accounts.testing import give_totp, totp_code

        user = UserFactory(email="camille@exemple.fr")
        secret = give_totp(user)
        payload = {"email": "camille@exemple.fr", "password": "secret-password"}
        response = client.post(TOKEN_URL, payload, content_type="application/json")
        assert response.status_code == 401
        assert "code" in response.json()["detail"]
        response = client.post(
            TOKEN_URL, {**payload, "code": "000000"}, content_type="application/json"
        )
        assert response.status_code == 401
        assert ApiToken.objects.count() == 0
        response = client.post(
            TOKEN_URL, {**payload, "code": totp_code(secret)}, content_type="application/json"
        )
        assert response.status_code == 201
        assert ApiToken.objects.filter(user=user).count() == 1

    def test_staff_without_a_second_factor_gets_no_token_in_production_mode(self, client, settings):
        settings.ESSAIM_MFA_ENFORCED = True
        membership = MembershipFactory(
            user__email="camille@exemple.fr", role=Role.INSTRUCTOR, programme=_programme()
        )
        response = client.post(
            TOKEN_URL,
            {"email": membership.user.email, "password": "secret-password"},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert "double authentification" in response.json()["detail"]
        assert ApiToken.objects.count() == 0
