"""The portal holds no programme's objects: its figures are public ones only, the same for
anybody — a programme's staff do not see another programme's planned waves or unpublished labels
counted there, nor do superusers."""

import pytest

from essaim.calls.models import WaveStatus
from essaim.labels.tests.factories import ApplicationFactory, WaveFactory, labelled, programme_admin
from essaim.testing import other_programme, superuser

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["anonymous", "other_admin", "admin", "superuser"])
def test_home_figures_are_the_public_ones_for_everybody(client, who):
    published = WaveFactory(french_impact=True, number=1, status=WaveStatus.PUBLISHED)
    admin = programme_admin(published.programme)
    labelled(ApplicationFactory(proposed=True, wave=published), admin)
    planned = WaveFactory(french_impact=True, number=2, programme=published.programme)
    labelled(
        ApplicationFactory(proposed=True, wave=planned), admin
    )  # not published: counted by nobody
    users = {"other_admin": other_programme().admin, "admin": admin, "superuser": superuser()}
    if who in users:
        client.force_login(users[who])
    context = client.get("/").context
    assert (context["label_count"], context["wave_count"]) == (1, 1)
