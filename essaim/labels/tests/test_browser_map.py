"""The public map in Chromium: each labelled territory is a link reached from the keyboard, the
legend follows the filter, and axe finds no serious or critical issue; a paginated list's
disabled "previous page" link passes axe too."""

import pytest
from playwright.sync_api import expect

from essaim.actors.tests.factories import OrganisationFactory
from essaim.calls.models import WaveStatus
from essaim.labels.tests.factories import (
    ApplicationFactory,
    WaveFactory,
    labelled,
    programme_admin,
    with_communes,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_map_territories_are_links_and_the_page_is_accessible(page, live_server, assert_accessible):
    wave1 = WaveFactory(french_impact=True, number=1, status=WaveStatus.PUBLISHED)
    wave2 = WaveFactory(
        french_impact=True, programme=wave1.programme, number=2, status=WaveStatus.PUBLISHED
    )
    admin = programme_admin(wave1.programme)
    marne = labelled(
        ApplicationFactory(
            proposed=True, wave=wave1, collective__perimeter__name="Vallée de la Marne"
        ),
        admin,
    )
    with_communes(marne.perimeter, ["77001", "51001"], region_code="11")
    poitiers = labelled(
        ApplicationFactory(proposed=True, wave=wave2, collective__perimeter__name="Grand Poitiers"),
        admin,
    )
    with_communes(poitiers.perimeter, ["86194"], region_code="75")

    page.goto(f"{live_server.url}/territoires/")
    page.get_by_role("tab", name="Carte").click()
    territory_map = page.locator("#territory-map")
    marne_link = territory_map.get_by_role("link", name="Vallée de la Marne, Vague 1")
    expect(marne_link).to_be_visible()
    expect(territory_map.get_by_role("link", name="Grand Poitiers, Vague 2")).to_be_visible()
    expect(page.locator("#map-waves li")).to_have_count(2)
    assert_accessible(page)
    marne_link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{marne.get_absolute_url()}")

    page.goto(f"{live_server.url}/territoires/?vague=2")
    page.get_by_role("tab", name="Carte").click()
    expect(page.locator("#map-filter")).to_contain_text("Filtre : vague 2")
    expect(page.locator("#map-waves li")).to_have_count(1)
    expect(page.locator("#territory-map").get_by_role("link")).to_have_count(1)
    assert_accessible(page)


def test_paginated_list_with_a_disabled_previous_link_is_accessible(
    page, live_server, assert_accessible
):
    OrganisationFactory.create_batch(21, verified_at="2026-01-01T00:00:00Z")
    page.goto(f"{live_server.url}/annuaire/")
    previous = page.locator(".fr-pagination__link--prev")
    expect(previous).to_have_attribute("aria-disabled", "true")
    assert_accessible(page)
