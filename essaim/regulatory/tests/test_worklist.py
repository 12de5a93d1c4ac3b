"""The single window's queue as a worklist: tabs by who the ticket waits on, counts, due dates
(overdue first), the new-message marker, bounded tab, query budget."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from essaim.core.services import history_record
from essaim.regulatory.history import TicketAction
from essaim.regulatory.models import Channel, Direction, Ticket, TicketMessage
from essaim.regulatory.tests.factories import ProgrammeFactory, officer, ticket
from essaim.regulatory.workflow import Outcome, TicketState

pytestmark = pytest.mark.django_db
QUEUE = reverse("regulatory:queue")
NOW = timezone.now()


@pytest.fixture
def programme():
    return ProgrammeFactory(single_window=True)


def make(programme, title, state=TicketState.NEW, due_in=None):
    t = ticket(programme, title=title)
    closed = state == TicketState.CLOSED
    Ticket.objects.filter(pk=t.pk).update(
        state=state,
        outcome=Outcome.CLARIFIED if closed else "",
        outcome_at=NOW if closed else None,
        first_answer_due_at=NOW + datetime.timedelta(days=due_in) if due_in is not None else None,
    )
    return t


def titles(response):
    return [t.title for t in response.context["page"]]


def counts(response):
    return {tab.key: tab.count for tab in response.context["worklist"].tabs}


def test_queue_opens_on_tickets_waiting_on_the_single_window(client, programme):
    make(programme, "late", due_in=-2)
    make(programme, "soon", TicketState.TRIAGED, due_in=1)
    make(programme, "undated", TicketState.IN_PROGRESS)
    make(programme, "routed", TicketState.ROUTED)
    make(programme, "answered", TicketState.ANSWERED)
    make(programme, "closed", TicketState.CLOSED)
    client.force_login(officer(programme))
    response = client.get(QUEUE)
    assert titles(response) == ["late", "soon", "undated"]
    assert counts(response) == {"a-traiter": 3, "suivis": 2, "traites": 1}
    assert sorted(titles(client.get(QUEUE, {"onglet": "suivis"}))) == ["answered", "routed"]
    assert titles(client.get(QUEUE, {"onglet": "traites"})) == ["closed"]
    assert client.get(QUEUE, {"onglet": "<script>"}).context["worklist"].tab == "a-traiter"


def test_new_message_marker(client, programme):
    agent = officer(programme)
    waiting = make(programme, "waiting", TicketState.ANSWERED)
    handled = make(programme, "handled", TicketState.ANSWERED)
    for t in (waiting, handled):
        TicketMessage.objects.create(
            ticket=t, direction=Direction.INBOUND, channel=Channel.WEB, body="Et alors ?"
        )
    history_record(obj=handled, user=agent, action=TicketAction.ROUTE)
    client.force_login(agent)
    rows = {t.title: t for t in client.get(QUEUE, {"onglet": "suivis"}).context["page"]}
    assert rows["waiting"].new_message and not rows["handled"].new_message


@pytest.mark.parametrize("size", [2, 15])
def test_query_budget_does_not_grow(client, programme, size, django_assert_num_queries):
    for n in range(size):
        make(programme, f"t{n}", due_in=n - 3)
    client.force_login(officer(programme))
    client.get(QUEUE)
    with django_assert_num_queries(QUEUE_QUERIES):
        assert client.get(QUEUE).status_code == 200


QUEUE_QUERIES = 8
