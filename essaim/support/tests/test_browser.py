"""The support-plan journey in Debian's Chromium: a label is granted (through the labels'
service), which opens the plan; the territory lead finds "Mon plan d'accompagnement", adds an
action, completes it, and the plan's progress shows it; axe-core checks the plan page."""

import re

import pytest
from playwright.sync_api import expect

from essaim.accounts.models import Role
from essaim.actors.models import CollectiveMember
from essaim.applications.models import Challenge
from essaim.calls.models import WaveStatus
from essaim.labels.models import Decision, Outcome
from essaim.labels.services import label_grant
from essaim.labels.tests.factories import ApplicationFactory, OrganisationFactory, WaveFactory
from essaim.support.models import SupportPlan
from essaim.support.tests.factories import member

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "secret-password"  # noqa: S105 - UserFactory's test password


def test_label_opens_plan_lead_adds_and_completes_an_action(
    world, page, live_server, login, assert_accessible
):
    application = ApplicationFactory(
        proposed=True,
        wave=WaveFactory(
            french_impact=True, programme=world.programme, number=5, status=WaveStatus.PUBLISHED
        ),
    )
    CollectiveMember.objects.create(
        collective=application.collective,
        organisation=OrganisationFactory(name="Région témoin"),
        role="lead",
    )
    Challenge.objects.create(application=application, title="Alimentation et consommation")
    decision = Decision.objects.create(
        application=application,
        wave=application.wave,
        outcome=Outcome.LABELLED,
        motivation="ok",
        decided_by=world.admin,
    )
    label = label_grant(decision=decision, user=world.admin)
    plan = SupportPlan.objects.get(label=label)
    lead = member(Role.TERRITORY_LEAD, collective=application.collective)

    login(page, live_server, lead.email, PASSWORD)
    page.get_by_role("link", name="Mon plan d'accompagnement").click()
    expect(page).to_have_url(re.compile(rf"/accompagnement/plans/{plan.pk}/$"))
    expect(page.locator("#plan-progress")).to_contain_text("0 / 0 actions réalisées")
    assert_accessible(page)

    page.get_by_role("link", name="Ajouter une action", exact=True).click()
    page.get_by_role("combobox", name=re.compile("^Axe")).select_option(label="Axe financing")
    page.get_by_label("Intitulé").fill("Tour de table des financeurs")
    page.get_by_label("Début").fill("2026-03-01")
    page.get_by_label("Échéance").fill("2026-01-01")
    page.get_by_role("button", name="Enregistrer").click()
    # Refused, naming the field, keeping what was typed.
    expect(page.locator("main")).to_contain_text("précède le début")
    expect(page.get_by_label("Intitulé")).to_have_value("Tour de table des financeurs")
    page.get_by_label("Échéance").fill("2026-09-01")
    page.get_by_label("Budget prévu").fill("10000")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page).to_have_url(re.compile(r"/accompagnement/actions/\d+/$"))
    expect(page.locator("#action-status")).to_contain_text("prévue")

    page.get_by_role("button", name="Démarrer").click()
    expect(page.locator("#action-status")).to_contain_text("en cours")
    page.get_by_role("button", name="Marquer comme réalisée").click()
    expect(page.locator("#action-status")).to_contain_text("réalisée")
    expect(page.locator("#historique + ol")).to_contain_text(
        "action réalisée (en cours → réalisée)"
    )

    page.get_by_role("link", name=plan.label.perimeter.name).first.click()
    expect(page.locator("#plan-progress")).to_contain_text("1 / 1 actions réalisées (100 %)")
    expect(page.locator("#axe-financing")).to_contain_text("Tour de table des financeurs")
    assert_accessible(page)
