"""The check every app's history test makes: each action of a model, recorded through
``history_record`` with a member, reads in words on ``core/_history.html``."""

from django.template.loader import render_to_string
from django.utils.html import escape

from essaim.core import history
from essaim.core.services import history_record


def assert_history_in_words(obj, *, actions, states=None) -> str:
    """Record every member of ``actions`` on ``obj`` (going through ``states`` in turn), render
    the history and check that no raw code and no "(action non décrite)" shows. The HTML."""
    state_codes = list(states.values) if states is not None else [""]
    for index, action in enumerate(actions):
        history_record(
            obj=obj,
            user=None,
            action=action,
            from_state=state_codes[index % len(state_codes)],
            to_state=state_codes[(index + 1) % len(state_codes)],
        )
    rows = history.history_rows(obj)
    html = render_to_string("core/_history.html", {"rows": rows})
    assert [row.event.action for row in rows] == list(actions.values)
    assert str(history.UNKNOWN_CODE) not in html
    for row in rows:
        assert row.action_label == str(actions(row.event.action).label)
        assert f"<strong>{row.event.action}</strong>" not in html
        assert escape(row.action_label) in html
        if states is not None:
            assert row.to_label == str(states(row.event.to_state).label)
            assert escape(row.to_label) in html
    return html
