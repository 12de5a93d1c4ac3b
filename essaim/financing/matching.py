"""Explainable matching of projects to financing instruments.

The rules are data: ``RULES`` is a declared list of rule objects, each *hard* (a "not eligible"
excludes the instrument) or *soft* (it only lowers the score), each with a weight and a French
explanation template per verdict. Everything here is deterministic: the same project and
instruments always give the same scores, explanations and order. ``docs/financing-rules.md``
documents every rule.

Two faces share the rules:

- ``match_project`` explains every instrument for one project and need (pages, API, alerts);
- ``find_gaps`` answers "can any open instrument meet this need?" for many needs at once. It
  turns each rule into bit masks over the instruments (Python integers as bit sets), computed
  from the rule's own ``check`` once per distinct project key (or by bisect over sorted
  thresholds for amounts and budgets), so no rule is evaluated per (need, instrument) pair.

Instruments and projects are first compiled into plain frozen records (``InstrumentTerms``,
``ProjectFacts``) with a handful of queries, never one per pair.
"""

from __future__ import annotations

import bisect
import datetime
import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from essaim.financing.legal import LegalFamily, describe_legal_form, families_of
from essaim.projects.models import Domain, Stage

OK, PARTLY, NO = 2, 1, 0
STATUS_CODES = {OK: "eligible", PARTLY: "partly", NO: "not_eligible"}
ESS_BY_LAW = frozenset({"association", "cooperative", "mutual", "foundation"})
MONEY_LESS = frozenset({"orientation", "guarantee"})
EQUITY_ONLY = frozenset({"equity"})
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


# --- Rules --------------------------------------------------------------------------------------


class Rule:
    """One eligibility rule. ``check`` returns the verdict alone (OK, PARTLY or NO), cheaply;
    ``explain`` returns the parameters of the verdict's message (``messages[status] % params``),
    only when someone reads it. ``key(facts)`` names what of the project the verdict depends on,
    so that masks can be computed once per distinct key. ``gap_full`` rules must be fully met
    (not "partly") for an instrument to count as meeting a need in the gaps view."""

    code = ""
    title = _("règle")
    hard = True
    weight = 2
    gap_full = False
    messages: dict[int, str] = {}

    def check(self, inst: InstrumentTerms, p: ProjectFacts, ctx: Context) -> int:
        raise NotImplementedError

    def explain(self, inst: InstrumentTerms, p: ProjectFacts, ctx: Context, status: int) -> dict:
        return {}

    def key(self, p: ProjectFacts):
        return None

    def covers(self, status: int) -> bool:
        return status == OK if self.gap_full else status != NO

    def mask(self, index: InstrumentIndex, p: ProjectFacts) -> int:
        cache = index.cache[self.code]
        key = self.key(p)
        found = cache.get(key)
        if found is None:
            found = 0
            for position, inst in enumerate(index.instruments):
                if self.covers(self.check(inst, p, index.ctx)):
                    found |= 1 << position
            cache[key] = found
        return found


class OpenRule(Rule):
    code = "open"
    title = _("dates d'ouverture")
    messages = {
        OK: _("ouvert aux demandes"),
        NO: _("fermé aux demandes : %(why)s"),
    }

    def check(self, inst, p, ctx):
        if not inst.published:
            return NO
        if inst.opens_on and ctx.today < inst.opens_on:
            return NO
        if inst.closes_on and ctx.today > inst.closes_on:
            return NO
        return OK

    def explain(self, inst, p, ctx, status):
        if status == OK:
            return {}
        if not inst.published:
            return {"why": str(_("outil non publié"))}
        if inst.opens_on and ctx.today < inst.opens_on:
            return {"why": str(_("ouvre le %(date)s")) % {"date": inst.opens_on.isoformat()}}
        return {"why": str(_("clos le %(date)s")) % {"date": inst.closes_on.isoformat()}}


class StageRule(Rule):
    code = "stage"
    title = _("stade du projet")
    messages = {
        OK: _("finance le stade %(stage)s"),
        NO: _("ne finance que %(stages)s ; le projet est au stade %(stage)s"),
    }

    def key(self, p):
        return p.stage

    def check(self, inst, p, ctx):
        stages = inst.stages
        return OK if stages is None or p.stage in stages else NO

    def explain(self, inst, p, ctx, status):
        params = {"stage": _stage_label(p.stage)}
        if status == NO:
            stages = _stage_list(inst.stages)
            if len(inst.stages) == 1:
                params["stages"] = str(_("le stade %(stage)s")) % {"stage": stages}
            else:
                params["stages"] = str(_("les stades %(stages)s")) % {"stages": stages}
        return params


class TicketRule(Rule):
    code = "ticket"
    title = _("montant (ticket)")
    gap_full = True
    messages = {
        OK: _("le besoin de %(amount)s est dans sa fourchette (%(band)s)"),
        PARTLY: _(
            "le besoin de %(amount)s dépasse son maximum de %(max)s : il n'en couvrirait "
            "qu'une partie"
        ),
        NO: _("le besoin de %(amount)s est inférieur à son minimum de %(min)s"),
    }

    def check(self, inst, p, ctx):
        amount = p.amount
        if amount is None:
            return OK
        low, high = inst.ticket_for(p.stage)
        if low is not None and amount < low:
            return NO
        if high is not None and amount > high:
            return PARTLY
        return OK

    def explain(self, inst, p, ctx, status):
        if p.amount is None:
            return {"amount": str(_("(aucun montant)")), "band": _band_text(None, None)}
        low, high = inst.ticket_for(p.stage)
        return {
            "amount": euros(p.amount),
            "min": euros(low),
            "max": euros(high),
            "band": _band_text(low, high),
        }

    def mask(self, index, p):
        if p.amount is None:
            return index.all_mask
        lows, low_masks, highs, high_masks = index.ticket_table(p.stage)
        # instruments whose minimum is at most the amount (sorted ascending; prefix masks)
        fits_low = low_masks[bisect.bisect_right(lows, p.amount)]
        # instruments whose maximum is at least the amount (sorted ascending; suffix masks)
        fits_high = high_masks[bisect.bisect_left(highs, p.amount)]
        return fits_low & fits_high


def _band_text(low, high) -> str:
    if low is None and high is None:
        return str(_("sans montant fixé"))
    if high is None:
        return str(_("à partir de %(min)s")) % {"min": euros(low)}
    if low is None:
        return str(_("jusqu'à %(max)s")) % {"max": euros(high)}
    return str(_("de %(min)s à %(max)s")) % {"min": euros(low), "max": euros(high)}


class LegalFormRule(Rule):
    code = "legal_form"
    title = _("forme juridique")
    messages = {
        OK: _("ouvert à la forme juridique de la structure (%(form)s)"),
        PARTLY: _("réservé à %(allowed)s ; la forme juridique de la structure est inconnue"),
        NO: _("réservé à %(allowed)s ; la structure est %(form)s"),
    }

    def key(self, p):
        return (p.families, p.legal_category)

    def check(self, inst, p, ctx):
        if not inst.families and not inst.categories:
            return OK
        if (inst.families & p.families) or (p.legal_category in inst.categories):
            return OK
        if not p.families and not p.legal_category:
            return PARTLY
        return NO

    def explain(self, inst, p, ctx, status):
        allowed = [str(LegalFamily(f).label) for f in sorted(inst.families)]
        allowed += sorted(inst.categories)
        return {"form": p.legal_label, "allowed": ", ".join(allowed)}


class EquityRule(Rule):
    code = "equity"
    title = _("entrée au capital")
    messages = {
        OK: _("sa nature (%(kinds)s) convient à la structure"),
        NO: _(
            "n'intervient qu'en fonds propres (entrée au capital) : une association n'a pas de "
            "capital à ouvrir"
        ),
    }

    def key(self, p):
        return p.families

    def check(self, inst, p, ctx):
        if inst.equity_only and "association" in p.families and len(p.families) == 1:
            return NO
        return OK

    def explain(self, inst, p, ctx, status):
        return {"kinds": _kinds_text(inst.kinds)}


def _kinds_text(kinds) -> str:
    from essaim.financing.models import InstrumentKind

    return ", ".join(
        str(InstrumentKind(k).label) if k in InstrumentKind.values else k for k in sorted(kinds)
    )


class EssRule(Rule):
    code = "ess"
    title = _("ESS et agrément ESUS")
    messages = {
        OK: _("conditions ESS remplies"),
        NO: _("%(why)s"),
    }

    def key(self, p):
        return (p.is_ess, p.esus)

    def check(self, inst, p, ctx):
        if inst.requires_esus and not p.esus:
            return NO
        if inst.requires_ess and not p.is_ess:
            return NO
        return OK

    def explain(self, inst, p, ctx, status):
        if status == OK:
            return {}
        if inst.requires_esus and not p.esus:
            return {"why": str(_("exige l'agrément ESUS, que la structure n'a pas"))}
        return {"why": str(_("réservé aux structures de l'ESS"))}


class AgeRule(Rule):
    code = "age"
    title = _("âge de la structure")
    messages = {
        OK: _("âge de la structure compatible (%(age)s)"),
        PARTLY: _("réservé aux structures de %(limits)s ; l'âge de la structure est inconnu"),
        NO: _("réservé aux structures de %(limits)s ; elle a %(age)s"),
    }

    def key(self, p):
        return p.age

    def check(self, inst, p, ctx):
        if inst.min_age is None and inst.max_age is None:
            return OK
        if p.age is None:
            return PARTLY
        if inst.min_age is not None and p.age < inst.min_age:
            return NO
        if inst.max_age is not None and p.age > inst.max_age:
            return NO
        return OK

    def explain(self, inst, p, ctx, status):
        if inst.min_age is not None and inst.max_age is not None:
            limits = str(_("%(min)s à %(max)s ans")) % {"min": inst.min_age, "max": inst.max_age}
        elif inst.min_age is not None:
            limits = str(_("%(min)s ans ou plus")) % {"min": inst.min_age}
        elif inst.max_age is not None:
            limits = str(_("%(max)s ans ou moins")) % {"max": inst.max_age}
        else:
            limits = ""
        return {"age": _years(p.age), "limits": limits}


def _years(age: int | None) -> str:
    if age is None:
        return str(_("âge inconnu"))
    return str(ngettext("%(n)s an", "%(n)s ans", age)) % {"n": age}


class BudgetRule(Rule):
    code = "budget"
    title = _("taille de la structure")
    messages = {
        OK: _("budget annuel compatible"),
        PARTLY: _("réservé aux budgets annuels de %(max)s au plus ; budget inconnu"),
        NO: _("réservé aux budgets annuels de %(max)s au plus ; le projet en a %(budget)s"),
    }

    def check(self, inst, p, ctx):
        if inst.max_budget is None:
            return OK
        if p.budget is None:
            return PARTLY
        return OK if p.budget <= inst.max_budget else NO

    def explain(self, inst, p, ctx, status):
        return {"max": euros(inst.max_budget), "budget": euros(p.budget)}

    def mask(self, index, p):
        if p.budget is None:
            return index.all_mask
        caps, cap_masks = index.budget_table()
        return index.no_budget_cap_mask | cap_masks[bisect.bisect_left(caps, p.budget)]


class PerimeterRule(Rule):
    code = "perimeter"
    title = _("territoire")
    messages = {
        OK: _("couvre le territoire du projet"),
        PARTLY: _("limité à certains territoires ; la localisation du projet est inconnue"),
        NO: _("%(why)s"),
    }

    def check(self, inst, p, ctx):
        if (inst.excluded_regions and inst.excluded_regions & p.regions) or (
            inst.excluded_perimeters and inst.excluded_perimeters & p.perimeters
        ):
            return NO
        if inst.national or (inst.regions & p.regions) or (inst.perimeters & p.perimeters):
            return OK
        if not p.regions and not p.perimeters:
            return PARTLY
        return NO

    def explain(self, inst, p, ctx, status):
        if status != NO:
            return {}
        if (inst.excluded_regions & p.regions) or (inst.excluded_perimeters & p.perimeters):
            return {"why": str(_("exclut le territoire du projet"))}
        return {"why": str(_("ne couvre pas le territoire du projet"))}

    def mask(self, index, p):
        if not p.regions and not p.perimeters:
            return index.all_mask
        found = index.national_mask
        excluded = 0
        for region in p.regions:
            found |= index.region_masks.get(region, 0)
            excluded |= index.excluded_region_masks.get(region, 0)
        for perimeter in p.perimeters:
            found |= index.perimeter_masks.get(perimeter, 0)
            excluded |= index.excluded_perimeter_masks.get(perimeter, 0)
        return found & ~excluded


class MoneyRule(Rule):
    code = "money"
    title = _("apport financier")
    hard = False
    weight = 3
    gap_full = True
    messages = {
        OK: _("apporte des fonds (%(kinds)s)"),
        PARTLY: _("%(why)s"),
    }

    def key(self, p):
        return p.amount is None

    def check(self, inst, p, ctx):
        return OK if p.amount is None or inst.brings_money else PARTLY

    def explain(self, inst, p, ctx, status):
        if status == OK:
            return {"kinds": _kinds_text(inst.kinds)}
        if "guarantee" in inst.kinds:
            return {"why": str(_("garantit un prêt bancaire sans apporter lui-même les fonds"))}
        return {"why": str(_("oriente vers les bons interlocuteurs sans apporter de fonds"))}


class StageFocusRule(Rule):
    code = "stage_focus"
    title = _("outil dédié au stade")
    hard = False
    weight = 1
    messages = {
        OK: _("conçu pour le stade %(stage)s"),
        PARTLY: _("outil généraliste, non dédié au stade %(stage)s"),
    }

    def key(self, p):
        return p.stage

    def check(self, inst, p, ctx):
        stages = inst.stages
        return OK if stages is not None and p.stage in stages else PARTLY

    def explain(self, inst, p, ctx, status):
        return {"stage": _stage_label(p.stage)}


class ThemeRule(Rule):
    code = "themes"
    title = _("thèmes")
    hard = False
    weight = 1
    messages = {
        OK: _("thèmes compatibles"),
        PARTLY: _("cible d'autres thèmes (%(themes)s)"),
    }

    def key(self, p):
        return p.domains

    def check(self, inst, p, ctx):
        return OK if not inst.themes or (inst.themes & p.domains) else PARTLY

    def explain(self, inst, p, ctx, status):
        names = [str(Domain(t).label) for t in sorted(inst.themes) if t in Domain.values]
        return {"themes": ", ".join(names)}


class ShareRule(Rule):
    code = "share"
    title = _("part des coûts")
    hard = False
    weight = 1
    messages = {
        OK: _("peut financer l'essentiel du besoin"),
        PARTLY: _("finance au plus %(share)s %% des coûts : un cofinancement est nécessaire"),
    }

    def check(self, inst, p, ctx):
        return OK if inst.share is None or inst.share >= 1 else PARTLY

    def explain(self, inst, p, ctx, status):
        return {"share": f"{inst.share * 100:.0f}" if inst.share is not None else "100"}


RULES: tuple[Rule, ...] = (
    OpenRule(),
    StageRule(),
    TicketRule(),
    LegalFormRule(),
    EquityRule(),
    EssRule(),
    AgeRule(),
    BudgetRule(),
    PerimeterRule(),
    MoneyRule(),
    StageFocusRule(),
    ThemeRule(),
    ShareRule(),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}
TOTAL_WEIGHT = sum(rule.weight for rule in RULES)


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
    from essaim.projects.models import NeedKind, NeedStatus

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


# --- Compilation from the database --------------------------------------------------------------


INSTRUMENT_COLUMNS = (
    "pk",
    "name",
    "short_name",
    "provider__name",
    "provider_id",
    "kinds",
    "share_of_costs_max",
    "legal_families",
    "legal_categories",
    "requires_ess",
    "requires_esus",
    "min_age_years",
    "max_age_years",
    "max_yearly_budget",
    "is_national",
    "themes",
    "opens_on",
    "closes_on",
    "is_published",
)


def compile_instruments(queryset=None) -> list[InstrumentTerms]:
    """Published instruments (or ``queryset``) as plain records, in six queries of plain values
    (no model instances)."""
    from essaim.financing.models import Instrument, TicketBand

    if queryset is None:
        queryset = Instrument.objects.published()
    rows = list(queryset.order_by("pk").values_list(*INSTRUMENT_COLUMNS))
    ids = [row[0] for row in rows]
    bands: dict[int, list] = defaultdict(list)
    m2m: dict[str, dict[int, set[int]]] = {}
    if ids:
        ids_query = queryset.values("pk")
        for instrument_id, stage, low, high in (
            TicketBand.objects.filter(instrument_id__in=ids_query)
            .order_by("pk")
            .values_list("instrument_id", "stage", "min_amount", "max_amount")
        ):
            bands[instrument_id].append((stage, low, high))
    for name, target in (
        ("regions", "region_id"),
        ("perimeters", "perimeter_id"),
        ("excluded_regions", "region_id"),
        ("excluded_perimeters", "perimeter_id"),
    ):
        through = getattr(Instrument, name).through
        found: dict[int, set[int]] = defaultdict(set)
        if ids:
            for instrument_id, target_id in through.objects.filter(
                instrument_id__in=queryset.values("pk")
            ).values_list("instrument_id", target):
                found[instrument_id].add(target_id)
        m2m[name] = found
    empty: frozenset = frozenset()
    return [
        InstrumentTerms(
            id=pk,
            name=name,
            label=short_name or name,
            provider=provider,
            provider_id=provider_id,
            kinds=frozenset(kinds),
            bands=tuple(bands.get(pk, ())),
            share=float(share) if share is not None else None,
            families=frozenset(families),
            categories=frozenset(categories.split()) if categories else empty,
            requires_ess=requires_ess,
            requires_esus=requires_esus,
            min_age=min_age,
            max_age=max_age,
            max_budget=max_budget,
            national=national,
            regions=frozenset(m2m["regions"].get(pk, empty)),
            perimeters=frozenset(m2m["perimeters"].get(pk, empty)),
            excluded_regions=frozenset(m2m["excluded_regions"].get(pk, empty)),
            excluded_perimeters=frozenset(m2m["excluded_perimeters"].get(pk, empty)),
            themes=frozenset(themes),
            opens_on=opens_on,
            closes_on=closes_on,
            published=published,
        )
        for (
            pk,
            name,
            short_name,
            provider,
            provider_id,
            kinds,
            share,
            families,
            categories,
            requires_ess,
            requires_esus,
            min_age,
            max_age,
            max_budget,
            national,
            themes,
            opens_on,
            closes_on,
            published,
        ) in rows
    ]


_CACHE: dict = {}


def published_instruments() -> list[InstrumentTerms]:
    """The compiled published instruments, reused while nothing changed: one cheap query checks
    the number of instruments and bands and the latest change (every service that changes
    terms, bands or perimeters saves the instrument, which moves ``updated_at``)."""
    from django.db.models import Count, Max

    from essaim.financing.models import Instrument

    stamp = Instrument.objects.aggregate(
        n=Count("pk", distinct=True), last=Max("updated_at"), bands=Count("bands")
    )
    key = (stamp["n"], stamp["last"], stamp["bands"])
    cached = _CACHE.get("published")
    if cached is not None and cached[0] == key:
        return cached[1]
    compiled = compile_instruments()
    _CACHE["published"] = (key, compiled)
    return compiled


def terms_snapshot(instrument) -> dict:
    """The terms of one instrument as JSON, frozen into a request when it is sent."""
    return {
        "name": instrument.name,
        "provider": instrument.provider.name,
        "kinds": list(instrument.kinds),
        "bands": [
            {"stage": b.stage, "min_amount": b.min_amount, "max_amount": b.max_amount}
            for b in instrument.bands.all()
        ],
        "share_of_costs_max": (
            float(instrument.share_of_costs_max)
            if instrument.share_of_costs_max is not None
            else None
        ),
        "legal_families": list(instrument.legal_families),
        "requires_ess": instrument.requires_ess,
        "requires_esus": instrument.requires_esus,
        "min_age_years": instrument.min_age_years,
        "max_age_years": instrument.max_age_years,
        "max_yearly_budget": instrument.max_yearly_budget,
        "opens_on": instrument.opens_on.isoformat() if instrument.opens_on else None,
        "closes_on": instrument.closes_on.isoformat() if instrument.closes_on else None,
        "conditions": instrument.conditions,
        "url": instrument.url,
        "updated_at": instrument.updated_at.isoformat() if instrument.updated_at else None,
    }


def project_facts(
    project_ids: Iterable[int] | None = None,
    *,
    needs: dict | None = None,
    queryset=None,
    today=None,
) -> list[ProjectFacts]:
    """Projects as plain records, in four queries whatever their number. ``needs`` maps a
    project id to the Need to match (None: no amount)."""
    from essaim.geo.models import PerimeterCommune
    from essaim.projects.models import Project

    year = (today or timezone.localdate()).year
    qs = queryset if queryset is not None else Project.objects.all()
    if project_ids is not None:
        qs = qs.filter(pk__in=list(project_ids))
    rows = list(
        qs.order_by("pk").values_list(
            "pk",
            "title",
            "stage",
            "founded_year",
            "yearly_budget",
            "perimeter_id",
            "perimeter__name",
            "domains",
            "holder__legal_category",
            "holder__kind",
            "holder__is_ess",
            "holder__esus_approved",
            "holder__commune__region_id",
        )
    )
    ids = [row[0] for row in rows]
    communes: dict[int, set[int]] = defaultdict(set)
    regions: dict[int, set[int]] = defaultdict(set)
    through = Project.communes.through
    if ids:
        for project_id, commune_id, region_id in through.objects.filter(
            project_id__in=qs.values("pk")
        ).values_list("project_id", "commune_id", "commune__region_id"):
            communes[project_id].add(commune_id)
            regions[project_id].add(region_id)
    # Perimeters that contain a served commune: only those instruments name matter.
    from essaim.financing.models import Instrument

    named = set()
    for name in ("perimeters", "excluded_perimeters"):
        named.update(
            getattr(Instrument, name).through.objects.values_list("perimeter_id", flat=True)
        )
    commune_perimeters: dict[int, set[int]] = defaultdict(set)
    if named and communes:
        containment = PerimeterCommune.objects.filter(perimeter_id__in=named)
        served = set().union(*communes.values())
        if len(served) <= 500:  # one project or a few: only their communes
            containment = containment.filter(commune_id__in=served)
        for perimeter_id, commune_id in containment.values_list("perimeter_id", "commune_id"):
            commune_perimeters[commune_id].add(perimeter_id)
    facts = []
    needs = needs or {}
    for (
        pk,
        title,
        stage,
        founded,
        budget,
        perimeter_id,
        perimeter_name,
        domains,
        category,
        kind,
        is_ess,
        esus,
        holder_region,
    ) in rows:
        families = families_of(category or "", kind or "")
        perimeters = {perimeter_id} if perimeter_id else set()
        for commune_id in communes.get(pk, ()):
            perimeters |= commune_perimeters.get(commune_id, set())
        project_regions = regions.get(pk) or ({holder_region} if holder_region else set())
        need = needs.get(pk)
        facts.append(
            ProjectFacts(
                id=pk,
                title=title,
                stage=stage,
                amount=need.amount if need is not None else None,
                need_id=need.pk if need is not None else None,
                families=families,
                legal_category=category or "",
                legal_label=describe_legal_form(category or "", kind or ""),
                is_ess=bool(is_ess or (families & ESS_BY_LAW)),
                esus=bool(esus),
                age=(year - founded) if founded else None,
                budget=budget,
                regions=frozenset(project_regions),
                perimeters=frozenset(perimeters),
                domains=frozenset(domains),
                territory=perimeter_name or "",
                territory_id=perimeter_id,
            )
        )
    return facts


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
    from essaim.projects.models import Need, NeedKind, NeedStatus

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
    projects_qs = project_queryset
    if projects_qs is None:
        from essaim.projects.models import Project

        projects_qs = Project.objects.filter(pk__in=needs_qs.values("project_id"))
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
