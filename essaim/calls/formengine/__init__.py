"""One engine for the application forms defined as data (see ``formschema``).

- ``FormEngine.clean_value`` checks one answer; everything else builds on it, so that pages, API
  and exports agree on what an answer may be.
- ``FormEngine.validate(data)`` validates a (partial) payload: the valid answers and, for the
  others, an error per path (``defis.0.titre``). Drafts may be incomplete: being required is not a
  validation error but a *missing item* (``FormEngine.missing``), checked at submission.
- ``FormEngine.build_form`` makes the Django form (``EngineForm``) of the pages, with one field
  per path, and ``FormEngine.merge_form`` turns a bound form back into answers.
- ``FormEngine.readonly`` gives the answers as sections of (label, text) for detail pages, PDF
  and exports.

Answers are JSON: text → str, number → int/float, date → "AAAA-MM-JJ", choice → value,
multiple choice → [values], yes/no → bool, file → {"attachment": id, "name", "size"},
organisation → {"siret", "organisation": id | null, "name"}, territory → {"kind", "code", "name"},
repeatable block → [ {sub-key: answer} ].

The package, by concern: ``values`` (one answer: checks, uploads, conditions, territories),
``engine`` (``FormEngine``: payloads, missing items, readonly text) and ``django_form`` (the page
form). Import from ``essaim.calls.formengine``.
"""

from essaim.calls.formengine.django_form import AnswerField, EngineForm, TerritoryPicker
from essaim.calls.formengine.engine import FormEngine, Result
from essaim.calls.formengine.values import (
    DEFAULT_ACCEPT,
    DEFAULT_MAX_SIZE_MB,
    EMPTY,
    FALSE_WORDS,
    TRUE_WORDS,
    ValueChecks,
    check_upload,
    condition_holds,
    human_size,
    is_empty,
    resolve_unit,
)

__all__ = [
    "DEFAULT_ACCEPT",
    "DEFAULT_MAX_SIZE_MB",
    "EMPTY",
    "FALSE_WORDS",
    "TRUE_WORDS",
    "AnswerField",
    "EngineForm",
    "FormEngine",
    "Result",
    "TerritoryPicker",
    "ValueChecks",
    "check_upload",
    "condition_holds",
    "human_size",
    "is_empty",
    "resolve_unit",
]
