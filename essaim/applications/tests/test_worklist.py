"""The territory's applications as a worklist: tabs by the state the applicants see (nothing of
a decision before the wave is published), drafts by their call's closing date, the new-message
marker, bounded tab, query budget."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.applications.history import ApplicationAction
from essaim.applications.models import Message
from essaim.applications.tests.factories import ApplicationFactory
from essaim.applications.workflow import Status
from essaim.calls.models import Call
from essaim.core.services import history_record

pytestmark = pytest.mark.django_db
MINE = reverse("applications:mine")
TODAY = timezone.localdate()


@pytest.fixture
def lead_and_collective():
    first = ApplicationFactory(title="premier brouillon")
    user = UserFactory()
    Membership.objects.create(user=user, role=Role.TERRITORY_LEAD, collective=first.collective)
    return user, first


def titles(response):
    return [a.title for a in response.context["page"]]


def counts(response):
    return {tab.key: tab.count for tab in response.context["worklist"].tabs}


def closes(application, days):
    Call.objects.filter(pk=application.call_id).update(
        closes_on=TODAY + datetime.timedelta(days=days)
    )


def test_lead_opens_on_what_waits_on_the_collective(client, lead_and_collective):
    lead, first = lead_and_collective
    collective = first.collective
    late = ApplicationFactory(collective=collective, title="brouillon en retard")
    closes(late, -1)
    closes(first, 10)
    ApplicationFactory(collective=collective, title="compléments", status=Status.CHANGES_REQUESTED)
    ApplicationFactory(collective=collective, title="déposée", status=Status.SUBMITTED)
    ApplicationFactory(collective=collective, title="retirée", status=Status.WITHDRAWN)
    ApplicationFactory(title="d'un autre territoire")
    client.force_login(lead)
    response = client.get(MINE)
    assert titles(response) == ["brouillon en retard", "premier brouillon", "compléments"]
    assert counts(response) == {"a-traiter": 3, "suivis": 1, "traites": 1}
    assert "en retard" in response.content.decode()
    assert titles(client.get(MINE, {"onglet": "suivis"})) == ["déposée"]
    assert titles(client.get(MINE, {"onglet": "traites"})) == ["retirée"]
    assert client.get(MINE, {"onglet": "TRAITES"}).context["worklist"].tab == "a-traiter"


def test_a_decision_before_its_wave_is_published_stays_in_followed(client, lead_and_collective):
    lead, first = lead_and_collective
    decided = ApplicationFactory(proposed=True, collective=first.collective, title="décidée")
    Application = type(decided)
    Application.objects.filter(pk=decided.pk).update(status=Status.LABELLED)
    client.force_login(lead)
    response = client.get(MINE, {"onglet": "suivis"})
    assert titles(response) == ["décidée"]
    assert counts(response)["traites"] == 0


def test_new_message_from_the_programme_is_marked(client, lead_and_collective):
    lead, first = lead_and_collective
    answered = ApplicationFactory(collective=first.collective, title="répondue")
    for application in (first, answered):
        Message.objects.create(
            application=application, author=UserFactory(), body="Merci de préciser", from_staff=True
        )
    Message.objects.create(application=answered, author=lead, body="Voilà", from_staff=False)
    client.force_login(lead)
    rows = {a.title: a for a in client.get(MINE).context["page"]}
    assert rows["premier brouillon"].new_message and not rows["répondue"].new_message
    history_record(obj=first, user=lead, action=ApplicationAction.PERSON_INVITE)
    rows = {a.title: a for a in client.get(MINE).context["page"]}
    assert not rows["premier brouillon"].new_message


@pytest.mark.parametrize("size", [2, 15])
def test_query_budget_does_not_grow(client, lead_and_collective, size, django_assert_num_queries):
    lead, first = lead_and_collective
    for n in range(size):
        application = ApplicationFactory(collective=first.collective, call=first.call)
        Message.objects.create(
            application=application, author=lead, body=str(n), from_staff=bool(n % 2)
        )
    client.force_login(lead)
    client.get(MINE)
    with django_assert_num_queries(MINE_QUERIES):
        assert client.get(MINE).status_code == 200


MINE_QUERIES = 7
