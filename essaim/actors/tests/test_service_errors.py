"""A service's refusal that names no field (a plain ``ValidationError``) shows on the page's form:
a page never answers 500 because the service did not say which field is wrong."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory
from essaim.actors import views
from essaim.actors.models import Organisation, OrganisationKind
from essaim.actors.tests.factories import OrganisationFactory
from essaim.calls.models import Programme

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "name": "Ellyx",
    "kind": "support",
    "siren": "",
    "siret": "",
    "legal_category": "",
    "commune_insee": "",
    "website": "",
    "description": "",
    "acronym": "",
}


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (ValidationError("Refus sans champ."), ["Refus sans champ."]),
        (ValidationError(["Premier refus.", "Second refus."]), ["Premier refus.", "Second refus."]),
    ],
)
def test_plain_service_error_is_a_form_error_not_a_500(client, monkeypatch, error, shown):
    def refuse(**kwargs):
        raise error

    monkeypatch.setattr(views.services, "organisation_create", refuse)
    owner = OrganisationFactory(kind=OrganisationKind.PUBLIC_BODY)
    programme = Programme.objects.create(slug="programme", name="Programme", owner=owner)
    client.force_login(MembershipFactory(role=Role.PROGRAMME_ADMIN, programme=programme).user)
    response = client.post(reverse("actors:organisation_create"), PAYLOAD)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == shown
    page = response.content.decode()
    assert all(message in page for message in shown)
    assert not Organisation.objects.filter(name="Ellyx").exists()
