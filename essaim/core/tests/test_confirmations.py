"""Confirmations say what happened: every workflow transition has its own past-tense sentence,
with the target state's one word, and no page says a bare "C'est fait." or "« … » : fait."."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from essaim.applications import workflow as applications_workflow
from essaim.financing import workflow as financing_workflow
from essaim.regulatory import views as regulatory_views
from essaim.regulatory import workflow as regulatory_workflow
from essaim.support import workflow as support_workflow

ESSAIM = Path(__file__).resolve().parents[2]
# Confirmations that say nothing of what happened.
VAGUE = re.compile(
    r"""_\(\s*["'](C'est fait\.|Enregistré\.|Action effectuée\.|Fait\.|OK\.|[^"']*: fait\.)["']"""
)


def test_no_confirmation_says_only_that_something_was_done():
    offenders = []
    scanned = 0
    for path in ESSAIM.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        scanned += 1
        for match in VAGUE.finditer(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ESSAIM)}: {match.group(1)}")
    assert scanned > 100
    assert offenders == []


@pytest.mark.parametrize(
    ("transitions", "done"),
    [
        (applications_workflow.TRANSITIONS, applications_workflow.DONE),
        (financing_workflow.TRANSITIONS, financing_workflow.DONE),
        (regulatory_workflow.EXPERIMENTATION_TRANSITIONS, regulatory_workflow.EXPERIMENTATION_DONE),
    ],
)
def test_every_transition_has_its_confirmation(transitions, done):
    assert {t.name for t in transitions} == set(done)


def test_every_ticket_action_without_its_own_words_has_the_workflow_s():
    by_workflow = {
        name for name, action in regulatory_views.ACTIONS.items() if action.success is None
    }
    assert by_workflow <= set(regulatory_workflow.TICKET_DONE)
    assert by_workflow <= set(regulatory_workflow.TICKET_BY_NAME)


def test_confirmations_name_the_target_state_with_its_one_word():
    with translation.override("fr"):
        for transition in applications_workflow.TRANSITIONS:
            message = applications_workflow.done_message(transition.name)
            assert str(applications_workflow.Status(transition.target).label) in message
        for transition in financing_workflow.TRANSITIONS:
            message = financing_workflow.done_message(transition.name, "1 000 €")
            assert str(financing_workflow.RequestStatus(transition.target).label) in message

        class Action:
            title = "Épicerie"

        for transition in support_workflow.TRANSITIONS:
            message = support_workflow.done_message(transition.name, Action())
            assert f"« {support_workflow.ActionStatus(transition.target).label} »" in message
