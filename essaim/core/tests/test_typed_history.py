"""Typed history (``essaim.core.history``): actions must be described, rows read in words."""

import ast
from pathlib import Path

import pytest
from django.db import models
from django.utils import translation

from essaim.calls.models import Programme
from essaim.core import history
from essaim.core.services import history_record

pytestmark = pytest.mark.django_db


class ProgrammeAction(models.TextChoices):
    RENAMED = "renamed", "programme renommé"


class ProgrammeState(models.TextChoices):
    OPEN = "open", "ouvert"
    CLOSED = "closed", "fermé"


class OtherAction(models.TextChoices):
    RENAMED = "renamed", "autre"


@pytest.fixture
def described(monkeypatch):
    registry = dict(history._REGISTRY)
    registry.pop(Programme, None)  # whatever calls registers, these tests use their own choices
    monkeypatch.setattr(history, "_REGISTRY", registry)
    history.describe(Programme, actions=ProgrammeAction, states=ProgrammeState)
    return Programme.objects.create(name="P", slug="p", label_name="P")


def test_history_record_refuses_a_plain_string_for_a_described_model(described):
    with pytest.raises(TypeError):
        history_record(obj=described, user=None, action="renamed")
    with pytest.raises(TypeError):
        history_record(obj=described, user=None, action=OtherAction.RENAMED)


def test_rows_read_action_states_and_changed_fields_in_words(described):
    history_record(
        obj=described,
        user=None,
        action=ProgrammeAction.RENAMED,
        from_state="open",
        to_state="closed",
        payload={"changes": {"name": ["P", "Q"], "gone": ["a", "b"]}},
    )
    (row,) = history.history_rows(described)
    assert (row.action_label, row.from_label, row.to_label) == (
        "programme renommé",
        "ouvert",
        "fermé",
    )
    assert [(c.label, c.old, c.new) for c in row.changes] == [("nom", "P", "Q"), ("gone", "a", "b")]


def test_an_undescribed_code_never_shows_raw(described):
    from django.contrib.contenttypes.models import ContentType

    from essaim.core.models import HistoryEvent

    HistoryEvent.objects.create(
        content_type=ContentType.objects.get_for_model(Programme),
        object_id=str(described.pk),
        action="person_invite",
        to_state="weird_state",
    )
    (row,) = history.history_rows(described)
    assert "person_invite" not in row.action_label and "weird" not in row.to_label
    with translation.override("en"):
        assert history.history_rows(described)[0].action_label == "(action not described)"


def test_describing_a_model_twice_differently_is_refused(described):
    history.describe(Programme, actions=ProgrammeAction, states=ProgrammeState)  # same: fine
    with pytest.raises(ValueError):
        history.describe(Programme, actions=OtherAction)


def test_history_rows_limit_keeps_the_latest_in_order(described):
    for _ in range(3):
        history_record(obj=described, user=None, action=ProgrammeAction.RENAMED)
    rows = history.history_rows(described, limit=2)
    assert len(rows) == 2 and rows[0].event.pk < rows[1].event.pk
    assert rows[1].event.pk == max(r.event.pk for r in history.history_rows(described))


# --- Guards ---------------------------------------------------------------------------------------

ESSAIM = Path(__file__).resolve().parents[2]


def _history_record_calls():
    for path in sorted(ESSAIM.rglob("*.py")):
        parts = path.relative_to(ESSAIM).parts
        if "tests" in parts or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "history_record":
                yield path.relative_to(ESSAIM).as_posix(), node


def test_every_history_record_call_passes_a_typed_action():
    """A string (literal or f-string) would skip the words: pass a member of the model's
    actions (``essaim/<app>/history.py``)."""
    untyped = sorted(
        f"{path}:{node.lineno}"
        for path, node in _history_record_calls()
        for keyword in node.keywords
        if keyword.arg == "action"
        and isinstance(keyword.value, ast.Constant | ast.JoinedStr | ast.BinOp)
    )
    assert untyped == []


def test_every_described_model_has_words_for_every_code():
    """Each action and state has its own label (not the name Django makes up for a member
    without one)."""
    unlabelled = []
    for model in history.described_models():
        description = history.description_of(model)
        for choices in (description.actions, description.states):
            for member in choices or ():
                made_up = member.name.replace("_", " ").title()
                if not str(member.label).strip() or str(member.label) == made_up:
                    unlabelled.append(f"{model.__name__}.{member.value}")
    assert history.described_models()
    assert unlabelled == []
