"""In Chromium: choosing the project's territory narrows the collective and challenge lists to
that territory's; axe-core checks the form."""

import pytest
from playwright.sync_api import expect

from essaim.projects.tests.test_territory_lists import _challenges

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "secret-password"  # noqa: S105 - UserFactory's test password


def test_territory_narrows_collectives_and_challenges(
    world, page, live_server, login, assert_accessible
):
    _challenges(world)  # labelled territories' challenges (a draft's are not offered)
    login(page, live_server, world.holder.email, PASSWORD)
    page.goto(f"{live_server.url}/projets/nouveau/")
    challenge = page.locator("#id_challenge")
    expect(challenge.locator("option")).to_have_count(3)  # no territory yet: every challenge
    page.locator("#id_perimeter").select_option(label="Lyon Métropole")
    expect(challenge.locator("option")).to_have_text(
        ["- Choisir une option -", "Mobilité lyonnaise (fictif)"]
    )
    expect(page.locator("#id_collective option")).to_have_count(2)
    challenge.select_option(label="Mobilité lyonnaise (fictif)")
    page.locator("#id_perimeter").select_option(label="Région Nouvelle-Aquitaine")
    expect(challenge).to_have_value("")  # the old choice no longer fits: cleared
    expect(challenge.locator("option")).to_have_text(
        ["- Choisir une option -", "Alimentation (fictif)"]
    )
    assert_accessible(page)
