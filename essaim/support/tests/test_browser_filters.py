"""In Chromium: the late count filters the plan's actions and the way back shows them all; the
partners' search box narrows the list (ticked ones stay); axe-core checks both pages."""

import datetime

import pytest
from playwright.sync_api import expect

from essaim.actors.models import CollectiveMember
from essaim.actors.tests.factories import OrganisationFactory
from essaim.support.tests.factories import ActionFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "secret-password"  # noqa: S105 - UserFactory's test password


def test_late_filter_and_partner_search(world, page, live_server, login, assert_accessible):
    ActionFactory(
        plan=world.plan,
        title="Action en retard",
        starts_on=None,
        due_on=datetime.date(2020, 1, 1),
        created_by=world.lead,
    )
    ActionFactory(
        plan=world.plan,
        title="Action future",
        due_on=datetime.date(2099, 1, 1),
        created_by=world.lead,
    )
    collective = world.plan.label.application.collective
    for name in ("Région témoin", "Ressourcerie du Marais", "Département témoin"):
        CollectiveMember.objects.create(
            collective=collective, organisation=OrganisationFactory(name=name), role="member"
        )
    login(page, live_server, world.lead.email, PASSWORD)
    page.goto(f"{live_server.url}/accompagnement/plans/{world.plan.pk}/")
    page.locator("#plan-progress a[data-late-filter]").click()
    expect(page.locator("#filtre-retard")).to_be_visible()
    expect(page.get_by_role("link", name="Action en retard", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Action future", exact=True)).to_have_count(0)
    assert_accessible(page)
    page.locator("#show-all-actions").click()
    expect(page.get_by_role("link", name="Action future", exact=True)).to_be_visible()

    page.goto(f"{live_server.url}/accompagnement/plans/{world.plan.pk}/actions/nouvelle/")
    page.get_by_label("Ressourcerie du Marais").check(force=True)  # the DSFR label covers the box
    search = page.get_by_label("Rechercher une structure partenaire")
    search.fill("temoin")
    expect(page.get_by_label("Région témoin")).to_be_visible()
    expect(page.get_by_label("Département témoin")).to_be_visible()
    expect(page.get_by_label("Ressourcerie du Marais")).to_be_visible()  # ticked: stays
    search.fill("region tem")
    expect(page.get_by_label("Département témoin")).to_be_hidden()
    expect(page.locator("[data-partner-search-count]")).to_have_text("2 structures affichées")
    assert_accessible(page)
