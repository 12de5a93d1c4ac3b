"""API tokens narrowed by their owner: read-only tokens, tokens limited to one programme, and
the per-token (and per anonymous IP address) rate limit with its 429 answer."""

import pytest
from django.core.exceptions import ValidationError

from essaim.accounts import permissions
from essaim.accounts.models import ApiToken, Role
from essaim.accounts.services import api_token_create
from essaim.accounts.tests.factories import MembershipFactory, UserFactory
from essaim.calls.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

ME_URL = "/api/v1/auth/me"
TOKEN_URL = "/api/v1/auth/token"


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def two_programmes():
    staff = UserFactory(email="camille@exemple.fr")
    first = ProgrammeFactory(slug="premier", name="Premier programme")
    second = ProgrammeFactory(slug="second", name="Second programme")
    MembershipFactory(user=staff, role=Role.PROGRAMME_ADMIN, programme=first)
    MembershipFactory(user=staff, role=Role.INSTRUCTOR, programme=second)
    return staff, first, second


class TestReadOnly:
    def test_reads_but_every_write_is_refused_saying_why(self, client):
        _token, key = api_token_create(user=UserFactory(), access="read")
        assert client.get(ME_URL, headers=bearer(key)).status_code == 200
        response = client.post(
            "/api/v1/measurements", {}, content_type="application/json", headers=bearer(key)
        )
        assert response.status_code == 403
        assert "lecture seule" in response.json()["detail"]

    def test_it_may_still_revoke_itself(self, client):
        token, key = api_token_create(user=UserFactory(), access="read")
        assert client.delete(TOKEN_URL, headers=bearer(key)).status_code == 204
        token.refresh_from_db()
        assert token.revoked_at is not None

    def test_asked_for_through_the_api(self, client):
        user = UserFactory(email="dominique@exemple.fr")
        response = client.post(
            TOKEN_URL,
            {"email": user.email, "password": "secret-password", "access": "read"},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["access"] == "read"
        assert ApiToken.objects.get().access == "read"


class TestProgrammeLimit:
    def test_roles_in_other_programmes_do_not_come_with_the_token(self, client, two_programmes):
        staff, first, _second = two_programmes
        _token, key = api_token_create(user=staff, programme_id=first.pk)
        roles = client.get(ME_URL, headers=bearer(key)).json()["roles"]
        assert [(r["role"], r["programme_id"]) for r in roles] == [("programme_admin", first.pk)]
        _token, unlimited = api_token_create(user=staff)
        assert len(client.get(ME_URL, headers=bearer(unlimited)).json()["roles"]) == 2

    def test_a_limited_token_does_not_carry_superuser_status(self, two_programmes):
        staff, first, _second = two_programmes
        staff.is_superuser = True
        staff.save()
        _token, key = api_token_create(user=staff, programme_id=first.pk)
        limited = ApiToken.objects.get_user_for(key)
        assert not permissions.is_superuser(limited)
        assert permissions.staff_programmes(limited).ids == {first.pk}
        _token, key = api_token_create(user=staff)
        assert permissions.is_superuser(ApiToken.objects.get_user_for(key))

    def test_only_a_programme_where_the_user_has_a_role(self, two_programmes):
        _staff, first, _second = two_programmes
        stranger = UserFactory()
        with pytest.raises(ValidationError) as refused:
            api_token_create(user=stranger, programme_id=first.pk)
        assert "programme" in refused.value.message_dict
        assert not ApiToken.objects.filter(user=stranger).exists()


class TestRateLimit:
    def test_past_the_limit_429_with_retry_after_for_that_token_only(self, client, settings):
        settings.ESSAIM_API_RATE_LIMIT = (3, 60)
        user = UserFactory()
        _token, key = api_token_create(user=user)
        for _ in range(3):
            assert client.get(ME_URL, headers=bearer(key)).status_code == 200
        refused = client.get(ME_URL, headers=bearer(key))
        assert refused.status_code == 429
        assert 1 <= int(refused["Retry-After"]) <= 60
        assert "au plus 3 par 60 secondes" in refused.json()["detail"]
        _other, other_key = api_token_create(user=user)
        assert client.get(ME_URL, headers=bearer(other_key)).status_code == 200

    def test_anonymous_calls_are_counted_per_ip_address(self, client, settings):
        settings.ESSAIM_API_ANONYMOUS_RATE_LIMIT = (2, 60)
        assert client.get("/api/v1/labels").status_code == 200
        assert client.get("/api/v1/labels").status_code == 200
        assert client.get("/api/v1/labels").status_code == 429
        assert client.get("/api/v1/labels", REMOTE_ADDR="10.1.2.3").status_code == 200


class TestTokensPage:
    def test_creates_a_read_only_token_limited_to_a_programme(
        self, client, two_programmes, django_assert_max_num_queries
    ):
        staff, first, second = two_programmes
        client.force_login(staff)
        with django_assert_max_num_queries(12):
            page = client.get("/comptes/jetons/")
        assert page.status_code == 200
        assert "Premier programme" in page.content.decode()
        response = client.post(
            "/comptes/jetons/", {"name": "export", "access": "read", "programme": second.pk}
        )
        assert response.status_code == 200
        token = ApiToken.objects.get(user=staff)
        assert (token.access, token.programme_id) == ("read", second.pk)
        assert "Second programme" in response.content.decode()

    def test_a_programme_without_a_role_is_refused_naming_the_field(self, client, two_programmes):
        _staff, first, _second = two_programmes
        stranger = UserFactory()
        client.force_login(stranger)
        response = client.post(
            "/comptes/jetons/", {"name": "x", "access": "write", "programme": first.pk}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["programme"]
        assert not ApiToken.objects.filter(user=stranger).exists()
