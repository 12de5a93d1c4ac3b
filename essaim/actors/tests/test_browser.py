"""The directory's htmx filters and the organisation pages in Debian's Chromium, with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory
from essaim.actors.models import Organisation, OrganisationKind
from essaim.actors.tests.factories import OrganisationFactory, PartnershipFactory, commune

pytestmark = pytest.mark.django_db(transaction=True)


def test_filters_update_the_results_in_place(page, live_server, assert_accessible):
    niort = commune()
    caen = commune("14118", "Caen", ("14", "Calvados"), ("28", "Normandie"))
    OrganisationFactory(name="Ellyx", commune=niort, is_ess=True)
    OrganisationFactory(
        name="Région Normandie", commune=caen, kind=OrganisationKind.LOCAL_AUTHORITY
    )
    page.goto(live_server.url + "/annuaire/")
    expect(page.locator("#directory-count")).to_contain_text("2 organisations")
    page.evaluate("window.essaimMarker = 'same page'")

    page.locator("#id_region").select_option("28")
    expect(page.locator("#directory-count")).to_contain_text("1 organisation trouvée")
    expect(
        page.locator("#directory-table").get_by_role("link", name="Région Normandie")
    ).to_be_visible()
    expect(page).to_have_url(re.compile(r"region=28"))
    # htmx swapped the results: the page was not reloaded
    assert page.evaluate("window.essaimMarker") == "same page"

    page.locator("#id_region").select_option("")
    page.locator("#id_q").fill("ellyx")
    expect(page.locator("#directory-count")).to_contain_text("1 organisation trouvée")
    expect(page.locator("#directory-table").get_by_role("link", name="Ellyx")).to_be_visible()
    assert_accessible(page)


def test_own_member_edits_the_organisation(page, live_server, login, assert_accessible):
    organisation = OrganisationFactory(name="Bpifrance", kind=OrganisationKind.FINANCER)
    PartnershipFactory(source=organisation, target=OrganisationFactory(name="Réseau"))
    user = MembershipFactory(role=Role.FINANCER, organisation=organisation, programme=None).user
    login(page, live_server, user.email, "secret-password")

    page.goto(f"{live_server.url}/annuaire/organisations/{organisation.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Modifier").click()
    page.locator("#id_siret").fill("32025248901075")
    page.locator("#id_siren").fill("320252488")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#id_siren-desc-error")).to_contain_text("clé de contrôle (Luhn)")
    assert_accessible(page)

    page.locator("#id_siren").fill("")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Organisation mise à jour.")).to_be_visible()
    expect(page.locator("#organisation-history")).to_contain_text("32025248901075")
    assert Organisation.objects.get(pk=organisation.pk).siren == "320252489"
