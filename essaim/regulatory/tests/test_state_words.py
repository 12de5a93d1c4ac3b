"""One word per state: a ticket's state reads the same in the author's list, on the ticket's
page (author and officer), in the officers' queue and in the history — the ``TicketState`` label,
whatever the state."""

import html
import re

import pytest
from django.urls import reverse

from essaim.accounts.tests.factories import UserFactory
from essaim.core import history
from essaim.regulatory.models import Ticket
from essaim.regulatory.tests.factories import ProgrammeFactory, officer, ticket
from essaim.regulatory.workflow import Outcome, TicketState

pytestmark = pytest.mark.django_db


def _badge(page: str, pattern: str) -> str:
    match = re.search(pattern, page, re.S)
    assert match, pattern
    return html.unescape(match.group(1)).strip()


def _row_states(page: str, number: str) -> set[str]:
    """The state words in the table row of ticket ``number`` (whatever the row's markup)."""
    rows = [row for row in re.findall(r"<tr.*?</tr>", page, re.S) if number in row]
    assert len(rows) == 1, number
    texts = {html.unescape(text).strip() for text in re.findall(r">([^<]+)<", rows[0])}
    return texts & {str(label) for label in TicketState.labels}


@pytest.mark.parametrize("state", TicketState.values)
def test_a_ticket_s_state_reads_the_same_in_list_detail_and_queue(client, state):
    programme = ProgrammeFactory(single_window=True)
    author = UserFactory()
    t = ticket(programme, user=author)
    outcome = Outcome.CLARIFIED if state == TicketState.CLOSED else ""
    Ticket.objects.filter(pk=t.pk).update(state=state, outcome=outcome)
    word = str(TicketState(state).label)

    client.force_login(author)
    mine = client.get(reverse("regulatory:my_tickets")).text
    assert _row_states(mine, t.number) == {word}
    detail = client.get(reverse("regulatory:ticket_detail", args=[t.pk])).text
    assert _badge(detail, r'id="ticket-state">(.*?)<') == word

    client.force_login(officer(programme))
    # The queue's three tabs (the ticket is in one of them).
    queue = "".join(
        client.get(reverse("regulatory:queue"), {"state": state, "onglet": tab}).text
        for tab in ("a-traiter", "suivis", "traites")
    )
    assert _row_states(queue, t.number) == {word}
    detail = client.get(reverse("regulatory:ticket_detail", args=[t.pk])).text
    assert _badge(detail, r'id="ticket-state">(.*?)<') == word


def test_the_history_and_the_api_name_states_with_the_same_words(client):
    programme = ProgrammeFactory(single_window=True)
    author = UserFactory()
    t = ticket(programme, user=author)
    agent = officer(programme)
    client.force_login(agent)
    client.post(
        reverse("regulatory:ticket_action", args=[t.pk, "triage"]),
        {"triage-category": "food", "triage-priority": "high"},
    )
    rows = history.history_rows(t)
    assert rows[-1].to_label == TicketState.TRIAGED.label
    payload = client.get(f"/api/v1/tickets/{t.pk}").json()
    assert payload["state"] == TicketState.TRIAGED
    assert payload["state_label"] == TicketState.TRIAGED.label
