"""The main public journeys in Debian's Chromium, with an axe-core check on each page: home,
directory search, login as every demo role, the language switch and the API docs under our CSP."""

import re

import pytest
from playwright.sync_api import expect

from essaim.accounts.models import Role
from essaim.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

# e-mail → the role "Mon espace" lists for it (the label of essaim.accounts.models.Role).
DEMO_ROLES = {
    "admin@demo.essaim.fr": Role.PROGRAMME_ADMIN,
    "instructeur@demo.essaim.fr": Role.INSTRUCTOR,
    "expert@demo.essaim.fr": Role.EXPERT,
    "porteur@demo.essaim.fr": Role.TERRITORY_LEAD,
    "projet@demo.essaim.fr": Role.PROJECT_HOLDER,
    "financeur@demo.essaim.fr": Role.FINANCER,
    "guichet@demo.essaim.fr": Role.SINGLE_WINDOW_OFFICER,
    "entreprise@demo.essaim.fr": Role.COMPANY,
    # The second, fictitious programme's staff.
    "admin-region@demo.essaim.fr": Role.PROGRAMME_ADMIN,
    "instructeur-region@demo.essaim.fr": Role.INSTRUCTOR,
    "guichet-region@demo.essaim.fr": Role.SINGLE_WINDOW_OFFICER,
}


@pytest.fixture
def demo_accounts():
    """The demo accounts — French Impact's eight and the regional programme's three — made by
    the demo's own loaders on the smallest setting they need (no geography, no reference file):
    what a newcomer logs in with is what is tested."""
    from essaim.actors.models import OrganisationKind
    from essaim.actors.tests.factories import CollectiveFactory, OrganisationFactory
    from essaim.calls.models import Programme
    from essaim.demo import DemoContext
    from essaim.demo import accounts as accounts_demo

    avise = OrganisationFactory(name="Avise", kind=OrganisationKind.SUPPORT)
    Programme.objects.create(
        slug="french-impact-territoires",
        name="French Impact — Territoires",
        label_name="Territoire French Impact",
        expert_partner=avise,
    )
    CollectiveFactory(
        name="Collectif Nouvelle-Aquitaine",
        perimeter__name="Région Nouvelle-Aquitaine",
        perimeter__slug="region-nouvelle-aquitaine",
    )
    OrganisationFactory(name="Bpifrance", kind=OrganisationKind.FINANCER)
    accounts_demo.load(DemoContext(reference={}))
    Programme.objects.create(
        slug="innovation-sociale-nouvelle-aquitaine",
        name="Innovation sociale en Nouvelle-Aquitaine (fictif)",
        label_name="Territoire d'innovation sociale de Nouvelle-Aquitaine (fictif)",
    )
    accounts_demo.load_regional(DemoContext(reference={}))
    return DEMO_ROLES


def test_home(page, live_server, assert_accessible):
    page.goto(live_server.url + "/")
    expect(page).to_have_title(re.compile("Accueil — Essaim"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Annuaire des organisations").first).to_be_visible()
    assert_accessible(page)


def test_home_is_french_even_for_an_english_browser(browser, live_server):
    context = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.get_by_role("button", name="English").first).to_be_visible()
    finally:
        context.close()


def test_directory_search(page, live_server, assert_accessible):
    from essaim.actors.models import OrganisationKind
    from essaim.actors.tests.factories import OrganisationFactory

    OrganisationFactory(
        name="France Active", kind=OrganisationKind.FINANCER, is_ess=True, description="Finance"
    )
    OrganisationFactory(name="France Active Nouvelle-Aquitaine", kind=OrganisationKind.FINANCER)
    OrganisationFactory(name="ATIS", kind=OrganisationKind.SUPPORT)
    OrganisationFactory(name="Ellyx", kind=OrganisationKind.COMPANY)

    page.goto(live_server.url + "/annuaire/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuaire des organisations")
    assert_accessible(page)

    page.locator("#id_q").fill("france active")
    page.locator("#directory-filters").get_by_role("button", name="Rechercher").click()
    results = page.locator("#directory-table")
    expect(results.get_by_role("link", name="France Active", exact=True)).to_be_visible()
    expect(results.get_by_role("link", name="France Active Nouvelle-Aquitaine")).to_be_visible()
    expect(results.get_by_role("link", name="ATIS")).to_have_count(0)
    expect(results.get_by_role("link", name="Ellyx")).to_have_count(0)
    expect(page.locator("#directory-count")).to_contain_text("2 organisations")
    assert_accessible(page)

    results.get_by_role("link", name="France Active", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("France Active")


def test_login_page(page, live_server, assert_accessible):
    page.goto(live_server.url + "/comptes/connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter à Essaim")
    assert_accessible(page)


def test_wrong_password(page, live_server, demo_accounts):
    page.goto(live_server.url + "/comptes/connexion/")
    form = page.locator("main form")
    form.get_by_label("Adresse électronique").fill("admin@demo.essaim.fr")
    form.get_by_label("Mot de passe").fill("pas-le-bon")
    form.get_by_role("button", name="Se connecter").click()
    expect(page.locator("main")).to_contain_text("Adresse électronique ou mot de passe incorrect.")
    expect(form.get_by_label("Adresse électronique")).to_have_value("admin@demo.essaim.fr")


@pytest.mark.parametrize("email", list(DEMO_ROLES))
def test_login_as_each_demo_role(page, live_server, login, demo_accounts, email):
    login(page, live_server, email, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    roles = page.locator("#roles-table")
    expect(roles).to_contain_text(str(demo_accounts[email].label).capitalize())
    if "-region@" in email:  # scoped to the regional programme only
        expect(roles).to_contain_text("Innovation sociale en Nouvelle-Aquitaine (fictif)")
        expect(roles).not_to_contain_text("French Impact")
    expect(page.locator(".fr-header__tools-links")).to_contain_text(email)


def test_dashboard_and_logout(page, live_server, login, demo_accounts, assert_accessible):
    login(page, live_server, "porteur@demo.essaim.fr", DEMO_PASSWORD)
    expect(page.locator("#roles-table")).to_contain_text("Collectif Nouvelle-Aquitaine")
    assert_accessible(page)
    page.locator(".fr-header__tools-links").get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator(".fr-header__tools-links")).to_contain_text("Se connecter")


def test_language_switch(page, live_server, assert_accessible):
    page.goto(live_server.url + "/comptes/connexion/")
    tools = page.locator(".fr-header__tools-links")
    tools.get_by_role("button", name="English").click()

    expect(page).to_have_url(live_server.url + "/comptes/connexion/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Essaim")
    expect(page.get_by_role("link", name="Forgot your password?")).to_be_visible()
    assert_accessible(page)

    # The choice sticks from page to page.
    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name="Directory of organisations").first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)

    tools.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("link", name="Annuaire des organisations").first).to_be_visible()


def test_api_docs_work_under_the_csp(page, live_server):
    """Swagger UI is served from django-ninja's static files (no CDN) and runs with our CSP."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    external = []
    page.on(
        "request",
        lambda request: (
            external.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    page.goto(live_server.url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Essaim API")
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/auth/token")
    expect(operation.first).to_be_visible()
    assert violations == []
    assert [url for url in external if not url.startswith("data:")] == []
