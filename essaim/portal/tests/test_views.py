import pytest
from django.urls import reverse

from essaim.calls.models import WaveStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["portal:home", "portal:accessibility", "portal:legal"])
def test_public_pages_need_no_account(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert 'id="demo-banner"' not in response.content.decode()  # tests do not run as the demo


def test_home_figures(client):
    from essaim.actors.tests.factories import OrganisationFactory
    from essaim.labels.tests.factories import (
        ApplicationFactory,
        WaveFactory,
        labelled,
        programme_admin,
    )

    published = WaveFactory(french_impact=True, number=1, status=WaveStatus.PUBLISHED)
    admin = programme_admin(published.programme)
    for _n in range(3):
        labelled(ApplicationFactory(proposed=True, wave=published), admin)
    planned = WaveFactory(french_impact=True, number=2, programme=published.programme)
    labelled(
        ApplicationFactory(proposed=True, wave=planned), admin
    )  # decided, not yet published: not counted
    OrganisationFactory.create_batch(2)

    content = client.get(reverse("portal:home")).content.decode()
    assert "3 territoires labellisés" in content
    assert "1 vague de labellisation publiée" in content
    assert "organisations dans l'annuaire" in content


def test_home_query_budget(client, django_assert_max_num_queries):
    from essaim.actors.tests.factories import OrganisationFactory

    OrganisationFactory.create_batch(30)
    # The figures, the programmes, the open calls and the three latest news posts.
    with django_assert_max_num_queries(7):
        assert client.get(reverse("portal:home")).status_code == 200


def test_demo_banner_in_demo_mode(client, settings):
    settings.DEMO = True
    content = client.get(reverse("portal:home")).content.decode()
    assert 'id="demo-banner"' in content
    assert "sont fictifs" in content
