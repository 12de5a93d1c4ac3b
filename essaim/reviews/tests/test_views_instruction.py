import datetime
import html as html_lib

import pytest
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import UserFactory
from essaim.applications.models import Application, PrivateNote
from essaim.applications.services import application_transition
from essaim.applications.workflow import Status
from essaim.core.models import HistoryEvent
from essaim.geo.models import PerimeterUnit, Region
from essaim.reviews.models import ReviewRequest, ReviewStatus
from essaim.reviews.tests.factories import (
    ApplicationFactory,
    GridFactory,
    ReviewRequestFactory,
    applicant,
    expert,
    staff,
    submitted_review,
    with_challenge,
    with_collective,
)

pytestmark = pytest.mark.django_db
QUEUE = reverse("reviews:queue")
BULK = reverse("reviews:bulk_action")


@pytest.fixture
def call():
    return GridFactory(reviewed=True).call


@pytest.fixture
def instructor(call):
    return staff(call.programme)


def codes(response):
    return html_lib.unescape(response.content.decode())


def refs(response) -> set[str]:
    return {a.reference for a, _c in response.context["rows"]}


# --- Queue -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "expert", "applicant", "nobody"])
def test_queue_is_for_programme_staff_only(client, call, who):
    application = ApplicationFactory(in_review=True, call=call)
    if who == "expert":
        client.force_login(expert(call.programme))
    elif who == "applicant":
        client.force_login(applicant(application))
    elif who == "nobody":
        client.force_login(UserFactory())
    response = client.get(QUEUE)
    if who == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == 403


def test_queue_shows_my_programmes_applications_but_no_drafts(client, call, instructor):
    mine = ApplicationFactory(in_review=True, call=call)
    ApplicationFactory(in_review=True, call=call, status=Status.DRAFT, reference="DRAFT-1")
    other = ApplicationFactory(in_review=True)  # another programme
    client.force_login(instructor)
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert refs(response) == {mine.reference}
    assert client.get(reverse("reviews:instruction_detail", args=[other.pk])).status_code == 404


def test_queue_rows_kept_rendered_show_every_change(client, call, instructor, django_user_model):
    """The rows are kept rendered under the values they show (core.cache.rows): a change made
    anywhere — even outside the services — is another row, never the former HTML."""
    application = ApplicationFactory(in_review=True, call=call, title="Premier titre")
    client.force_login(instructor)
    assert "Premier titre" in codes(client.get(QUEUE))
    someone = django_user_model.objects.create(email="autre@example.org", first_name="Zoé")
    Application.objects.filter(pk=application.pk).update(title="Second titre", assignee=someone)
    page = codes(client.get(QUEUE))
    assert "Second titre" in page
    assert "Premier titre" not in page
    assert str(someone) in page
    # another programme's instructor, same rows cached: not one of them
    other = staff(ApplicationFactory(in_review=True).call.programme)
    client.force_login(other)
    assert "Second titre" not in codes(client.get(QUEUE))


def test_queue_filters(client, call, instructor):
    region = Region.objects.create(code="75", name="Nouvelle-Aquitaine")
    bordeaux = ApplicationFactory(
        in_review=True, call=call, title="Bordeaux solidaire", assignee=instructor
    )
    PerimeterUnit.objects.create(perimeter=bordeaux.perimeter, kind="region", code=region.code)
    submitted = ApplicationFactory(
        in_review=True, call=call, status=Status.SUBMITTED, reference="TFI-9999"
    )
    agreeing = ApplicationFactory(in_review=True, call=call)
    submitted_review(agreeing, [4, 4, 4])
    submitted_review(agreeing, [4, 4, 4])
    split = ApplicationFactory(in_review=True, call=call)
    submitted_review(split, [0, 4, 2], recommendation="not_label")
    submitted_review(split, [4, 4, 2])
    client.force_login(instructor)
    assert refs(client.get(QUEUE, {"status": "submitted"})) == {submitted.reference}
    assert refs(client.get(QUEUE, {"q": "9999"})) == {submitted.reference}
    assert refs(client.get(QUEUE, {"q": "bordeaux"})) == {bordeaux.reference}
    assert refs(client.get(QUEUE, {"q": bordeaux.perimeter.name})) == {bordeaux.reference}
    assert refs(client.get(QUEUE, {"region": "75"})) == {bordeaux.reference}
    assert refs(client.get(QUEUE, {"assignee": "me"})) == {bordeaux.reference}
    assert bordeaux.reference not in refs(client.get(QUEUE, {"assignee": "none"}))
    assert refs(client.get(QUEUE, {"disagreement": "on"})) == {split.reference}
    assert refs(client.get(QUEUE, {"score_min": "90"})) == {agreeing.reference}
    assert refs(client.get(QUEUE, {"score_max": "80"})) == {split.reference}
    response = client.get(QUEUE, {"tri": "-score"})
    ordered = [a.reference for a, _c in response.context["rows"]]
    assert ordered[:2] == [agreeing.reference, split.reference]
    response = client.get(QUEUE, {"tri": "reference"})
    ordered = [a.reference for a, _c in response.context["rows"]]
    assert ordered == sorted(ordered)
    # A bad range keeps the page and says why.
    response = client.get(QUEUE, {"score_min": "80", "score_max": "10"})
    assert response.status_code == 200
    assert "supérieure à la minimale" in codes(response)


def test_queue_query_budget_with_many_applications(
    client, call, instructor, django_assert_max_num_queries
):
    applications = [ApplicationFactory(in_review=True, call=call) for _ in range(110)]
    reviewer = expert(call.programme)
    for application in applications[:60]:
        submitted_review(application, [3, 2, 4], expert=reviewer, requested_by=instructor)
    client.force_login(instructor)
    for params in (
        {},
        {"tri": "-score", "page": "2"},
        {"disagreement": "on"},  # none: a page 2 would not exist (404)
        {"score_min": 10},
    ):
        with django_assert_max_num_queries(16):
            response = client.get(QUEUE, params)
        assert response.status_code == 200
    response = client.get(QUEUE, {"page": 5})
    assert response.context["page"].number == 5 and len(response.context["rows"]) == 10


# --- Bulk actions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who,expected", [("anonymous", 302), ("expert", 403), ("applicant", 403), ("other", 404)]
)
def test_bulk_actions_refused_change_nothing(client, call, who, expected):
    application = ApplicationFactory(in_review=True, call=call, status=Status.SUBMITTED)
    if who == "expert":
        client.force_login(expert(call.programme))
    elif who == "applicant":
        client.force_login(applicant(application))
    elif who == "other":
        client.force_login(staff(ApplicationFactory(in_review=True).call.programme))
    response = client.post(BULK, {"action": "start_review", "ids": [application.pk]})
    assert response.status_code == expected
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.assignee is None


def test_bulk_assign_and_start_review(client, call, instructor):
    first = ApplicationFactory(in_review=True, call=call, status=Status.SUBMITTED)
    second = ApplicationFactory(in_review=True, call=call, status=Status.SUBMITTED)
    colleague = staff(call.programme, role=Role.PROGRAMME_ADMIN)
    client.force_login(instructor)
    ids = [first.pk, second.pk]
    assert client.post(BULK, {"action": "assign_me", "ids": ids}).status_code == 302
    first.refresh_from_db()
    assert first.assignee == instructor
    client.post(BULK, {"action": "assign", "ids": ids, "assignee": colleague.pk})
    second.refresh_from_db()
    assert second.assignee == colleague
    client.post(BULK, {"action": "start_review", "ids": ids})
    first.refresh_from_db()
    assert first.status == Status.IN_REVIEW
    assert HistoryEvent.objects.for_object(first).filter(action="start_review").count() == 1


def test_bulk_is_all_or_nothing(client, call, instructor):
    ready = ApplicationFactory(in_review=True, call=call, status=Status.SUBMITTED)
    already = ApplicationFactory(in_review=True, call=call, status=Status.IN_REVIEW)
    client.force_login(instructor)
    response = client.post(
        BULK, {"action": "start_review", "ids": [ready.pk, already.pk]}, follow=True
    )
    text = codes(response)
    assert "Rien n'a été fait" in text and already.reference in text
    ready.refresh_from_db()
    assert ready.status == Status.SUBMITTED


def test_bulk_request_review_on_several(client, call, instructor):
    applications = [ApplicationFactory(in_review=True, call=call) for _ in range(3)]
    reviewer = expert(call.programme)
    client.force_login(instructor)
    deadline = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    data = {"action": "request_review", "ids": [a.pk for a in applications]}
    response = client.post(BULK, data, follow=True)
    assert "Choisissez au moins un expert" in codes(response)
    assert not ReviewRequest.objects.exists()
    client.post(BULK, {**data, "experts": [reviewer.pk], "deadline": deadline})
    assert ReviewRequest.objects.filter(expert=reviewer).count() == 3


def test_bulk_assign_refuses_a_non_instructor(client, call, instructor):
    application = ApplicationFactory(in_review=True, call=call)
    outsider = staff(ApplicationFactory(in_review=True).call.programme)
    client.force_login(instructor)
    client.post(BULK, {"action": "assign", "ids": [application.pk], "assignee": outsider.pk})
    application.refresh_from_db()
    assert application.assignee is None


# --- Instruction page ------------------------------------------------------------------------


def test_instruction_page_shows_everything(client, call, instructor):
    application = ApplicationFactory(in_review=True, call=call)
    with_challenge(application)
    submitted_review(application, [0, 4, 2], comment="x")
    submitted_review(application, [4, 4, 2])
    ReviewRequestFactory(
        application=application,
        status=ReviewStatus.CONFLICT,
        conflict_details="Ancien salarié du chef de file",
    )
    PrivateNote.objects.create(application=application, author=instructor, body="À rappeler")
    client.force_login(instructor)
    response = client.get(reverse("reviews:instruction_detail", args=[application.pk]))
    text = codes(response)
    assert response.status_code == 200
    for expected in (
        application.summary,
        "Alimentation",
        "Consolidation des avis",
        "désaccord",
        "Ancien salarié du chef de file",
        "À rappeler",
        'id="action-request_changes"',
        'id="action-propose"',
    ):
        assert expected in text, expected
    assert response.context["consolidation"].review_count == 2


def test_request_changes_needs_a_comment(client, call, instructor):
    application = ApplicationFactory(in_review=True, call=call)
    client.force_login(instructor)
    url = reverse("reviews:instruction_transition", args=[application.pk, "request_changes"])
    response = client.post(url, {"request_changes-comment": ""})
    assert response.status_code == 422
    assert "commentaire est obligatoire" in codes(response)
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    client.post(url, {"request_changes-comment": "Précisez la gouvernance."})
    application.refresh_from_db()
    assert application.status == Status.CHANGES_REQUESTED


def test_propose_with_motivation_then_reopen(client, call, instructor):
    application = ApplicationFactory(in_review=True, call=call)
    client.force_login(instructor)
    url = reverse("reviews:instruction_transition", args=[application.pk, "propose"])
    client.post(url, {"propose-comment": "Écosystème solide, avis favorables."})
    application.refresh_from_db()
    assert application.status == Status.PROPOSED
    event = HistoryEvent.objects.for_object(application).get(action="propose")
    assert event.comment == "Écosystème solide, avis favorables."
    client.post(
        reverse("reviews:instruction_transition", args=[application.pk, "reopen"]),
        {"reopen-comment": "Nouvel élément"},
    )
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


@pytest.mark.parametrize("name", ["submit", "label", "withdraw", "nonsense"])
def test_instructor_cannot_take_other_actors_transitions(client, call, instructor, name):
    application = ApplicationFactory(in_review=True, call=call, status=Status.PROPOSED)
    client.force_login(instructor)
    url = reverse("reviews:instruction_transition", args=[application.pk, name])
    assert client.post(url, {f"{name}-comment": "x"}).status_code == 404
    application.refresh_from_db()
    assert application.status == Status.PROPOSED


@pytest.mark.parametrize("who", ["expert", "applicant", "other"])
def test_instruction_actions_refused_to_others(client, call, who):
    application = ApplicationFactory(in_review=True, call=call)
    if who == "expert":
        reviewer = expert(call.programme)
        ReviewRequestFactory(application=application, expert=reviewer, status="accepted")
        client.force_login(reviewer)
        expected = 403
    elif who == "applicant":
        client.force_login(applicant(application))
        expected = 403
    else:
        client.force_login(staff(ApplicationFactory(in_review=True).call.programme))
        expected = 404
    detail = reverse("reviews:instruction_detail", args=[application.pk])
    assert client.get(detail).status_code == expected
    url = reverse("reviews:instruction_transition", args=[application.pk, "propose"])
    assert client.post(url, {"propose-comment": "x"}).status_code == expected
    assert (
        client.post(
            reverse("reviews:note_create", args=[application.pk]), {"body": "x"}
        ).status_code
        == expected
    )
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert not PrivateNote.objects.exists()


def test_notes_assign_request_and_cancel(client, call, instructor):
    application = ApplicationFactory(in_review=True, call=call)
    reviewer = expert(call.programme)
    client.force_login(instructor)
    client.post(
        reverse("reviews:note_create", args=[application.pk]), {"body": "Appeler la Région"}
    )
    assert PrivateNote.objects.get().body == "Appeler la Région"
    client.post(reverse("reviews:assign", args=[application.pk]), {"assignee": instructor.pk})
    application.refresh_from_db()
    assert application.assignee == instructor
    deadline = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    url = reverse("reviews:review_request", args=[application.pk])
    response = client.post(url, {"experts": [reviewer.pk], "deadline": "2000-01-01"})
    assert response.status_code == 422 and "date limite" in codes(response).lower()
    client.post(url, {"experts": [reviewer.pk], "deadline": deadline})
    review = ReviewRequest.objects.get()
    client.post(reverse("reviews:review_cancel", args=[review.pk]))
    review.refresh_from_db()
    assert review.status == ReviewStatus.CANCELLED


def test_what_changed_since_the_last_submission(client, call, instructor):
    application = ApplicationFactory(in_review=True, call=call, status=Status.SUBMITTED)
    with_challenge(application)
    with_collective(application)
    lead = applicant(application)
    from essaim.applications.services import snapshot

    application.submitted_snapshot = snapshot(application)
    application.save()
    application_transition(
        application=application, user=instructor, name="request_changes", comment="Précisez."
    )
    application.refresh_from_db()
    application.title = "Titre précisé"
    application.save()
    client.force_login(instructor)
    detail = reverse("reviews:instruction_detail", args=[application.pk])
    text = codes(client.get(detail))
    assert "Modifications en cours" in text and "Titre précisé" in text
    application_transition(application=application, user=lead, name="resubmit")
    text = codes(client.get(detail))
    assert "Ce qui a changé depuis le dépôt précédent" in text
    changes = client.get(detail).context["changes"]["changes"]
    assert [(c.path, c.after) for c in changes] == [("title", "Titre précisé")]


# --- Reviews are never shown to applicants -------------------------------------------------------


def test_applicant_never_sees_reviews(client, call):
    application = ApplicationFactory(in_review=True, call=call)
    lead = applicant(application)
    review = submitted_review(application, [1, 1, 1])
    review.comment = "AVIS-CONFIDENTIEL"
    review.save()
    review.marks.update(comment="NOTE-CONFIDENTIELLE")
    client.force_login(lead)
    pages = [
        reverse("applications:detail", args=[application.pk]),
        reverse("applications:mine"),
        f"/api/v1/applications/{application.pk}",
        "/api/v1/applications",
        "/api/v1/reviews",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in ("AVIS-CONFIDENTIEL", "NOTE-CONFIDENTIELLE", str(review.expert)):
            assert secret not in body, (url, secret)
    assert client.get(f"/api/v1/reviews/{review.pk}").status_code == 404
    assert client.get(f"/api/v1/applications/{application.pk}/consolidation").status_code == 403
    assert (
        client.get(reverse("reviews:instruction_detail", args=[application.pk])).status_code == 403
    )


def test_instruction_page_query_budget(client, call, instructor, django_assert_max_num_queries):
    application = ApplicationFactory(in_review=True, call=call)
    with_challenge(application)
    for _ in range(8):
        submitted_review(application, [3, 2, 4])
    for _ in range(5):
        PrivateNote.objects.create(application=application, author=instructor, body="note")
    client.force_login(instructor)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("reviews:instruction_detail", args=[application.pk]))
    assert response.status_code == 200


def test_queue_filters_by_cutoff_and_by_region_through_communes(client, call, instructor):
    import datetime as dt

    from essaim.calls.models import CutOff
    from essaim.geo.models import Commune, Departement, PerimeterCommune

    first_cutoff = CutOff.objects.create(call=call, date=dt.date(2018, 10, 22))
    second_cutoff = CutOff.objects.create(call=call, date=dt.date(2019, 6, 30))
    early = ApplicationFactory(in_review=True, call=call, cutoff=first_cutoff)
    late = ApplicationFactory(in_review=True, call=call, cutoff=second_cutoff)
    region = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    departement = Departement.objects.create(code="26", name="Drôme", region=region)
    commune = Commune.objects.create(
        insee="26281", name="Romans-sur-Isère", departement=departement, region=region
    )
    PerimeterCommune.objects.create(perimeter=late.perimeter, commune=commune)
    client.force_login(instructor)
    assert refs(client.get(QUEUE, {"cutoff": first_cutoff.pk})) == {early.reference}
    assert refs(client.get(QUEUE, {"region": "84"})) == {late.reference}
