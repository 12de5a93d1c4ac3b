"""Plain records the rules read: compiled instruments, project facts, the context."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from essaim.projects.models import Stage

OK, PARTLY, NO = 2, 1, 0
STATUS_CODES = {OK: "eligible", PARTLY: "partly", NO: "not_eligible"}
ESS_BY_LAW = frozenset({"association", "cooperative", "mutual", "foundation"})
MONEY_LESS = frozenset({"orientation", "guarantee"})
EQUITY_ONLY = frozenset({"equity"})
ORIENTATION_ONLY = frozenset({"orientation"})
STAGE_VALUES = tuple(Stage.values)


def euros(amount: int | float | None) -> str:
    """40000 → "40 000 €" (French grouping)."""
    if amount is None:
        return "—"
    return f"{int(amount):,}".replace(",", " ") + " €"


def _stage_label(code: str) -> str:
    return str(Stage(code).label) if code in Stage.values else code


def _stage_list(codes: Iterable[str]) -> str:
    order = {code: i for i, code in enumerate(Stage.values)}
    return ", ".join(_stage_label(c) for c in sorted(codes, key=lambda c: order.get(c, 99)))


# --- Compiled records ---------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class InstrumentTerms:
    id: int
    name: str
    label: str
    provider: str
    provider_id: int
    kinds: frozenset[str]
    # stage ("" = every stage) → (min, max); empty when the instrument states no ticket.
    bands: tuple[tuple[str, int | None, int | None], ...]
    share: float | None
    families: frozenset[str]
    categories: frozenset[str]
    requires_ess: bool
    requires_esus: bool
    min_age: int | None
    max_age: int | None
    max_budget: int | None
    national: bool
    regions: frozenset[int]
    perimeters: frozenset[int]
    excluded_regions: frozenset[int]
    excluded_perimeters: frozenset[int]
    themes: frozenset[str]
    opens_on: datetime.date | None
    closes_on: datetime.date | None
    published: bool = True
    # Derived once, at construction (see __post_init__).
    stages: frozenset[str] | None = field(init=False, default=None, compare=False)
    tickets: dict = field(init=False, default=None, compare=False)
    equity_only: bool = field(init=False, default=False, compare=False)
    brings_money: bool = field(init=False, default=True, compare=False)
    takes_requests: bool = field(init=False, default=True, compare=False)
    sort_label: str = field(init=False, default="", compare=False)

    def __post_init__(self) -> None:
        # The stages the instrument names, or None when it finances every stage.
        if not self.bands or any(stage == "" for stage, _lo, _hi in self.bands):
            self.stages = None
        else:
            self.stages = frozenset(stage for stage, _lo, _hi in self.bands)
        tickets = {stage: (low, high) for stage, low, high in self.bands if stage}
        generic = next(((low, high) for stage, low, high in self.bands if stage == ""), None)
        fallback = generic if generic is not None else self.envelope()
        for stage in STAGE_VALUES:
            if stage not in tickets:
                tickets[stage] = fallback
        self.tickets = tickets
        self.equity_only = bool(self.kinds) and self.kinds <= EQUITY_ONLY
        self.brings_money = bool(self.kinds - MONEY_LESS)
        # An orientation-only instrument (HubESS) advises: one contacts it, one does not apply.
        self.takes_requests = not self.kinds or self.kinds != ORIENTATION_ONLY
        self.sort_label = self.label.lower()

    def band_for(self, stage: str) -> tuple[int | None, int | None] | None:
        generic = None
        for band_stage, low, high in self.bands:
            if band_stage == stage:
                return low, high
            if band_stage == "":
                generic = (low, high)
        return generic

    def envelope(self) -> tuple[int | None, int | None]:
        """The smallest minimum and the largest maximum over all bands."""
        lows = [low for _s, low, _h in self.bands if low is not None]
        highs = [high for _s, _l, high in self.bands]
        low = min(lows) if lows else None
        high = None if (not highs or any(h is None for h in highs)) else max(highs)
        return low, high

    def ticket_for(self, stage: str) -> tuple[int | None, int | None]:
        """The band for ``stage``: its own, else the all-stages one, else the envelope."""
        found = self.tickets.get(stage)
        if found is None:
            band = self.band_for(stage)
            return band if band is not None else self.envelope()
        return found


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    id: int
    title: str
    stage: str
    amount: int | None
    need_id: int | None
    families: frozenset[str]
    legal_category: str
    legal_label: str
    is_ess: bool
    esus: bool
    age: int | None
    budget: int | None
    regions: frozenset[int]
    perimeters: frozenset[int]
    domains: frozenset[str]
    territory: str = ""
    territory_id: int | None = None


@dataclass(slots=True)
class Context:
    today: datetime.date


class MaskIndex(Protocol):
    """What a rule reads of the gaps' bit masks over many instruments (``gaps.InstrumentIndex``):
    the rules compute their masks on it without depending on the gaps module."""

    instruments: list[InstrumentTerms]
    ctx: Context
    cache: dict[str, dict]
    all_mask: int
    national_mask: int
    no_budget_cap_mask: int
    region_masks: dict[int, int]
    perimeter_masks: dict[int, int]
    excluded_region_masks: dict[int, int]
    excluded_perimeter_masks: dict[int, int]

    def ticket_table(self, stage: str) -> tuple: ...

    def budget_table(self) -> tuple: ...
