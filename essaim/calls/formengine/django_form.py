"""The Django form of a form version (``FormEngine.build_form``): one ``AnswerField`` per answer
path, checked by the engine, with the widget and help text of its kind."""

import json

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _

from essaim.calls.formengine.values import DEFAULT_ACCEPT, DEFAULT_MAX_SIZE_MB, human_size
from essaim.calls.formschema import UNIT_KINDS
from essaim.core.forms import EssaimForm


class AnswerField(forms.Field):
    """A form field whose checks are the engine's ``clean_value``. Required-ness is reported by
    the completeness panel, never as a field error, so that drafts save incomplete."""

    def __init__(self, *, engine, spec: dict, **kwargs):
        self.engine = engine
        self.spec = spec
        super().__init__(**kwargs)

    def validate(self, value) -> None:  # required is checked at submission, not here
        pass

    def to_python(self, value):
        return value

    def clean(self, value):
        return self.engine.clean_value(self.spec, value)

    def prepare_value(self, value):
        kind = self.spec["kind"]
        if kind == "organisation" and isinstance(value, dict):
            return value.get("siret", "")
        if kind == "yes_no" and isinstance(value, bool):
            return "oui" if value else "non"
        return value


class TerritoryPicker(forms.Widget):
    """geo's official-unit picker (``/geo/recherche`` + ``geo/unit-picker.js``): a search box and
    two hidden inputs ``<name>__kind`` and ``<name>__code``; the answer is "kind:code"."""

    template_name = "calls/widgets/territory.html"

    def __init__(self, kinds, attrs=None):
        super().__init__(attrs)
        self.kinds = kinds

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        unit = value if isinstance(value, dict) else {}
        context["widget"].update(
            {
                "search_url": reverse("geo:unit_search"),
                "kinds": ",".join(self.kinds),
                "kind": unit.get("kind", ""),
                "code": unit.get("code", ""),
                "display": unit.get("name", ""),
            }
        )
        return context

    def value_from_datadict(self, data, files, name):
        kind, code = data.get(f"{name}__kind", ""), data.get(f"{name}__code", "")
        if code:
            return f"{kind}:{code}" if kind else code
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return f"{name}__code" not in data and name not in data


def _widget_for(spec: dict):
    kind = spec["kind"]
    attrs: dict = {}
    if kind == "short_text":
        if "max_length" in spec:
            attrs["maxlength"] = spec["max_length"]
        return forms.TextInput(attrs=attrs)
    if kind == "long_text":
        if "max_length" in spec:
            attrs["maxlength"] = spec["max_length"]
        return forms.Textarea(attrs=attrs | {"rows": 5})
    if kind == "number":
        for option in ("min", "max"):
            if option in spec:
                attrs[option] = spec[option]
        attrs["step"] = "1" if spec.get("decimals", 2) == 0 else "any"
        return forms.NumberInput(attrs=attrs)
    if kind == "date":
        for option in ("min", "max"):
            if option in spec:
                attrs[option] = spec[option]
        return forms.DateInput(attrs=attrs | {"type": "date"}, format="%Y-%m-%d")
    if kind == "choice":
        return forms.RadioSelect(choices=[(c["value"], c["label"]) for c in spec["choices"]])
    if kind == "multiple_choice":
        return forms.CheckboxSelectMultiple(
            choices=[(c["value"], c["label"]) for c in spec["choices"]]
        )
    if kind == "yes_no":
        return forms.RadioSelect(choices=[("oui", _("Oui")), ("non", _("Non"))])
    if kind == "email":
        return forms.EmailInput()
    if kind == "url":
        return forms.URLInput()
    if kind == "file":
        accept = spec.get("accept", DEFAULT_ACCEPT)
        return forms.FileInput(attrs={"accept": ",".join(f".{a}" for a in accept)})
    if kind == "organisation":
        return forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    if kind == "territory":
        return TerritoryPicker(spec.get("unit_kinds") or list(UNIT_KINDS))
    raise ValueError(kind)


def _help_for(spec: dict) -> str:
    parts = [spec.get("help", "")]
    kind = spec["kind"]
    if kind in {"short_text", "long_text"} and "max_length" in spec:
        parts.append(_("%(max)s caractères au plus.") % {"max": spec["max_length"]})
    if kind == "number" and spec.get("unit"):
        parts.append(_("En %(unit)s.") % {"unit": spec["unit"]})
    if kind == "file":
        parts.append(
            _("Formats : %(accept)s ; %(max)s au maximum.")
            % {
                "accept": ", ".join(spec.get("accept", DEFAULT_ACCEPT)),
                "max": human_size(spec.get("max_size_mb", DEFAULT_MAX_SIZE_MB) * 1024 * 1024),
            }
        )
    if kind == "organisation":
        parts.append(_("Le SIRET (14 chiffres) de l'organisation."))
    if kind == "territory":
        kinds = spec.get("unit_kinds") or list(UNIT_KINDS)
        parts.append(
            _("Tapez un nom ou un code officiel et choisissez dans la liste (%(kinds)s).")
            % {"kinds": ", ".join(kinds)}
        )
    if kind == "multiple_choice" and "max_count" in spec:
        parts.append(_("%(max)s choix au plus.") % {"max": spec["max_count"]})
    return " ".join(p for p in parts if p)


class EngineForm(EssaimForm):
    """The page form of a form version: one field per answer path (``defis.0.titre``)."""

    use_required_attribute = False

    def __init__(self, *, engine, answers: dict, data=None, files=None):
        self.engine = engine
        self.answers = answers
        initial = {}
        self._layout: list[dict] = []
        super().__init__(data=data, files=files)
        for section in engine.sections:
            entries = []
            for spec in section.get("fields", []):
                if spec["kind"] == "repeat":
                    count = engine.block_count(spec, answers, data)
                    stored = (
                        answers.get(spec["key"])
                        if isinstance(answers.get(spec["key"]), list)
                        else []
                    )
                    blocks = []
                    for index in range(count):
                        block_answers = stored[index] if index < len(stored) else {}
                        names = []
                        for sub in spec["fields"]:
                            name = f"{spec['key']}.{index}.{sub['key']}"
                            self._add(name, sub, block_answers.get(sub["key"]), initial)
                            names.append((name, sub, f"{spec['key']}.{index}."))
                        blocks.append({"index": index, "names": names})
                    entries.append({"spec": spec, "blocks": blocks, "count": count})
                else:
                    self._add(spec["key"], spec, answers.get(spec["key"]), initial)
                    entries.append({"spec": spec, "name": spec["key"], "prefix": ""})
            self._layout.append({"section": section, "entries": entries})
        self.initial = initial

    def _add(self, name: str, spec: dict, value, initial: dict) -> None:
        field_obj = AnswerField(
            engine=self.engine,
            spec=spec,
            label=spec["label"],
            help_text=_help_for(spec),
            required=bool(spec.get("required")),
            widget=_widget_for(spec),
        )
        self.fields[name] = field_obj
        if value is not None and spec["kind"] != "file":
            initial[name] = field_obj.prepare_value(value)

    def layout(self) -> list[dict]:
        """Sections with their bound fields and blocks, for the template."""
        sections = []
        for part in self._layout:
            entries = []
            for entry in part["entries"]:
                if "blocks" in entry:
                    spec = entry["spec"]
                    entries.append(
                        {
                            "spec": spec,
                            "is_block": True,
                            "count": entry["count"],
                            "can_add": entry["count"] < spec.get("max_count", 50),
                            "can_remove": entry["count"] > spec.get("min_count", 0),
                            "blocks": [
                                {
                                    "index": block["index"],
                                    "number": block["index"] + 1,
                                    "fields": [
                                        self._entry(name, sub, prefix)
                                        for name, sub, prefix in block["names"]
                                    ],
                                }
                                for block in entry["blocks"]
                            ],
                        }
                    )
                else:
                    entries.append(self._entry(entry["name"], entry["spec"], entry["prefix"]))
            sections.append({"section": part["section"], "entries": entries})
        return sections

    def _entry(self, name: str, spec: dict, prefix: str) -> dict:
        rule = spec.get("show_if")
        show_if = ""
        if rule:
            show_if = json.dumps({**rule, "field": prefix + rule["field"]})
        stored = self.answers
        if prefix:
            block_key, index = prefix.rstrip(".").split(".")
            blocks = self.answers.get(block_key) or []
            stored = blocks[int(index)] if int(index) < len(blocks) else {}
        return {
            "bound": self[name],
            "spec": spec,
            "show_if": show_if,
            "dom_id": name.replace(".", "-"),
            "stored_file": stored.get(spec["key"]) if spec["kind"] == "file" else None,
        }

    def file_names(self) -> list[str]:
        return [name for name, f in self.fields.items() if f.spec["kind"] == "file"]
