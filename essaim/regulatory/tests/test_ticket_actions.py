"""The ticket page's actions: one table (name → form, service, message, next page), bounded —
every action a ticket can take has its entry, and a name outside the table is a clear 404."""

import html

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from essaim.regulatory import views, workflow
from essaim.regulatory.tests.factories import ProgrammeFactory, officer, ticket

pytestmark = pytest.mark.django_db


def test_the_table_holds_every_ticket_action_and_nothing_else():
    people_moves = {t.name for t in workflow.TICKET_TRANSITIONS if t.actor != workflow.Actor.SYSTEM}
    assert set(views.ACTIONS) == people_moves | {"message", "publish"}


@pytest.mark.parametrize("name", ["bogus", "reopen_on_message", "create", "TRIAGE"])
def test_an_unknown_action_is_a_404_and_changes_nothing(client, name):
    programme = ProgrammeFactory(single_window=True)
    t = ticket(programme)
    client.force_login(officer(programme))
    response = client.post(reverse("regulatory:ticket_action", args=[t.pk, name]), {})
    assert response.status_code == 404
    t.refresh_from_db()
    assert t.state == "new"


def test_the_404_of_an_unknown_action_says_so():
    programme = ProgrammeFactory(single_window=True)
    t = ticket(programme)
    request = RequestFactory().post("/")
    request.user = officer(programme)
    with pytest.raises(Http404, match="Action inconnue sur une saisine : « bogus »"):
        views.ticket_action(request, t.pk, "bogus")


def test_an_action_leads_where_its_entry_says(client):
    programme = ProgrammeFactory(single_window=True)
    t = ticket(programme)
    client.force_login(officer(programme))
    response = client.post(
        reverse("regulatory:ticket_action", args=[t.pk, "triage"]),
        {"triage-category": "food", "triage-priority": "high"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("regulatory:ticket_detail", args=[t.pk])
    t.refresh_from_db()
    # The confirmation says what happened, with the state's one word.
    assert (
        f"La saisine {t.number} est « qualifiée » : son thème et sa priorité sont enregistrés."
        in html.unescape(response.content.decode())
    )
