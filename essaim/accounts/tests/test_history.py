"""An account's history reads in words, whatever the action."""

import pytest
from django.template.loader import render_to_string

from essaim.accounts.history import UserAction
from essaim.accounts.models import Role
from essaim.accounts.tests.factories import UserFactory
from essaim.core.history import history_rows
from essaim.core.services import history_record
from essaim.testing import assert_history_in_words

pytestmark = pytest.mark.django_db


def test_every_action_reads_in_words():
    user = UserFactory()
    for action in UserAction:
        history_record(
            obj=user,
            user=user,
            action=action,
            payload={"prefix": "abcd1234", "count": 2, "role": Role.INSTRUCTOR},
        )
    html = render_to_string("core/_history.html", {"rows": history_rows(user)})
    assert_history_in_words(html, UserAction)
    assert Role.INSTRUCTOR.value not in html
    assert str(Role.INSTRUCTOR.label) in html
