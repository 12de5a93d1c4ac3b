"""An invitation link binds to the invited address: whoever holds the link must be signed in with
an account that confirmed that address."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.urls import reverse

from essaim.accounts.tests.factories import UserFactory
from essaim.applications.services import applying
from essaim.applications.tests.factories import ApplicationFactory, lead_of

pytestmark = pytest.mark.django_db


def _invite(email="invitee@example.test"):
    application = ApplicationFactory()
    person = applying.person_invite(
        user=lead_of(application).user, application=application, email=email
    )
    return person, reverse("applications:invitation", args=[person.invitation_token])


def test_invitation_requires_the_invited_verified_address(client):
    person, url = _invite()
    token = person.invitation_token

    # Someone else who got hold of the link: a page says which address to use; nothing changes.
    intruder = UserFactory(email="intrus@example.test")
    client.force_login(intruder)
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<strong>invitee@example.test</strong>" in content
    login_then_back = f"{reverse('account_login')}?next={url}"
    signup_then_back = f"{reverse('account_signup')}?next={url}"
    assert f'value="{login_then_back}"' in content
    assert f'value="{signup_then_back}"' in content
    response = client.post(url)
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.user is None and person.invitation_token == token

    # The invited address, not yet confirmed: refused too.
    unconfirmed = UserFactory(email="invitee@example.test", email_verified=False)
    client.force_login(unconfirmed)
    assert client.post(url).status_code == 403
    person.refresh_from_db()
    assert person.user is None
    with pytest.raises(ValidationError, match="invitee@example.test"):
        applying.person_accept(user=unconfirmed, token=token)

    # Once confirmed, the invitation is accepted.
    EmailAddress.objects.filter(user=unconfirmed).update(verified=True)
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("applications:detail", args=[person.application_id])
    person.refresh_from_db()
    assert person.user == unconfirmed and person.invitation_token is None


def test_invitation_accepted_with_a_second_verified_address_of_the_account(client):
    person, url = _invite()
    user = UserFactory(email="principale@example.test")
    EmailAddress.objects.create(user=user, email="Invitee@Example.test", verified=True)
    client.force_login(user)
    assert client.post(url).status_code == 302
    person.refresh_from_db()
    assert person.user == user


def test_anonymous_holder_of_the_link_is_sent_to_sign_in_and_back(client):
    _person, url = _invite()
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"
