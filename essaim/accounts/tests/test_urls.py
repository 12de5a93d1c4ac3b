"""Account addresses: allauth's pages at French addresses, the former names still working."""

import pytest
from django.urls import URLPattern, URLResolver, reverse


def _names(patterns) -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= _names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_every_allauth_account_page_has_a_french_address():
    from allauth.account.urls import urlpatterns as allauth_patterns

    from essaim.accounts.allauth_urls import account_patterns

    assert _names(allauth_patterns) <= _names(account_patterns)


@pytest.mark.parametrize(
    ("former", "allauth"),
    [
        ("accounts:login", "account_login"),
        ("accounts:logout", "account_logout"),
        ("accounts:password_reset", "account_reset_password"),
        ("accounts:password_reset_done", "account_reset_password_done"),
        ("accounts:password_reset_complete", "account_reset_password_from_key_done"),
    ],
)
def test_former_names_lead_to_the_same_pages(former, allauth):
    assert reverse(former) == reverse(allauth)


@pytest.mark.django_db
def test_former_addresses_answer(client):
    for url in ("/comptes/connexion/", "/comptes/mot-de-passe/oubli/"):
        assert client.get(url).status_code == 200
    assert reverse("accounts:dashboard") == "/comptes/"
    assert reverse("accounts:api_tokens") == "/comptes/jetons/"


@pytest.mark.django_db
def test_the_django_admin_signs_in_through_the_login_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=%2Fadmin%2F"
