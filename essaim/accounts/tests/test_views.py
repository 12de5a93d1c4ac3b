import re

import pytest
from django.core import mail
from django.urls import reverse

from essaim.accounts.models import ApiToken, Role
from essaim.accounts.services import api_token_create
from essaim.accounts.tests.factories import MembershipFactory, UserFactory
from essaim.core.models import HistoryEvent

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")
DASHBOARD_URL = reverse("accounts:dashboard")
TOKENS_URL = reverse("accounts:api_tokens")


def _login(client, email, password="secret-password"):
    return client.post(LOGIN_URL, {"login": email, "password": password})


class TestLogin:
    def test_by_email(self, client):
        user = UserFactory(email="camille@exemple.fr")
        response = _login(client, "camille@exemple.fr")
        assert response.status_code == 302
        assert response.url == DASHBOARD_URL
        assert client.session["_auth_user_id"] == str(user.pk)

    def test_email_is_case_insensitive(self, client):
        user = UserFactory(email="camille@exemple.fr")
        response = _login(client, "  Camille@EXEMPLE.fr ")
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)

    def test_wrong_password_says_so_and_keeps_the_email(self, client):
        UserFactory(email="camille@exemple.fr")
        response = _login(client, "camille@exemple.fr", "not-the-password")
        assert response.status_code == 200
        content = response.content.decode()
        assert "Adresse électronique ou mot de passe incorrect." in content
        assert 'value="camille@exemple.fr"' in content
        assert "_auth_user_id" not in client.session

    def test_inactive_account_cannot_sign_in(self, client):
        UserFactory(email="parti@exemple.fr", is_active=False)
        response = _login(client, "parti@exemple.fr")
        assert response.status_code == 302
        assert response.url == reverse("account_inactive")
        assert "_auth_user_id" not in client.session

    def test_login_page_is_public_and_french(self, client):
        response = client.get(LOGIN_URL, headers={"accept-language": "en"})
        assert response.status_code == 200
        assert "Se connecter à Essaim" in response.content.decode()

    def test_next_is_followed(self, client):
        UserFactory(email="camille@exemple.fr")
        response = client.post(
            LOGIN_URL,
            {"login": "camille@exemple.fr", "password": "secret-password", "next": TOKENS_URL},
        )
        assert response.url == TOKENS_URL

    def test_logout_needs_post_and_ends_the_session(self, client):
        client.force_login(UserFactory())
        response = client.post(reverse("accounts:logout"))
        assert response.status_code == 302
        assert response.url == reverse("portal:home")
        assert "_auth_user_id" not in client.session
        assert client.get(DASHBOARD_URL).status_code == 302


class TestPasswordReset:
    def test_end_to_end(self, client):
        user = UserFactory(email="camille@exemple.fr")
        response = client.post(reverse("accounts:password_reset"), {"email": "camille@exemple.fr"})
        assert response.status_code == 302
        assert response.url == reverse("accounts:password_reset_done")
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["camille@exemple.fr"]
        assert message.subject.startswith("[Essaim] ")
        link = re.search(r"https?://[^/\s]+(/comptes/mot-de-passe/nouveau/\S+)", message.body)[1]

        # The link redirects once to a URL without the key (allauth hides it from referrers).
        response = client.get(link)
        assert response.status_code == 302
        form_url = response.url
        response = client.get(form_url)
        assert 'name="password1"' in response.content.decode()
        response = client.post(
            form_url, {"password1": "ruche-2019-neuve", "password2": "ruche-2019-neuve"}
        )
        assert response.status_code == 302
        assert response.url == reverse("accounts:password_reset_complete")
        user.refresh_from_db()
        assert user.check_password("ruche-2019-neuve")
        assert "Votre mot de passe est changé" in client.get(response.url).content.decode()

        # The link works once only.
        response = client.get(link, follow=True)
        assert response.context["token_fail"]

    def test_unknown_address_sends_nothing_and_reveals_nothing(self, client):
        response = client.post(reverse("accounts:password_reset"), {"email": "inconnu@exemple.fr"})
        assert response.status_code == 302
        assert response.url == reverse("accounts:password_reset_done")
        # allauth tells the unknown address that no account uses it (nobody else learns it).
        assert [m.to for m in mail.outbox] == [["inconnu@exemple.fr"]]
        assert "reset" not in mail.outbox[0].body.split("/comptes/")[-1][:30]

    def test_mismatched_passwords_are_refused(self, client):
        user = UserFactory(email="camille@exemple.fr")
        client.post(reverse("accounts:password_reset"), {"email": user.email})
        link = re.search(
            r"https?://[^/\s]+(/comptes/mot-de-passe/nouveau/\S+)", mail.outbox[0].body
        )
        form_url = client.get(link[1]).url
        response = client.post(
            form_url, {"password1": "ruche-2019-neuve", "password2": "autre-chose-2019"}
        )
        assert response.status_code == 200
        user.refresh_from_db()
        assert user.check_password("secret-password")

    def test_a_link_from_before_allauth_says_it_is_no_longer_valid(self, client):
        response = client.get(
            reverse("accounts:password_reset_confirm", args=["MQ", "c4xyz-0123abcd"]), follow=True
        )
        assert response.redirect_chain[-1][0] == reverse("account_reset_password")
        assert "Ce lien n&#x27;est plus valable" in response.content.decode()


class TestDashboard:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(DASHBOARD_URL)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN_URL)

    def test_lists_the_roles(self, client):
        membership = MembershipFactory(role=Role.PROGRAMME_ADMIN, programme=_programme())
        client.force_login(membership.user)
        content = client.get(DASHBOARD_URL).content.decode()
        assert "Administrateur du programme" in content
        assert "French Impact" in content

    def test_shortcuts_follow_the_roles(self, client):
        membership = MembershipFactory(role=Role.INSTRUCTOR, programme=_programme())
        client.force_login(membership.user)
        content = client.get(DASHBOARD_URL).content.decode()
        assert f'href="{reverse("reviews:queue")}">Instruction des candidatures' in content
        assert "Mes demandes d'avis" not in content

    def test_no_shortcuts_without_a_role(self, client):
        client.force_login(UserFactory())
        content = client.get(DASHBOARD_URL).content.decode()
        assert 'id="shortcuts"' not in content

    def test_ended_roles_are_not_listed(self, client):
        from django.utils import timezone

        membership = MembershipFactory(
            role=Role.INSTRUCTOR, programme=_programme(), ended_at=timezone.now()
        )
        client.force_login(membership.user)
        content = client.get(DASHBOARD_URL).content.decode()
        assert "Instructeur" not in content
        assert "aucun rôle" in content

    def test_query_budget(self, client, django_assert_max_num_queries):
        programme = _programme()
        user = UserFactory()
        for role in (Role.PROGRAMME_ADMIN, Role.INSTRUCTOR, Role.SINGLE_WINDOW_OFFICER):
            MembershipFactory(user=user, role=role, programme=programme)
        client.force_login(user)
        with django_assert_max_num_queries(8):
            assert client.get(DASHBOARD_URL).status_code == 200


def _programme():
    from essaim.calls.models import Programme

    programme, _created = Programme.objects.get_or_create(
        slug="french-impact-territoires",
        defaults={"name": "French Impact — Territoires", "label_name": "Territoire French Impact"},
    )
    return programme


class TestApiTokenPages:
    def test_anonymous_is_sent_to_login(self, client):
        assert client.get(TOKENS_URL).status_code == 302
        assert client.post(TOKENS_URL, {"name": "x"}).status_code == 302
        assert ApiToken.objects.count() == 0

    def test_create_shows_the_key_once(self, client):
        user = UserFactory()
        client.force_login(user)
        response = client.post(TOKENS_URL, {"name": "script d'export"})
        assert response.status_code == 200
        token = ApiToken.objects.get(user=user)
        content = response.content.decode()
        key = re.search(r'id="new-api-key">(ess_[^<]+)<', content).group(1)
        assert key.startswith("ess_" + token.prefix)
        assert token.key_hash not in content
        assert token.name == "script d'export"
        # Listed afterwards by prefix, never in full.
        content = client.get(TOKENS_URL).content.decode()
        assert f"{token.prefix}…" in content
        assert key not in content
        assert HistoryEvent.objects.for_object(user).filter(action="api_token_created").exists()

    def test_lists_only_my_tokens(self, client):
        mine, _key = api_token_create(user=UserFactory(), name="le mien")
        theirs, _key = api_token_create(user=UserFactory(), name="le sien")
        client.force_login(mine.user)
        content = client.get(TOKENS_URL).content.decode()
        assert "le mien" in content
        assert "le sien" not in content

    def test_revoke(self, client):
        token, _key = api_token_create(user=UserFactory())
        client.force_login(token.user)
        response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
        assert response.status_code == 302
        token.refresh_from_db()
        assert token.revoked_at is not None
        content = client.get(TOKENS_URL).content.decode()
        assert "révoqué" in content

    def test_revoke_needs_post(self, client):
        token, _key = api_token_create(user=UserFactory())
        client.force_login(token.user)
        response = client.get(reverse("accounts:api_token_revoke", args=[token.pk]))
        assert response.status_code == 405
        token.refresh_from_db()
        assert token.revoked_at is None

    def test_cannot_revoke_another_users_token(self, client):
        token, _key = api_token_create(user=UserFactory())
        client.force_login(UserFactory())
        response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
        assert response.status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None

    def test_anonymous_cannot_revoke(self, client):
        token, _key = api_token_create(user=UserFactory())
        response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
        assert response.status_code == 302
        token.refresh_from_db()
        assert token.revoked_at is None
