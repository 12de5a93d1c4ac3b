"""Dead end "no way in": the home page and the menu lead to the open call; its page says who may
apply and how; "Candidater" leads an anonymous visitor to sign-in or sign-up (with the e-mail
confirmation) and back to starting the application."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from essaim.accounts.tests.factories import UserFactory
from essaim.calls.models import CallStatus
from essaim.calls.tests.factories import CallFactory, CutOffFactory, FormVersionFactory

pytestmark = pytest.mark.django_db

PASSWORD = "secret-password"  # noqa: S105 - UserFactory's test password


@pytest.fixture
def call():
    form = FormVersionFactory(
        call__title="AMI Territoires innovants",
        call__opens_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    return form.call


def _start_url(call) -> str:
    return f"{reverse('applications:create')}?{urlencode({'appel': call.slug})}"


def test_home_and_menu_lead_to_the_open_call_only(client, call):
    CallFactory(title="Appel en préparation", status=CallStatus.DRAFT)
    CallFactory(title="Appel clos", status=CallStatus.CLOSED)
    CallFactory(
        title="Appel ouvert mais échu",
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
        opens_on=timezone.localdate() - datetime.timedelta(days=60),
    )
    home = client.get(reverse("portal:home")).content.decode()
    assert call.title in home
    assert f'href="{reverse("calls:detail", args=[call.slug])}"' in home
    for other in ("Appel en préparation", "Appel clos", "Appel ouvert mais échu"):
        assert other not in home
    # The main menu's "Candidater" opens the one open call's page.
    menu = re.search(r'<nav class="fr-nav".*?</nav>', home, re.S)[0]
    assert f'href="{reverse("calls:open")}"' in menu
    assert ">Candidater<" in menu
    response = client.get(reverse("calls:open"))
    assert response.status_code == 302
    assert response.url == reverse("calls:detail", args=[call.slug])


def test_several_open_calls_are_listed(client, call):
    other = FormVersionFactory(call__title="Appel à projets régional").call
    page = client.get(reverse("calls:open"))
    assert page.status_code == 200
    content = page.content.decode()
    assert call.title in content and other.title in content
    home = client.get(reverse("portal:home")).content.decode()
    assert call.title in home and other.title in home


def test_no_open_call_says_so(client):
    page = client.get(reverse("calls:open"))
    assert page.status_code == 200
    assert "est ouvert en ce moment." in page.content.decode()


def test_the_call_page_says_who_and_how(client, call):
    CutOffFactory(call=call, date=timezone.localdate() + datetime.timedelta(days=10))
    content = client.get(reverse("calls:detail", args=[call.slug])).content.decode()
    assert "Qui peut candidater ?" in content
    assert "Comment candidater ?" in content
    assert "Principal" in content  # the published form's sections
    next_date = (timezone.localdate() + datetime.timedelta(days=10)).strftime("%d/%m/%Y")
    assert f"avant le {next_date}" in content
    assert "Créez votre compte" in content


def test_apply_signs_in_and_comes_back_to_the_application(client, call):
    UserFactory(email="referente@exemple.fr")
    page = client.get(reverse("calls:detail", args=[call.slug])).content.decode()
    start = _start_url(call)
    login_url = f"{reverse('account_login')}?{urlencode({'next': start})}"
    assert f'href="{login_url.replace("&", "&amp;")}"' in page
    # The sign-in page offers the account creation, keeping where to go next.
    login_page = client.get(login_url).content.decode()
    assert re.search(r'href="/comptes/[^"]*\?next=[^"]*appel', login_page)
    response = client.post(
        login_url, {"login": "referente@exemple.fr", "password": PASSWORD, "next": start}
    )
    assert response.status_code == 302
    assert response.url == start
    assert client.get(start).status_code == 200


def test_apply_signs_up_confirms_and_comes_back_to_the_application(client, call):
    start = _start_url(call)
    page = client.get(reverse("calls:detail", args=[call.slug])).content.decode()
    signup_url = f"{reverse('account_signup')}?{urlencode({'next': start})}"
    assert f'href="{signup_url.replace("&", "&amp;")}"' in page
    response = client.post(
        signup_url,
        {
            "first_name": "Camille",
            "last_name": "Martin",
            "email": "camille.martin@exemple.fr",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": start,
        },
    )
    assert response.url == reverse("account_email_verification_sent")
    link = re.search(r"https?://[^/\s]+(/comptes/confirmer-adresse/\S+)", mail.outbox[0].body)[1]
    response = client.post(link)
    assert response.status_code == 302
    assert response.url == start
    page = client.get(start)
    assert page.status_code == 200
    assert call.title in page.content.decode()


def test_signed_in_visitor_applies_directly(client, call):
    client.force_login(UserFactory())
    content = client.get(reverse("calls:detail", args=[call.slug])).content.decode()
    assert f'href="{_start_url(call).replace("&", "&amp;")}"' in content
    assert "Créez votre compte" not in content


def test_home_query_budget_with_open_calls(client, django_assert_max_num_queries):
    for _ in range(5):
        FormVersionFactory()
    with django_assert_max_num_queries(7):
        assert client.get(reverse("portal:home")).status_code == 200
