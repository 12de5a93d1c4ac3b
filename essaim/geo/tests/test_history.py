"""The perimeter page shows its history in words, whatever the action."""

import pytest
from django.urls import reverse

from essaim.core.services import history_record
from essaim.geo.history import PerimeterAction
from essaim.geo.services import Unit, perimeter_create
from essaim.testing import assert_history_in_words

pytestmark = pytest.mark.django_db


def test_every_action_reads_in_words(client, geography, programme_admin):
    perimeter = perimeter_create(user=None, name="Région", units=[Unit("region", "75")])
    for action in PerimeterAction:
        history_record(obj=perimeter, user=None, action=action, payload={"commune_count": [4, 5]})
    client.force_login(programme_admin)
    html = client.get(reverse("geo:perimeter_detail", args=[perimeter.slug])).content.decode()
    assert 'id="perimeter-history"' in html
    assert_history_in_words(html, PerimeterAction)
    assert "communes : 4 → 5" in html
