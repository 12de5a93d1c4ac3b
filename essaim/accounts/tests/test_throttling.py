"""Rate limits: guessing a password, flooding sign-ups and reset e-mails all stop early
(allauth's limits, counted in Django's cache; see ACCOUNT_RATE_LIMITS)."""

import pytest
from django.core import mail
from django.urls import reverse

from essaim.accounts.models import User
from essaim.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")


def _login(client, email, password):
    return client.post(LOGIN_URL, {"login": email, "password": password})


def test_login_throttled_after_failures(client, settings):
    user = UserFactory(email="camille@exemple.fr")
    for _attempt in range(settings.ESSAIM_LOGIN_FAILURES_PER_ADDRESS):
        _login(client, "camille@exemple.fr", "pas-le-bon")
    # After too many failures, even the right password is refused, and the page says why.
    response = _login(client, "camille@exemple.fr", "secret-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives de connexion" in response.content.decode()
    # 30 attempts a minute from one address: the login page itself answers 429.
    for _attempt in range(30):
        response = _login(client, "camille@exemple.fr", "pas-le-bon")
    response = _login(client, "camille@exemple.fr", "secret-password")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert User.objects.get(pk=user.pk).last_login is None


def test_login_failures_count_per_address_not_for_everyone(client):
    UserFactory(email="camille@exemple.fr")
    UserFactory(email="lucas@exemple.fr")
    for _attempt in range(10):
        _login(client, "camille@exemple.fr", "pas-le-bon")
    response = _login(client, "lucas@exemple.fr", "secret-password")
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_a_successful_login_does_not_reset_the_failure_count(client, settings):
    UserFactory(email="camille@exemple.fr")
    limit = settings.ESSAIM_LOGIN_FAILURES_PER_ADDRESS
    for _attempt in range(limit - 1):
        _login(client, "camille@exemple.fr", "pas-le-bon")
    assert _login(client, "camille@exemple.fr", "secret-password").status_code == 302
    client.logout()
    _login(client, "camille@exemple.fr", "pas-le-bon")
    response = _login(client, "camille@exemple.fr", "secret-password")
    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives de connexion" in response.content.decode()


def test_signup_throttled_per_ip(client):
    for n in range(10):
        client.post(
            reverse("account_signup"),
            {
                "first_name": "A",
                "last_name": "B",
                "email": f"personne{n}@exemple.fr",
                "password1": "ruche-2019-neuve",
                "password2": "ruche-2019-neuve",
            },
        )
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "A",
            "last_name": "B",
            "email": "une-de-trop@exemple.fr",
            "password1": "ruche-2019-neuve",
            "password2": "ruche-2019-neuve",
        },
    )
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert not User.objects.filter(email="une-de-trop@exemple.fr").exists()


def test_password_reset_throttled_per_address(client):
    UserFactory(email="camille@exemple.fr")
    for _attempt in range(3):
        client.post(reverse("account_reset_password"), {"email": "camille@exemple.fr"})
    assert len(mail.outbox) == 3
    response = client.post(reverse("account_reset_password"), {"email": "camille@exemple.fr"})
    assert response.status_code == 429
    assert len(mail.outbox) == 3
