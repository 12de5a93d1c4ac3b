"""Who reads an action's comment: addressed to the applicant (a message of the thread, both
sides read it) or an internal note (only the programme's staff); the forms say which before it
is sent, and the applicants' history shows only what is addressed to them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from essaim.accounts.models import Role
from essaim.applications import queries, workflow
from essaim.applications.models import Application, Message
from essaim.applications.services import allowed_transitions, application_transition
from essaim.applications.tests.factories import ApplicationFactory, lead_of, staff
from essaim.applications.workflow import Status
from essaim.core.models import HistoryEvent, Notification

pytestmark = pytest.mark.django_db

NOTE = "Dossier solide, à défendre en comité (avis instructeur)"


@pytest.fixture
def application():
    return ApplicationFactory(status=Status.IN_REVIEW)


@pytest.fixture
def lead(application):
    return lead_of(application).user


@pytest.fixture
def instructor(application):
    return staff(application.call.programme, Role.INSTRUCTOR)


def act(client, user, application, name, **data):
    client.force_login(user)
    return client.post(
        reverse("reviews:instruction_transition", args=[application.pk, name]),
        {f"{name}-{key}": value for key, value in data.items()},
    )


def applicant_view(client, lead, application) -> tuple[str, dict]:
    client.force_login(lead)
    page = client.get(reverse("applications:detail", args=[application.pk])).text
    return page, client.get(f"/api/v1/applications/{application.pk}").json()


def test_every_transition_says_who_reads_its_comment():
    assert set(workflow.COMMENT_AUDIENCES) == set(workflow.BY_NAME)
    assert workflow.COMMENT_AUDIENCES["request_changes"] == (workflow.Audience.ADDRESSED,)
    for name in ("start_review", "propose", "reopen", "label", "not_label"):
        assert workflow.COMMENT_AUDIENCES[name][0] == workflow.Audience.INTERNAL


def test_propose_comment_is_internal_and_not_in_applicant_history(
    client, application, lead, instructor
):
    client.force_login(instructor)
    form = client.get(reverse("reviews:instruction_detail", args=[application.pk])).text
    # The form says who will read the comment before it is sent; internal is the default.
    assert "Qui lira ce commentaire ?" in form
    assert (
        'name="propose-audience" value="internal" dsfr="dsfr" id="id_propose-audience_0" checked'
        in (form)
    )

    response = act(client, instructor, application, "propose", comment=NOTE, audience="internal")

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.PROPOSED
    event = HistoryEvent.objects.for_object(application).get(action="propose")
    assert event.comment == NOTE and event.comment_internal
    assert not Message.objects.filter(application=application).exists()
    assert not Notification.objects.filter(user=lead).exists()
    page, api = applicant_view(client, lead, application)
    assert NOTE not in page and NOTE not in str(api)
    # The move itself is theirs to see, as they see it: to the committee.
    assert ("in_review", "in_committee", "") in [
        (e["from_state"], e["to_state"], e["comment"]) for e in api["history"]
    ]
    assert "en comité" in page
    # The programme's staff see the note, marked internal.
    client.force_login(instructor)
    staff_page = client.get(reverse("reviews:instruction_detail", args=[application.pk])).text
    assert NOTE in staff_page and "note interne" in staff_page
    staff_api = client.get(f"/api/v1/applications/{application.pk}").json()
    assert [(e["comment"], e["internal"]) for e in staff_api["history"]] == [(NOTE, True)]


def test_propose_comment_without_audience_is_internal(client, application, lead, instructor):
    act(client, instructor, application, "propose", comment=NOTE)
    assert HistoryEvent.objects.for_object(application).get(action="propose").comment_internal
    page, api = applicant_view(client, lead, application)
    assert NOTE not in page and NOTE not in str(api)


def test_request_changes_comment_is_a_message_in_thread(
    client, application, lead, instructor, django_capture_on_commit_callbacks
):
    ask = "Précisez la gouvernance du collectif."
    client.force_login(instructor)
    form = client.get(reverse("reviews:instruction_detail", args=[application.pk])).text
    assert "Commentaire adressé au porteur (obligatoire) — Demander des compléments" in form
    assert 'name="request_changes-audience"' not in form

    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, instructor, application, "request_changes", comment=ask)

    assert response.status_code == 302
    message = Message.objects.get(application=application)
    assert (message.body, message.author, message.from_staff) == (ask, instructor, True)
    event = HistoryEvent.objects.for_object(application).get(action="request_changes")
    assert not event.comment_internal and event.payload["message"] == message.pk
    assert Notification.objects.filter(user=lead, body=ask).exists()
    page, api = applicant_view(client, lead, application)
    thread = page.split('id="messages"')[1].split('id="historique"')[0]
    assert ask in thread
    assert ask in [e["comment"] for e in api["history"]]
    # The staff's history marks it as addressed to the applicant (not an internal note).
    client.force_login(instructor)
    staff_page = client.get(reverse("reviews:instruction_detail", args=[application.pk])).text
    staff_history = staff_page.split('id="historique"')[1]
    assert "adressé au porteur" in staff_history and "note interne" not in staff_history


def test_request_changes_cannot_be_an_internal_note(client, application, lead, instructor):
    client.force_login(instructor)
    response = client.post(
        f"/api/v1/applications/{application.pk}/transitions/request_changes",
        {"comment": "Une note", "audience": "internal"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "Adressé au porteur" in response.json()["detail"]
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert not Message.objects.exists()
    assert not HistoryEvent.objects.for_object(application).exists()


def test_addressed_comment_visible_to_both_sides(
    client, application, lead, instructor, django_capture_on_commit_callbacks
):
    word = "Votre dossier part au comité de février."
    with django_capture_on_commit_callbacks(execute=True):
        act(client, instructor, application, "propose", comment=word, audience="addressed")

    message = Message.objects.get(application=application)
    assert (message.body, message.from_staff) == (word, True)
    assert Notification.objects.filter(user=lead, title__contains="Nouveau message").exists()
    page, api = applicant_view(client, lead, application)
    assert word in page.split('id="messages"')[1].split('id="historique"')[0]
    assert [(e["comment"], e["internal"]) for e in api["history"]] == [(word, False)]
    client.force_login(instructor)
    staff_page = client.get(reverse("applications:detail", args=[application.pk])).text
    assert staff_page.count(word) == 2  # in the thread and in the history
    staff_api = client.get(f"/api/v1/applications/{application.pk}").json()
    assert [(e["comment"], e["internal"]) for e in staff_api["history"]] == [(word, False)]


def test_applicant_history_is_one_rule_for_page_and_api(client, application, lead, instructor):
    """The applicants' history leaves out the staff's own rows (assignment, expert requests)."""
    from essaim.reviews.services import application_assign

    application_assign(application=application, user=instructor, assignee=instructor)
    application_transition(application=application, user=instructor, name="propose", comment=NOTE)
    application = Application.objects.select_related("wave", "call").get(pk=application.pk)
    seen = queries.history_visible_to(lead, application)
    assert [(e.action, e.to_state, e.comment) for e in seen] == [("propose", "in_committee", "")]
    assert [e.action for e in queries.history_visible_to(instructor, application)] == [
        "assign",
        "propose",
    ]
    page, api = applicant_view(client, lead, application)
    assert [e["action"] for e in api["history"]] == ["propose"]


def test_withdraw_comment_is_read_by_both_sides(client, application, lead):
    Application.objects.filter(pk=application.pk).update(status=Status.SUBMITTED)
    client.force_login(lead)
    page = client.get(reverse("applications:detail", args=[application.pk])).text
    assert "et le collectif le lisent" in page
    client.post(
        reverse("applications:transition", args=[application.pk, "withdraw"]),
        {"comment": "Nous candidaterons plus tard."},
    )
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert Message.objects.get(application=application).from_staff is False


def test_withdrawal_closes_once_in_a_wave(application, lead):
    from essaim.calls.tests.factories import WaveFactory

    Application.objects.filter(pk=application.pk).update(
        status=Status.PROPOSED, wave=WaveFactory(programme=application.call.programme)
    )
    application = Application.objects.get(pk=application.pk)
    assert allowed_transitions(application, lead) == []
    with pytest.raises(ValidationError, match="comité"):
        application_transition(
            application=application, user=lead, name="withdraw", comment="Finalement non."
        )
    application.refresh_from_db()
    assert application.status == Status.PROPOSED
