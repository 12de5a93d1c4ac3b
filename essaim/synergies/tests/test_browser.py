"""In a browser, from the home page: an engaged company answers "Je peux aider" on the
supermarket's logistics need, then the project holder accepts the introduction."""

import pytest
from playwright.sync_api import expect

from essaim.core.tests.journeys.conftest import Journey
from essaim.synergies.models import Introduction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def walk(page, live_server):
    journey = Journey(page, live_server, "engaged company: je peux aider")
    journey.home()
    return journey


def test_company_helps_and_holder_accepts_from_the_home_page(walk, syn):
    page = walk.page
    walk.sign_in(syn.company.email)
    walk.h1("Mon espace")
    walk.shortcut("Besoins des projets")
    walk.h1("Besoins des projets")
    row = page.locator(f"#need-{syn.logistics.pk}")
    expect(row).to_contain_text("région couverte : Nouvelle-Aquitaine")
    row.get_by_role("link", name="Je peux aider").click()
    walk.h1("Je peux aider")
    page.get_by_label("Message au porteur du projet").fill("Deux logisticiens dès lundi.")
    page.get_by_role("button", name="Proposer la mise en relation").click()
    walk.says("Mise en relation proposée")
    expect(page.locator("#introduction-status")).to_have_text("proposée")

    page.context.clear_cookies()  # the holder, on another computer
    walk.home()
    walk.sign_in(syn.w.holder.email)
    walk.shortcut("Mises en relation avec les entreprises")
    page.get_by_role("link", name=syn.w.supermarket.title).first.click()
    page.get_by_role("button", name="Accepter la mise en relation").click()
    expect(page.locator("#introduction-status")).to_have_text("acceptée")
    assert Introduction.objects.get().status == "accepted"
    walk.done()
