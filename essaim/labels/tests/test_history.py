import pytest

from essaim.accounts.tests.factories import UserFactory
from essaim.calls.models import WaveStatus
from essaim.calls.tests.history_check import assert_history_in_words
from essaim.labels.history import DecisionAction, LabelAction, WaveAction
from essaim.labels.models import LabelStatus, Outcome
from essaim.labels.tests.factories import ApplicationFactory, WaveFactory, labelled

pytestmark = pytest.mark.django_db


def test_every_action_of_a_wave_reads_in_words():
    assert_history_in_words(WaveFactory(french_impact=True), actions=WaveAction, states=WaveStatus)


def test_every_action_of_a_decision_and_a_label_reads_in_words():
    label = labelled(
        ApplicationFactory(proposed=True, wave=WaveFactory(french_impact=True)),
        UserFactory(),
    )
    assert_history_in_words(label.application.decision, actions=DecisionAction, states=Outcome)
    assert_history_in_words(label, actions=LabelAction, states=LabelStatus)
