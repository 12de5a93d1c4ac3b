"""The mechanism shared by the apps' workflows: one transition record and the lookups over a
table of them. Each app keeps its own table (states, actors, labels) in its ``workflow.py``."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


class _HasSource(Protocol):
    name: str
    source: tuple[str, ...]


@dataclass(frozen=True)
class Transition:
    """Moving from any of ``source`` to ``target``, done by ``actor``, shown as ``label``."""

    name: str
    source: tuple[str, ...]
    target: str
    actor: str
    label: str
    comment_required: bool = False


def by_name[T: _HasSource](transitions: Iterable[T]) -> dict[str, T]:
    """The table indexed by transition name."""
    return {t.name: t for t in transitions}


def transitions_from[T: _HasSource](transitions: Iterable[T], state: str) -> list[T]:
    """The transitions of the table that may start from ``state``, in table order."""
    return [t for t in transitions if state in t.source]
