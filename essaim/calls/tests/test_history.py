import pytest

from essaim.calls.history import CallAction
from essaim.calls.models import CallStatus
from essaim.calls.tests.factories import CallFactory
from essaim.calls.tests.history_check import assert_history_in_words

pytestmark = pytest.mark.django_db


def test_every_action_of_a_call_reads_in_words():
    assert_history_in_words(CallFactory(), actions=CallAction, states=CallStatus)
