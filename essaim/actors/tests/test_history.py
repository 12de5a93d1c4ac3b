"""The organisation page shows its history in words, whatever the action."""

import pytest
from django.urls import reverse

from essaim.actors.history import OrganisationAction
from essaim.actors.tests.factories import OrganisationFactory
from essaim.core.services import history_record
from essaim.testing import assert_history_in_words, superuser

pytestmark = pytest.mark.django_db


def test_every_action_reads_in_words(client):
    organisation = OrganisationFactory()
    for action in OrganisationAction:
        history_record(
            obj=organisation,
            user=None,
            action=action,
            payload={"name": "Bob Privé", "changes": {"acronym": ["", "FAN"]}},
        )
    client.force_login(superuser())
    html = client.get(reverse("actors:organisation_detail", args=[organisation.pk])).content
    html = html.decode()
    assert 'id="organisation-history"' in html
    assert_history_in_words(html, OrganisationAction)
    assert "personne ajoutée</strong> : Bob Privé" in html


def test_an_unconfirmed_organisation_has_its_history_too(client):
    organisation = OrganisationFactory(unverified=True)
    history_record(obj=organisation, user=None, action=OrganisationAction.REGISTERED)
    client.force_login(superuser())
    html = client.get(reverse("actors:organisation_detail", args=[organisation.pk])).content
    assert organisation.verified_at is None
    assert_history_in_words(html.decode(), [OrganisationAction.REGISTERED])
