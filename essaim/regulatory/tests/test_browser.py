"""The single window's main journey in Debian's Chromium: a project holder files a blocker on
the web → the officer routes it and answers → the answer arrives by e-mail on the test SMTP
server → the ticket becomes an experimentation request → it is granted → the published answer
appears in the knowledge base. axe-core checks the key pages."""

import re
from email import message_from_bytes, policy

import pytest
from playwright.sync_api import expect

from essaim.regulatory.models import ExperimentationRequest, KnowledgeArticle, Ticket
from essaim.regulatory.tests.factories import (
    CallFactory,
    OrganisationFactory,
    PerimeterFactory,
    ProgrammeFactory,
    holder,
    officer,
)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "secret-password"  # the UserFactory's


def test_blocker_to_granted_experimentation_and_published_answer(
    page, browser, live_server, login, assert_accessible, smtp_server
):
    programme = ProgrammeFactory(
        single_window=True, single_window_email="hacker@le-frenchimpact.fr"
    )
    CallFactory(experimentation=True, programme=programme, title="France Expérimentation")
    OrganisationFactory(name="DGCCRF (administration)", kind="public_body")
    PerimeterFactory(name="Vallée de la Marne", slug="vallee-de-la-marne")
    author = holder(email="porteuse@example.test")
    guichet = officer(programme, email="guichet@example.test")

    # 1. The project holder files a blocker on the web.
    login(page, live_server, author.email, PASSWORD)
    page.goto(f"{live_server.url}/guichet-unique/saisir/")
    assert_accessible(page)
    form = page.locator("#ticket-form")
    form.get_by_label("Objet").fill("Vendre du fromage fermier en vrac")
    form.get_by_label("Ce que le projet veut faire").fill(
        "Notre épicerie coopérative veut servir le fromage dans les bocaux des clients."
    )
    form.get_by_label("Ce qui bloque").fill("On nous dit que le préemballage est obligatoire.")
    form.get_by_label("Niveau de la règle").select_option("decree")
    form.get_by_label("Texte (code, décret, arrêté, circulaire)").fill("Code de la consommation")
    form.get_by_label("Territoire").select_option(label="Vallée de la Marne")
    form.locator("label[for=id_publish_consent]").click()  # the DSFR label covers the box
    form.get_by_role("button", name="Envoyer la saisine").click()
    expect(page.locator("#ticket-number")).to_have_text(re.compile(r"SAISINE-\d{4}-0001"))
    ticket = Ticket.objects.get()
    assert ticket.author == author

    # 2. The officer routes it and answers.
    officer_context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    officer_context.set_default_timeout(15_000)
    desk = officer_context.new_page()
    login(desk, live_server, guichet.email, PASSWORD)
    desk.goto(f"{live_server.url}/guichet-unique/saisines/")
    desk.get_by_role("link", name=ticket.number).click()
    assert_accessible(desk)
    desk.get_by_role("button", name="Transmettre").first.click()
    route = desk.locator("#action-route form")
    route.get_by_label("Administration compétente").select_option(label="DGCCRF (administration)")
    route.get_by_role("button", name="Transmettre").click()
    expect(desk.locator("#ticket-administration")).to_have_text("DGCCRF (administration)")
    desk.get_by_role("button", name="Répondre").first.click()
    answer = desk.locator("#action-answer form")
    answer.get_by_label("Réponse (envoyée par courriel à l'auteur)").fill(
        "Le vrac est possible, mais une dérogation serait utile pour les fromages au lait cru."
    )
    answer.get_by_role("button", name="Répondre").click()
    expect(desk.locator("#ticket-state")).to_have_text("répondue")
    expect(desk.locator("#thread")).to_contain_text("lait cru")

    # 3. The answer arrived by e-mail on the SMTP server, threaded on the acknowledgement.
    sent = [message_from_bytes(e.content, policy=policy.default) for e in smtp_server.messages]
    answers = [m for m in sent if "Réponse du guichet unique" in m["Subject"]]
    assert len(answers) == 1
    assert answers[0]["To"] == author.email
    assert f"[{ticket.number}]" in answers[0]["Subject"]
    assert "lait cru" in answers[0].get_content()

    # 4. The ticket becomes an experimentation request, in one step.
    desk.get_by_role("button", name="Transformer en demande d'expérimentation").first.click()
    conversion = desk.locator("#action-to_experimentation form")
    conversion.get_by_label("Durée (mois)").fill("24")
    conversion.get_by_label("Plan d'évaluation").fill("Contrôles sanitaires à 6, 12 et 24 mois.")
    conversion.get_by_role("button", name="Transformer en demande d'expérimentation").click()
    expect(desk.locator("#experimentation-state")).to_have_text("déposée")
    request = ExperimentationRequest.objects.get()
    assert request.ticket == ticket and request.perimeter.slug == "vallee-de-la-marne"

    # 5. It is reviewed, then granted as a time-limited derogation with evaluation dates.
    desk.get_by_role("button", name="Instruire").click()
    expect(desk.locator("#experimentation-state")).to_have_text("en instruction")
    decision = desk.locator("#experimentation-actions")
    decision.get_by_label("Dérogation du").fill("2019-09-01")
    decision.get_by_label("au", exact=True).fill("2021-08-31")
    decision.get_by_label("Évaluation intermédiaire").fill("2020-09-01")
    decision.get_by_label("Évaluation finale").fill("2021-08-01")
    decision.get_by_role("button", name="Accorder la dérogation").click()
    expect(desk.locator("#experimentation-state")).to_have_text("accordée (dérogation temporaire)")
    expect(desk.locator("#experimentation-grant")).to_contain_text("Vallée de la Marne")
    assert_accessible(desk)

    # 6. The officer publishes the anonymised answer; it appears in the public knowledge base.
    desk.goto(f"{live_server.url}/guichet-unique/saisines/{ticket.pk}/")
    desk.get_by_role("button", name="Publier dans la base de connaissances").first.click()
    publish = desk.locator("#action-publish form")
    publish.get_by_label("Titre publié").fill("Vendre du fromage en vrac")
    publish.get_by_role("button", name="Publier dans la base de connaissances").click()
    expect(desk.locator("#article-answer")).to_contain_text("lait cru")
    officer_context.close()

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/guichet-unique/base-de-connaissances/?q=fromage")
    expect(page.locator("#kb-results")).to_contain_text("Vendre du fromage en vrac")
    assert "porteuse@example.test" not in page.content()
    assert_accessible(page)
    assert KnowledgeArticle.objects.get().is_published


def test_mail_sender_confirms_and_officer_attaches_a_reply_to_confirm(
    page, browser, live_server, login, assert_accessible, smtp_server
):
    from essaim.regulatory import inbound
    from essaim.regulatory.tests.mails import make_mail

    programme = ProgrammeFactory(
        single_window=True, single_window_email="hacker@le-frenchimpact.fr"
    )
    author = holder(email="porteuse@example.test")
    guichet = officer(programme, email="guichet@example.test")

    # 1. A mail from the address of an account opens a ticket that is not yet that account's.
    ticket = inbound.mail_ingest(
        make_mail(to=programme.single_window_email, sender="Porteuse <porteuse@example.test>")
    ).ticket
    assert ticket.author is None
    [ack] = [message_from_bytes(e.content, policy=policy.default) for e in smtp_server.messages]
    assert ack["Subject"] == f"[{ticket.number}] Accusé de réception"
    assert ack["Reply-To"].startswith("hacker+")
    link = re.search(r"https?://\S+/confirmer-adresse/\S+/", ack.get_content()).group(0)

    # 2. Its author opens the link, signs in and confirms: the ticket becomes theirs.
    page.goto(live_server.url + link[link.index("/guichet-unique/") :])
    assert_accessible(page)
    page.get_by_role("button", name="Me connecter et confirmer").click()
    form = page.locator("main form")
    form.get_by_label("Adresse électronique").fill(author.email)
    form.get_by_label("Mot de passe").fill(PASSWORD)
    form.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/confirmer-adresse/"))
    page.get_by_role("button", name="Je confirme être l'auteur de ce message").click()
    expect(page.locator("#sender-confirmed")).to_contain_text(ticket.number)
    ticket.refresh_from_db()
    assert ticket.author == author

    # 3. A message naming the number in its subject only waits for an officer, who reads its
    # raw headers and attaches it.
    inbound.mail_ingest(
        make_mail(
            to=programme.single_window_email,
            sender="porteuse@example.test",
            subject=f"Re: [{ticket.number}] le plan",
            message_id="<plan@example.test>",
            body="Voici le plan du local.",
        )
    )
    officer_context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    officer_context.set_default_timeout(15_000)
    desk = officer_context.new_page()
    login(desk, live_server, guichet.email, PASSWORD)
    desk.goto(f"{live_server.url}/guichet-unique/saisines/")
    desk.locator("#held-to-confirm").click()
    desk.locator("#quarantine tbody a").first.click()
    expect(desk.locator("#held-headers")).to_contain_text("Message-ID: <plan@example.test>")
    assert_accessible(desk)
    desk.locator("#held-attach").get_by_role("button", name="Rattacher à cette saisine").click()
    expect(desk.locator("#ticket-number")).to_have_text(ticket.number)
    expect(desk.locator("#thread")).to_contain_text("Voici le plan du local.")
    officer_context.close()
