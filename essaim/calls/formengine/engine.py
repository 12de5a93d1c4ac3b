"""The engine of a form version: validate a (partial) payload, list what is missing before
submission, build and read back the page form, and give the answers as text."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from essaim.calls.formengine.django_form import EngineForm
from essaim.calls.formengine.values import ValueChecks, condition_holds, is_empty


@dataclass
class Result:
    """What ``validate`` found: the valid answers (to merge) and an error per path."""

    answers: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    uploads: dict = field(default_factory=dict)  # path -> UploadedFile, checked


class FormEngine(ValueChecks):
    def __init__(self, schema: dict):
        self.schema = schema or {"sections": []}
        self.fields: dict[str, dict] = {}
        self.sections: list[dict] = self.schema.get("sections", [])
        for section in self.sections:
            for item in section.get("fields", []):
                self.fields[item["key"]] = item

    # -- payloads ---------------------------------------------------------------------------

    def validate(self, data: dict, existing: dict | None = None) -> Result:
        """Validate the answers of ``data`` (any subset of the fields). ``result.answers`` is
        ``existing`` updated with every valid answer, hidden fields removed; invalid answers
        keep their previous value and get an error in ``result.errors``."""
        result = Result(answers=dict(existing or {}))
        if not isinstance(data, dict):
            result.errors["answers"] = _("Attendu : un objet {identifiant: réponse}.")
            return result
        for key, raw in data.items():
            spec = self.fields.get(key)
            if spec is None:
                result.errors[key] = _("Champ inconnu dans ce formulaire : « %(key)s ».") % {
                    "key": key
                }
                continue
            if spec["kind"] == "repeat":
                self._validate_block(spec, raw, result)
                continue
            try:
                value = self.clean_value(spec, raw)
            except ValidationError as exc:
                result.errors[key] = " ".join(exc.messages)
                continue
            self._store(result, key, value)
        self._drop_hidden(result.answers)
        return result

    def _store(self, result: Result, path: str, value, scope: dict | None = None) -> None:
        target = result.answers if scope is None else scope
        key = path.rsplit(".", 1)[-1]
        if hasattr(value, "read"):
            result.uploads[path] = value
        elif value is None:
            target.pop(key, None)
        else:
            target[key] = value

    def _validate_block(self, spec: dict, raw, result: Result) -> None:
        key = spec["key"]
        if raw in (None, ""):
            raw = []
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            result.errors[key] = _("Attendu : une liste de blocs (objets).")
            return
        if "max_count" in spec and len(raw) > spec["max_count"]:
            result.errors[key] = _("%(max)s blocs au plus (%(count)s reçus).") % {
                "max": spec["max_count"],
                "count": len(raw),
            }
            return
        previous = result.answers.get(key) if isinstance(result.answers.get(key), list) else []
        subs = {s["key"]: s for s in spec["fields"]}
        items = []
        for index, item in enumerate(raw):
            old = (
                previous[index]
                if index < len(previous) and isinstance(previous[index], dict)
                else {}
            )
            cleaned = dict(old)
            for sub_key, sub_raw in item.items():
                path = f"{key}.{index}.{sub_key}"
                sub = subs.get(sub_key)
                if sub is None:
                    result.errors[path] = _("Champ inconnu dans ce bloc : « %(key)s ».") % {
                        "key": sub_key
                    }
                    continue
                try:
                    value = self.clean_value(sub, sub_raw)
                except ValidationError as exc:
                    result.errors[path] = " ".join(exc.messages)
                    continue
                self._store(result, path, value, scope=cleaned)
            items.append(cleaned)
        result.answers[key] = items

    def _drop_hidden(self, answers: dict) -> None:
        for key, spec in self.fields.items():
            if key in answers and not condition_holds(spec.get("show_if"), answers):
                answers.pop(key)
            if spec["kind"] == "repeat" and isinstance(answers.get(key), list):
                for item in answers[key]:
                    for sub in spec["fields"]:
                        if sub["key"] in item and not condition_holds(sub.get("show_if"), item):
                            item.pop(sub["key"])

    def missing(self, answers: dict) -> list[tuple[str, str]]:
        """Required answers not given (shown fields only), and block counts under minimum."""
        answers = answers or {}
        items: list[tuple[str, str]] = []
        for key, spec in self.fields.items():
            if not condition_holds(spec.get("show_if"), answers):
                continue
            value = answers.get(key)
            if spec["kind"] == "repeat":
                blocks = value if isinstance(value, list) else []
                minimum = spec.get("min_count", 1 if spec.get("required") else 0)
                if len(blocks) < minimum:
                    items.append(
                        (
                            key,
                            _("« %(label)s » : %(min)s bloc(s) au moins (%(count)s rempli(s)).")
                            % {"label": spec["label"], "min": minimum, "count": len(blocks)},
                        )
                    )
                for index, block in enumerate(blocks):
                    for sub in spec["fields"]:
                        if (
                            sub.get("required")
                            and condition_holds(sub.get("show_if"), block)
                            and is_empty(block.get(sub["key"]))
                        ):
                            items.append(
                                (
                                    f"{key}.{index}.{sub['key']}",
                                    _("« %(block)s » %(n)s, « %(label)s » : réponse obligatoire.")
                                    % {
                                        "block": spec.get("item_label") or spec["label"],
                                        "n": index + 1,
                                        "label": sub["label"],
                                    },
                                )
                            )
                continue
            if spec.get("required") and is_empty(value):
                items.append(
                    (key, _("« %(label)s » : réponse obligatoire.") % {"label": spec["label"]})
                )
            elif (
                spec["kind"] == "multiple_choice"
                and value
                and len(value) < spec.get("min_count", 0)
            ):
                items.append(
                    (
                        key,
                        _("« %(label)s » : %(min)s choix au moins.")
                        % {"label": spec["label"], "min": spec["min_count"]},
                    )
                )
        return items

    # -- pages ------------------------------------------------------------------------------

    def block_count(self, spec: dict, answers: dict, data=None) -> int:
        if data is not None and f"{spec['key']}__count" in data:
            try:
                count = int(data[f"{spec['key']}__count"])
            except (TypeError, ValueError):
                count = 0
        else:
            value = answers.get(spec["key"])
            count = len(value) if isinstance(value, list) else 0
        count = max(count, spec.get("min_count", 0))
        return min(count, spec.get("max_count", 50))

    def build_form(self, answers: dict | None = None, data=None, files=None) -> "EngineForm":
        return EngineForm(engine=self, answers=answers or {}, data=data, files=files)

    def merge_form(self, form: "EngineForm", existing: dict) -> Result:
        """Answers from a bound ``EngineForm``: valid fields replace the stored answers, invalid
        ones keep theirs and get an error (so that an autosave never loses what was valid)."""
        form.is_valid()
        result = Result(answers=dict(existing or {}))
        for name, error_list in form.errors.items():
            result.errors[name] = " ".join(error_list)
        for key, spec in self.fields.items():
            if spec["kind"] == "repeat":
                count = self.block_count(spec, existing or {}, form.data)
                previous = existing.get(key) if isinstance(existing.get(key), list) else []
                items = []
                for index in range(count):
                    old = previous[index] if index < len(previous) else {}
                    item = dict(old) if isinstance(old, dict) else {}
                    for sub in spec["fields"]:
                        path = f"{key}.{index}.{sub['key']}"
                        if path in form.cleaned_data:
                            self._store_form_value(result, path, sub, form.cleaned_data[path], item)
                    items.append(item)
                result.answers[key] = items
            elif key in form.cleaned_data:
                self._store_form_value(result, key, spec, form.cleaned_data[key], result.answers)
        self._drop_hidden(result.answers)
        return result

    def _store_form_value(self, result: Result, path: str, spec: dict, value, scope: dict) -> None:
        if spec["kind"] == "file" and value is None:
            return  # no new upload: keep the stored file
        self._store(result, path, value, scope=scope)

    def readonly(self, answers: dict) -> list[dict]:
        """Sections of {label, text, kind, path, value} (blocks: {label, blocks: [[items]]})."""
        answers = answers or {}
        sections = []
        for section in self.sections:
            items = []
            for spec in section.get("fields", []):
                if not condition_holds(spec.get("show_if"), answers):
                    continue
                value = answers.get(spec["key"])
                if spec["kind"] == "repeat":
                    blocks = []
                    for index, block in enumerate(value if isinstance(value, list) else []):
                        blocks.append(
                            {
                                "title": f"{spec.get('item_label') or spec['label']} {index + 1}",
                                "items": [
                                    self._readonly_item(
                                        sub,
                                        block.get(sub["key"]),
                                        f"{spec['key']}.{index}.{sub['key']}",
                                    )
                                    for sub in spec["fields"]
                                    if condition_holds(sub.get("show_if"), block)
                                ],
                            }
                        )
                    items.append(
                        {
                            "label": spec["label"],
                            "kind": "repeat",
                            "blocks": blocks,
                            "path": spec["key"],
                        }
                    )
                else:
                    items.append(self._readonly_item(spec, value, spec["key"]))
            sections.append({"key": section["key"], "title": section["title"], "items": items})
        return sections

    def _readonly_item(self, spec: dict, value, path: str) -> dict:
        return {
            "label": spec["label"],
            "kind": spec["kind"],
            "path": path,
            "value": value,
            "text": self.display(spec, value),
        }

    def display(self, spec: dict, value) -> str:
        """One answer as plain text (pages, PDF, CSV)."""
        if is_empty(value):
            return ""
        kind = spec["kind"]
        if kind == "choice":
            return next((c["label"] for c in spec["choices"] if c["value"] == value), str(value))
        if kind == "multiple_choice":
            labels = {c["value"]: c["label"] for c in spec["choices"]}
            return ", ".join(labels.get(v, str(v)) for v in value)
        if kind == "yes_no":
            return _("Oui") if value else _("Non")
        if kind == "number":
            text = str(value).replace(".", ",")
            return f"{text} {spec['unit']}" if spec.get("unit") else text
        if kind == "date":
            try:
                return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
            except (TypeError, ValueError):
                return str(value)
        if kind == "file" and isinstance(value, dict):
            return value.get("name") or _("fichier")
        if kind == "organisation" and isinstance(value, dict):
            name = value.get("name") or _("organisation non répertoriée")
            return f"{name} (SIRET {value.get('siret', '')})"
        if kind == "territory" and isinstance(value, dict):
            return f"{value.get('name', '')} ({value.get('kind', '')} {value.get('code', '')})"
        return str(value)
