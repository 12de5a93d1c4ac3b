import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.accounts.tests.factories import UserFactory
from essaim.applications.models import Application, Message
from essaim.applications.tests.factories import (
    ApplicationFactory,
    PersonFactory,
    complete,
    lead_of,
    staff,
)
from essaim.applications.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    application = ApplicationFactory(answers={"pitch": "Avant"})
    lead = lead_of(application).user
    reader = PersonFactory(application=application, can_edit=False).user
    signatory = PersonFactory(application=application, can_edit=False, is_signatory=True).user
    other = lead_of(ApplicationFactory(form_version=application.form_version)).user
    return application, {"lead": lead, "reader": reader, "signatory": signatory, "other": other}


PAGES = ["", "modifier/", "collectif/", "defis/"]
# Expected status per role and page: detail for everyone of the collective, edit pages for
# editors, the collective page for the lead.
EXPECTED = {
    "other": {"": 404, "modifier/": 404, "collectif/": 404, "defis/": 404},
    "reader": {"": 200, "modifier/": 403, "collectif/": 403, "defis/": 403},
    "signatory": {"": 200, "modifier/": 403, "collectif/": 403, "defis/": 403},
    "lead": {"": 200, "modifier/": 200, "collectif/": 200, "defis/": 200},
}


@pytest.mark.parametrize("page", PAGES)
def test_page_permission_matrix(client, people, page):
    application, users = people
    url = f"/candidatures/{application.pk}/{page}"
    response = client.get(url)
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    for role, expected in EXPECTED.items():
        client.force_login(users[role])
        assert client.get(url).status_code == expected[page], role


@pytest.mark.parametrize(
    # Another application's lead does not see it (404); its readers see it but may not edit (403).
    ("role", "expected"),
    [("other", 404), ("reader", 403), ("signatory", 403)],
)
def test_autosave_refused_without_edit_right_and_nothing_changes(client, people, role, expected):
    application, users = people
    client.force_login(users[role])
    response = client.post(f"/candidatures/{application.pk}/enregistrer/", {"pitch": "Piraté"})
    assert response.status_code == expected
    application.refresh_from_db()
    assert application.answers == {"pitch": "Avant"}


def test_autosave_saves_valid_fields_and_answers_errors(client, people):
    application, users = people
    client.force_login(users["lead"])
    response = client.post(
        f"/candidatures/{application.pk}/enregistrer/",
        {
            "title": "Nouveau titre",
            "pitch": "x" * 30,
            "size": "9",
            "defis__count": "1",
            "defis.0.titre": "Un",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Enregistré à" in response.text
    assert "20 caractères au plus" in response.text
    assert 'id="autosave-error-pitch"' in response.text
    application.refresh_from_db()
    assert application.answers["pitch"] == "Avant"
    assert application.answers["size"] == 9
    assert application.answers["defis"] == [{"titre": "Un"}]
    assert application.title == "Nouveau titre"


def test_edit_page_has_autosave_and_failed_submit_keeps_what_was_typed(client, people):
    application, users = people
    client.force_login(users["lead"])
    page = client.get(f"/candidatures/{application.pk}/modifier/").text
    assert "input changed delay:800ms" in page
    assert f"/candidatures/{application.pk}/enregistrer/" in page
    response = client.post(
        f"/candidatures/{application.pk}/modifier/",
        {
            "title": application.title,
            "pitch": "Salut",
            "story": "Une longue histoire",
            "action": "review",
        },
    )
    # Saved, then the recap before submission: nothing is submitted yet.
    assert response.status_code == 302
    assert response["Location"] == f"/candidatures/{application.pk}/deposer/"
    refused = client.post(f"/candidatures/{application.pk}/deposer/")
    assert refused.status_code == 422
    assert "La candidature n&#x27;a pas été déposée" in refused.text
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.answers["story"] == "Une longue histoire"
    # A refused answer keeps what was typed on the form, and nothing goes on to the recap.
    response = client.post(
        f"/candidatures/{application.pk}/modifier/",
        {"title": "x" * 300, "story": "Une autre histoire", "action": "review"},
    )
    assert response.status_code == 200
    assert "Pas encore de dépôt" in response.text
    assert "x" * 300 in response.text


def test_upload_over_the_limit_is_refused_with_the_limit(client, people):
    application, users = people
    client.force_login(users["lead"])
    big = SimpleUploadedFile("lettre.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 10))
    response = client.post(
        f"/candidatures/{application.pk}/modifier/",
        {"title": application.title, "pitch": "Salut", "letter": big, "action": "save"},
    )
    assert response.status_code == 200
    assert "1 Mo au maximum" in response.text
    application.refresh_from_db()
    assert "letter" not in application.answers and application.answers["pitch"] == "Salut"


def test_submit_through_the_transition_view_and_receipt(client, people):
    application, users = people
    complete(application)
    staff(application.call.programme)
    client.force_login(users["reader"])
    client.post(f"/candidatures/{application.pk}/action/submit/")
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert client.get(f"/candidatures/{application.pk}/recepisse.pdf").status_code == 404
    client.force_login(users["signatory"])
    client.post(f"/candidatures/{application.pk}/action/submit/")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    response = client.get(f"/candidatures/{application.pk}/recepisse.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(users["other"])
    assert client.get(f"/candidatures/{application.pk}/recepisse.pdf").status_code == 404
    # History is shown to the applicants.
    client.force_login(users["lead"])
    assert "déposée" in client.get(f"/candidatures/{application.pk}/").text


def test_messages_page_flow(client, people):
    application, users = people
    client.force_login(users["reader"])
    response = client.post(
        f"/candidatures/{application.pk}/messages/",
        {"body": "Bonjour", "attachment": SimpleUploadedFile("note.exe", b"MZ")},
    )
    assert response.status_code == 422
    assert "formats acceptés" in response.text
    assert "Bonjour" in response.text
    client.post(f"/candidatures/{application.pk}/messages/", {"body": "Bonjour"})
    assert Message.objects.get().author == users["reader"]
    client.force_login(users["other"])
    assert (
        client.post(f"/candidatures/{application.pk}/messages/", {"body": "Intrus"}).status_code
        == 404
    )
    assert Message.objects.count() == 1


def test_reviews_are_never_on_the_applicant_page(client, people):
    from essaim.calls.tests.factories import CriterionFactory
    from essaim.reviews.models import CriterionMark, ReviewRequest

    application, users = people
    instructor = staff(application.call.programme)
    expert = UserFactory()
    criterion = CriterionFactory(grid__call=application.call)
    review = ReviewRequest.objects.create(
        application=application,
        expert=expert,
        requested_by=instructor,
        deadline="2030-01-01",
        comment="AVIS-SECRET-EXPERT",
        status="submitted",
    )
    CriterionMark.objects.create(review=review, criterion=criterion, mark=3, comment="NOTE-SECRETE")
    client.force_login(users["lead"])
    page = client.get(f"/candidatures/{application.pk}/").text
    assert "AVIS-SECRET-EXPERT" not in page and "NOTE-SECRETE" not in page


def test_create_page(client):
    from essaim.applications.tests.factories import PerimeterFactory
    from essaim.calls.tests.factories import FormVersionFactory

    version = FormVersionFactory()
    perimeter = PerimeterFactory()
    user = UserFactory()
    client.force_login(user)
    url = f"/candidatures/nouvelle/?appel={version.call.slug}"
    response = client.post(url, {"title": ""})
    assert response.status_code == 200 and not Application.objects.exists()
    response = client.post(url, {"title": "Ma candidature", "perimeter": perimeter.pk})
    application = Application.objects.get()
    assert response.status_code == 302 and application.perimeter == perimeter
    assert application.people.get().user == user


def test_mine_lists_only_my_applications(client, people, django_assert_max_num_queries):
    application, users = people
    for _ in range(30):
        lead_of(ApplicationFactory(form_version=application.form_version), user=users["lead"])
    client.force_login(users["lead"])
    with django_assert_max_num_queries(12):
        response = client.get("/candidatures/")
    assert response.status_code == 200
    assert response.text.count("/candidatures/") >= 31
    client.force_login(users["other"])
    assert application.title not in client.get("/candidatures/").text


def test_detail_query_budget_with_many_messages(client, people, django_assert_max_num_queries):
    application, users = people
    complete(application)
    instructor = staff(application.call.programme)
    Message.objects.bulk_create(
        Message(
            application=application, author=instructor if n % 2 else users["lead"], body=f"m{n}"
        )
        for n in range(40)
    )
    client.force_login(users["lead"])
    with django_assert_max_num_queries(30):
        response = client.get(f"/candidatures/{application.pk}/")
    assert response.text.count("m3") >= 1


def test_message_attachment_only_for_the_thread(client, people):
    from essaim.applications.services import applying

    application, users = people
    message = applying.message_post(
        user=users["lead"],
        application=application,
        body="Pièce",
        attachment=SimpleUploadedFile("note.pdf", b"%PDF-1.4 x"),
    )
    url = f"/candidatures/{application.pk}/messages/{message.pk}/piece/"
    client.force_login(users["reader"])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(users["other"])
    assert client.get(url).status_code == 404
