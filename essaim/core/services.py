from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from essaim.core import history
from essaim.core.models import HistoryEvent


def history_record(
    *,
    obj: models.Model,
    user,
    action: models.TextChoices,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    comment_internal: bool = False,
    payload: dict[str, Any] | None = None,
) -> HistoryEvent:
    """Append one row to ``obj``'s history. Call it inside the transaction that makes the change.
    ``action`` is a member of the actions registered for ``obj``'s model
    (``essaim.core.history.describe``), so that every row can be read in words.
    ``comment_internal``: the comment is for the team in charge only (see ``HistoryEvent``)."""
    action = history.check_action(obj._meta.model, action)

    event = HistoryEvent.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        actor=user if user is not None and user.is_authenticated else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        comment_internal=comment_internal,
        payload=payload or {},
    )
    history.history_recorded(event=event, obj=obj)
    return event


def changed_fields(instance: models.Model, data: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields of ``data`` whose value differs on ``instance``, as {field: [old, new]} (JSON)."""
    changes = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [_jsonable(old), _jsonable(new)]
    return changes


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return str(value)
