"""The directory's "Commune" column is never blank: a dash (and words for screen readers) when
the organisation has no commune."""

import re

import pytest
from django.urls import reverse

from essaim.actors.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_organisation_without_commune_shows_a_dash(client):
    OrganisationFactory(name="Sans adresse", commune=None, verified_at="2026-01-01T00:00:00Z")
    html = client.get(reverse("actors:directory")).content.decode()
    row = re.search(r"<tr>\s*<td>\s*<a [^>]*>Sans adresse</a>.*?</tr>", html, re.S).group(0)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    commune = cells[2]
    assert '<span aria-hidden="true">—</span>' in commune
    assert "non renseignée" in commune
