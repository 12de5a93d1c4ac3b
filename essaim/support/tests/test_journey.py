"""The whole journey after the label, in Debian's Chromium, as the people involved would walk it.

The programme's committee labels a territory (its wave is decided and published through
``essaim.labels.services``, which opens the support plan); the territory lead adds an action to
the plan and completes it; a project holder of an association in the territory creates a
seed-stage project with a 40,000 € financing need, reads its ranked matches (FISO #2 first,
NovESS excluded for its ticket and stage) and sends a request to the first instrument; the
Bpifrance financer takes it in review and grants it; the pipeline's totals and the holder's
project page show the granted amount. axe-core checks the plan, the matches and the pipeline.

Only what nobody types by hand is made by factories and services: the programme, its six axes,
the territory's application and decision, the people and their roles, the reference instruments.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from essaim.accounts.models import Role
from essaim.actors.models import CollectiveMember
from essaim.actors.tests.factories import CollectiveFactory, OrganisationFactory, commune
from essaim.applications.models import Challenge
from essaim.demo.financing import load_instruments
from essaim.geo.models import PerimeterCommune
from essaim.labels.models import Label, Outcome
from essaim.labels.services import DecisionInput, wave_decide, wave_publish
from essaim.labels.tests.factories import ApplicationFactory, ProgrammeFactory, WaveFactory
from essaim.support.models import SupportAxis, SupportPlan
from essaim.support.tests.factories import member
from essaim.testing import grant_partly_on_its_page

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "secret-password"  # noqa: S105 - UserFactory's test password

# The seed's six axes (reference file, ``support_axes``).
AXES = [
    ("strategy", "Co-construire un plan stratégique de développement territorial"),
    ("financing", "Soutenir le financement : l'amorçage et le changement d'échelle"),
    ("regulation", "Lever les freins réglementaires à l'innovation"),
    ("synergies", "Renforcer les synergies territoriales"),
    ("impact", "Promouvoir la mesure et l'évaluation de l'impact"),
    ("companies", "Créer des synergies avec les entreprises engagées"),
]


def labelled_territory():
    """A programme with its axes, a decided wave with one labelled application, published:
    returns the label (and the plan it opened) and the programme admin."""
    programme = ProgrammeFactory(french_impact=True)
    for position, (code, title) in enumerate(AXES, start=1):
        SupportAxis.objects.create(programme=programme, code=code, title=title, position=position)
    admin = member(Role.PROGRAMME_ADMIN, programme=programme)
    niort = commune("79191", "Niort")
    collective = CollectiveFactory(
        name="Collectif du Niortais",
        perimeter__name="Agglomération du Niortais",
        perimeter__slug="agglomeration-du-niortais",
    )
    PerimeterCommune.objects.create(perimeter=collective.perimeter, commune=niort)
    CollectiveMember.objects.create(
        collective=collective,
        organisation=OrganisationFactory(name="Communauté d'agglomération du Niortais"),
        role="lead",
        position=0,
    )
    wave = WaveFactory(
        french_impact=True,
        programme=programme,
        number=3,
        announced_on=timezone.localdate() - datetime.timedelta(1),
    )
    application = ApplicationFactory(
        proposed=True, wave=wave, collective=collective, title="Niort, terre d'ESS"
    )
    Challenge.objects.create(
        application=application,
        title="Alimentation et consommation",
        lines=["supermarchés coopératifs"],
    )
    wave_decide(
        wave=wave,
        decisions=[
            DecisionInput(
                application_id=application.pk,
                outcome=Outcome.LABELLED,
                motivation="Un collectif solide autour de l'alimentation durable.",
            )
        ],
        user=admin,
    )
    wave_publish(wave=wave, user=admin)
    label = Label.objects.get(application=application)
    return label, niort


def test_label_plan_action_project_matches_request_grant_totals(
    page, live_server, login, assert_accessible
):
    # --- Setup: what the programme's committee and the platform's admins have done -----------
    label, niort = labelled_territory()
    plan = SupportPlan.objects.get(label=label)  # opened by the label, with its six axes
    collective = label.application.collective
    territory = label.perimeter.name
    lead = member(Role.TERRITORY_LEAD, collective=collective)
    association = OrganisationFactory(
        name="Épicerie coopérative du Marais poitevin",
        legal_category="9220",  # association déclarée
        is_ess=True,
        commune=niort,
    )
    holder = member(Role.PROJECT_HOLDER, organisation=association)
    instruments = load_instruments()  # the eight reference instruments, real parameters
    fiso = instruments["FISO #2"]  # Bpifrance, seed stage, from 30,000 €, associations too
    financer = member(Role.FINANCER, organisation=fiso.provider)
    today = timezone.localdate()

    # --- The territory lead co-builds the plan --------------------------------------------
    login(page, live_server, lead.email, PASSWORD)
    page.locator("#shortcuts").get_by_role("link", name="Mon plan d'accompagnement").click()
    expect(page).to_have_url(re.compile(rf"/accompagnement/plans/{plan.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(territory)
    expect(page.locator("#plan-progress")).to_contain_text("0 / 0 actions réalisées")
    for _code, title in AXES:
        expect(page.locator("main")).to_contain_text(title)
    assert_accessible(page)

    page.get_by_role("link", name="Ajouter une action à l'axe 2").click()
    expect(page.get_by_role("combobox", name=re.compile("^Axe"))).to_have_value(
        str(plan_axis(plan, "financing").pk)
    )
    page.get_by_label("Intitulé").fill("Tour de table des financeurs solidaires")
    page.get_by_label("Début").fill(today.isoformat())
    page.get_by_label("Échéance").fill((today + datetime.timedelta(days=90)).isoformat())
    page.get_by_label("Budget prévu").fill("8000")
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

    page.get_by_role("link", name=territory).first.click()
    expect(page.locator("#plan-progress")).to_contain_text("1 / 1 actions réalisées (100 %)")
    expect(page.locator("#axe-financing")).to_contain_text(
        "Tour de table des financeurs solidaires"
    )
    assert_accessible(page)

    # --- The project holder creates the project and asks for money ------------------------
    page.context.clear_cookies()
    login(page, live_server, holder.email, PASSWORD)
    page.locator("#shortcuts").get_by_role("link", name="Projets").click()
    page.get_by_role("link", name="Ajouter un projet").click()
    form = page.locator("#project-form")
    form.get_by_label("Titre").fill("Supermarché coopératif du Marais poitevin")
    form.get_by_label("Résumé").fill("Un supermarché coopératif et participatif, produits locaux.")
    form.get_by_label("Structure porteuse").select_option(label=association.name)
    form.get_by_label("Territoire", exact=True).select_option(label=territory)
    form.get_by_label("Collectif du territoire").select_option(label=collective.name)
    form.get_by_label("Stade").select_option(label="amorçage")
    form.locator("label[for=id_domains_0]").click()  # the DSFR label covers the box
    form.get_by_label("Année de création").fill(str(today.year - 1))
    form.get_by_label("Budget annuel (€)").fill("60000")
    form.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Supermarché coopératif du Marais poitevin"
    )

    need_form = page.locator("#need-form")
    need_form.get_by_label("Nature").select_option("financing")
    need_form.get_by_label("Montant (€)").fill("40000")
    need_form.get_by_label("Objet").fill("Aménagement du local et premier stock")
    need_form.get_by_role("button", name="Ajouter le besoin").click()
    expect(page.locator("#project-needs")).to_contain_text("40")
    expect(page.locator("main .essaim-history")).to_contain_text("besoin ajouté")
    project_url = page.url

    page.get_by_role("link", name="Voir les financements possibles").click()
    ranked = page.locator("#ranked-matches > li")
    expect(ranked.first).to_contain_text("FISO #2")
    excluded = page.locator("#excluded-matches")
    expect(excluded).to_contain_text(
        "NovESS : le besoin de 40 000 € est inférieur à son minimum de 100 000 €"
    )
    expect(excluded).to_contain_text(
        "NovESS : ne finance que les stades développement, changement d'échelle ; "
        "le projet est au stade amorçage"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Demander à FISO #2").click()
    # Pre-filled at what FISO #2 may cover (half of the 40 000 € need); the holder asks more.
    expect(page.get_by_label("Montant demandé (€)")).to_have_value("20000")
    page.get_by_label("Montant demandé (€)").fill("40000")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page).to_have_url(re.compile(r"/financement/demandes/\d+/$"))
    expect(page.locator("#request-status")).to_have_text("reçue")

    # --- The financer works the pipeline ---------------------------------------------------
    page.context.clear_cookies()
    login(page, live_server, financer.email, PASSWORD)
    page.locator("#shortcuts").get_by_role("link", name="Demandes de financement").click()
    row = page.locator("#request-table tbody tr", has_text="Supermarché coopératif")
    expect(row).to_contain_text("reçue")
    assert_accessible(page)
    row.get_by_role("link").first.click()
    # The terms the request was sent under, in words (not codes).
    terms = page.locator("#request-terms")
    expect(terms).to_contain_text("avance remboursable, prêt à taux zéro")
    expect(terms).to_contain_text(re.compile(r"Tranche amorçage : 30\s000\s€ – —"))
    page.get_by_role("button", name="Instruire").click()
    expect(page.locator("#request-status")).to_have_text("en instruction")
    grant_partly_on_its_page(
        page, "35000", conditions="Bilan à 12 mois", reason="Plafond de l'outil"
    )
    expect(page.locator("#request-status")).to_have_text("accordée")
    expect(page.locator("#granted-amount")).to_contain_text("35")
    history = page.locator("main .essaim-history")
    expect(history).to_contain_text("demande accordée : 35 000 € ; conditions : Bilan à 12 mois")
    expect(history).to_contain_text("(en instruction → accordée)")

    page.get_by_role("link", name="Demandes de financement").last.click()
    page.locator("#worklist-tabs").get_by_role("link", name=re.compile("Suivis")).click()
    expect(row).to_contain_text("accordée")
    for key, name in (("territory", territory), ("instrument", fiso.label), ("stage", "amorçage")):
        totals_row = page.locator(f"#totals-{key} tbody tr", has_text=name)
        expect(totals_row).to_contain_text(re.compile(r"35\s000\s€"))
    assert_accessible(page)

    # --- The holder sees where the request stands -------------------------------------------
    page.context.clear_cookies()
    login(page, live_server, holder.email, PASSWORD)
    page.locator("#shortcuts").get_by_role("link", name="Demandes de financement").click()
    page.locator("#worklist-tabs").get_by_role("link", name=re.compile("Suivis")).click()
    holder_row = page.locator("#request-table tbody tr", has_text="Supermarché coopératif")
    expect(holder_row).to_contain_text(re.compile(r"accordée \(35\s000\s€\)"))
    holder_row.get_by_role("link").first.click()
    expect(page.locator("#request-status")).to_have_text("accordée")
    page.locator("#request-project").click()
    expect(page).to_have_url(project_url)
    expect(page.locator("#project-requests")).to_contain_text("accordée")


def plan_axis(plan, code):
    return SupportAxis.objects.get(programme_id=plan.label.programme_id, code=code)
