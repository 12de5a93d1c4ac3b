"""Submitting an application: a recap of what will be sent and to whom comes first; the
confirmation is disabled, with its reason, while the submission is not possible; once done, the
message says what happened."""

import html

import pytest
from django.utils import timezone

from essaim.applications.models import Attachment
from essaim.applications.tests.factories import (
    ApplicationFactory,
    PersonFactory,
    complete,
    lead_of,
    staff,
)
from essaim.applications.workflow import Status

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def ready():
    application = complete(ApplicationFactory())
    lead = lead_of(application).user
    signatory = PersonFactory(application=application, can_edit=False, is_signatory=True).user
    reader = PersonFactory(application=application, can_edit=False).user
    staff(application.call.programme)
    return application, lead, signatory, reader


def test_the_recap_says_what_will_be_sent_and_who_is_told(
    client, ready, django_assert_max_num_queries
):
    application, lead, _signatory, _reader = ready
    Attachment.objects.create(
        application=application,
        field_key="letter",
        file="applications/files/lettre.pdf",
        original_name="lettre-de-soutien.pdf",
        size=2048,
        content_type="application/pdf",
        uploaded_by=lead,
    )
    client.force_login(lead)
    with django_assert_max_num_queries(30):
        response = client.get(f"/candidatures/{application.pk}/deposer/")
    assert response.status_code == 200
    text = _text(response)
    assert application.call.title in text
    members = application.collective.members.count()
    assert f"{members} organisations" in text
    assert f"{application.challenges.count()} défi" in text
    assert "1 pièce jointe" in text and "lettre-de-soutien.pdf" in text
    assert "complet" in text
    people = application.people.filter(user__isnull=False).count()
    assert f"{people} personnes du collectif reçoivent un accusé de réception" in text
    assert "L'équipe du programme (1 personne) est prévenue dans Essaim." in text
    assert 'id="submit-blocked"' not in text
    assert application.status == Status.DRAFT


def test_the_confirmation_is_disabled_with_its_reason_while_incomplete(client):
    application = ApplicationFactory()  # a draft without challenges nor signatory
    client.force_login(lead_of(application).user)
    response = client.get(f"/candidatures/{application.pk}/deposer/")
    text = _text(response)
    assert 'id="submit-blocked"' in text
    assert "Dépôt impossible tant qu'il reste" in text
    assert 'disabled aria-describedby="submit-blocked"' in text
    assert "Décrivez au moins un défi." in text


def test_a_reader_who_may_not_sign_sees_no_recap_and_an_editor_who_may_not_sign_is_told_why(
    client, ready
):
    application, _lead, _signatory, reader = ready
    client.force_login(reader)
    assert client.get(f"/candidatures/{application.pk}/deposer/").status_code == 403
    editor = PersonFactory(application=application, can_edit=True, is_signatory=False).user
    client.force_login(editor)
    text = _text(client.get(f"/candidatures/{application.pk}/deposer/"))
    assert "Seul un signataire du collectif peut déposer la candidature" in text
    response = client.post(f"/candidatures/{application.pk}/deposer/")
    assert response.status_code == 422
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_the_signatory_submits_and_is_told_what_happened(client, ready):
    application, _lead, signatory, _reader = ready
    client.force_login(signatory)
    recap = _text(client.get(f"/candidatures/{application.pk}/deposer/"))
    assert "Déposer la candidature" in recap and "Revenir au formulaire" not in recap
    response = client.post(f"/candidatures/{application.pk}/deposer/", follow=True)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    people = application.people.filter(user__isnull=False).count()
    assert (
        "Votre candidature a été transmise à l'équipe du programme ; un accusé de réception a "
        f"été envoyé par courriel aux {people} personnes du collectif." in _text(response)
    )
    # Submitted: no recap any more.
    assert client.get(f"/candidatures/{application.pk}/deposer/").status_code == 403


def test_the_detail_page_leads_to_the_recap_rather_than_submitting(client, ready):
    application, _lead, signatory, _reader = ready
    client.force_login(signatory)
    text = _text(client.get(f"/candidatures/{application.pk}/"))
    assert f'href="/candidatures/{application.pk}/deposer/"' in text
    assert f"/candidatures/{application.pk}/action/submit/" not in text


def test_resubmission_says_the_application_is_back_in_review(client, ready):
    application, lead, _signatory, _reader = ready
    application.status = Status.CHANGES_REQUESTED
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "submitted_at"])
    client.force_login(lead)
    recap = _text(client.get(f"/candidatures/{application.pk}/deposer/"))
    assert "Déposer à nouveau la candidature" in recap
    response = client.post(f"/candidatures/{application.pk}/deposer/", follow=True)
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert "Vos compléments ont été transmis à l'équipe du programme" in _text(response)
