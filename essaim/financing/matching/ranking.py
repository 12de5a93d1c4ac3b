"""Explained matching of one project and need against every instrument."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from essaim.financing.matching.compiling import project_facts, published_instruments
from essaim.financing.matching.records import (
    NO,
    STATUS_CODES,
    Context,
    InstrumentTerms,
    ProjectFacts,
)
from essaim.financing.matching.rules import (
    RULES,
    TOTAL_WEIGHT,
    Rule,
)
from essaim.projects.models import NeedKind, NeedStatus

# --- Explained matching -------------------------------------------------------------------------


class RuleResult:
    """One rule's verdict on one instrument, with its message (built only when read)."""

    __slots__ = ("ctx", "facts", "inst", "rule", "status")

    def __init__(self, rule: Rule, status: int, inst, facts, ctx) -> None:
        self.rule = rule
        self.status = status
        self.inst = inst
        self.facts = facts
        self.ctx = ctx

    @property
    def verdict(self) -> str:
        return STATUS_CODES[self.status]

    @property
    def params(self) -> dict:
        return self.rule.explain(self.inst, self.facts, self.ctx, self.status)

    @property
    def message(self) -> str:
        template = str(self.rule.messages.get(self.status, ""))
        params = self.params
        return template % params if params else template.replace("%%", "%")


class InstrumentMatch:
    """An instrument's verdicts for one project: score (0-100), eligibility, and per rule why."""

    __slots__ = ("ctx", "facts", "failure_count", "instrument", "score", "statuses")

    def __init__(self, instrument, score, failure_count, statuses, facts, ctx) -> None:
        self.instrument = instrument
        self.score = score
        self.failure_count = failure_count
        self.statuses = statuses
        self.facts = facts
        self.ctx = ctx

    @property
    def eligible(self) -> bool:
        return not self.failure_count

    @property
    def results(self) -> list[RuleResult]:
        return [
            RuleResult(rule, status, self.instrument, self.facts, self.ctx)
            for rule, status in zip(RULES, self.statuses, strict=True)
        ]

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if r.rule.hard and r.status == NO]

    @property
    def reasons(self) -> list[str]:
        """ "<instrument> : <why not>" for each hard rule that excludes the instrument."""
        return [f"{self.instrument.label} : {r.message}" for r in self.failures]


@dataclass(slots=True)
class MatchResult:
    facts: ProjectFacts
    ranked: list[InstrumentMatch] = field(default_factory=list)
    excluded: list[InstrumentMatch] = field(default_factory=list)


_SCALE = 100 / (2 * TOTAL_WEIGHT)
_CHECKS = tuple(rule.check for rule in RULES)
_WEIGHTS = tuple(rule.weight for rule in RULES)
_HARD_POSITIONS = tuple(i for i, rule in enumerate(RULES) if rule.hard)


def evaluate(inst: InstrumentTerms, facts: ProjectFacts, ctx: Context) -> InstrumentMatch:
    statuses = [check(inst, facts, ctx) for check in _CHECKS]
    failures = 0
    for position in _HARD_POSITIONS:
        if not statuses[position]:
            failures += 1
    points = sum(map(operator.mul, _WEIGHTS, statuses))
    return InstrumentMatch(inst, round(points * _SCALE), failures, statuses, facts, ctx)


def rank(instruments: Sequence[InstrumentTerms], facts: ProjectFacts, today=None) -> MatchResult:
    """Every instrument, evaluated against every rule: the eligible ones by score (best first,
    then by name and id), the excluded ones by number of blocking rules (fewest first)."""
    ctx = Context(today=today or timezone.localdate())
    result = MatchResult(facts=facts)
    ranked, excluded = result.ranked, result.excluded
    for inst in instruments:
        match = evaluate(inst, facts, ctx)
        (excluded if match.failure_count else ranked).append(match)
    ranked.sort(key=lambda m: (-m.score, m.instrument.sort_label, m.instrument.id))
    excluded.sort(
        key=lambda m: (m.failure_count, -m.score, m.instrument.sort_label, m.instrument.id)
    )
    return result


def match_project(project, need=None, *, instruments=None, today=None) -> MatchResult:
    """Rank the published instruments for ``project`` (and one of its financing needs; by
    default its first open one). Three queries for the project, six for the instruments."""
    if need is None:
        need = (
            project.needs.filter(kind=NeedKind.FINANCING, status=NeedStatus.OPEN)
            .order_by("pk")
            .first()
        )
    facts = project_facts([project.pk], needs={project.pk: need})[0]
    if instruments is None:
        instruments = published_instruments()
    return rank(instruments, facts, today=today)
