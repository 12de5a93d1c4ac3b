"""Programme ownership of applications: the staff of another programme (admin, instructor,
single-window officer) get nothing of a programme's applications — not the collective's pages,
not the instruction pages, exports or API — and change nothing.

Codes: an application (or its call's export) outside the user's scope is a 404. The instruction
pages and exports are reserved to programme staff: someone who is staff of no programme (a
single-window officer) gets a 403 there before any application is looked up, whatever the id.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from essaim.accounts.models import Membership, Role
from essaim.actors.models import CollectiveMember
from essaim.applications import rules
from essaim.applications.models import (
    Application,
    ApplicationPerson,
    Attachment,
    Challenge,
    Message,
    PrivateNote,
)
from essaim.applications.services import application_transition, applying, challenges
from essaim.applications.tests.factories import (
    ApplicationFactory,
    OrganisationFactory,
    PersonFactory,
    complete,
    lead_of,
    staff,
)
from essaim.applications.workflow import Status
from essaim.core.models import BackgroundJob
from essaim.reviews.models import ReviewRequest
from essaim.testing import other_programme, superuser, table_state

pytestmark = pytest.mark.django_db

TABLES = (
    Application,
    ApplicationPerson,
    Attachment,
    Challenge,
    CollectiveMember,
    Message,
    PrivateNote,
    ReviewRequest,
)
STAFF = ("admin", "instructor", "officer")


def _expert_of(programme):
    from essaim.accounts.tests.factories import UserFactory

    user = UserFactory()
    Membership.objects.create(
        user=user, role=Role.EXPERT, programme=programme, organisation=OrganisationFactory()
    )
    return user


@pytest.fixture
def world():
    """Programme A: an application sent back for changes (the collective may write it, it is in
    the instruction queue) with everything an application holds, and a submitted one."""
    editable = complete(ApplicationFactory(status=Status.CHANGES_REQUESTED))
    programme = editable.call.programme
    lead = lead_of(editable).user
    invited = PersonFactory(application=editable, can_edit=True, is_signatory=False)
    submitted = complete(
        ApplicationFactory(form_version=editable.form_version, status=Status.SUBMITTED)
    )
    instructor = staff(programme)
    attachment = Attachment.objects.create(
        application=editable,
        field_key="letter",
        file=SimpleUploadedFile("lettre.pdf", b"%PDF-1.4"),
        original_name="lettre.pdf",
        size=8,
        content_type="application/pdf",
        uploaded_by=lead,
    )
    message = Message.objects.create(
        application=editable,
        author=lead,
        body="Question du collectif",
        attachment=SimpleUploadedFile("note.txt", b"texte"),
        attachment_name="note.txt",
    )
    PrivateNote.objects.create(application=editable, author=instructor, body="Confidentiel")
    review = ReviewRequest.objects.create(
        application=submitted,
        expert=_expert_of(programme),
        requested_by=instructor,
        deadline=timezone.localdate() + datetime.timedelta(days=10),
    )
    return {
        "editable": editable,
        "submitted": submitted,
        "lead": lead,
        "invited": invited,
        "instructor": instructor,
        "attachment": attachment,
        "message": message,
        "review": review,
        "other": other_programme(),
    }


def _collective_reads(w) -> list[str]:
    a = w["editable"]
    base = f"/candidatures/{a.pk}/"
    challenge = a.challenges.first()
    return [
        base,
        f"{base}modifier/",
        f"{base}collectif/",
        f"{base}collectif/recherche/?q=Organisation",
        f"{base}defis/",
        f"{base}defis/{challenge.pk}/",
        f"{base}recepisse.pdf",
        f"{base}pieces/{w['attachment'].pk}/",
        f"{base}messages/{w['message'].pk}/piece/",
    ]


def _collective_writes(w) -> list[tuple[str, dict]]:
    a = w["editable"]
    base = f"/candidatures/{a.pk}/"
    challenge = a.challenges.first()
    member = a.collective.members.first()
    person = w["invited"]
    return [
        (f"{base}modifier/", {"title": "Détourné", "pitch": "Piraté"}),
        (f"{base}enregistrer/", {"title": "Détourné", "pitch": "Piraté"}),
        (f"{base}blocs/defis/ajouter/", {}),
        (f"{base}blocs/defis/0/retirer/", {}),
        (f"{base}collectif/ajouter/", {"organisation": OrganisationFactory().pk, "role": "member"}),
        (f"{base}collectif/{member.pk}/role/", {"role": "member"}),
        (f"{base}collectif/{member.pk}/retirer/", {}),
        (f"{base}personnes/inviter/", {"email": "intrus@example.test", "can_edit": "on"}),
        (f"{base}personnes/{person.pk}/droits/", {"can_edit": ""}),
        (f"{base}personnes/{person.pk}/retirer/", {}),
        (f"{base}personnes/{person.pk}/referent/", {}),
        (f"{base}defis/", {"title": "Défi ajouté", "lines": "a"}),
        (f"{base}defis/{challenge.pk}/", {"title": "Défi changé", "lines": "a"}),
        (f"{base}defis/{challenge.pk}/retirer/", {}),
        (f"{base}defis/{challenge.pk}/haut/", {}),
        (f"{base}messages/", {"body": "Intrusion"}),
        (f"{base}action/withdraw/", {"comment": "Retirée par un intrus"}),
        (f"{base}action/resubmit/", {}),
        (f"/candidatures/{w['submitted'].pk}/action/start_review/", {}),
    ]


def _instruction_writes(w) -> list[tuple[str, dict]]:
    a = w["submitted"]
    base = f"/avis/instruction/{a.pk}/"
    return [
        (f"{base}action/start_review/", {"start_review-comment": ""}),
        (f"{base}action/request_changes/", {"request_changes-comment": "Précisez"}),
        (f"{base}notes/", {"body": "Note d'un intrus"}),
        (f"{base}attribuer/", {"assignee": w["instructor"].pk}),
        (f"{base}demander-avis/", {"experts": [w["review"].expert_id], "deadline": "2031-01-01"}),
        (f"/avis/instruction/demandes/{w['review'].pk}/annuler/", {"comment": "Annulée"}),
        ("/avis/instruction/actions-groupees/", {"ids": [a.pk], "action": "assign_me"}),
        ("/avis/instruction/actions-groupees/", {"ids": [a.pk], "action": "start_review"}),
    ]


# --- The collective's pages ----------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_staff_of_another_programme_cannot_read_an_application(client, world, role):
    client.force_login(world["other"].staff()[role])
    for url in _collective_reads(world):
        assert client.get(url).status_code == 404, url
    assert world["editable"].reference not in client.get("/candidatures/").text


@pytest.mark.parametrize("role", STAFF)
def test_staff_of_another_programme_cannot_change_an_application(client, world, role):
    client.force_login(world["other"].staff()[role])
    before = table_state(*TABLES)
    for url, data in _collective_writes(world):
        assert client.post(url, data).status_code == 404, url
    assert table_state(*TABLES) == before


# --- The instruction pages and exports ----------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "instructor"])
def test_staff_of_another_programme_cannot_instruct_an_application(client, world, role):
    client.force_login(world["other"].staff()[role])
    submitted = world["submitted"]
    queue = client.get("/avis/instruction/")
    assert queue.status_code == 200 and queue.context["total"] == 0
    assert client.get(f"/avis/instruction/{submitted.pk}/").status_code == 404
    assert client.get(f"/avis/instruction/{world['editable'].pk}/").status_code == 404
    before = table_state(*TABLES)
    for url, data in _instruction_writes(world):
        assert client.post(url, data).status_code == 404, url
    assert table_state(*TABLES) == before


def test_single_window_officer_of_another_programme_is_refused_the_instruction_pages(client, world):
    """Staff of no programme's instruction: a 403 before any application is looked up."""
    client.force_login(world["other"].officer)
    assert client.get("/avis/instruction/").status_code == 403
    assert client.get(f"/avis/instruction/{world['submitted'].pk}/").status_code == 403
    before = table_state(*TABLES)
    for url, data in _instruction_writes(world):
        assert client.post(url, data).status_code == 403, url
    assert table_state(*TABLES) == before


@pytest.mark.parametrize("role", STAFF)
def test_staff_of_another_programme_cannot_export_a_call(client, world, role):
    call = world["editable"].call
    client.force_login(world["other"].staff()[role])
    expected = 403 if role == "officer" else 404
    for fmt in ("csv", "zip", "xlsx"):
        response = client.get(f"/avis/instruction/exports/{call.pk}.{fmt}")
        assert response.status_code == expected, fmt
        assert world["editable"].reference.encode() not in b"".join(
            getattr(response, "streaming_content", [response.content])
        )
    for fmt in ("zip", "xlsx"):  # starting a background export
        response = client.post(f"/avis/instruction/exports/{call.pk}.{fmt}")
        assert response.status_code == expected, fmt
    assert not BackgroundJob.objects.exists()
    page = client.get("/avis/instruction/exports/")
    assert page.status_code == (403 if role == "officer" else 200)
    assert call.title not in page.text


# --- API -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_staff_of_another_programme_get_nothing_through_the_api(client, world, role):
    client.force_login(world["other"].staff()[role])
    for application in (world["editable"], world["submitted"]):
        url = f"/api/v1/applications/{application.pk}"
        assert client.get(url).status_code == 404
        assert client.get(f"{url}/consolidation").status_code == 404
    assert client.get("/api/v1/applications").json()["count"] == 0
    before = table_state(*TABLES)
    url = f"/api/v1/applications/{world['editable'].pk}"
    response = client.patch(
        url, {"title": "Piraté", "answers": {"pitch": "X"}}, content_type="application/json"
    )
    assert response.status_code == 404
    for name, application in (("withdraw", "editable"), ("start_review", "submitted")):
        response = client.post(
            f"/api/v1/applications/{world[application].pk}/transitions/{name}",
            {"comment": "Intrus"},
            content_type="application/json",
        )
        assert response.status_code == 404, name
    assert table_state(*TABLES) == before


def test_a_draft_call_of_another_programme_is_unknown_to_the_api(client, world):
    from essaim.calls.models import CallStatus
    from essaim.calls.tests.factories import CallFactory

    draft = CallFactory(programme=world["editable"].call.programme, status=CallStatus.DRAFT)
    client.force_login(world["other"].admin)
    before = table_state(*TABLES)
    response = client.post(
        "/api/v1/applications",
        {"call_id": draft.pk, "title": "Intrus", "perimeter_slug": "nulle-part"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "introuvable" in response.json()["errors"][0]["message"]
    assert table_state(*TABLES) == before


# --- Services ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_services_refuse_the_staff_of_another_programme(world, role):
    user = world["other"].staff()[role]
    editable, submitted = world["editable"], world["submitted"]
    before = table_state(*TABLES)
    attempts = [
        lambda: application_transition(application=submitted, user=user, name="start_review"),
        lambda: application_transition(
            application=editable, user=user, name="withdraw", comment="Intrus"
        ),
        lambda: applying.message_post(user=user, application=editable, body="Intrus"),
        lambda: applying.application_update(
            user=user, application=editable, title="Détourné", summary=""
        ),
        lambda: challenges.challenge_save(user=user, application=editable, title="Intrus"),
        lambda: applying.person_invite(
            user=user, application=editable, email="intrus@example.test"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert table_state(*TABLES) == before


# --- Superusers ----------------------------------------------------------------------------------


def test_superuser_instructs_the_applications_of_every_programme(client, world):
    root = superuser()
    submitted = world["submitted"]
    assert rules.can_instruct(root, submitted)
    assert root.has_perm("applications.instruct_application", submitted)
    assert not world["other"].admin.has_perm("applications.instruct_application", submitted)
    client.force_login(root)
    assert client.get(f"/avis/instruction/{submitted.pk}/").status_code == 200
    response = client.post(f"/avis/instruction/{submitted.pk}/action/start_review/")
    assert response.status_code == 302
    client.post(f"/avis/instruction/{submitted.pk}/attribuer/", {"assignee": ""})
    response = client.post(
        "/avis/instruction/actions-groupees/", {"ids": [submitted.pk], "action": "assign_me"}
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_REVIEW and submitted.assignee == root


def test_superuser_is_not_a_member_of_the_collective(client, world):
    """Staff by status, never an applicant: a superuser does not write the application."""
    root = superuser()
    editable = world["editable"]
    assert not rules.can_edit_application(root, editable)
    assert not root.has_perm("applications.edit_application", editable)
    assert world["lead"].has_perm("applications.edit_application", editable)
    assert not rules.applicant_role(root, editable).is_applicant
    client.force_login(root)
    assert client.get(f"/candidatures/{editable.pk}/").status_code == 200  # staff may read it
    before = table_state(*TABLES)
    assert client.get(f"/candidatures/{editable.pk}/modifier/").status_code == 403
    assert (
        client.post(f"/candidatures/{editable.pk}/enregistrer/", {"pitch": "X"}).status_code == 403
    )
    with pytest.raises(PermissionDenied):
        application_transition(application=editable, user=root, name="resubmit")
    assert table_state(*TABLES) == before


# --- Who hears about it, who is offered --------------------------------------------------------


def test_a_submission_is_announced_to_its_programmes_staff_only(world):
    from essaim.core.models import Notification

    draft = complete(
        ApplicationFactory(form_version=world["editable"].form_version, status=Status.DRAFT)
    )
    signatory = lead_of(draft).user
    application_transition(application=draft, user=signatory, name="submit")
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert world["instructor"].pk in told
    assert not told & {u.pk for u in world["other"].staff().values()}


def test_the_instruction_page_offers_the_programmes_own_staff_only(client, world):
    client.force_login(world["instructor"])
    response = client.get(f"/avis/instruction/{world['submitted'].pk}/")
    offered = set(response.context["assign_form"].fields["assignee"].queryset)
    assert world["instructor"] in offered
    assert not offered & set(world["other"].staff().values())
    queue = client.get("/avis/instruction/")
    choices = {value for value, _label in queue.context["form"].fields["assignee"].choices}
    assert str(world["other"].instructor.pk) not in choices


def test_only_the_lead_adds_an_organisation_and_a_refusal_adds_none_to_the_directory(client, world):
    from essaim.actors.models import Organisation

    editable = world["editable"]
    client.force_login(world["invited"].user)  # an editor, not the lead
    organisations = Organisation.objects.count()
    before = table_state(*TABLES)
    response = client.post(
        f"/candidatures/{editable.pk}/collectif/ajouter/",
        {"siret": "73282932000074", "name": "Nouvelle association", "role": "member"},
    )
    assert response.status_code == 403
    assert Organisation.objects.count() == organisations
    assert table_state(*TABLES) == before
