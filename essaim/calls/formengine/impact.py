"""What a new form version does to answers already saved: the problems it would create.

``answer_problems(old_schema, new_schema, answers)`` validates saved ``answers`` (given on the
``old`` version) against the ``new`` version with the engine itself: a question newly required (or
newly shown) left empty, a block count under the new minimum, an answer the new version refuses
(option removed, type or bounds changed). Problems that the answers already had under the old
version (an incomplete draft) are not counted: only what the change adds.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from essaim.calls.formdiff import answer_place
from essaim.calls.formengine.engine import FormEngine
from essaim.calls.formengine.values import condition_holds, is_empty


def _same(before: dict | None, after: dict) -> bool:
    """The answer checks of the two specs are the same (labels and help do not matter)."""
    if before is None:
        return False
    ignored = {"label", "help", "placeholder", "required", "show_if", "fields", "item_label"}
    return {k: v for k, v in before.items() if k not in ignored} == {
        k: v for k, v in after.items() if k not in ignored
    }


def _check(engine: FormEngine, spec: dict, value) -> str | None:
    try:
        engine.clean_value(spec, value)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


def answer_problems(old_schema: dict | None, new_schema: dict, answers: dict) -> list[str]:
    """The problems, in words, that ``new_schema`` finds in ``answers`` and ``old_schema`` did
    not: each « Section « S », question « Q » : reason »."""
    answers = answers if isinstance(answers, dict) else {}
    old = FormEngine(old_schema or {"sections": []})
    new = FormEngine(new_schema)
    problems: list[tuple[str, str]] = []
    had = {path for path, _message in old.missing(answers)} if old_schema else set()
    for path, message in new.missing(answers):
        if path not in had:
            if new.fields.get(path, {}).get("kind") != "repeat":
                message = _("réponse obligatoire, non remplie.")
            problems.append((path, message))
    for key, spec in new.fields.items():
        if not condition_holds(spec.get("show_if"), answers):
            continue
        value = answers.get(key)
        before = old.fields.get(key)
        if spec["kind"] == "repeat":
            if not isinstance(value, list):
                continue
            old_subs = {s["key"]: s for s in (before or {}).get("fields", [])}
            if "max_count" in spec and len(value) > spec["max_count"]:
                problems.append(
                    (
                        key,
                        _("%(max)s blocs au plus (%(count)s remplis).")
                        % {"max": spec["max_count"], "count": len(value)},
                    )
                )
            for index, item in enumerate(value):
                if not isinstance(item, dict):
                    continue
                for sub in spec["fields"]:
                    sub_value = item.get(sub["key"])
                    if (
                        is_empty(sub_value)
                        or not condition_holds(sub.get("show_if"), item)
                        or (
                            before
                            and before.get("kind") == "repeat"
                            and _same(old_subs.get(sub["key"]), sub)
                        )
                    ):
                        continue
                    error = _check(new, sub, sub_value)
                    if error:
                        problems.append((f"{key}.{index}.{sub['key']}", error))
            continue
        if is_empty(value) or _same(before, spec):
            continue
        error = _check(new, spec, value)
        if error:
            problems.append((key, error))
    return [f"{answer_place(new_schema, path)} : {message}" for path, message in problems]
