"""The instruction queue and the expert's requests as worklists: tabs « à traiter / suivis /
traités », their counts, deadline order (overdue first), markers, bounded tab parameter, query
budgets; the thread with the applicant on the instruction page."""

import datetime
import html as html_lib

import pytest
from django.urls import reverse
from django.utils import timezone

from essaim.applications.history import ApplicationAction
from essaim.applications.models import Application, Message
from essaim.applications.services import application_transition, summary
from essaim.applications.workflow import Status
from essaim.core.services import history_record
from essaim.reviews import services
from essaim.reviews.models import ReviewRequest, ReviewStatus
from essaim.reviews.tests.factories import (
    ApplicationFactory,
    GridFactory,
    ReviewRequestFactory,
    applicant,
    expert,
    staff,
)

pytestmark = pytest.mark.django_db
QUEUE = reverse("reviews:queue")
MINE = reverse("reviews:my_requests")
TODAY = timezone.localdate()


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


@pytest.fixture
def call():
    return GridFactory(reviewed=True).call


@pytest.fixture
def instructor(call):
    return staff(call.programme)


def refs(response) -> list[str]:
    return [a.reference for a, _c in response.context["rows"]]


def counts(response) -> dict[str, int]:
    return {tab.key: tab.count for tab in response.context["worklist"].tabs}


def text(response) -> str:
    return html_lib.unescape(response.content.decode())


def message(application, author, body, *, from_staff):
    """A message of the thread, with what the posting services keep on the application."""
    posted = Message.objects.create(
        application=application, author=author, body=body, from_staff=from_staff
    )
    summary.message_posted(posted)
    return posted


def app(call, status, reference):
    return ApplicationFactory(in_review=True, call=call, status=status, reference=reference)


@pytest.fixture
def queue_world(call, instructor):
    """One application per kind of row of the instruction queue."""
    world = {
        "submitted": app(call, Status.SUBMITTED, "A-SUBMITTED"),
        "in_review": app(call, Status.IN_REVIEW, "A-REVIEW"),
        "with_expert": app(call, Status.IN_REVIEW, "A-EXPERT"),
        "changes": app(call, Status.CHANGES_REQUESTED, "A-CHANGES"),
        "withdrawn": app(call, Status.WITHDRAWN, "A-WITHDRAWN"),
    }
    ReviewRequestFactory(application=world["with_expert"], deadline=day(3))
    return world


def test_queue_opens_on_what_waits_on_the_instructors(client, instructor, queue_world):
    client.force_login(instructor)
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert response.context["worklist"].tab == "a-traiter"
    assert set(refs(response)) == {"A-SUBMITTED", "A-REVIEW"}
    assert counts(response) == {"a-traiter": 2, "suivis": 2, "traites": 1}
    page = text(response)
    assert 'aria-current="page"' in page and "À traiter" in page
    assert set(refs(client.get(QUEUE, {"onglet": "suivis"}))) == {"A-EXPERT", "A-CHANGES"}
    assert refs(client.get(QUEUE, {"onglet": "traites"})) == ["A-WITHDRAWN"]


@pytest.mark.parametrize("value", ["inconnu", "", "a-traiter' OR 1=1", "x" * 5000])
def test_an_unknown_tab_is_the_default_tab_not_an_error(client, instructor, queue_world, value):
    client.force_login(instructor)
    response = client.get(QUEUE, {"onglet": value})
    assert response.status_code == 200
    assert response.context["worklist"].tab == "a-traiter"
    assert set(refs(response)) == {"A-SUBMITTED", "A-REVIEW"}


def test_queue_counts_follow_the_filters(client, instructor, queue_world):
    client.force_login(instructor)
    response = client.get(QUEUE, {"q": "A-SUBMITTED"})
    assert counts(response) == {"a-traiter": 1, "suivis": 0, "traites": 0}
    # The tabs' links keep the filters.
    assert "q=A-SUBMITTED" in response.context["worklist"].tabs[1].url


def test_queue_counts_are_kept_until_a_service_changes_them(client, call, instructor, queue_world):
    """The tabs' counts are cached (a national queue holds 100,000 applications): a change made
    through the services is counted at once — an expert asked moves the application from « à
    traiter » to « suivis », a withdrawal to « traités »."""
    client.force_login(instructor)
    assert counts(client.get(QUEUE)) == {"a-traiter": 2, "suivis": 2, "traites": 1}
    services.review_request_create(
        application=queue_world["in_review"],
        user=instructor,
        experts=[expert(call.programme)],
        deadline=day(5),
    )
    assert counts(client.get(QUEUE)) == {"a-traiter": 1, "suivis": 3, "traites": 1}
    application_transition(
        user=applicant(queue_world["submitted"]),
        application=queue_world["submitted"],
        name="withdraw",
        comment="Retrait.",
    )
    assert counts(client.get(QUEUE)) == {"a-traiter": 0, "suivis": 3, "traites": 2}


def test_queue_overdue_first_by_deadline(client, call, instructor):
    late = app(call, Status.IN_REVIEW, "B-LATE")
    soon = app(call, Status.IN_REVIEW, "B-SOON")
    later = app(call, Status.IN_REVIEW, "B-LATER")
    ReviewRequestFactory(application=later, deadline=day(10))
    ReviewRequestFactory(application=soon, deadline=day(2))
    ReviewRequestFactory(application=late, deadline=day(-3))
    client.force_login(instructor)
    response = client.get(QUEUE, {"onglet": "suivis"})
    assert refs(response) == ["B-LATE", "B-SOON", "B-LATER"]
    assert text(response).count("en retard") == 1


def test_queue_marks_new_messages_and_resubmissions(client, call, instructor):
    replied = app(call, Status.IN_REVIEW, "C-REPLIED")
    answered = app(call, Status.IN_REVIEW, "C-ANSWERED")
    seen = app(call, Status.IN_REVIEW, "C-SEEN")
    quiet = app(call, Status.IN_REVIEW, "C-QUIET")
    person = applicant(replied)
    message(replied, person, "Voici", from_staff=False)
    message(answered, person, "Voici", from_staff=False)
    message(answered, instructor, "Merci", from_staff=True)
    message(seen, person, "Voici", from_staff=False)
    # An action of the viewer after the message: they have dealt with it.
    history_record(obj=seen, user=instructor, action=ApplicationAction.ASSIGN)
    history_record(obj=quiet, user=person, action=ApplicationAction.RESUBMIT)
    client.force_login(instructor)
    rows = {a.reference: a for a, _c in client.get(QUEUE).context["rows"]}
    assert {ref for ref, a in rows.items() if a.new_message} == {"C-REPLIED"}
    assert {ref for ref, a in rows.items() if a.resubmitted} == {"C-QUIET"}
    # Another instructor, who did nothing on "seen", sees its message as new.
    colleague = staff(call.programme)
    client.force_login(colleague)
    rows = {a.reference: a for a, _c in client.get(QUEUE).context["rows"]}
    assert {ref for ref, a in rows.items() if a.new_message} == {"C-REPLIED", "C-SEEN"}
    page = text(client.get(QUEUE))
    assert "nouveau message" in page and "déposée à nouveau" in page


def test_pagination_keeps_the_tab(client, call, instructor):
    for n in range(27):
        app(call, Status.WITHDRAWN, f"D-{n:02d}")
    client.force_login(instructor)
    response = client.get(QUEUE, {"onglet": "traites"})
    assert "onglet=traites" in text(response).split("fr-pagination__link--next")[1][:200]
    second = client.get(QUEUE, {"onglet": "traites", "page": "2"})
    assert second.status_code == 200 and len(refs(second)) == 2


def _queue_rows(call, n):
    for i in range(n):
        application = app(call, Status.IN_REVIEW, f"E-{n}-{i}")
        ReviewRequestFactory(application=application, deadline=day(i - 2))
        message(application, application.created_by, "?", from_staff=False)
        if i % 3 == 0:
            history_record(obj=application, user=None, action=ApplicationAction.RESUBMIT)


@pytest.mark.parametrize("size", [2, 20])
def test_queue_query_budget_does_not_grow(
    client, call, instructor, size, django_assert_num_queries
):
    """Every row carries what the page shows (a deadline, a new message, some a resubmission,
    an assignee, an expert request): a query per row would fail the budget at 20 rows."""
    _queue_rows(call, size)
    Application.objects.filter(call=call).update(assignee=instructor)
    client.force_login(instructor)
    client.get(QUEUE)  # warm the caches (content types, sessions)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(QUEUE, {"onglet": "suivis"})
    assert response.status_code == 200
    rows = [a for a, _c in response.context["rows"]]
    assert len(rows) == size and all(a.new_message and a.instruction_deadline for a in rows)
    assert sum(a.resubmitted for a in rows) == len(range(0, size, 3))
    assert text(response).count("nouveau message") >= size


QUEUE_QUERIES = 12  # the tabs' counts come from the cache after the warm-up request


# --- The expert's requests -------------------------------------------------------------------


def test_expert_list_opens_on_open_requests_overdue_first(client, call):
    first = ReviewRequestFactory(application=app(call, Status.IN_REVIEW, "F-1"), deadline=day(5))
    expert_user = first.expert
    late = ReviewRequestFactory(
        application=app(call, Status.IN_REVIEW, "F-2"), expert=expert_user, deadline=day(-1)
    )
    accepted = ReviewRequestFactory(
        application=app(call, Status.IN_REVIEW, "F-3"),
        expert=expert_user,
        deadline=day(1),
        status=ReviewStatus.ACCEPTED,
    )
    for n in range(30):
        ReviewRequestFactory(
            application=app(call, Status.IN_REVIEW, f"F-DONE-{n}"),
            expert=expert_user,
            deadline=day(-400 + n),
            status=ReviewStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
    ReviewRequestFactory(
        application=app(call, Status.IN_REVIEW, "F-CONFLICT"),
        expert=expert_user,
        status=ReviewStatus.CONFLICT,
    )
    client.force_login(expert_user)
    response = client.get(MINE)
    assert [r.pk for r in response.context["page"]] == [late.pk, accepted.pk, first.pk]
    assert counts(response) == {"a-traiter": 3, "suivis": 1, "traites": 30}
    assert text(response).count("en retard") == 1
    done = client.get(MINE, {"onglet": "traites", "page": "2"})
    assert done.status_code == 200 and len(done.context["page"]) == 5
    assert client.get(MINE, {"onglet": "n'importe quoi"}).context["worklist"].tab == "a-traiter"


def test_expert_sees_a_resubmission_after_the_request(client, call):
    review = ReviewRequestFactory(
        application=app(call, Status.IN_REVIEW, "G-1"), status=ReviewStatus.ACCEPTED
    )
    client.force_login(review.expert)
    assert "déposée à nouveau" not in text(client.get(MINE))
    history_record(
        obj=review.application,
        user=applicant(review.application),
        action=ApplicationAction.RESUBMIT,
    )
    assert "déposée à nouveau" in text(client.get(MINE))


@pytest.mark.parametrize("size", [2, 12])
def test_expert_list_query_budget_does_not_grow(client, call, size, django_assert_num_queries):
    first = ReviewRequestFactory(application=app(call, Status.IN_REVIEW, "H-0"))
    for n in range(size):
        ReviewRequest.objects.create(
            application=app(call, Status.IN_REVIEW, f"H-{size}-{n}"),
            expert=first.expert,
            requested_by=first.requested_by,
            deadline=day(n - 3),
            status=ReviewStatus.ACCEPTED,
        )
    client.force_login(first.expert)
    client.get(MINE)
    with django_assert_num_queries(EXPERT_QUERIES):
        assert client.get(MINE).status_code == 200


EXPERT_QUERIES = 6


# --- The thread on the instruction page -----------------------------------------------------


def test_instruction_page_shows_the_thread_and_writes_to_the_applicant(client, call, instructor):
    application = app(call, Status.IN_REVIEW, "J-1")
    person = applicant(application)
    Message.objects.create(
        application=application, author=instructor, body="Précisez le budget", from_staff=True
    )
    Message.objects.create(
        application=application, author=person, body="Budget précisé", from_staff=False
    )
    client.force_login(instructor)
    url = reverse("reviews:instruction_detail", args=[application.pk])
    page = text(client.get(url))
    assert page.index("Précisez le budget") < page.index("Budget précisé")
    post = reverse("reviews:instruction_message", args=[application.pk])
    response = client.post(post, {"thread-body": "Merci, c'est noté"})
    assert response.status_code == 302
    message = Message.objects.filter(application=application).latest("pk")
    assert message.body == "Merci, c'est noté" and message.from_staff
    assert "Merci, c'est noté" in text(client.get(url))
    # An empty message: the form says so, nothing is sent.
    empty = client.post(post, {"thread-body": "  "})
    assert empty.status_code == 422 and Message.objects.filter(application=application).count() == 3


def test_only_the_programme_staff_write_from_the_instruction_page(client, call):
    application = app(call, Status.IN_REVIEW, "J-2")
    client.force_login(applicant(application))
    post = reverse("reviews:instruction_message", args=[application.pk])
    assert client.post(post, {"thread-body": "Bonjour"}).status_code == 403
    client.force_login(staff(GridFactory(reviewed=True).call.programme))
    assert client.post(post, {"thread-body": "Bonjour"}).status_code == 404
    assert not Message.objects.filter(application=application).exists()
