"""The declared rules (``RULES``): each hard or soft, with a weight and a message per verdict."""

from __future__ import annotations

import bisect

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from essaim.financing.legal import LegalFamily
from essaim.financing.matching.records import (
    NO,
    OK,
    PARTLY,
    Context,
    InstrumentTerms,
    MaskIndex,
    ProjectFacts,
    _stage_label,
    _stage_list,
    euros,
)
from essaim.financing.models import InstrumentKind
from essaim.projects.models import Domain

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

    def mask(self, index: MaskIndex, p: ProjectFacts) -> int:
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
