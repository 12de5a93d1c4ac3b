"""The public territory pages are cached (essaim.core.cache): a label published or revoked through
the services shows at once, each language has its own rendering, and a cached page reads
nothing from the database."""

import pytest
from django.urls import reverse

from essaim.labels import services
from essaim.labels.models import Outcome
from essaim.labels.services import DecisionInput
from essaim.labels.tests.factories import ApplicationFactory, WaveFactory, programme_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(db):
    """A wave with one application decided "labelled", not published yet."""
    wave = WaveFactory(french_impact=True, number=1)
    admin = programme_admin(wave.programme)
    application = ApplicationFactory(
        proposed=True, wave=wave, collective__perimeter__name="Vallée du Cache"
    )
    services.wave_decide(
        wave=wave, user=admin, decisions=[DecisionInput(application.pk, Outcome.LABELLED, "Oui")]
    )
    return wave, admin, application


def test_published_then_revoked_label_shows_at_once(client, decided, django_assert_num_queries):
    wave, admin, application = decided
    slug = application.perimeter.slug
    detail = reverse("territories:detail", args=[slug])
    assert "Vallée du Cache" not in client.get(reverse("territories:list")).text
    assert client.get(detail).status_code == 404

    [label] = services.wave_publish(wave=wave, user=admin)
    assert "Vallée du Cache" in client.get(reverse("territories:list")).text
    assert "fr-badge--error" not in client.get(detail).text
    with django_assert_num_queries(0):  # both served from the cache now
        assert "Vallée du Cache" in client.get(reverse("territories:list")).text
        assert client.get(detail).status_code == 200

    services.label_revoke(label=label, user=admin, reason="Projet abandonné")
    text = client.get(detail).text
    assert "fr-badge--error" in text and "révoqué" in text
    row = client.get(reverse("territories:list")).text.split("Vallée du Cache")[1]
    assert "révoqué" in row.split("</tr>")[0]


def test_each_language_has_its_own_rendering(client, decided, settings):
    wave, admin, _application = decided
    services.wave_publish(wave=wave, user=admin)
    assert "1 territoire labellisé." in client.get(reverse("territories:list")).text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "1 labelled territory." in client.get(reverse("territories:list")).text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "1 territoire labellisé." in client.get(reverse("territories:list")).text


def test_odd_filter_values_are_answered_not_cached(client, decided):
    wave, admin, _application = decided
    services.wave_publish(wave=wave, user=admin)
    response = client.get(reverse("territories:list"), {"vague": "x" * 40})
    assert response.status_code == 200 and "Vallée du Cache" in response.text
