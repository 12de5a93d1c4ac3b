"""Typed history, shown in words.

Each app declares what can happen to its objects as a ``TextChoices`` of actions (the codes stored
in ``HistoryEvent.action``, the labels people read) and, where the object has a workflow, the
``TextChoices`` of its states; it registers them per model::

    # essaim/projects/history.py
    class ProjectAction(models.TextChoices):
        CREATED = "created", _("projet créé")
        ...

    # essaim/projects/apps.py, in ready()
    history.describe(Project, actions=ProjectAction)
    history.describe(Need, actions=NeedAction, states=NeedStatus)

``history_record`` (``essaim.core.services``) accepts only a member of the actions registered for
the object's model, so a new action cannot be recorded without its words. :func:`history_rows`
renders the history of any object — action, states, changed fields — in the reader's language;
``core/_history.html`` shows it. No page shows a raw code (a test renders every registered
history).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from essaim.core.hooks import Hook
from essaim.core.models import HistoryEvent

# Called by ``history_record`` after each row, inside the writer's transaction: the one place an
# app above every step (``webhooks``) learns what happened, without any domain app knowing it.
history_recorded = Hook(
    "history_recorded", "A typed history row was recorded (writer's transaction): event=, obj=."
)


@dataclass(frozen=True)
class Description:
    model: type[models.Model]
    actions: type[models.TextChoices]
    states: type[models.TextChoices] | None = None
    # What a row adds to its action's label, read from the event (its payload): "Bob Privé" for
    # "personne ajoutée". Empty when nothing.
    details: Callable[[Any], str] | None = None


_REGISTRY: dict[type[models.Model], Description] = {}


def describe(
    model: type[models.Model],
    *,
    actions: type[models.TextChoices],
    states: type[models.TextChoices] | None = None,
    details: Callable[[Any], str] | None = None,
) -> None:
    """Register the actions (and states) of ``model``'s history. Called from the owning app's
    ``AppConfig.ready``; registering the same model twice with other choices is an error.
    ``details(event)``, when given, says what a row adds to its action (a name, a count)."""
    known = _REGISTRY.get(model)
    if known is not None and (known.actions, known.states) != (actions, states):
        raise ValueError(f"History of {model.__name__} already described differently.")
    _REGISTRY[model] = Description(model, actions, states, details)


def description_of(model: type[models.Model]) -> Description:
    model = model._meta.concrete_model
    try:
        return _REGISTRY[model]
    except KeyError:
        raise LookupError(
            f"No history description for {model.__name__}: call essaim.core.history.describe() "
            "in its app's AppConfig.ready()."
        ) from None


def described_models() -> list[type[models.Model]]:
    return list(_REGISTRY)


def check_action(model: type[models.Model], action: Any) -> str:
    """The code to store for ``action`` on ``model``; ``TypeError`` for a plain string or a
    member of another model's actions."""
    actions = description_of(model).actions
    if not isinstance(action, actions):
        raise TypeError(
            f"{model.__name__} history actions are {actions.__name__} members, not {action!r}."
        )
    return action.value


# --- Rendering ----------------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    old: Any
    new: Any


@dataclass
class HistoryRow:
    """One event as people read it."""

    event: Any
    action_label: str
    from_label: str = ""
    to_label: str = ""
    detail: str = ""
    changes: list[Change] = field(default_factory=list)

    # The template reads these through the row, as it did through the event.
    @property
    def at(self):
        return self.event.at

    @property
    def actor(self):
        return self.event.actor

    @property
    def comment(self) -> str:
        return self.event.comment

    @property
    def comment_internal(self) -> bool:
        return self.event.comment_internal

    @property
    def payload(self) -> dict:
        return self.event.payload


def _label(choices: type[models.TextChoices] | None, code: str) -> str:
    if not code:
        return ""
    if choices is not None:
        try:
            return str(choices(code).label)
        except ValueError:
            pass
    return str(UNKNOWN_CODE)


UNKNOWN_CODE = _("(action non décrite)")


def _field_label(model: type[models.Model], name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    if hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    return str(field.related_model._meta.verbose_name_plural)  # a reverse relation


def _in_field_order(model: type[models.Model], items) -> list:
    """``(name, value)`` pairs in the model's field order (PostgreSQL's jsonb does not keep the
    keys' order), names the model does not know last."""
    order = {field.name: index for index, field in enumerate(model._meta.get_fields())}
    return sorted(items, key=lambda item: (order.get(item[0], len(order)), item[0]))


def _related_text(field, value: Any) -> Any:
    """Changed related objects in words: the names of many-to-many objects (a list of ids), the
    fields of reverse-related rows (a list of dicts, e.g. an instrument's bands)."""
    if not isinstance(value, list | tuple) or not value:
        return value
    related = field.related_model
    if all(isinstance(item, dict) for item in value):
        return "; ".join(
            " / ".join(
                str(_value_text(related, key, item_value))
                for key, item_value in _in_field_order(related, item.items())
                if item_value not in (None, "")
            )
            for item in value
        )
    if field.many_to_many and all(isinstance(item, int) for item in value):
        names = {obj.pk: str(obj) for obj in related._default_manager.filter(pk__in=value)}
        return ", ".join(names.get(pk, str(pk)) for pk in value)
    return value


def _value_text(model: type[models.Model], name: str, value: Any) -> Any:
    """A changed value in words where the field has choices (a code, or a list of codes for a
    field that holds several, such as ``projects.fields.CodeListField``'s ``code_choices``) or
    is a relation to other rows."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if field.is_relation and (field.many_to_many or field.one_to_many):
        return _related_text(field, value)
    choices = getattr(field, "code_choices", None)
    labels = (
        dict(choices.choices)
        if choices is not None
        else dict(getattr(field, "flatchoices", None) or ())
    )
    if not labels:
        return value
    if choices is not None and isinstance(value, str) and value.startswith("["):
        # Rows written before lists were kept as lists hold their text ("['food']").
        try:
            value = ast.literal_eval(value)
        except (SyntaxError, ValueError):
            return value
    if isinstance(value, list | tuple):
        return ", ".join(str(labels.get(code, code)) for code in value)
    return labels.get(value, value)


def _changes(model: type[models.Model], payload: dict) -> list[Change]:
    changes = payload.get("changes") if isinstance(payload, dict) else None
    if not isinstance(changes, dict):
        return []
    rows = []
    for name, values in _in_field_order(model, changes.items()):
        old, new = values if isinstance(values, list | tuple) and len(values) == 2 else ("", values)
        rows.append(
            Change(
                _field_label(model, name),
                _value_text(model, name, old),
                _value_text(model, name, new),
            )
        )
    return rows


def rows_for_events(model: type[models.Model], events: Iterable) -> list[HistoryRow]:
    """``events`` (``HistoryEvent`` rows of objects of ``model``) in words."""
    description = description_of(model)
    return [
        HistoryRow(
            event=event,
            action_label=_label(description.actions, event.action),
            from_label=_label(description.states, event.from_state),
            to_label=_label(description.states, event.to_state),
            detail=str(description.details(event) or "") if description.details else "",
            changes=_changes(model, event.payload),
        )
        for event in events
    ]


def history_rows(obj: models.Model, *, limit: int | None = None) -> list[HistoryRow]:
    """The whole history of ``obj``, oldest first (the ``limit`` latest when given), in words.
    One query. Who may read it is the caller's question (the app's rules)."""
    events = HistoryEvent.objects.for_object(obj).select_related("actor")
    if limit is not None:
        events = list(events.order_by("-at", "-pk")[:limit])[::-1]
    return rows_for_events(obj._meta.model, events)
