"""The whole labelling journey in Debian's Chromium, every step through the pages as a person
would take it (axe-core checks on the main pages):

a territory lead writes and submits an application; an instructor asks for changes; the lead
resubmits; the instructor asks the expert partner for an opinion and downloads the call's export;
the expert declares no conflict of interest and gives an opinion; the instructor proposes (an
internal note); the committee adds the application to the wave and decides — the lead sees
"en comité" and nothing of the decision until the committee publishes the wave, then the decision
and its motivation; the public finds the territory in the list and on the map, opens its page and
verifies its certificate.

Only the setting is made with factories and models: programme, call with a small published form
and grid, wave, territory with its commune, collective, and people with their roles.
"""

import csv
import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.actors.models import Collective, CollectiveMember, CollectiveRole, Organisation
from essaim.applications.models import Application
from essaim.applications.workflow import Status
from essaim.calls.models import (
    Call,
    CallKind,
    CallStatus,
    Criterion,
    FormVersion,
    Programme,
    ScoringGrid,
    Wave,
)
from essaim.geo.models import Commune, Departement, Perimeter, PerimeterCommune, Region
from essaim.labels.models import Label
from essaim.reviews.models import ReviewRequest, ReviewStatus

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "secret-password"  # UserFactory's
TERRITORY = "Pays de Niort solidaire"

SCHEMA = {
    "sections": [
        {
            "key": "projet",
            "title": "Le projet du territoire",
            "fields": [
                {
                    "key": "vision",
                    "kind": "long_text",
                    "label": "Vision du territoire",
                    "required": True,
                    "max_length": 2000,
                },
                {
                    "key": "structures",
                    "kind": "number",
                    "label": "Nombre de structures engagées",
                    "min": 2,
                    "decimals": 0,
                },
            ],
        }
    ]
}


@pytest.fixture
def setting():
    today = timezone.localdate()
    partner = Organisation.objects.create(name="Partenaire expert (test)", kind="association")
    programme = Programme.objects.create(
        name="French Impact (test)",
        slug="french-impact-test",
        label_name="Territoire French Impact",
        expert_partner=partner,
    )
    call = Call.objects.create(
        programme=programme,
        title="AMI Territoires (test)",
        slug="ami-territoires-test",
        kind=CallKind.PERMANENT_AMI,
        status=CallStatus.OPEN,
        opens_on=today - datetime.timedelta(days=60),
    )
    FormVersion.objects.create(call=call, number=1, schema=SCHEMA, published_at=timezone.now())
    grid = ScoringGrid.objects.create(call=call, scale_min=0, scale_max=4)
    for position, title in enumerate(["Coopération", "Impact social"]):
        Criterion.objects.create(grid=grid, position=position, title=title)
    wave = Wave.objects.create(
        programme=programme,
        number=1,
        title="Vague 1",
        committee_on=today - datetime.timedelta(days=1),
        announced_on=today,
    )
    region = Region.objects.create(code="75", name="Nouvelle-Aquitaine")
    departement = Departement.objects.create(code="79", name="Deux-Sèvres", region=region)
    niort = Commune.objects.create(
        insee="79191", name="Niort", departement=departement, region=region
    )
    perimeter = Perimeter.objects.create(name=TERRITORY, slug="pays-de-niort-solidaire")
    PerimeterCommune.objects.create(perimeter=perimeter, commune=niort)
    collective = Collective.objects.create(name="Collectif niortais", perimeter=perimeter)
    for position, (name, role) in enumerate(
        [
            ("Communauté d'agglomération (test)", CollectiveRole.LEAD),
            ("Tiers-lieu (test)", "member"),
        ]
    ):
        CollectiveMember.objects.create(
            collective=collective,
            organisation=Organisation.objects.create(name=name, kind="association"),
            role=role,
            position=position,
        )

    def person(role, **scope):
        user = UserFactory()
        Membership.objects.create(user=user, role=role, **scope)
        return user

    return {
        "call": call,
        "wave": wave,
        "lead": person(Role.TERRITORY_LEAD, collective=collective),
        "instructor": person(Role.INSTRUCTOR, programme=programme),
        "expert": person(Role.EXPERT, organisation=partner),
        "committee": person(Role.PROGRAMME_ADMIN, programme=programme),
    }


def autosaved(page, label, value):
    """Type an answer and wait for its autosave's answer. Submitting while the autosave (sent
    800 ms after typing) is still to come made the test flaky: the autosave then reached a
    submitted application, was refused, and its 403 page took the flash message ("Candidature
    déposée…") meant for the page after the submission."""
    with page.expect_response(re.compile(r"/enregistrer/$")):
        page.get_by_label(label).fill(value)


def test_from_application_to_a_verified_label(page, live_server, login, assert_accessible, setting):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def sign_in(user):
        page.context.clear_cookies()
        login(page, live_server, user.email, PASSWORD)

    def status_is(text):
        expect(page.locator("#application-status")).to_have_text(re.compile(text, re.I))

    # 1. The lead starts from the call, writes the application and submits it.
    sign_in(setting["lead"])
    page.goto(f"{live_server.url}/appels/{setting['call'].slug}/")
    page.locator("#apply").click()  # the call page's button (the menu has one too)
    page.get_by_label("Titre de la candidature").fill("Territoire French Impact — Niort")
    page.get_by_role("combobox", name=re.compile("^Territoire existant")).select_option(
        label=TERRITORY
    )
    page.get_by_label("Collectif porteur").select_option(label="Collectif niortais")
    page.get_by_role("button", name="Créer le brouillon").click()
    expect(page.get_by_text("Brouillon créé")).to_be_visible()
    assert_accessible(page)
    application = Application.objects.get(title="Territoire French Impact — Niort")
    expect(page.locator("#completeness")).to_contain_text("Vision du territoire")
    autosaved(page, "Vision du territoire", "Une économie qui coopère.")
    autosaved(page, "Nombre de structures engagées", "12")
    expect(page.locator("#autosave-status")).to_contain_text("Enregistré à")
    page.get_by_role("link", name="Défis et axes de travail").click()
    page.get_by_label("Intitulé du défi").fill("Se nourrir localement")
    page.get_by_label("Axes de travail").fill("épiceries coopératives\nrestauration collective")
    page.get_by_role("button", name="Enregistrer le défi").click()
    expect(page.get_by_role("heading", name="1. Se nourrir localement")).to_be_visible()
    page.goto(f"{live_server.url}/candidatures/{application.pk}/modifier/")
    expect(page.locator("#completeness")).not_to_contain_text("Vision du territoire")
    page.get_by_role("button", name="Enregistrer et vérifier avant de déposer").click()
    expect(page.locator("#submission-recap")).to_be_visible()
    page.get_by_role("button", name="Déposer la candidature").click()
    expect(
        page.get_by_text("Votre candidature a été transmise à l'équipe du programme")
    ).to_be_visible()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED

    # 2. The instructor asks for changes.
    sign_in(setting["instructor"])
    page.goto(f"{live_server.url}/avis/instruction/")
    page.get_by_role("link", name=application.reference).click()
    assert_accessible(page)
    page.locator("#action-request_changes textarea").fill("Précisez la vision du territoire.")
    page.locator("#action-request_changes").get_by_role("button").click()
    status_is("compléments demandés")

    # 3. The lead completes and submits again.
    sign_in(setting["lead"])
    page.goto(f"{live_server.url}/candidatures/{application.pk}/modifier/")
    autosaved(
        page, "Vision du territoire", "Une économie qui coopère : alimentation, mobilité, emploi."
    )
    page.get_by_role("button", name="Enregistrer et vérifier avant de déposer").click()
    expect(page.locator("#submission-recap")).to_be_visible()
    page.get_by_role("button", name="Déposer à nouveau la candidature").click()
    expect(page.get_by_text("Vos compléments ont été transmis")).to_be_visible()
    expect(page.locator("main")).to_contain_text("en instruction")
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert application.answers["vision"].endswith("mobilité, emploi.")

    # 4. The instructor sees what changed, asks the expert partner, and exports the call.
    sign_in(setting["instructor"])
    page.goto(f"{live_server.url}/avis/instruction/")
    page.get_by_role("link", name=application.reference).click()
    expect(page.locator("#changes")).to_contain_text("alimentation, mobilité, emploi")
    request_form = page.locator("#review-request-form")
    request_form.get_by_label(re.compile(setting["expert"].email)).check(force=True)
    request_form.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator("#reviews")).to_contain_text(str(setting["expert"]))
    page.goto(f"{live_server.url}/avis/instruction/?status=in_review")
    page.get_by_role("link", name="Exporter (CSV, XLSX)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exporter les candidatures")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.locator("#export-calls").get_by_role("link", name=re.compile("^CSV")).click()
    with open(download_info.value.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert [row[0] for row in rows[1:]] == [application.reference]
    assert rows[1][rows[0].index("Vision du territoire")].endswith("mobilité, emploi.")

    # 5. The expert declares no conflict of interest, then gives an opinion.
    sign_in(setting["expert"])
    page.goto(f"{live_server.url}/avis/")
    page.get_by_role("link", name=TERRITORY).click()
    page.get_by_text("Non, je n'ai aucun conflit d'intérêts").click()
    page.get_by_role("button", name="Enregistrer ma déclaration").click()
    expect(page.get_by_text("alimentation, mobilité, emploi")).to_be_visible()
    for criterion in setting["call"].grid.criteria.all():
        page.locator(f"input[name='mark_{criterion.pk}'][value='4']").check(force=True)
    page.get_by_label("Recommandation").select_option("label")
    page.get_by_label("Avis général").fill("Collectif solide et vision claire.")
    page.get_by_role("button", name="Vérifier et rendre l'avis").click()
    page.get_by_role("button", name="Confirmer et transmettre l'avis").click()
    expect(page.get_by_text("Votre avis a été transmis à l'équipe.")).to_be_visible()
    assert ReviewRequest.objects.get(application=application).status == ReviewStatus.SUBMITTED

    # 6. The instructor reads the consolidation and proposes.
    sign_in(setting["instructor"])
    page.goto(f"{live_server.url}/avis/instruction/{application.pk}/")
    expect(page.locator("#consolidation")).to_contain_text("1 avis rendu")
    page.locator("#action-propose textarea").fill("Avis favorable ; dossier solide.")
    page.locator("#action-propose").get_by_role("button").click()
    status_is("proposée")

    # 7. The committee adds it to the wave and decides, the motivation addressed to the
    # applicants.
    sign_in(setting["committee"])
    page.goto(f"{live_server.url}/labels/vagues/{setting['wave'].pk}/")
    page.get_by_label(re.compile(application.reference)).check(force=True)
    page.get_by_role("button", name="Ajouter à la vague").click()
    expect(page.get_by_text("1 candidature(s) ajoutée(s) à la vague.")).to_be_visible()
    fieldset = page.locator("fieldset", has_text=application.reference)
    fieldset.get_by_label("Décision").select_option("labelled")
    fieldset.get_by_label("Motivation").fill("Collectif solide, stratégie ambitieuse.")
    fieldset.get_by_label("Adressé au porteur", exact=True).check(force=True)
    page.get_by_role("button", name="Enregistrer les décisions").click()
    expect(page.get_by_text("1 décision(s) enregistrée(s).")).to_be_visible()

    # 8. Until the wave is published, the lead sees "en comité" and nothing of the decision,
    # nor the instructor's internal note on the proposal.
    sign_in(setting["lead"])
    page.goto(f"{live_server.url}/candidatures/{application.pk}/")
    status_is("en comité")
    main = page.locator("main")
    for hidden in ("labellisée", "Collectif solide", "Avis favorable ; dossier solide."):
        expect(main).not_to_contain_text(hidden)
    expect(page.locator("#history")).to_contain_text("en comité")
    assert_accessible(page)

    # 9. The committee publishes; the lead then sees the decision and its motivation.
    sign_in(setting["committee"])
    page.goto(f"{live_server.url}/labels/vagues/{setting['wave'].pk}/")
    page.get_by_role("button", name="Publier la vague").click()
    expect(page.get_by_text("La vague est publiée")).to_be_visible()
    label = Label.objects.get(application=application)
    sign_in(setting["lead"])
    page.goto(f"{live_server.url}/candidatures/{application.pk}/")
    status_is("labellisée")
    expect(page.locator("#decision")).to_contain_text("Collectif solide, stratégie ambitieuse.")
    # Addressed to the applicants, the motivation is also a message of the thread.
    expect(page.locator(".fr-callout").filter(has_text="Collectif solide")).to_be_visible()

    # 10. The public: the list, the map, the territory page, the certificate's verification.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/territoires/")
    table = page.locator("#territory-table")
    expect(table.get_by_role("link", name=TERRITORY)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("tab", name="Carte").click()
    expect(page.locator("#territory-map").get_by_role("link", name=TERRITORY)).to_be_visible()
    # Back to the list (table tab by default): a click during the DSFR tab transition could be
    # lost on a loaded machine.
    page.goto(f"{live_server.url}/territoires/")
    link = page.locator("#territory-table").get_by_role("link", name=TERRITORY)
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TERRITORY)
    expect(page.locator("#collective-members")).to_contain_text("Tiers-lieu (test)")
    expect(page.get_by_text("Se nourrir localement")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Vérifier le label").click()
    expect(page).to_have_url(re.compile(rf"/labels/verifier/{label.verification_code}/$"))
    expect(page.get_by_role("heading", name="Label valide")).to_be_visible()
    assert_accessible(page)
    application.refresh_from_db()
    assert application.status == Status.LABELLED
    assert not errors, errors
