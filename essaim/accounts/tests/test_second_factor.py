"""The second factor: required of staff and financers (who decide and pay), optional for the
others; the login asks the code of whoever has one; demo accounts are exempt in demo mode only."""

import time

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from essaim.accounts.middleware import SIGNED_IN_AT
from essaim.accounts.models import Role
from essaim.accounts.services import api_token_create
from essaim.accounts.testing import give_totp, recovery_codes, sign_in, totp_code
from essaim.accounts.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD_URL = reverse("accounts:dashboard")
SETUP_URL = reverse("mfa_activate_totp")


@pytest.fixture
def production_rules(settings):
    """The rule as production applies it (the tests run with it off: see the settings)."""
    settings.ESSAIM_MFA_ENFORCED = True
    settings.DEMO = False
    return settings


def _programme():
    from essaim.calls.tests.factories import ProgrammeFactory

    return ProgrammeFactory()


def _staff(role=Role.INSTRUCTOR, **user):
    return MembershipFactory(role=role, programme=_programme(), **user).user


def _financer():
    from essaim.actors.tests.factories import OrganisationFactory

    return MembershipFactory(role=Role.FINANCER, organisation=OrganisationFactory()).user


@pytest.mark.parametrize(
    "make",
    [
        lambda: _staff(Role.INSTRUCTOR),
        lambda: _staff(Role.PROGRAMME_ADMIN),
        lambda: _staff(Role.SINGLE_WINDOW_OFFICER),
        _financer,
    ],
    ids=["instructor", "programme_admin", "single_window_officer", "financer"],
)
def test_instructor_without_totp_is_sent_to_setup_in_production_mode(
    client, production_rules, make
):
    user = make()
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

    # Every page leads to the set-up page, which explains why.
    for url in (DASHBOARD_URL, reverse("portal:home"), reverse("applications:mine")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == SETUP_URL
    response = client.get(SETUP_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Activer la double authentification" in content
    assert "exige la double authentification" in content
    # Signing out and the API (by token) stay open.
    _token, key = api_token_create(user=user)
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200
    # The API refuses the session itself until the second factor is set up.
    assert client.get("/api/v1/auth/me").status_code == 403
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_static_files_api_and_health_check_are_never_redirected(rf, production_rules):
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    from essaim.accounts.middleware import AccountSecurityMiddleware

    middleware = AccountSecurityMiddleware(lambda request: HttpResponse("served"))
    user = _staff()
    for path in ("/static/core/essaim.css", "/api/v1/auth/me", "/healthz"):
        request = rf.get(path)
        request.user, request.session = user, SessionStore()
        assert middleware(request).content == b"served", path
    request = rf.get(DASHBOARD_URL)
    request.user, request.session = user, SessionStore()
    request._messages = type("Messages", (), {"add": lambda *args, **kwargs: None})()
    assert middleware(request).url == SETUP_URL


def test_setting_up_totp_opens_the_pages(client, production_rules):
    user = _staff()
    sign_in(client, user.email)
    response = client.get(SETUP_URL)
    secret = response.context["form"].secret
    response = client.post(SETUP_URL, {"code": totp_code(secret)})
    assert response.status_code == 302
    # Recovery codes are shown next, then every page opens.
    assert response.url == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    codes = recovery_codes(user)
    assert len(codes) == 10
    page = client.get(response.url)
    assert page.status_code == 200
    assert codes[0] in page.content.decode()
    assert client.get(DASHBOARD_URL).status_code == 200


def test_a_wrong_setup_code_activates_nothing(client, production_rules):
    user = _staff()
    sign_in(client, user.email)
    secret = client.get(SETUP_URL).context["form"].secret
    wrong = str((int(totp_code(secret)) + 1) % 1_000_000).zfill(6)
    response = client.post(SETUP_URL, {"code": wrong})
    assert response.status_code == 200
    assert "fr-error-text" in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()
    assert client.get(DASHBOARD_URL).url == SETUP_URL


def test_applicants_may_sign_in_without_totp(client, production_rules):
    from essaim.actors.tests.factories import CollectiveFactory

    lead = MembershipFactory(role=Role.TERRITORY_LEAD, collective=CollectiveFactory()).user
    sign_in(client, lead.email)
    assert client.get(DASHBOARD_URL).status_code == 200
    assert "facultative" in client.get(DASHBOARD_URL).content.decode()


def test_login_asks_the_code_when_the_user_has_one(client, production_rules):
    user = _staff()
    secret = give_totp(user)
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    # Not signed in yet: the pages are closed.
    assert client.get(DASHBOARD_URL).url.startswith(reverse("account_login"))

    page = client.get(reverse("mfa_authenticate"))
    assert "Double authentification" in page.content.decode()
    wrong = str((int(totp_code(secret)) + 1) % 1_000_000).zfill(6)
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(DASHBOARD_URL).status_code == 200


def test_a_recovery_code_signs_in_once(client, production_rules):
    user = _staff()
    give_totp(user)
    code = recovery_codes(user)[0]
    sign_in(client, user.email)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("account_logout"))
    sign_in(client, user.email)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert "_auth_user_id" not in client.session


def test_an_applicant_with_totp_is_asked_the_code_too(client, production_rules):
    user = UserFactory()
    give_totp(user)
    assert sign_in(client, user.email).url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_demo_account_signs_in_without_totp_in_demo_mode_only(client, settings):
    settings.ESSAIM_MFA_ENFORCED = True
    admin = _staff(Role.PROGRAMME_ADMIN, user__email="admin@demo.essaim.fr")
    lookalike = _staff(Role.PROGRAMME_ADMIN, user__email="admin@demo.essaim.fr.example.org")

    settings.DEMO = True
    login_page = client.get(reverse("account_login")).content.decode()
    assert 'id="demo-mfa-note"' in login_page
    assert "sans double authentification" in login_page
    sign_in(client, admin.email)
    assert client.get(DASHBOARD_URL).status_code == 200
    client.post(reverse("account_logout"))
    # Only the published demo domain is exempt.
    sign_in(client, lookalike.email)
    assert client.get(DASHBOARD_URL).url == SETUP_URL
    client.post(reverse("account_logout"))

    # In production mode, the same account must set up its second factor.
    settings.DEMO = False
    assert 'id="demo-mfa-note"' not in client.get(reverse("account_login")).content.decode()
    sign_in(client, admin.email)
    assert client.get(DASHBOARD_URL).url == SETUP_URL


def test_staff_session_is_shorter_than_applicants(client, settings):
    assert settings.ESSAIM_STAFF_SESSION_AGE == 8 * 3600
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * 3600
    staff = _staff()
    sign_in(client, staff.email)
    assert client.session.get_expiry_age() == settings.ESSAIM_STAFF_SESSION_AGE
    assert client.get(DASHBOARD_URL).status_code == 200
    # Nine hours after signing in, the staff session is over.
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - 9 * 3600
    session.save()
    response = client.get(DASHBOARD_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_applicant_session_lasts_two_weeks(client, settings):
    applicant = UserFactory()
    sign_in(client, applicant.email)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - 9 * 3600
    session.save()
    assert client.get(DASHBOARD_URL).status_code == 200
