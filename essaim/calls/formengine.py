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
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from essaim.calls.formschema import UNIT_KINDS
from essaim.core.forms import EssaimForm

EMPTY = (None, "", [], {})
TRUE_WORDS = {"true", "1", "oui", "yes", "on"}
FALSE_WORDS = {"false", "0", "non", "no", "off"}
DEFAULT_MAX_SIZE_MB = 10
DEFAULT_ACCEPT = ["pdf", "odt", "docx", "ods", "xlsx", "png", "jpg", "jpeg"]


def human_size(size_bytes: float) -> str:
    mb = size_bytes / (1024 * 1024)
    return f"{mb:.0f} Mo" if mb >= 1 and mb == int(mb) else f"{mb:.1f} Mo".replace(".", ",")


def check_upload(upload, *, accept: list[str], max_size_mb: float) -> None:
    """Refuse a file of another type or over the size limit, naming the limit."""
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in accept:
        raise ValidationError(
            _("Type de fichier refusé (« .%(ext)s ») : formats acceptés %(accept)s.")
            % {"ext": extension or "?", "accept": ", ".join(accept)},
            code="file_type",
        )
    if upload.size > max_size_mb * 1024 * 1024:
        raise ValidationError(
            _("Fichier trop volumineux (%(size)s) : %(max)s au maximum.")
            % {"size": human_size(upload.size), "max": human_size(max_size_mb * 1024 * 1024)},
            code="file_size",
        )
    if extension == "pdf":
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise ValidationError(
                _("Ce fichier porte l'extension .pdf mais n'est pas un PDF."), code="file_type"
            )


def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def condition_holds(rule: dict | None, scope: dict) -> bool:
    """Whether a field with ``show_if`` ``rule`` is shown, given the answers of its block."""
    if not rule:
        return True
    value = scope.get(rule["field"])
    if "filled" in rule:
        return (not is_empty(value)) == bool(rule["filled"])
    wanted = rule["in"] if "in" in rule else [rule.get("equals")]
    if isinstance(value, list):
        return any(v in wanted for v in value)
    return value in wanted


@dataclass
class Result:
    """What ``validate`` found: the valid answers (to merge) and an error per path."""

    answers: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    uploads: dict = field(default_factory=dict)  # path -> UploadedFile, checked


class FormEngine:
    def __init__(self, schema: dict):
        self.schema = schema or {"sections": []}
        self.fields: dict[str, dict] = {}
        self.sections: list[dict] = self.schema.get("sections", [])
        for section in self.sections:
            for item in section.get("fields", []):
                self.fields[item["key"]] = item

    # -- one answer -------------------------------------------------------------------------

    def clean_value(self, spec: dict, raw):
        """The JSON answer for ``raw`` (a value from JSON or from an HTML form), or
        ``ValidationError`` with a message in French. Empty values give ``None``."""
        kind = spec["kind"]
        if kind == "multiple_choice":
            if raw in EMPTY:
                return None
        elif isinstance(raw, str) and not raw.strip() and kind not in {"file"}:
            return None
        elif raw in EMPTY:
            return None
        method = getattr(self, f"_clean_{kind}")
        return method(spec, raw)

    def _clean_text(self, spec, raw):
        if not isinstance(raw, str):
            raise ValidationError(_("Attendu : un texte."))
        value = raw.strip().replace("\r\n", "\n")
        if "max_length" in spec and len(value) > spec["max_length"]:
            raise ValidationError(
                _("%(max)s caractères au plus (actuellement %(count)s).")
                % {"max": spec["max_length"], "count": len(value)}
            )
        if "min_length" in spec and len(value) < spec["min_length"]:
            raise ValidationError(
                _("%(min)s caractères au moins (actuellement %(count)s).")
                % {"min": spec["min_length"], "count": len(value)}
            )
        return value

    _clean_short_text = _clean_text
    _clean_long_text = _clean_text

    def _clean_number(self, spec, raw):
        if isinstance(raw, bool):
            raise ValidationError(_("Attendu : un nombre."))
        try:
            number = Decimal(
                str(raw).strip().replace(" ", "").replace("\u202f", "").replace(",", ".")
            )
        except InvalidOperation:
            raise ValidationError(_("Attendu : un nombre (par exemple 12 ou 12,5).")) from None
        if not number.is_finite():
            raise ValidationError(_("Attendu : un nombre."))
        decimals = spec.get("decimals", 2)
        if decimals == 0 and number != number.to_integral_value():
            raise ValidationError(_("Attendu : un nombre entier."))
        if number.as_tuple().exponent < -decimals:  # type: ignore[operator]
            raise ValidationError(_("%(n)s décimales au plus.") % {"n": decimals})
        unit = f" {spec['unit']}" if spec.get("unit") else ""
        if "min" in spec and number < Decimal(str(spec["min"])):
            raise ValidationError(
                _("La valeur doit être au moins %(min)s%(unit)s.")
                % {"min": spec["min"], "unit": unit}
            )
        if "max" in spec and number > Decimal(str(spec["max"])):
            raise ValidationError(
                _("La valeur doit être au plus %(max)s%(unit)s.")
                % {"max": spec["max"], "unit": unit}
            )
        return int(number) if number == number.to_integral_value() else float(number)

    def _clean_date(self, spec, raw):
        if isinstance(raw, date):
            value = raw
        else:
            try:
                value = date.fromisoformat(str(raw).strip())
            except ValueError:
                raise ValidationError(_("Attendu : une date (AAAA-MM-JJ).")) from None
        if "min" in spec and value < date.fromisoformat(spec["min"]):
            raise ValidationError(
                _("La date doit être le %(min)s ou après.")
                % {"min": date_format(date.fromisoformat(spec["min"]), "SHORT_DATE_FORMAT")}
            )
        if "max" in spec and value > date.fromisoformat(spec["max"]):
            raise ValidationError(
                _("La date doit être le %(max)s ou avant.")
                % {"max": date_format(date.fromisoformat(spec["max"]), "SHORT_DATE_FORMAT")}
            )
        return value.isoformat()

    def _choice_values(self, spec) -> list[str]:
        return [c["value"] for c in spec.get("choices", [])]

    def _clean_choice(self, spec, raw):
        if raw not in self._choice_values(spec):
            raise ValidationError(
                _("« %(value)s » n'est pas une option possible (%(options)s).")
                % {"value": raw, "options": ", ".join(self._choice_values(spec))}
            )
        return raw

    def _clean_multiple_choice(self, spec, raw):
        values = [raw] if isinstance(raw, str) else raw
        if not isinstance(values, list | tuple):
            raise ValidationError(_("Attendu : une liste d'options."))
        allowed = self._choice_values(spec)
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise ValidationError(
                _("Options inconnues : %(values)s.") % {"values": ", ".join(map(str, unknown))}
            )
        cleaned = [v for v in allowed if v in values]  # the schema's order, no duplicates
        if "max_count" in spec and len(cleaned) > spec["max_count"]:
            raise ValidationError(
                _("%(max)s choix au plus (%(count)s cochés).")
                % {"max": spec["max_count"], "count": len(cleaned)}
            )
        return cleaned or None

    def _clean_yes_no(self, spec, raw):
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(_("Attendu : oui ou non."))

    def _clean_email(self, spec, raw):
        value = str(raw).strip()
        try:
            EmailValidator()(value)
        except ValidationError:
            raise ValidationError(
                _("« %(value)s » n'est pas une adresse électronique valide.") % {"value": value}
            ) from None
        return value.lower()

    def _clean_url(self, spec, raw):
        value = str(raw).strip()
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ValidationError(
                _("« %(value)s » n'est pas une adresse web valide (https://…).") % {"value": value}
            ) from None
        return value

    def _clean_file(self, spec, raw):
        if hasattr(raw, "read"):  # an upload: checked here, stored by the service
            check_upload(
                raw,
                accept=spec.get("accept", DEFAULT_ACCEPT),
                max_size_mb=spec.get("max_size_mb", DEFAULT_MAX_SIZE_MB),
            )
            return raw
        if isinstance(raw, dict) and isinstance(raw.get("attachment"), int):
            return {
                "attachment": raw["attachment"],
                "name": str(raw.get("name", "")),
                "size": raw.get("size"),
            }
        raise ValidationError(
            _("Envoyez le fichier depuis la page de la candidature (pièce jointe).")
        )

    def _clean_organisation(self, spec, raw):
        from essaim.actors.models import Organisation
        from essaim.actors.validators import validate_siret

        siret = raw.get("siret", "") if isinstance(raw, dict) else raw
        siret = "".join(str(siret).split())
        validate_siret(siret)
        organisation = (
            Organisation.objects.filter(siret=siret).only("pk", "name").first()
            or Organisation.objects.filter(siren=siret[:9]).only("pk", "name").first()
        )
        return {
            "siret": siret,
            "organisation": organisation.pk if organisation else None,
            "name": organisation.name if organisation else "",
        }

    def _clean_territory(self, spec, raw):
        allowed = spec.get("unit_kinds") or list(UNIT_KINDS)
        if isinstance(raw, dict):
            kind, code = raw.get("kind"), str(raw.get("code", "")).strip()
            if kind is not None and not isinstance(kind, str):
                kind = str(kind)  # a list or an object names no kind: not found, below
        else:
            text = str(raw).strip()
            kind, sep, code = text.partition(":")
            if not sep:
                kind, code = None, text
        unit = resolve_unit(kind, code, allowed)
        if unit is None:
            raise ValidationError(
                _("Territoire introuvable : « %(code)s » (%(kinds)s attendu).")
                % {"code": code, "kinds": ", ".join(allowed)}
            )
        return unit

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


def resolve_unit(kind: str | None, code: str, allowed) -> dict | None:
    """Find an official unit by kind and code (or by code alone: 2-3 characters a
    département or région, 5 a commune, 9 digits an EPCI)."""
    from essaim.geo.models import Commune, Departement, Epci, Region

    code = code.strip().upper() if kind != "epci" else code.strip()
    lookups = {
        "region": lambda: Region.objects.filter(code=code).first(),
        "departement": lambda: Departement.objects.filter(code=code).first(),
        "commune": lambda: Commune.objects.filter(insee=code).first(),
        "epci": lambda: Epci.objects.filter(siren=code).first(),
    }
    if kind:
        candidates = [kind] if kind in lookups else []
    elif len(code) == 9:
        candidates = ["epci"]
    elif len(code) == 5:
        candidates = ["commune"]
    else:
        candidates = ["departement", "region"]
    for candidate in candidates:
        if candidate not in allowed:
            continue
        unit = lookups[candidate]()
        if unit is not None:
            return {"kind": candidate, "code": code, "name": unit.name}
    return None


# -- Django form ---------------------------------------------------------------------------------


class AnswerField(forms.Field):
    """A form field whose checks are the engine's ``clean_value``. Required-ness is reported by
    the completeness panel, never as a field error, so that drafts save incomplete."""

    def __init__(self, *, engine: FormEngine, spec: dict, **kwargs):
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
        from django.urls import reverse

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

    def __init__(self, *, engine: FormEngine, answers: dict, data=None, files=None):
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
