"""Many needs at once: bit masks over the instruments, the gaps view."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.financing.matching.compiling import compile_instruments, project_facts
from essaim.financing.matching.records import (
    Context,
    InstrumentTerms,
    ProjectFacts,
)
from essaim.financing.matching.rules import (
    RULES,
)
from essaim.projects.models import Need, NeedKind, NeedStatus, Project, Stage

# --- Many needs at once: the gaps ---------------------------------------------------------------


class InstrumentIndex:
    """Bit masks over a fixed list of instruments (bit i = instruments[i])."""

    def __init__(self, instruments: Sequence[InstrumentTerms], today=None):
        self.instruments = list(instruments)
        self.ctx = Context(today=today or timezone.localdate())
        self.all_mask = (1 << len(self.instruments)) - 1
        self.cache: dict[str, dict] = {rule.code: {} for rule in RULES}
        self._tickets: dict[str, tuple] = {}
        self.national_mask = 0
        self.region_masks: dict[int, int] = defaultdict(int)
        self.perimeter_masks: dict[int, int] = defaultdict(int)
        self.excluded_region_masks: dict[int, int] = defaultdict(int)
        self.excluded_perimeter_masks: dict[int, int] = defaultdict(int)
        self.no_budget_cap_mask = 0
        for i, inst in enumerate(self.instruments):
            bit = 1 << i
            if inst.national:
                self.national_mask |= bit
            for region in inst.regions:
                self.region_masks[region] |= bit
            for perimeter in inst.perimeters:
                self.perimeter_masks[perimeter] |= bit
            for region in inst.excluded_regions:
                self.excluded_region_masks[region] |= bit
            for perimeter in inst.excluded_perimeters:
                self.excluded_perimeter_masks[perimeter] |= bit
            if inst.max_budget is None:
                self.no_budget_cap_mask |= bit
        self._budget = None

    def ticket_table(self, stage: str):
        """For one stage: sorted minimums with prefix masks, sorted maximums with suffix masks
        (no minimum counts as 0, no maximum as infinity)."""
        table = self._tickets.get(stage)
        if table is None:
            lows_by_inst = []
            highs_by_inst = []
            for i, inst in enumerate(self.instruments):
                low, high = inst.ticket_for(stage)
                lows_by_inst.append((low or 0, i))
                highs_by_inst.append((high if high is not None else float("inf"), i))
            lows_by_inst.sort()
            highs_by_inst.sort()
            lows = [value for value, _i in lows_by_inst]
            low_masks = [0]
            for _value, i in lows_by_inst:
                low_masks.append(low_masks[-1] | (1 << i))
            highs = [value for value, _i in highs_by_inst]
            high_masks = [0] * (len(highs_by_inst) + 1)
            for position in range(len(highs_by_inst) - 1, -1, -1):
                high_masks[position] = high_masks[position + 1] | (1 << highs_by_inst[position][1])
            table = (lows, low_masks, highs, high_masks)
            self._tickets[stage] = table
        return table

    def budget_table(self):
        if self._budget is None:
            capped = sorted(
                (inst.max_budget, i)
                for i, inst in enumerate(self.instruments)
                if inst.max_budget is not None
            )
            caps = [value for value, _i in capped]
            masks = [0] * (len(capped) + 1)
            for position in range(len(capped) - 1, -1, -1):
                masks[position] = masks[position + 1] | (1 << capped[position][1])
            self._budget = (caps, masks)
        return self._budget

    def covering_mask(self, facts: ProjectFacts) -> int:
        """Instruments that can meet the need in full: no hard rule excludes them, the ticket
        fits, and they bring money."""
        found = self.all_mask
        for rule in GAP_RULES:
            found &= rule.mask(self, facts)
            if not found:
                return 0
        return found


GAP_RULES = tuple(rule for rule in RULES if rule.hard or rule.gap_full)


AMOUNT_BANDS = (
    (0, 10_000, _("moins de 10 000 €")),
    (10_000, 50_000, _("10 000 à 50 000 €")),
    (50_000, 200_000, _("50 000 à 200 000 €")),
    (200_000, 1_000_000, _("200 000 € à 1 M€")),
    (1_000_000, None, _("plus de 1 M€")),
)


def amount_band(amount: int) -> int:
    for position, (low, high, _label) in enumerate(AMOUNT_BANDS):
        if amount >= low and (high is None or amount < high):
            return position
    return len(AMOUNT_BANDS) - 1


@dataclass(slots=True)
class Gap:
    need_id: int
    project_id: int
    title: str
    territory: str
    territory_id: int | None
    stage: str
    amount: int


@dataclass(slots=True)
class GapsReport:
    needs_checked: int
    gaps: list[Gap]
    instruments: int

    def by_territory(self) -> list[dict]:
        """Per territory, the uncovered needs by stage and by amount band (count and total)."""
        table: dict[tuple, dict] = {}
        for gap in self.gaps:
            key = (gap.territory or str(_("(sans territoire)")), gap.territory_id)
            row = table.setdefault(
                key,
                {
                    "territory": key[0],
                    "territory_id": key[1],
                    "count": 0,
                    "total": 0,
                    "stages": defaultdict(lambda: [0, 0]),
                    "bands": defaultdict(lambda: [0, 0]),
                },
            )
            row["count"] += 1
            row["total"] += gap.amount
            row["stages"][gap.stage][0] += 1
            row["stages"][gap.stage][1] += gap.amount
            band = amount_band(gap.amount)
            row["bands"][band][0] += 1
            row["bands"][band][1] += gap.amount
        return sorted(table.values(), key=lambda r: (-r["count"], r["territory"]))


def find_gaps(
    *, instruments: Sequence[InstrumentTerms] | None = None, project_queryset=None, today=None
) -> GapsReport:
    """Every open financing need that no open, published instrument can meet in full."""
    if instruments is None:
        instruments = compile_instruments()
    index = InstrumentIndex(instruments, today=today)
    needs_qs = Need.objects.filter(kind=NeedKind.FINANCING, status=NeedStatus.OPEN)
    if project_queryset is not None:
        needs_qs = needs_qs.filter(project__in=project_queryset)
    needs_by_project: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for need_id, project_id, amount in needs_qs.order_by("pk").values_list(
        "pk", "project_id", "amount"
    ):
        needs_by_project[project_id].append((need_id, amount))
    projects_qs = project_queryset if project_queryset is not None else Project.objects.all()
    projects_qs = projects_qs.filter(pk__in=needs_qs.values("project_id"))
    gaps = []
    checked = 0
    for base in project_facts(queryset=projects_qs, today=today):
        for need_id, amount in needs_by_project.get(base.id, ()):
            checked += 1
            facts = _with_amount(base, need_id, amount)
            if not index.covering_mask(facts):
                gaps.append(
                    Gap(
                        need_id=need_id,
                        project_id=base.id,
                        title=base.title,
                        territory=base.territory,
                        territory_id=base.territory_id,
                        stage=base.stage,
                        amount=amount,
                    )
                )
    gaps.sort(key=lambda g: (g.territory, Stage.values.index(g.stage), -g.amount, g.need_id))
    return GapsReport(needs_checked=checked, gaps=gaps, instruments=len(index.instruments))


def _with_amount(base: ProjectFacts, need_id: int, amount: int) -> ProjectFacts:
    return ProjectFacts(
        id=base.id,
        title=base.title,
        stage=base.stage,
        amount=amount,
        need_id=need_id,
        families=base.families,
        legal_category=base.legal_category,
        legal_label=base.legal_label,
        is_ess=base.is_ess,
        esus=base.esus,
        age=base.age,
        budget=base.budget,
        regions=base.regions,
        perimeters=base.perimeters,
        domains=base.domains,
        territory=base.territory,
        territory_id=base.territory_id,
    )


def covered_by_rules(
    instruments: Sequence[InstrumentTerms], facts: ProjectFacts, today=None
) -> bool:
    """The gaps answer computed pair by pair from the rules' ``check`` (slow; the reference the
    masks are tested against)."""
    ctx = Context(today=today or timezone.localdate())
    return any(
        all(rule.covers(rule.check(inst, facts, ctx)) for rule in GAP_RULES) for inst in instruments
    )
