"""Named hooks: the few places where a step lower in the flow lets a higher one act.

The apps import only down the flow (``docs/architecture.md``; import-linter checks it). When a
lower step must trigger a higher one — a label granted opens a support plan, a published form
version moves the drafts of its call — the lower app declares a hook and calls it, and the higher
app registers what it does in its ``AppConfig.ready``::

    # essaim/labels/hooks.py (lower: declares and calls)
    label_granted = Hook("label_granted", "A label was granted: label=, user=.")

    # essaim/support/apps.py (higher: registers)
    def ready(self):
        from essaim.labels.hooks import label_granted
        from essaim.support.services import support_plan_open

        label_granted.register(lambda *, label, user: support_plan_open(label=label, user=user))

Receivers run synchronously, in registration order, inside the caller's transaction (a failure
rolls the whole change back). Unlike Django's signals they are few, named in one list
(``docs/architecture.md``), keyword-only, and each hook says what it passes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Hook:
    def __init__(self, name: str, doc: str):
        self.name = name
        self.__doc__ = doc
        self._receivers: list[Callable[..., Any]] = []

    def register(self, receiver: Callable[..., Any]) -> Callable[..., Any]:
        """Add ``receiver`` (once: registering it again changes nothing)."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    @property
    def receivers(self) -> tuple[Callable[..., Any], ...]:
        return tuple(self._receivers)

    def __call__(self, **kwargs: Any) -> list[Any]:
        return [receiver(**kwargs) for receiver in self._receivers]

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receiver(s)>"
