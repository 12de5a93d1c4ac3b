"""ProConnect, end to end against a real OpenID Connect server on a loopback port
(``oidc-provider-mock``, in a thread): the redirect, the code exchange, the ID token and userinfo
over HTTP, the nonce ProConnect requires."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from essaim.accounts.models import User
from essaim.accounts.tests.factories import UserFactory
from essaim.settings import proconnect_app

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("openid_connect_login", kwargs={"provider_id": "proconnect"})


@pytest.fixture(scope="module")
def oidc_server():
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=0, require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def proconnect(settings, oidc_server):
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "openid_connect": {
            **settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": [
                proconnect_app(
                    oidc_server,
                    "essaim-test-client",
                    "essaim-test-secret",
                    "openid email given_name usual_name uid",
                )
            ],
        },
    }
    return oidc_server


def _agent(server: str, sub: str, **claims) -> None:
    response = requests.put(f"{server}/users/{sub}", json=claims, timeout=10)
    assert response.status_code == 204


def _sign_in_with_proconnect(client, server: str, sub: str, next_url: str = ""):
    """Press the button, authorise at the provider as ``sub``, come back: the last response."""
    data = {"process": "login", **({"next": next_url} if next_url else {})}
    response = client.post(LOGIN_URL, data)
    assert response.status_code == 302
    authorize = response.url
    assert authorize.startswith(f"{server}/oauth2/authorize?")
    query = parse_qs(urlsplit(authorize).query)
    assert query["client_id"] == ["essaim-test-client"]
    assert len(query["nonce"][0]) >= 32
    assert "code_challenge" in query
    consent = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert consent.status_code == 302, consent.text
    callback = urlsplit(consent.headers["Location"])
    assert callback.path == reverse("openid_connect_callback", kwargs={"provider_id": "proconnect"})
    return client.get(f"{callback.path}?{callback.query}")


def test_proconnect_login_against_local_oidc_server(client, proconnect):
    # A known, verified address: ProConnect signs in that very account.
    known = UserFactory(email="agent@exemple.gouv.fr")
    _agent(proconnect, "agent-1", email="agent@exemple.gouv.fr", usual_name="Martin")
    response = _sign_in_with_proconnect(client, proconnect, "agent-1")
    assert response.status_code == 302
    assert response.url == reverse("accounts:dashboard")
    assert client.session["_auth_user_id"] == str(known.pk)
    assert SocialAccount.objects.get(user=known).uid == "agent-1"
    client.post(reverse("account_logout"))

    # An unknown address: an account is created, its address verified by ProConnect.
    _agent(
        proconnect,
        "agent-2",
        email="Nouvel.Agent@Exemple.gouv.fr",
        usual_name="Durand",
        uid="42",
    )
    response = _sign_in_with_proconnect(client, proconnect, "agent-2")
    assert response.status_code == 302
    created = User.objects.get(email="nouvel.agent@exemple.gouv.fr")
    assert client.session["_auth_user_id"] == str(created.pk)
    assert created.last_name == "Durand"
    assert not created.has_usable_password()
    address = EmailAddress.objects.get(user=created)
    assert (address.email, address.verified, address.primary) == (created.email, True, True)
    assert User.objects.count() == 2

    # Next time, the same ProConnect identity signs in the same account.
    client.post(reverse("account_logout"))
    _sign_in_with_proconnect(client, proconnect, "agent-2")
    assert client.session["_auth_user_id"] == str(created.pk)
    assert User.objects.count() == 2


def test_proconnect_login_keeps_where_the_person_was_going(client, proconnect):
    UserFactory(email="agent@exemple.gouv.fr")
    _agent(proconnect, "agent-1", email="agent@exemple.gouv.fr")
    target = reverse("accounts:api_tokens")
    response = _sign_in_with_proconnect(client, proconnect, "agent-1", next_url=target)
    assert response.url == target


def test_proconnect_login_of_staff_asks_the_second_factor(client, proconnect, settings):
    from essaim.accounts.models import Role
    from essaim.accounts.testing import give_totp, totp_code
    from essaim.accounts.tests.factories import MembershipFactory
    from essaim.calls.tests.factories import ProgrammeFactory

    settings.ESSAIM_MFA_ENFORCED = True
    staff = MembershipFactory(
        user__email="instructrice@exemple.gouv.fr",
        role=Role.INSTRUCTOR,
        programme=ProgrammeFactory(),
    ).user
    secret = give_totp(staff)
    _agent(proconnect, "agent-3", email=staff.email)
    response = _sign_in_with_proconnect(client, proconnect, "agent-3")
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_the_button_shows_only_when_proconnect_is_configured(client, settings, proconnect):
    content = client.get(reverse("account_login")).content.decode()
    assert f'action="{LOGIN_URL}"' in content
    assert (
        "S&#x27;identifier avec ProConnect" in content or "S'identifier avec ProConnect" in content
    )
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    assert "ProConnect" not in client.get(reverse("account_login")).content.decode()


def test_an_id_token_without_the_requests_nonce_is_refused():
    from types import SimpleNamespace

    from django.core.exceptions import PermissionDenied

    from essaim.accounts.proconnect import check_nonce

    login = SimpleNamespace(
        state={"nonce": "expected"},
        account=SimpleNamespace(extra_data={"id_token": {"nonce": "replayed"}}),
    )
    with pytest.raises(PermissionDenied):
        check_nonce(login)
    login.account.extra_data = {"id_token": {"nonce": "expected"}}
    check_nonce(login)


def test_a_signed_jwt_userinfo_is_read_as_json():
    import jwt

    from essaim.accounts.adapters import userinfo_jwt_as_json

    response = requests.models.Response()
    response.status_code = 200
    response.headers["Content-Type"] = "application/jwt; charset=utf-8"
    response._content = jwt.encode(
        {"sub": "agent-1", "email": "agent@exemple.gouv.fr", "usual_name": "Martin"},
        "a-signing-key-of-at-least-32-bytes!",
        algorithm="HS256",
    ).encode()
    userinfo_jwt_as_json(response)
    assert response.json() == {
        "sub": "agent-1",
        "email": "agent@exemple.gouv.fr",
        "usual_name": "Martin",
    }
