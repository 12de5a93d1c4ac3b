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


def test_nouvelle_aquitaine_has_a_done_introduction_reported_in_the_network_and_impact():
    from essaim.demo.support_links import TOLD_NEED
    from essaim.impact.models import Measurement
    from essaim.support import links
    from essaim.support.bridge import SOURCE
    from essaim.synergies.models import Introduction, IntroductionStatus, ProjectRelation

    assert set(Introduction.objects.values_list("status", flat=True)) == set(IntroductionStatus)
    plan = SupportPlan.objects.get(label__perimeter__slug="region-nouvelle-aquitaine")
    told = links.linkable(plan, "introductions").get(need__purpose=TOLD_NEED)
    assert told.status == IntroductionStatus.DONE and told.is_fictitious
    assert (told.hours, told.purchases) == (40, 1800)
    assert told.need.status == "met"  # no longer offered to the companies
    relation = ProjectRelation.objects.get(introduction=told)
    assert (relation.organisation_id, relation.project_id) == (told.company_id, told.project_id)
    values = Measurement.objects.filter(project=told.project, source=SOURCE)
    codes = set(values.values_list("indicator__code", flat=True))
    assert {"mises-en-relation", "heures-mecenat", "achats-responsables"} <= codes
    # The plan's axis-6 action drives it, and the API says it is done.
    action = Action.objects.filter(plan=plan, axis__code="companies", introductions=told).first()
    assert action is not None and action.axis.takes_links
    client = Client()
    client.force_login(User.objects.get(email="porteur@demo.essaim.fr"))
    body = client.get(f"/api/v1/support-plans/{plan.pk}").json()
    found = next(a for axis in body["axes"] for a in axis["actions"] if a["id"] == action.pk)
    assert {"id": told.pk, "state": "done"}.items() <= next(
        i for i in found["links"]["introductions"] if i["id"] == told.pk
    ).items()
