"""The history of tickets, experimentation requests and held mail reads in words: every action
and state has its label (``essaim.regulatory.history``), no page shows a raw code."""

import re

import pytest
from django.urls import reverse

from essaim.core import history
from essaim.core.services import history_record
from essaim.regulatory import inbound, services
from essaim.regulatory.history import ExperimentationAction, HeldMailAction, TicketAction
from essaim.regulatory.models import (
    ExperimentationRequest,
    QuarantinedMail,
    QuarantineStatus,
    Ticket,
)
from essaim.regulatory.tests.factories import (
    CallFactory,
    ProgrammeFactory,
    holder,
    officer,
    ticket,
)
from essaim.regulatory.workflow import (
    EXPERIMENTATION_TRANSITIONS,
    TICKET_TRANSITIONS,
    ExperimentationState,
    TicketState,
)

pytestmark = pytest.mark.django_db

ADDRESS = "guichet@histoire.example"


def test_every_transition_has_a_history_label():
    assert {t.name for t in TICKET_TRANSITIONS} <= set(TicketAction.values)
    assert {t.name for t in EXPERIMENTATION_TRANSITIONS} <= set(ExperimentationAction.values)


def test_history_only_takes_the_model_s_actions():
    t = ticket(ProgrammeFactory(single_window=True))
    with pytest.raises(TypeError):
        history_record(obj=t, user=None, action="create")
    with pytest.raises(TypeError):
        history_record(obj=t, user=None, action=HeldMailAction.ASSIGN)


def _record_each(obj, actions, states):
    codes = list(states.values)
    for index, action in enumerate(actions):
        history_record(
            obj=obj,
            user=None,
            action=action,
            from_state=codes[index % len(codes)],
            to_state=codes[(index + 1) % len(codes)],
        )


def _assert_in_words(page: str, actions, states):
    assert str(history.UNKNOWN_CODE) not in page
    section = page[page.index('id="historique"') :]
    shown = re.findall(r"<strong>(.*?)</strong>", section, flags=re.S)
    for action in actions:
        assert action.value not in [s.strip() for s in shown], action
    for code in states.values:
        assert f"({code} →" not in section and f"→ {code})" not in section, code
    for action in actions:
        assert str(action.label).replace("'", "&#x27;") in section, action


def test_ticket_history_reads_in_words(client):
    programme = ProgrammeFactory(single_window=True)
    t = ticket(programme)
    _record_each(t, TicketAction, TicketState)
    client.force_login(officer(programme))
    page = client.get(reverse("regulatory:ticket_detail", args=[t.pk])).content.decode()
    _assert_in_words(page, TicketAction, TicketState)


def test_experimentation_history_reads_in_words(client):
    programme = ProgrammeFactory(single_window=True)
    request = services.experimentation_submit(
        user=holder(),
        call=CallFactory(experimentation=True, programme=programme),
        title="Vrac",
        derogation_asked="x",
        rule_text="Décret",
        rule_level="decree",
        duration_months=12,
        evaluation_plan="x",
    )
    _record_each(request, ExperimentationAction, ExperimentationState)
    client.force_login(officer(programme))
    url = reverse("regulatory:experimentation_detail", args=[request.pk])
    _assert_in_words(client.get(url).content.decode(), ExperimentationAction, ExperimentationState)


def test_held_mail_history_reads_in_words(client):
    programme = ProgrammeFactory(single_window=True, single_window_email=ADDRESS)
    raw = f"To: {ADDRESS}\r\nSubject: Sans expediteur\r\n\r\nBonjour\r\n".encode()
    item = inbound.mail_ingest(raw, source="test").quarantine
    assert item is not None and item.programme == programme
    _record_each(item, HeldMailAction, QuarantineStatus)
    client.force_login(officer(programme))
    page = client.get(reverse("regulatory:quarantine_detail", args=[item.pk])).content.decode()
    _assert_in_words(page, HeldMailAction, QuarantineStatus)


def test_every_regulatory_model_with_history_is_described():
    for model in (Ticket, ExperimentationRequest, QuarantinedMail):
        assert history.description_of(model).actions is not None
