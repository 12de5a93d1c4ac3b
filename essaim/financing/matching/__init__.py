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

from essaim.financing.matching.compiling import (
    compile_instruments,
    project_facts,
    published_instruments,
    terms_snapshot,
)
from essaim.financing.matching.gaps import (
    AMOUNT_BANDS,
    GAP_RULES,
    Gap,
    GapsReport,
    InstrumentIndex,
    amount_band,
    covered_by_rules,
    find_gaps,
)
from essaim.financing.matching.ranking import (
    InstrumentMatch,
    MatchResult,
    RuleResult,
    evaluate,
    match_project,
    rank,
)
from essaim.financing.matching.records import (
    NO,
    OK,
    PARTLY,
    STATUS_CODES,
    Context,
    InstrumentTerms,
    ProjectFacts,
    euros,
)
from essaim.financing.matching.rules import RULES, RULES_BY_CODE, TOTAL_WEIGHT, Rule

__all__ = [
    "AMOUNT_BANDS",
    "GAP_RULES",
    "NO",
    "OK",
    "PARTLY",
    "RULES",
    "RULES_BY_CODE",
    "STATUS_CODES",
    "TOTAL_WEIGHT",
    "Context",
    "Gap",
    "GapsReport",
    "InstrumentIndex",
    "InstrumentMatch",
    "InstrumentTerms",
    "MatchResult",
    "ProjectFacts",
    "Rule",
    "RuleResult",
    "amount_band",
    "compile_instruments",
    "covered_by_rules",
    "euros",
    "evaluate",
    "find_gaps",
    "match_project",
    "project_facts",
    "published_instruments",
    "rank",
    "terms_snapshot",
]
