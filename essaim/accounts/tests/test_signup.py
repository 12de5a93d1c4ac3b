"""Sign-up: anyone may create an account (a territory that wants to apply must get in), and the
address is confirmed before the account can be used."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from essaim.accounts.models import User
from essaim.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP_URL = reverse("account_signup")
LOGIN_URL = reverse("account_login")
DASHBOARD_URL = reverse("accounts:dashboard")

FORM = {
    "first_name": "Camille",
    "last_name": "Martin",
    "email": "Camille.Martin@Exemple.fr",
    "password1": "ruche-2019-neuve",
    "password2": "ruche-2019-neuve",
}


def _confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/comptes/confirmer-adresse/\S+)", message.body)[1]


def test_signup_requires_email_confirmation(client):
    response = client.post(SIGNUP_URL, FORM)

    # The account exists, but nobody is signed in until the address is confirmed.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="camille.martin@exemple.fr")
    assert (user.first_name, user.last_name) == ("Camille", "Martin")
    assert not EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in client.session
    assert client.get(DASHBOARD_URL).status_code == 302

    # Signing in before confirming sends another link and still lets nobody in.
    other = client.__class__()
    response = other.post(LOGIN_URL, {"login": user.email, "password": "ruche-2019-neuve"})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in other.session

    # The link (French, naming Essaim) confirms the address and signs in.
    message = mail.outbox[0]
    assert message.to == ["camille.martin@exemple.fr"]
    assert message.subject == "[Essaim] Confirmez votre adresse électronique"
    link = _confirmation_link(message)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(DASHBOARD_URL).status_code == 200


def test_signup_page_is_public_french_and_linked_from_login(client):
    login_page = client.get(LOGIN_URL).content.decode()
    assert f'href="{SIGNUP_URL}"' in login_page
    response = client.get(SIGNUP_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Créer un compte</h1>" in content
    assert "Adresse électronique" in content
    assert 'class="fr-input' in content


def test_signup_refuses_a_weak_password_and_keeps_what_was_typed(client):
    response = client.post(SIGNUP_URL, {**FORM, "password1": "123", "password2": "123"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "fr-error-text" in content
    assert 'value="Camille"' in content
    assert not User.objects.exists()
    assert mail.outbox == []


def test_signup_with_a_taken_address_creates_nothing_and_reveals_nothing(client):
    UserFactory(email="camille.martin@exemple.fr")
    response = client.post(SIGNUP_URL, FORM)
    # The same answer as for a new address; the owner of the address is told by e-mail.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["camille.martin@exemple.fr"]]


def test_signup_keeps_next_through_confirmation(client):
    target = reverse("accounts:api_tokens")
    response = client.post(f"{SIGNUP_URL}?next={target}", {**FORM, "next": target})
    assert response.status_code == 302
    response = client.post(_confirmation_link(mail.outbox[0]))
    assert response.url == target


def test_signup_page_in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(SIGNUP_URL).content.decode()
    assert "<h1>Create an account</h1>" in content
    assert "E-mail address" in content


def test_an_account_created_by_an_operator_confirms_its_address_at_first_sign_in(client):
    """``essaim createsuperuser`` and the admin make accounts with no confirmed address."""
    User.objects.create_superuser("Operatrice@Exemple.fr", "ruche-2019-neuve")
    response = client.post(
        LOGIN_URL, {"login": "operatrice@exemple.fr", "password": "ruche-2019-neuve"}
    )
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    response = client.post(_confirmation_link(mail.outbox[0]))
    assert client.session["_auth_user_id"]
