"""403, 404 and 500 pages: the site's layout, the visitor's language, a way back. The 500 page
renders even when the database is down."""

from unittest import mock

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, RequestFactory
from django.urls import reverse

from essaim.accounts.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("essaim.core.tests.error_urls")]


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _assert_layout(content: str, lang: str) -> None:
    """The DSFR layout (header, footer) in ``lang``, with a way back home."""
    assert f'<html lang="{lang}"' in content
    assert 'class="fr-header"' in content
    assert "fr-footer" in content
    assert 'id="error-home"' in content


def test_error_pages_use_layout_and_language(anonymous, settings):
    response = anonymous.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    content = response.content.decode()
    _assert_layout(content, "fr")
    assert "<h1>Page non trouvée</h1>" in content
    assert f'href="{reverse("portal:home")}"' in content

    english = _english(Client(raise_request_exception=False), settings)
    content = english.get("/cette-page-n-existe-pas/").content.decode()
    _assert_layout(content, "en")
    assert "<h1>Page not found</h1>" in content


def test_403_offers_sign_in_to_anonymous_visitors(anonymous, settings):
    response = anonymous.get("/test-erreur/403/")
    assert response.status_code == 403
    content = response.content.decode()
    _assert_layout(content, "fr")
    assert "<h1>Accès refusé</h1>" in content
    assert f'href="{reverse("account_login")}?next=/test-erreur/403/"' in content

    english = _english(Client(raise_request_exception=False), settings)
    content = english.get("/test-erreur/403/").content.decode()
    assert "<h1>Access denied</h1>" in content


def test_403_for_a_signed_in_user_has_no_sign_in_link(anonymous):
    user = UserFactory()
    anonymous.force_login(user)
    content = anonymous.get("/test-erreur/403/").content.decode()
    assert "<h1>Accès refusé</h1>" in content
    assert 'id="error-login"' not in content
    assert user.email in content  # the header knows who is signed in


def test_403_to_htmx_keeps_the_flash_messages_for_the_next_page(anonymous):
    """htmx swaps no error answer: a refused htmx request (an autosave arriving after the
    submission) must not consume the message meant for the page that follows."""
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.SUCCESS, "Candidature déposée.")
    response = anonymous.get("/")  # a response to carry the message cookie
    storage.update(response)
    anonymous.cookies.update(response.cookies)

    refused = anonymous.get("/test-erreur/403/", headers={"HX-Request": "true"})
    assert refused.status_code == 403
    assert "fr-header" not in refused.content.decode()
    assert "Candidature déposée." in anonymous.get("/").content.decode()


def test_500_page_uses_layout_and_language(anonymous, settings):
    response = anonymous.get("/test-erreur/500/")
    assert response.status_code == 500
    content = response.content.decode()
    _assert_layout(content, "fr")
    assert "<h1>Erreur inattendue</h1>" in content
    assert f'href="{reverse("portal:home")}"' in content
    # Scripts keep the page's CSP nonce.
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in content

    english = _english(Client(raise_request_exception=False), settings)
    content = english.get("/test-erreur/500/").content.decode()
    _assert_layout(content, "en")
    assert "<h1>Unexpected error</h1>" in content


def test_500_page_renders_with_the_database_down(anonymous):
    refused = OperationalError("connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=refused):
        response = anonymous.get("/test-erreur/base/")
    assert response.status_code == 500
    content = response.content.decode()
    assert "<h1>Erreur inattendue</h1>" in content
    assert 'class="fr-header"' in content


def test_500_page_reads_nothing_from_the_database(rf, django_assert_num_queries):
    from essaim.core.errors import server_error

    request = rf.get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Erreur inattendue" in response.content.decode()
