"""Issue 11's walk, in Debian's Chromium, on the pages only (links clicked as a person would):
the programme's staff opens a reporting campaign; the territory lead reports by CSV; the value
far from the series' history is flagged, and the staff confirms it on its page; the staff
generates the territory's evaluation report (the background task runs at once in tests) and its
page shows it ready; an engaged company answers "Je peux aider" with its matching offer on a
project's skills need; the lead accepts, the company reports what its help produced, both mark
it done; the territory's network then shows the company's new link, in its table and its
picture. axe-core checks the campaign, the report and the network pages."""

import datetime
import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory
from essaim.actors.models import OrganisationKind
from essaim.actors.tests.factories import OrganisationFactory
from essaim.calls.models import Wave, WaveStatus
from essaim.core.tests.journeys.conftest import Journey
from essaim.impact import services
from essaim.impact.models import Campaign, Measurement, MeasurementStatus, Report, ReportStatus
from essaim.projects.models import Need, NeedKind
from essaim.synergies import services as synergies_services
from essaim.synergies.models import Introduction, IntroductionStatus, ProjectRelation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

YEAR = datetime.date.today().year - 1  # noqa: DTZ011 - a past year, whatever the time zone
HISTORY = ("10", "12", "11", "13", "12")  # jobs created, one value a year before YEAR


@pytest.fixture
def walk_world(world):
    """The impact world, its wave published (the territory is public), five years of the
    territory's "jobs created", and an engaged company whose logistics offer covers the
    territory, beside the project's open logistics need."""
    Wave.objects.filter(pk=world.label.application.wave_id).update(status=WaveStatus.PUBLISHED)
    for offset, value in enumerate(HISTORY):
        services.measurement_record(
            user=world.admin,
            indicator=world.ind("emplois-crees"),
            label=world.label,
            period_end=datetime.date(YEAR - len(HISTORY) + offset, 12, 31),
            value=value,
            source="Registre",
        )
    boreal = OrganisationFactory(name="Atelier Boréal", kind=OrganisationKind.COMPANY)
    company = MembershipFactory(role=Role.COMPANY, organisation=boreal).user
    need = Need.objects.create(
        project=world.project,
        kind=NeedKind.SKILLS,
        purpose="Logistique : approvisionnement et gestion du stock",
    )
    offer = synergies_services.offer_create(
        user=company,
        company=boreal,
        data={
            "kind": "skills_sponsorship",
            "title": "Mécénat de compétences en logistique",
            "description": "Nos logisticiens organisent l'approvisionnement et le stock.",
        },
        perimeters=[world.label.perimeter],
    )
    return SimpleNamespace(w=world, boreal=boreal, company=company, need=need, offer=offer)


def tick(page, text):
    """A DSFR checkbox or radio button: its label takes the click."""
    page.locator("main label").filter(has_text=text).click()


def sign_in_again(walk, email):
    """Another person, on another computer: from the home page, "Se connecter"."""
    walk.page.context.clear_cookies()
    walk.home()
    walk.sign_in(email)
    walk.h1("Mon espace")


def test_campaign_to_report_to_introduction_to_network(
    page, live_server, walk_world, assert_accessible, tmp_path
):
    w, page = walk_world.w, page
    territory = w.label.perimeter.name
    walk = Journey(page, live_server, "impact and synergies: campaign to network")
    walk.home()

    # 1. The programme's staff creates and opens a campaign.
    walk.sign_in(w.admin.email)
    walk.shortcut("Mesure d'impact")
    page.get_by_role("link", name="Campagnes de collecte").first.click()
    page.get_by_role("link", name=f"Nouvelle campagne — {w.programme.name}").click()
    page.get_by_label("Intitulé").fill(f"Collecte {YEAR}")
    page.get_by_label("Début de la période").fill(f"{YEAR}-01-01")
    page.get_by_label("Fin de la période").fill(f"{YEAR}-12-31")
    page.get_by_label("Date limite").fill(f"{YEAR + 1}-12-31")
    tick(page, "Emplois créés (ETP)")
    tick(page, territory)
    page.get_by_role("button", name="Créer la campagne").click()
    walk.says("Campagne créée")
    page.get_by_role("button", name="Ouvrir la campagne").click()
    walk.h1(f"Collecte {YEAR}")
    expect(page.get_by_role("button", name="Clore la campagne")).to_be_visible()
    assert Campaign.objects.get().status == "open"
    assert_accessible(page)

    # 2. The territory lead reports by CSV, for the campaign.
    sign_in_again(walk, w.lead.email)
    walk.shortcut("Mesure d'impact")
    page.get_by_role("link", name=f"Collecte {YEAR}").click()
    page.locator("#completion").get_by_role("link", name=territory).click()
    page.get_by_role("link", name="Importer un fichier CSV").click()
    csv_file = tmp_path / "collecte.csv"
    csv_file.write_text(
        f"indicateur;periode;valeur;unite;source\nemplois-crees;{YEAR}-12-31;95;ETP;Registre\n",
        encoding="utf-8",
    )
    page.get_by_label("Fichier CSV").set_input_files(str(csv_file))
    page.get_by_label("Campagne").select_option(label=f"Collecte {YEAR}")
    page.get_by_role("button", name="Vérifier et importer").click()
    walk.says("1 valeur(s) importée(s), dont 1 signalée(s) pour vérification.")
    flagged = page.locator("#flagged-values")
    expect(flagged).to_contain_text("Valeur éloignée de l'historique")
    reported = Measurement.objects.get(value=95)
    assert reported.status == MeasurementStatus.FLAGGED and reported.campaign is not None

    # 3. The staff confirms the flagged value on its page.
    sign_in_again(walk, w.admin.email)
    walk.shortcut("Mesure d'impact")
    page.locator("#impact-territories").get_by_role("link", name=territory).click()
    page.locator("#flagged-values").get_by_role("link").first.click()
    expect(page.locator("#measurement-value")).to_contain_text("95")
    tick(page, "Confirmer la valeur")
    page.get_by_label("Commentaire").fill("Ouverture du supermarché : 80 embauches.")
    page.get_by_role("button", name="Enregistrer la vérification").click()
    walk.says("Vérification enregistrée.")
    reported.refresh_from_db()
    assert reported.status == MeasurementStatus.RECORDED  # confirmed: it counts

    # 4. The staff generates the territory's report; its page shows it ready.
    walk.my_space()
    walk.shortcut("Mesure d'impact")
    page.get_by_role("link", name="Rapports d'évaluation").first.click()
    page.get_by_role("link", name=f"Nouveau rapport — {w.programme.name}").click()
    page.get_by_label("Territoire").select_option(label=str(w.label))  # with its wave
    page.get_by_label("Année").fill(str(YEAR))
    page.get_by_role("button", name="Créer le rapport").click()
    walk.says("Rapport créé")
    page.get_by_role("button", name="Générer", exact=True).click()
    expect(page.locator("#report-status")).to_have_text("généré")
    expect(page.get_by_role("link", name="Télécharger le PDF")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Emplois créés")
    report = Report.objects.get()
    assert report.status == ReportStatus.DONE and report.pdf
    assert_accessible(page)

    # 5. The engaged company answers "Je peux aider" with its matching offer.
    sign_in_again(walk, walk_world.company.email)
    walk.shortcut("Besoins des projets")
    row = page.locator(f"#need-{walk_world.need.pk}")
    expect(row).to_contain_text(walk_world.offer.title)
    row.get_by_role("link", name="Je peux aider").click()
    page.get_by_label("Message au porteur du projet").fill("Deux logisticiens dès lundi.")
    page.get_by_role("button", name="Proposer la mise en relation").click()
    walk.says("Mise en relation proposée")
    expect(page.locator("#introduction-status")).to_have_text("proposée")

    # 6. The territory lead accepts it.
    sign_in_again(walk, w.lead.email)
    walk.shortcut("Mises en relation avec les entreprises")
    page.get_by_role("link", name=w.project.title).first.click()
    page.get_by_role("button", name="Accepter la mise en relation").click()
    expect(page.locator("#introduction-status")).to_have_text("acceptée")

    # 7. The company reports what its help produced and marks it done; so does the lead.
    sign_in_again(walk, walk_world.company.email)
    walk.shortcut("Mes mises en relation")
    page.get_by_role("link", name=w.project.title).first.click()
    page.get_by_role("link", name="Déclarer ce que l'aide a produit").click()
    page.get_by_label("Heures données").fill("35")
    page.get_by_role("button", name="Enregistrer").click()
    walk.says("Résultats enregistrés.")
    expect(page.locator("#introduction-results")).to_contain_text("35")
    page.get_by_role("button", name="Marquer comme réalisée").click()
    expect(page.locator("#done-sides")).to_contain_text("selon l'entreprise : oui")

    sign_in_again(walk, w.lead.email)
    walk.shortcut("Mises en relation avec les entreprises")
    page.get_by_role("link", name=w.project.title).first.click()
    page.get_by_role("button", name="Marquer comme réalisée").click()
    expect(page.locator("#introduction-status")).to_have_text("réalisée")
    introduction = Introduction.objects.get()
    assert introduction.status == IntroductionStatus.DONE and introduction.hours == 35
    assert ProjectRelation.objects.filter(introduction=introduction).exists()

    # 8. The territory's network shows the company's new link to the project.
    walk.menu("Territoires labellisés")
    page.get_by_role("link", name=territory).first.click()
    page.get_by_role("link", name="Le réseau de l'écosystème du territoire").click()
    expect(page).to_have_url(re.compile(rf"/synergies/reseau/{w.label.perimeter.slug}/$"))
    edges = page.locator("#network-edges-table")
    link_row = edges.get_by_role("row").filter(has_text=walk_world.boreal.name)
    expect(link_row).to_contain_text(w.project.title)
    picture = page.get_by_role("img", name=re.compile("Réseau de l'écosystème"))
    expect(picture).to_contain_text(walk_world.boreal.name)
    assert_accessible(page)
    walk.done()
