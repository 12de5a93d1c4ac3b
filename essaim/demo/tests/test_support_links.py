"""The support plan's axes 4 to 6 in the demo (loaded once for the module): the
Nouvelle-Aquitaine plan's actions link to introductions, events, indicators and the campaign;
``entreprise@demo.essaim.fr`` sees the axis-6 action its company is a partner of."""

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from essaim.accounts.models import User
from essaim.demo import load_demo
from essaim.support import queries
from essaim.support.models import Action, SupportPlan

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        load_demo(force=True)
        yield
        transaction.set_rollback(True)


def test_the_nouvelle_aquitaine_axes_4_to_6_are_linked_and_counted():
    plan = SupportPlan.objects.get(label__perimeter__slug="region-nouvelle-aquitaine")
    actions = Action.objects.filter(plan=plan)
    assert actions.filter(axis__code="synergies", introductions__isnull=False).exists()
    assert actions.filter(axis__code="synergies", events__isnull=False).exists()
    assert actions.filter(axis__code="impact", indicators__isnull=False).exists()
    assert actions.filter(axis__code="impact", campaigns__isnull=False).exists()
    assert actions.filter(axis__code="companies", introductions__isnull=False).exists()
    counts = {row.axis.code: row.links for row in queries.plan_progress(plan, with_links=True).axes}
    assert counts["synergies"].introductions and counts["synergies"].events
    assert counts["impact"].indicators and counts["impact"].campaigns


def test_the_demo_company_sees_its_axis_6_action():
    client = Client()
    client.force_login(User.objects.get(email="entreprise@demo.essaim.fr"))
    page = client.get(reverse("synergies:company_space")).content.decode()
    assert 'id="company-support-actions"' in page
