"""Pages: permission matrix (anonymous, wrong role, other programme, right role: status code and
nothing changed), forms, idempotent resubmission, query budgets."""

import pytest
from django.core import mail
from django.urls import reverse

from essaim.core.models import HistoryEvent
from essaim.regulatory import services
from essaim.regulatory.models import (
    ExperimentationRequest,
    PendingTicket,
    Ticket,
)
from essaim.regulatory.tests.factories import (
    CallFactory,
    OrganisationFactory,
    ProgrammeFactory,
    holder,
    officer,
    ticket,
)
from essaim.regulatory.workflow import Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory(single_window=True, single_window_email="hacker@le-frenchimpact.fr")


@pytest.fixture
def people(programme):
    other_programme = ProgrammeFactory(single_window=True)
    author = holder()
    return {
        "anonymous": None,
        "author": author,
        "holder": holder(),
        "other_officer": officer(other_programme),
        "officer": officer(programme),
    }


def _client(client, user):
    if user is not None:
        client.force_login(user)
    return client


def _state(t):
    t.refresh_from_db()
    return (t.state, t.category, t.outcome, HistoryEvent.objects.for_object(t).count())


@pytest.mark.parametrize(
    "name",
    ["regulatory:home", "regulatory:knowledge_base", "regulatory:ticket_new"],
)
def test_public_pages_open_to_anonymous(client, programme, name):
    assert client.get(reverse(name)).status_code == 200


def test_published_article_is_public_unpublished_is_not(client, programme, people):
    t = ticket(programme, publish_consent=True)
    guichet = people["officer"]
    services.ticket_triage(ticket=t, user=guichet, category="food", priority="low")
    services.ticket_close(ticket=t, user=guichet, outcome=Outcome.CLARIFIED, reason="ok")
    article = services.article_publish(
        ticket=t, user=guichet, title="Vrac", question="Q ?", answer="R.", theme="food"
    )
    url = reverse("regulatory:article_detail", args=[article.slug])
    response = client.get(url)
    assert response.status_code == 200
    assert "auteur@example.test" not in response.content.decode()
    services.article_unpublish(article=article, user=guichet)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("holder", 403),
        ("author", 403),
        ("other_officer", 200),
        ("officer", 200),
    ],
)
def test_queue_matrix(client, programme, people, who, expected):
    t = ticket(programme, title="Saisine du programme")
    response = _client(client, people[who]).get(reverse("regulatory:queue"))
    assert response.status_code == expected
    if who == "other_officer":
        assert t.number not in response.content.decode()
    if who == "officer":
        assert t.number in response.content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("holder", 404),
        ("other_officer", 404),
        ("author", 200),
        ("officer", 200),
    ],
)
def test_ticket_page_matrix(client, programme, people, who, expected):
    t = ticket(programme, user=people["author"])
    response = _client(client, people[who]).get(reverse("regulatory:ticket_detail", args=[t.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("holder", 404),
        ("other_officer", 404),
        ("author", 403),
        ("officer", 302),
    ],
)
def test_triage_action_matrix(client, programme, people, who, expected):
    t = ticket(programme, user=people["author"])
    before = _state(t)
    response = _client(client, people[who]).post(
        reverse("regulatory:ticket_action", args=[t.pk, "triage"]),
        {"triage-category": "food", "triage-priority": "high"},
    )
    assert response.status_code == expected
    if who == "officer":
        assert _state(t)[:2] == ("triaged", "food")
    else:
        assert _state(t) == before


def test_action_with_bad_input_names_the_field_and_keeps_the_state(client, programme, people):
    t = ticket(programme)
    client.force_login(people["officer"])
    before = _state(t)
    response = client.post(
        reverse("regulatory:ticket_action", args=[t.pk, "route"]), {"route-comment": "x"}
    )
    assert response.status_code == 422
    assert "Ce champ est obligatoire" in response.content.decode()
    assert _state(t) == before


def test_officer_answers_and_closes_from_the_page(client, programme, people):
    t = ticket(programme, user=people["author"])
    client.force_login(people["officer"])
    administration = OrganisationFactory(kind="public_body", name="DREETS")
    assert (
        client.post(
            reverse("regulatory:ticket_action", args=[t.pk, "route"]),
            {"route-administration": administration.pk},
        ).status_code
        == 302
    )
    client.post(
        reverse("regulatory:ticket_action", args=[t.pk, "answer"]),
        {"answer-body": "Voici la réponse."},
    )
    response = client.post(
        reverse("regulatory:ticket_action", args=[t.pk, "close"]),
        {"close-outcome": "workaround", "close-reason": "Statut de SCIC"},
    )
    assert response.status_code == 302
    t.refresh_from_db()
    assert (t.state, t.outcome, t.administration) == ("closed", "workaround", administration)
    page = client.get(reverse("regulatory:ticket_detail", args=[t.pk])).content.decode()
    assert "Voici la réponse." in page


def test_author_adds_a_message_others_cannot(client, programme, people):
    t = ticket(programme, user=people["author"])
    url = reverse("regulatory:ticket_action", args=[t.pk, "message"])
    assert _client(client, people["holder"]).post(url, {"message-body": "x"}).status_code == 404
    client.force_login(people["author"])
    assert client.post(url, {"message-body": "Complément"}).status_code == 302
    assert t.messages.filter(direction="in", body="Complément").exists()


def test_signed_in_form_is_idempotent(client, programme, people):
    client.force_login(people["author"])
    data = {
        "title": "Cantine solidaire",
        "wants_to_do": "Servir des repas",
        "blocked_by": "Agrément sanitaire",
        "rule_level": "order",
        "rule_text": "Arrêté du 21 décembre 2009",
        "idempotency_key": "same-form",
        "publish_consent": "on",
    }
    first = client.post(reverse("regulatory:ticket_new"), data)
    second = client.post(reverse("regulatory:ticket_new"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    t = Ticket.objects.get()
    assert t.author == people["author"] and t.publish_consent
    assert t.rules.get().level == "order"


def test_form_errors_name_the_field_and_keep_the_text(client, programme, people):
    client.force_login(people["author"])
    response = client.post(
        reverse("regulatory:ticket_new"),
        {"title": "Garder ce titre", "rule_text": "Décret", "idempotency_key": "k"},
    )
    assert response.status_code == 422
    content = response.content.decode()
    assert "Garder ce titre" in content
    assert "Précisez le niveau de la règle citée." in content
    assert Ticket.objects.count() == 0


def test_anonymous_form_confirms_the_address_before_opening(client, programme):
    mail.outbox = []
    data = {
        "email": "visiteur@example.test",
        "title": "Habitat partagé",
        "wants_to_do": "Colocation intergénérationnelle",
        "blocked_by": "Bail",
        "idempotency_key": "anon-1",
    }
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(reverse("regulatory:ticket_new"), data).status_code == 200
    client.post(reverse("regulatory:ticket_new"), data)  # resubmitted: still one pending
    assert len(mail.outbox) == 1
    assert "confirmer" in mail.outbox[0].body
    assert Ticket.objects.count() == 0
    assert PendingTicket.objects.count() == 1
    pending = PendingTicket.objects.get()
    response = client.get(reverse("regulatory:ticket_confirm", args=[pending.token]))
    assert response.status_code == 200
    t = Ticket.objects.get()
    assert t.number in response.content.decode()
    assert t.author_email == "visiteur@example.test"
    assert client.get(reverse("regulatory:ticket_confirm", args=["bad"])).status_code == 404


def test_my_tickets_lists_only_mine(client, programme, people):
    mine = ticket(programme, user=people["author"], title="La mienne")
    ticket(programme, user=people["holder"], title="Pas la mienne")
    assert client.get(reverse("regulatory:my_tickets")).status_code == 302
    client.force_login(people["author"])
    content = client.get(reverse("regulatory:my_tickets")).content.decode()
    assert mine.number in content and "Pas la mienne" not in content


def test_queue_filters_and_query_budget(client, programme, people, django_assert_max_num_queries):
    guichet = people["officer"]
    for n in range(60):
        t = ticket(programme, title=f"Saisine {n}")
        if n % 3 == 0:
            services.ticket_triage(ticket=t, user=guichet, category="food", priority="urgent")
    client.force_login(guichet)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("regulatory:queue"), {"state": "triaged"})
    assert response.status_code == 200
    assert "20 saisines" in response.content.decode()
    ticket(programme, title="Ressourcerie éphémère")
    response = client.get(reverse("regulatory:queue"), {"q": "ressourcerie ephemere"})
    content = response.content.decode()
    assert "Ressourcerie éphémère" in content and "Saisine 4" not in content


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("holder", 404),
        ("other_officer", 404),
        ("author", 200),
        ("officer", 200),
    ],
)
def test_experimentation_pages_matrix(client, programme, people, who, expected):
    call = CallFactory(experimentation=True, programme=programme)
    obj = services.experimentation_submit(
        user=people["author"],
        call=call,
        title="Vrac",
        derogation_asked="x",
        rule_text="Décret",
        rule_level="decree",
        duration_months=12,
        evaluation_plan="x",
    )
    c = _client(client, people[who])
    assert (
        c.get(reverse("regulatory:experimentation_detail", args=[obj.pk])).status_code == expected
    )
    response = c.post(reverse("regulatory:experimentation_action", args=[obj.pk, "review"]))
    obj.refresh_from_db()
    if who == "officer":
        assert response.status_code == 302 and obj.state == "in_review"
    else:
        assert response.status_code in {302, 403, 404} and obj.state == "submitted"
        if who == "author":
            assert response.status_code == 403
    listing = c.get(reverse("regulatory:experimentation_list"))
    assert listing.status_code == (302 if who == "anonymous" else 200)


def test_holder_files_an_experimentation_request(client, programme, people):
    call = CallFactory(experimentation=True, programme=programme)
    client.force_login(people["author"])
    response = client.post(
        reverse("regulatory:experimentation_new"),
        {
            "call": call.pk,
            "title": "Vrac",
            "derogation_asked": "Vendre sans emballage",
            "rule_text": "Décret",
            "rule_level": "eu_law",
            "duration_months": 12,
            "evaluation_plan": "x",
        },
    )
    assert response.status_code == 422
    assert "Union européenne" in response.content.decode()
    assert ExperimentationRequest.objects.count() == 0


def test_holder_links_the_ticket_to_their_own_project_only(client, programme):
    from essaim.projects.tests.factories import ProjectFactory

    organisation = OrganisationFactory()
    author = holder(organisation)
    mine = ProjectFactory(holder=organisation, title="Épicerie du bourg")
    theirs = ProjectFactory(title="Projet d'un autre")
    client.force_login(author)
    data = {
        "title": "Vrac",
        "wants_to_do": "Vendre en vrac",
        "blocked_by": "Étiquetage",
        "idempotency_key": "p-1",
    }
    response = client.post(reverse("regulatory:ticket_new"), {**data, "project": theirs.pk})
    assert response.status_code == 422
    assert Ticket.objects.count() == 0
    client.post(reverse("regulatory:ticket_new"), {**data, "project": mine.pk})
    t = Ticket.objects.get()
    assert (t.project, t.project_title, t.organisation) == (mine, "Épicerie du bourg", organisation)
    page = client.get(reverse("regulatory:ticket_detail", args=[t.pk])).content.decode()
    assert reverse("projects:detail", args=[mine.pk]) in page


def test_public_knowledge_base_query_budget(
    client, programme, people, django_assert_max_num_queries
):
    guichet = people["officer"]
    for n in range(40):
        t = ticket(programme, publish_consent=True, title=f"Question {n}")
        services.ticket_triage(ticket=t, user=guichet, category="food", priority="low")
        services.ticket_close(ticket=t, user=guichet, outcome=Outcome.CLARIFIED, reason="ok")
        services.article_publish(
            ticket=t, user=guichet, title=f"Réponse {n}", question="Q ?", answer="R.", theme="food"
        )
    with django_assert_max_num_queries(8):
        response = client.get(reverse("regulatory:knowledge_base"))
    assert response.status_code == 200
    assert "40 réponses" in response.content.decode()
    with django_assert_max_num_queries(8):
        assert client.get(reverse("regulatory:home")).status_code == 200


def test_experimentation_list_query_budget(
    client, programme, people, django_assert_max_num_queries
):
    call = CallFactory(experimentation=True, programme=programme)
    for n in range(30):
        services.experimentation_submit(
            user=people["author"],
            call=call,
            title=f"Demande {n}",
            derogation_asked="x",
            rule_text="Décret",
            rule_level="decree",
            duration_months=12,
            evaluation_plan="x",
        )
    client.force_login(people["officer"])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("regulatory:experimentation_list"))
    assert response.status_code == 200
    assert "Demande 29" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("holder", 404),
        ("other_officer", 404),
        ("author", 200),
        ("officer", 200),
    ],
)
def test_attachment_download_matrix(client, programme, people, who, expected):
    t = ticket(programme, user=people["author"], attachments=[("plan.pdf", "", b"%PDF plan")])
    attachment = t.attachments.get()
    url = reverse("regulatory:attachment_download", args=[t.pk, attachment.pk])
    response = _client(client, people[who]).get(url)
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == b"%PDF plan"
        assert "attachment" in response["Content-Disposition"]


def test_anonymous_attachment_waits_with_the_pending_ticket(client, programme):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "email": "visiteur@example.test",
        "title": "Habitat partagé",
        "wants_to_do": "Colocation",
        "blocked_by": "Bail",
        "idempotency_key": "anon-att",
        "attachment": SimpleUploadedFile("bail.txt", b"projet de bail"),
    }
    client.post(reverse("regulatory:ticket_new"), data)
    pending = PendingTicket.objects.get()
    client.get(reverse("regulatory:ticket_confirm", args=[pending.token]))
    attachment = Ticket.objects.get().attachments.get()
    assert attachment.filename.startswith("bail")
    with attachment.file.open("rb") as handle:
        assert handle.read() == b"projet de bail"


def test_admin_pages_are_read_only(client, programme):
    from essaim.accounts.tests.factories import UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    t = ticket(programme)
    client.force_login(admin_user)
    assert client.get("/admin/regulatory/ticket/").status_code == 200
    assert client.get(f"/admin/regulatory/ticket/{t.pk}/change/").status_code == 200
    assert client.get("/admin/regulatory/ticket/add/").status_code == 403
    assert (
        client.post(f"/admin/regulatory/ticket/{t.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Ticket.objects.filter(pk=t.pk).exists()
