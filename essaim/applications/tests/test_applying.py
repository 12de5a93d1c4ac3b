import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.actors.models import CollectiveRole, Organisation
from essaim.applications import rules
from essaim.applications.completeness import missing_items
from essaim.applications.models import Application, ApplicationPerson, Attachment, Message
from essaim.applications.receipt import receipt_pdf
from essaim.applications.services import application_transition, applying, challenges
from essaim.applications.tests.factories import (
    ApplicationFactory,
    OrganisationFactory,
    PerimeterFactory,
    PersonFactory,
    complete,
    lead_of,
    staff,
)
from essaim.applications.workflow import Status
from essaim.calls.tests.factories import CutOffFactory, FormVersionFactory
from essaim.core.models import HistoryEvent, Notification

pytestmark = pytest.mark.django_db


def test_create_makes_the_creator_lead_and_a_collective():
    version = FormVersionFactory()
    user = UserFactory()
    perimeter = PerimeterFactory(name="Pays de Gâtine")
    application = applying.application_create(
        user=user, call=version.call, perimeter=perimeter, title="Gâtine solidaire"
    )
    assert application.reference.startswith("TFI-")
    assert application.form_version == version
    assert application.collective.perimeter == perimeter
    person = application.people.get()
    assert person.user == user and person.is_lead and person.is_signatory
    assert HistoryEvent.objects.for_object(application).get().action == "create"


def test_create_refuses_a_closed_call_and_another_collective():
    version = FormVersionFactory(call__status="closed")
    with pytest.raises(ValidationError) as caught:
        applying.application_create(
            user=UserFactory(), call=version.call, perimeter=PerimeterFactory(), title=""
        )
    assert {"call", "title"} <= set(caught.value.message_dict)
    assert not Application.objects.exists()


def test_autosave_keeps_valid_answers_and_reports_invalid_ones():
    application = ApplicationFactory(answers={"pitch": "Avant"})
    lead = lead_of(application).user
    result = applying.application_save_answers(
        user=lead,
        application=application,
        data={"pitch": "x" * 40, "size": "8", "site": "pas une url"},
    )
    application.refresh_from_db()
    assert application.answers == {"pitch": "Avant", "size": 8}
    assert set(result.errors) == {"pitch", "site"}


def test_member_without_edit_right_cannot_save():
    application = ApplicationFactory()
    reader = PersonFactory(application=application, can_edit=False).user
    with pytest.raises(PermissionDenied):
        applying.application_save_answers(
            user=reader, application=application, data={"pitch": "Hop"}
        )
    application.refresh_from_db()
    assert application.answers == {}


def test_no_edit_once_submitted():
    application = ApplicationFactory(status=Status.SUBMITTED)
    lead = lead_of(application).user
    with pytest.raises(ValidationError, match="plus modifiable"):
        applying.application_save_answers(user=lead, application=application, data={"pitch": "Hop"})


def test_file_answer_becomes_an_attachment_and_limits_are_enforced():
    application = ApplicationFactory()
    lead = lead_of(application).user
    pdf = SimpleUploadedFile("lettre.pdf", b"%PDF-1.4 hello", content_type="application/pdf")
    applying.application_save_answers(user=lead, application=application, data={"letter": pdf})
    attachment = Attachment.objects.get(application=application)
    assert application.answers["letter"] == {
        "attachment": attachment.pk,
        "name": "lettre.pdf",
        "size": 14,
    }
    big = SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024))
    result = applying.application_save_answers(
        user=lead, application=application, data={"letter": big}
    )
    assert "1 Mo au maximum" in result.errors["letter"]
    assert Attachment.objects.count() == 1
    # A file answer cannot point at another application's attachment.
    other = ApplicationFactory(form_version=application.form_version)
    other_lead = lead_of(other).user
    result = applying.application_save_answers(
        user=other_lead, application=other, data={"letter": {"attachment": attachment.pk}}
    )
    assert "letter" in result.errors and "letter" not in other.answers


def test_completeness_lists_what_is_missing_and_submit_is_refused():
    application = ApplicationFactory()
    lead = lead_of(application).user
    fields = {item.field for item in missing_items(application)}
    assert {"collective", "challenges", "pitch", "defis"} <= fields
    with pytest.raises(ValidationError) as caught:
        application_transition(application=application, user=lead, name="submit")
    assert "pitch" in caught.value.message_dict
    application.refresh_from_db()
    assert application.status == Status.DRAFT and application.submitted_at is None
    complete(application)
    assert missing_items(application) == []


def test_submit_sends_a_receipt_and_sets_the_cutoff(django_capture_on_commit_callbacks):
    application = complete(ApplicationFactory())
    cutoff = CutOffFactory(call=application.call)
    lead = lead_of(application).user
    instructor = staff(application.call.programme)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, user=lead, name="submit")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.cutoff == cutoff
    assert Notification.objects.filter(user=lead, title__contains="Accusé de réception").exists()
    assert Notification.objects.filter(user=instructor).exists()
    assert any("Accusé de réception" in m.subject for m in mail.outbox)
    pdf = receipt_pdf(application)
    assert pdf.startswith(b"%PDF")


def test_signatory_matrix_for_submit():
    application = complete(ApplicationFactory())
    editor = PersonFactory(application=application, can_edit=True, is_signatory=False).user
    with pytest.raises(PermissionDenied):
        application_transition(application=application, user=editor, name="submit")
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        application_transition(application=application, user=outsider, name="submit")
    signatory = PersonFactory(application=application, can_edit=False, is_signatory=True).user
    application_transition(application=application, user=signatory, name="submit")
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED


def test_collective_organisations_and_lead_role():
    application = ApplicationFactory()
    lead = lead_of(application).user
    editor = PersonFactory(application=application).user
    first = OrganisationFactory()
    with pytest.raises(PermissionDenied):
        applying.collective_member_add(
            user=editor, application=application, organisation=first, role="lead"
        )
    applying.collective_member_add(
        user=lead, application=application, organisation=first, role="lead"
    )
    second = applying.organisation_for_siret(siret="443 061 841 00047", name="Coop nouvelle")
    assert second.siren == "443061841"
    applying.collective_member_add(
        user=lead, application=application, organisation=second, role="lead"
    )
    roles = dict(application.collective.members.values_list("organisation_id", "role"))
    assert roles == {first.pk: CollectiveRole.MEMBER, second.pk: CollectiveRole.LEAD}
    with pytest.raises(ValidationError, match="déjà partie"):
        applying.collective_member_add(
            user=lead, application=application, organisation=first, role="member"
        )
    with pytest.raises(ValidationError) as caught:
        applying.organisation_for_siret(siret="12345678901234")
    assert "siret" in caught.value.message_dict
    assert Organisation.objects.count() == 2


def test_invitation_accept_rights_and_handover(django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    lead = lead_of(application).user
    with django_capture_on_commit_callbacks(execute=True):
        person = applying.person_invite(
            user=lead, application=application, email="Invitee@Example.test"
        )
    assert person.email == "invitee@example.test" and person.invitation_token
    assert person.invitation_token in mail.outbox[-1].body
    with pytest.raises(ValidationError):
        applying.person_invite(user=lead, application=application, email="invitee@example.test")
    invitee = UserFactory(email="invitee@example.test")
    applying.person_accept(user=invitee, token=person.invitation_token)
    person.refresh_from_db()
    assert person.user == invitee and person.invitation_token is None
    with pytest.raises(ValidationError):
        applying.person_accept(user=invitee, token="used-or-unknown")
    with pytest.raises(PermissionDenied):
        applying.lead_handover(user=invitee, application=application, person=person)
    applying.lead_handover(user=lead, application=application, person=person)
    assert application.people.get(is_lead=True).user == invitee
    assert rules.applicant_role(lead, application).can_edit
    assert not rules.applicant_role(lead, application).is_lead


def test_challenges_add_edit_reorder_remove():
    application = ApplicationFactory()
    lead = lead_of(application).user
    one = challenges.challenge_save(
        user=lead, application=application, title="Santé", lines="a\n\nb"
    )
    two = challenges.challenge_save(
        user=lead, application=application, title="Alimentation", lines=["c"]
    )
    assert one.lines == ["a", "b"]
    challenges.challenge_move(user=lead, application=application, challenge=two, offset=-1)
    assert [c.title for c in application.challenges.order_by("position")] == [
        "Alimentation",
        "Santé",
    ]
    with pytest.raises(ValidationError):
        challenges.challenge_save(user=lead, application=application, title="X", lines=["l"] * 11)
    challenges.challenge_remove(user=lead, application=application, challenge=one)
    assert application.challenges.count() == 1
    reader = PersonFactory(application=application, can_edit=False).user
    with pytest.raises(PermissionDenied):
        challenges.challenge_save(user=reader, application=application, title="Non")


def test_messages_notify_the_other_side_and_check_attachments(django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    lead = lead_of(application).user
    instructor = staff(application.call.programme)
    with django_capture_on_commit_callbacks(execute=True):
        applying.message_post(user=lead, application=application, body="Une question")
    assert Notification.objects.filter(user=instructor, title__contains="Nouveau message").exists()
    assert mail.outbox[-1].to == [instructor.email]
    reply = applying.message_post(user=instructor, application=application, body="Réponse")
    assert reply.from_staff
    assert Notification.objects.filter(user=lead, title__contains="Nouveau message").exists()
    exe = SimpleUploadedFile("outil.exe", b"MZ")
    with pytest.raises(ValidationError) as caught:
        applying.message_post(user=lead, application=application, body="Pièce", attachment=exe)
    assert "formats acceptés" in caught.value.message_dict["attachment"][0]
    big = SimpleUploadedFile("gros.png", b"0" * (11 * 1024 * 1024))
    with pytest.raises(ValidationError, match="10 Mo au maximum"):
        applying.message_post(user=lead, application=application, body="Pièce", attachment=big)
    with pytest.raises(PermissionDenied):
        applying.message_post(user=UserFactory(), application=application, body="Intrus")
    assert Message.objects.count() == 2


def test_collective_lead_membership_counts_as_lead():
    application = ApplicationFactory()
    user = UserFactory()
    Membership.objects.create(
        user=user, role=Role.TERRITORY_LEAD, collective=application.collective
    )
    role = rules.applicant_role(user, application)
    assert role.is_lead and role.can_edit and role.is_signatory
    member = UserFactory()
    Membership.objects.create(
        user=member, role=Role.TERRITORY_MEMBER, collective=application.collective
    )
    assert not rules.applicant_role(member, application).can_edit
    assert ApplicationPerson.objects.filter(application=application).count() == 0
