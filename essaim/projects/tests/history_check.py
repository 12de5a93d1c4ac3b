"""Test support for typed history: record every described action on an object, then check that
a page's history reads in words (no raw code, no "(action non décrite)"). Used by the tests of
projects, financing and support."""

import re

from django.template.loader import render_to_string
from django.utils.html import escape

from essaim.core import history
from essaim.core.services import history_record


def record_every_action(obj, user=None) -> history.Description:
    """One history row per action described for ``obj``'s model, each moving between the first
    and the last of its states (when it has states)."""
    description = history.description_of(type(obj))
    states = list(description.states.values) if description.states else [""]
    for action in description.actions:
        history_record(obj=obj, user=user, action=action, from_state=states[0], to_state=states[-1])
    return description


def history_section(html: str) -> str:
    start = html.index('<ol class="essaim-history')
    return html[start : html.index("</ol>", start)]


def rendered_history(obj) -> str:
    return render_to_string("core/_history.html", {"rows": history.history_rows(obj)})


def assert_in_words(html: str, description: history.Description) -> None:
    section = history_section(html)
    assert escape(str(history.UNKNOWN_CODE)) not in section
    codes = [
        *description.actions.values,
        *(description.states.values if description.states else []),
    ]
    raw = [code for code in codes if re.search(rf"\b{re.escape(code)}\b", section)]
    assert raw == [], f"raw codes shown: {raw}"
    for action in description.actions:
        assert escape(str(action.label)) in section
    if description.states:
        first, last = description.states.choices[0][1], description.states.choices[-1][1]
        assert escape(str(first)) in section and escape(str(last)) in section
