import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_french_whatever_the_browser_asks(client):
    response = client.get(reverse("portal:accessibility"), headers={"accept-language": "en-GB,en"})
    assert response["Content-Language"] == "fr"
    content = response.content.decode()
    assert '<html lang="fr"' in content
    assert "Déclaration d'accessibilité" in content


def test_the_switch_sets_english_and_back(client, settings):
    page = reverse("portal:accessibility")
    response = client.post(reverse("set_language"), {"language": "en", "next": page})
    assert response.status_code == 302
    assert response.url == page
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    response = client.get(page)
    assert response["Content-Language"] == "en"
    content = response.content.decode()
    assert '<html lang="en"' in content
    assert "Accessibility statement" in content
    assert "Déclaration d'accessibilité" not in content
    assert "Cookie" in response["Vary"]

    client.post(reverse("set_language"), {"language": "fr", "next": page})
    assert "Déclaration d'accessibilité" in client.get(page).content.decode()


def test_an_unknown_language_cookie_falls_back_to_french(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.get(reverse("portal:home"))
    assert response["Content-Language"] == "fr"


def test_english_pages_are_translated(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(reverse("accounts:login")).content.decode()
    assert "Sign in to Essaim" in content
    assert "Forgot your password?" in content
    assert "Se connecter à Essaim" not in content


def test_scripts_carry_the_csp_nonce(client):
    import re

    response = client.get(reverse("portal:home"))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script src="/static/core/htmx.min.js" nonce="{nonce}">' in response.content.decode()


def test_the_language_of_a_request_does_not_stay_active_afterwards(client, settings):
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(reverse("portal:home"))["Content-Language"] == "en"
    assert translation.get_language() == "fr"
