"""The single window is owned by the programme that received each ticket (docs/architecture.md):
its officers handle it, its author and their organisation's holders follow it; experimentation
requests belong to their call's programme (officers and admins decide them); the knowledge base
is public once published. Every page and endpoint tried by another programme's admin, instructor
and officer and by another project holder: reads 404, writes refused, nothing changed."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from essaim.accounts.models import Membership, Role
from essaim.accounts.services import api_token_create
from essaim.accounts.tests.factories import UserFactory
from essaim.core.models import HistoryEvent
from essaim.regulatory import rules, services
from essaim.regulatory.models import ExperimentationRequest, KnowledgeArticle
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


def staff(programme, role):
    user = UserFactory()
    Membership.objects.create(user=user, role=role, programme=programme)
    return user


@pytest.fixture
def world():
    """Programme A's single window received a ticket (with an attachment) from a project holder,
    and an experimentation request in A's call; programme B has its own people."""
    programme, other = (
        ProgrammeFactory(single_window=True),
        ProgrammeFactory(single_window=True),
    )
    organisation = OrganisationFactory(name="Épicerie du Marais")
    author = holder(organisation)
    a_ticket = ticket(
        programme,
        user=author,
        publish_consent=True,
        attachments=[SimpleUploadedFile("statuts.pdf", b"%PDF-1.4 statuts")],
    )
    call = CallFactory(experimentation=True, programme=programme)
    experimentation = services.experimentation_submit(
        user=author,
        call=call,
        title="Vrac",
        derogation_asked="Vendre en vrac",
        rule_text="Décret",
        rule_level="decree",
        duration_months=12,
        evaluation_plan="Un bilan à six mois",
        organisation=organisation,
    )
    return SimpleNamespace(
        programme=programme,
        other=other,
        ticket=a_ticket,
        experimentation=experimentation,
        author=author,
        colleague=holder(organisation),  # another project holder of the same organisation
        officer=officer(programme),
        admin=staff(programme, Role.PROGRAMME_ADMIN),
        instructor=staff(programme, Role.INSTRUCTOR),
        other_officer=officer(other),
        other_admin=staff(other, Role.PROGRAMME_ADMIN),
        other_instructor=staff(other, Role.INSTRUCTOR),
        other_holder=holder(),
        superuser=UserFactory(is_superuser=True, is_staff=True),
    )


def _auth(user):
    _token, raw = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _state(obj) -> tuple:
    obj.refresh_from_db()
    return (
        obj.state,
        getattr(obj, "category", None),
        getattr(obj, "outcome", None),
        HistoryEvent.objects.for_object(obj).count(),
        obj.messages.count() if hasattr(obj, "messages") else None,
    )


TICKET_OUTSIDERS = [
    "other_officer",
    "other_admin",
    "other_instructor",
    "other_holder",
    "admin",  # programme staff are not single-window officers
    "instructor",
]


@pytest.mark.parametrize("who", TICKET_OUTSIDERS)
def test_officer_of_another_programme_cannot_read_or_handle_a_ticket(client, world, who):
    user = getattr(world, who)
    t = world.ticket
    before = _state(t)
    client.force_login(user)
    attachment = t.attachments.get()
    for url in (
        reverse("regulatory:ticket_detail", args=[t.pk]),
        reverse("regulatory:attachment_download", args=[t.pk, attachment.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for name, data in (
        ("triage", {"triage-category": "food", "triage-priority": "high"}),
        ("answer", {"answer-body": "Réponse"}),
        ("close", {"close-outcome": Outcome.CLARIFIED, "close-reason": "ok"}),
        ("message", {"message-body": "Bonjour"}),
        ("withdraw", {}),
    ):
        response = client.post(reverse("regulatory:ticket_action", args=[t.pk, name]), data)
        assert response.status_code == 404, name
    with pytest.raises(PermissionDenied):
        services.ticket_triage(ticket=t, user=user, category="food", priority="high")
    with pytest.raises(PermissionDenied):
        services.ticket_message_receive(ticket=t, user=user, body="Intrus")
    assert client.get(f"/api/v1/tickets/{t.pk}", **_auth(user)).status_code == 404
    assert client.get("/api/v1/tickets", **_auth(user)).json()["items"] == []
    assert t.number not in client.get(reverse("regulatory:my_tickets")).content.decode()
    assert _state(t) == before


@pytest.mark.parametrize("who", ["officer", "author", "colleague", "superuser"])
def test_the_programme_officers_and_the_author_read_the_ticket(client, world, who):
    client.force_login(getattr(world, who))
    assert (
        client.get(reverse("regulatory:ticket_detail", args=[world.ticket.pk])).status_code == 200
    )
    attachment = world.ticket.attachments.get()
    url = reverse("regulatory:attachment_download", args=[world.ticket.pk, attachment.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 statuts"
    download.close()


def test_queue_of_another_programme_does_not_list_the_ticket(client, world):
    client.force_login(world.other_officer)
    response = client.get(reverse("regulatory:queue"))
    assert response.status_code == 200
    assert world.ticket.number not in response.content.decode()
    client.force_login(world.officer)
    assert world.ticket.number in client.get(reverse("regulatory:queue")).content.decode()
    for user in (world.admin, world.other_holder):
        client.force_login(user)
        assert client.get(reverse("regulatory:queue")).status_code == 403


@pytest.mark.parametrize(
    "who", ["other_officer", "other_admin", "other_instructor", "other_holder", "instructor"]
)
def test_experimentation_request_of_another_programme_is_out_of_reach(client, world, who):
    user = getattr(world, who)
    obj = world.experimentation
    before = _state(obj)
    client.force_login(user)
    assert (
        client.get(reverse("regulatory:experimentation_detail", args=[obj.pk])).status_code == 404
    )
    url = reverse("regulatory:experimentation_action", args=[obj.pk, "review"])
    assert client.post(url).status_code == 404
    assert (
        client.get(f"/api/v1/experimentation-requests/{obj.pk}", **_auth(user)).status_code == 404
    )
    listed = client.get("/api/v1/experimentation-requests", **_auth(user)).json()["items"]
    assert listed == []
    with pytest.raises(PermissionDenied):
        services.experimentation_transition(request=obj, user=user, name="review")
    assert services.experimentation_actions(obj, user) == []
    assert _state(obj) == before


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_officers_and_admins_of_the_call_programme_decide_experimentation(client, world, who):
    client.force_login(getattr(world, who))
    obj = world.experimentation
    page = client.get(reverse("regulatory:experimentation_detail", args=[obj.pk]))
    assert page.status_code == 200 and page.context["history"] is not None
    url = reverse("regulatory:experimentation_action", args=[obj.pk, "review"])
    assert client.post(url).status_code == 302
    obj.refresh_from_db()
    assert obj.state == "in_review"


def test_the_applicant_reads_but_does_not_decide(client, world):
    client.force_login(world.colleague)  # a holder of the request's organisation
    obj = world.experimentation
    page = client.get(reverse("regulatory:experimentation_detail", args=[obj.pk]))
    assert page.status_code == 200 and page.context["history"] is None
    url = reverse("regulatory:experimentation_action", args=[obj.pk, "review"])
    assert client.post(url).status_code == 403
    assert ExperimentationRequest.objects.get(pk=obj.pk).state == "submitted"


def _closed(world):
    t = world.ticket
    services.ticket_triage(ticket=t, user=world.officer, category="food", priority="high")
    services.ticket_route(
        ticket=t, user=world.officer, administration=OrganisationFactory(kind="public_body")
    )
    services.ticket_close(ticket=t, user=world.officer, outcome=Outcome.CLARIFIED, reason="ok")
    t.refresh_from_db()
    return t


ARTICLE = {
    "title": "Vrac",
    "question": "Peut-on vendre en vrac ?",
    "answer": "Oui.",
    "theme": "food",
}


@pytest.mark.parametrize("who", ["other_officer", "admin", "author", "other_holder"])
def test_knowledge_base_articles_are_published_by_the_ticket_programme_officers(world, who):
    t = _closed(world)
    with pytest.raises(PermissionDenied):
        services.article_publish(ticket=t, user=getattr(world, who), **ARTICLE)
    assert not KnowledgeArticle.objects.exists()
    article = services.article_publish(ticket=t, user=world.officer, **ARTICLE)
    with pytest.raises(PermissionDenied):
        services.article_unpublish(article=article, user=getattr(world, who))
    article.refresh_from_db()
    assert article.is_published
    services.article_unpublish(article=article, user=world.officer)


def test_an_article_without_a_ticket_is_unpublished_by_any_officer(world):
    article = KnowledgeArticle.objects.create(
        slug="vrac", title="Vrac", question="?", answer="!", theme="food", is_published=True
    )
    with pytest.raises(PermissionDenied):
        services.article_unpublish(article=article, user=world.admin)
    services.article_unpublish(article=article, user=world.other_officer)
    assert not KnowledgeArticle.objects.get(pk=article.pk).is_published


def test_the_services_keep_the_officer_helpers_of_the_mail_intake(world):
    """``inbound`` and the quarantine call ``services.is_officer`` / ``is_officer_for``: same
    names, same answers, decided by ``rules``."""
    assert services.is_officer(world.other_officer) and not services.is_officer(world.admin)
    assert services.is_officer_for(world.officer, world.programme.pk)
    assert not services.is_officer_for(world.other_officer, world.programme.pk)
    assert services.is_officer_for(world.superuser, world.programme.pk)
    assert services.is_author(world.colleague, world.ticket)
    assert not services.is_author(world.other_holder, world.ticket)
    assert rules.officer_programme_ids(world.officer) == {world.programme.pk}
    assert rules.officer_programme_ids(world.superuser) >= {world.programme.pk, world.other.pk}
