"""A visitor reaches a territory's network from the territory's public page, sees the picture
with its title and legend and the tables that say the same — axe-core finds nothing serious."""

import pytest
from playwright.sync_api import expect

from essaim.synergies.tests.test_network_pages import _world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_visitor_reaches_the_network_from_the_territory_page(page, live_server, assert_accessible):
    label, _admin, _network = _world()
    page.goto(f"{live_server.url}/territoires/{label.perimeter.slug}/")
    page.get_by_role("link", name="Le réseau de l'écosystème du territoire").click()
    page.wait_for_url(f"**/synergies/reseau/{label.perimeter.slug}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vallée témoin")
    picture = page.get_by_role("img", name="Réseau de l'écosystème : Vallée témoin")
    expect(picture).to_be_visible()
    expect(page.locator("#network-nodes-table")).to_contain_text("Épicerie témoin")
    expect(page.locator("#network-edges-table")).to_contain_text("mentor de")
    expect(page.locator("#network-isolated")).to_contain_text("Projet seul")
    assert "Secrète" not in page.content()
    assert_accessible(page)
