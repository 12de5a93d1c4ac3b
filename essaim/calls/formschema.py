"""Application forms as data: the JSON schema of a form version and its validation.

A schema is ``{"sections": [{"key", "title", "help", "fields": [...]}]}``. A field is a dict with
``key`` (letters, digits, ``_``), ``kind`` (see ``KINDS``), ``label``, optional ``help`` and
``required``, and the options of its kind:

- ``short_text`` / ``long_text``: ``min_length``, ``max_length``
- ``number``: ``min``, ``max``, ``unit``, ``decimals`` (0 = whole numbers)
- ``date``: ``min``, ``max`` (ISO dates)
- ``choice`` / ``multiple_choice``: ``choices`` = ``[{"value", "label"}]``; multiple:
  ``min_count``, ``max_count``
- ``yes_no``, ``email``, ``url``: no option
- ``file``: ``accept`` (extensions, e.g. ``["pdf", "docx"]``), ``max_size_mb``
- ``organisation``: an organisation given by its SIRET (checked, linked when known)
- ``territory``: ``unit_kinds`` among ``commune``, ``epci``, ``departement``, ``region``
- ``repeat``: a repeatable block with ``fields`` (no nested block), ``min_count``, ``max_count``,
  ``item_label`` (e.g. "Défi")

Any field may carry ``show_if``: ``{"field": <key of a field before it, in the same block>,
"equals": value}`` or ``{"field", "in": [values]}`` or ``{"field", "filled": true}``; a hidden
field is neither required nor kept.

``schema_errors(schema)`` returns every problem as ``SchemaError(path, message)``, the path in
the JSON (``sections[1].fields[0].max_length``) so that the editor can point at it.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

KINDS = (
    "short_text",
    "long_text",
    "number",
    "date",
    "choice",
    "multiple_choice",
    "yes_no",
    "email",
    "url",
    "file",
    "organisation",
    "territory",
    "repeat",
)
UNIT_KINDS = ("commune", "epci", "departement", "region")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
EXTENSION_RE = re.compile(r"^[a-z0-9]{1,8}$")
MAX_FILE_SIZE_MB = 50

COMMON_OPTIONS = {"key", "kind", "label", "help", "required", "show_if"}
KIND_OPTIONS = {
    "short_text": {"min_length", "max_length", "placeholder"},
    "long_text": {"min_length", "max_length", "placeholder"},
    "number": {"min", "max", "unit", "decimals"},
    "date": {"min", "max"},
    "choice": {"choices"},
    "multiple_choice": {"choices", "min_count", "max_count"},
    "yes_no": set(),
    "email": set(),
    "url": set(),
    "file": {"accept", "max_size_mb"},
    "organisation": set(),
    "territory": {"unit_kinds"},
    "repeat": {"fields", "min_count", "max_count", "item_label"},
}


@dataclass(frozen=True)
class SchemaError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path} : {self.message}"


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _iso_date(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def schema_errors(schema) -> list[SchemaError]:
    """Every problem of ``schema``; an empty list means it is valid."""
    errors: list[SchemaError] = []

    def err(path: str, message: str) -> None:
        errors.append(SchemaError(path, message))

    if not isinstance(schema, dict):
        return [SchemaError("$", _("La définition doit être un objet JSON."))]
    unknown = set(schema) - {"sections", "title", "intro"}
    for key in sorted(unknown):
        err(key, _("Clé inconnue « %(key)s ».") % {"key": key})
    sections = schema.get("sections")
    if not isinstance(sections, list) or not sections:
        err("sections", _("Il faut une liste « sections » d'au moins une section."))
        return errors
    seen_keys: dict[str, str] = {}
    section_keys: set[str] = set()
    for s_index, section in enumerate(sections):
        s_path = f"sections[{s_index}]"
        if not isinstance(section, dict):
            err(s_path, _("Une section doit être un objet."))
            continue
        for key in sorted(set(section) - {"key", "title", "help", "fields"}):
            err(f"{s_path}.{key}", _("Clé inconnue « %(key)s ».") % {"key": key})
        skey = section.get("key")
        if not isinstance(skey, str) or not KEY_RE.match(skey):
            err(f"{s_path}.key", _("Identifiant de section absent ou invalide (a-z, 0-9, _)."))
        elif skey in section_keys:
            err(
                f"{s_path}.key",
                _("Identifiant de section en double : « %(key)s ».") % {"key": skey},
            )
        else:
            section_keys.add(skey)
        if not isinstance(section.get("title"), str) or not section["title"].strip():
            err(f"{s_path}.title", _("Chaque section a besoin d'un titre."))
        if "help" in section and not isinstance(section["help"], str):
            err(f"{s_path}.help", _("L'aide doit être un texte."))
        fields = section.get("fields")
        if not isinstance(fields, list) or not fields:
            err(f"{s_path}.fields", _("Une section doit contenir au moins un champ."))
            continue
        _check_fields(fields, f"{s_path}.fields", err, seen_keys, nested=False)
    return errors


def _check_fields(fields, base: str, err, seen_keys: dict[str, str], nested: bool) -> None:
    local: dict[str, dict] = {}
    for index, field in enumerate(fields):
        path = f"{base}[{index}]"
        if not isinstance(field, dict):
            err(path, _("Un champ doit être un objet."))
            continue
        key = field.get("key")
        kind = field.get("kind")
        if not isinstance(key, str) or not KEY_RE.match(key):
            err(
                f"{path}.key",
                _("Identifiant absent ou invalide : minuscules, chiffres et _, 50 au plus."),
            )
        elif key in local or (not nested and key in seen_keys):
            err(
                f"{path}.key",
                _("Identifiant en double : « %(key)s » (déjà en %(other)s).")
                % {"key": key, "other": seen_keys.get(key, base)},
            )
        if kind not in KINDS:
            err(
                f"{path}.kind",
                _("Type de champ inconnu « %(kind)s » ; types possibles : %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(KINDS)},
            )
            continue
        if kind == "repeat" and nested:
            err(f"{path}.kind", _("Un bloc répétable ne peut pas contenir un autre bloc."))
            continue
        for option in sorted(set(field) - COMMON_OPTIONS - KIND_OPTIONS[kind]):
            err(
                f"{path}.{option}",
                _("Option « %(option)s » inconnue pour un champ de type « %(kind)s ».")
                % {"option": option, "kind": kind},
            )
        if not isinstance(field.get("label"), str) or not field["label"].strip():
            err(f"{path}.label", _("Chaque champ a besoin d'un libellé."))
        if "required" in field and not isinstance(field["required"], bool):
            err(f"{path}.required", _("« required » vaut true ou false."))
        for text_option in ("help", "unit", "placeholder", "item_label"):
            if text_option in field and not isinstance(field[text_option], str):
                err(f"{path}.{text_option}", _("Cette option doit être un texte."))
        _check_kind_options(field, kind, path, err)
        if "show_if" in field:
            _check_show_if(field["show_if"], f"{path}.show_if", local, err)
        if isinstance(key, str) and KEY_RE.match(key):
            local.setdefault(key, field)
            if not nested:
                seen_keys.setdefault(key, path)
        if kind == "repeat":
            subfields = field.get("fields")
            if not isinstance(subfields, list) or not subfields:
                err(f"{path}.fields", _("Un bloc répétable doit contenir au moins un champ."))
            else:
                _check_fields(subfields, f"{path}.fields", err, seen_keys, nested=True)


def _check_bounds(field, path, err, low: str, high: str, check, message: str) -> None:
    for option in (low, high):
        if option in field and not check(field[option]):
            err(f"{path}.{option}", message)
    if (
        low in field
        and high in field
        and check(field[low])
        and check(field[high])
        and field[low] > field[high]
    ):
        err(
            f"{path}.{high}",
            _("« %(high)s » doit être supérieur ou égal à « %(low)s ».")
            % {"high": high, "low": low},
        )


def _check_kind_options(field: dict, kind: str, path: str, err) -> None:
    def positive_int(value) -> bool:
        return _is_int(value) and value >= 0

    if kind in {"short_text", "long_text"}:
        _check_bounds(
            field,
            path,
            err,
            "min_length",
            "max_length",
            positive_int,
            _("Une longueur est un nombre entier positif de caractères."),
        )
    elif kind == "number":
        _check_bounds(field, path, err, "min", "max", _is_number, _("Attendu : un nombre."))
        if "decimals" in field and not (positive_int(field["decimals"]) and field["decimals"] <= 6):
            err(f"{path}.decimals", _("Nombre de décimales : un entier de 0 à 6."))
    elif kind == "date":
        _check_bounds(
            field, path, err, "min", "max", _iso_date, _("Attendu : une date AAAA-MM-JJ.")
        )
    elif kind in {"choice", "multiple_choice"}:
        choices = field.get("choices")
        if not isinstance(choices, list) or not choices:
            err(f"{path}.choices", _("Il faut une liste « choices » d'au moins une option."))
        else:
            values = set()
            for c_index, choice in enumerate(choices):
                c_path = f"{path}.choices[{c_index}]"
                if (
                    not isinstance(choice, dict)
                    or not isinstance(choice.get("value"), str)
                    or not choice["value"]
                    or not isinstance(choice.get("label"), str)
                ):
                    err(c_path, _('Une option est un objet {"value": texte, "label": texte}.'))
                    continue
                if choice["value"] in values:
                    err(
                        f"{c_path}.value",
                        _("Valeur d'option en double : « %(value)s ».")
                        % {"value": choice["value"]},
                    )
                values.add(choice["value"])
        if kind == "multiple_choice":
            _check_bounds(
                field,
                path,
                err,
                "min_count",
                "max_count",
                positive_int,
                _("Attendu : un nombre entier positif."),
            )
    elif kind == "file":
        accept = field.get("accept")
        if accept is not None and (
            not isinstance(accept, list)
            or not accept
            or not all(isinstance(a, str) and EXTENSION_RE.match(a) for a in accept)
        ):
            err(
                f"{path}.accept",
                _('Liste d\'extensions en minuscules sans point, par exemple ["pdf", "docx"].'),
            )
        size = field.get("max_size_mb")
        if size is not None and not (_is_number(size) and 0 < size <= MAX_FILE_SIZE_MB):
            err(
                f"{path}.max_size_mb",
                _("Taille maximale : un nombre de Mo entre 0 et %(max)s.")
                % {"max": MAX_FILE_SIZE_MB},
            )
    elif kind == "territory":
        kinds = field.get("unit_kinds")
        if kinds is not None and (
            not isinstance(kinds, list)
            or not kinds
            or not all(isinstance(k, str) and k in UNIT_KINDS for k in kinds)
        ):
            err(
                f"{path}.unit_kinds",
                _("Types d'unités possibles : %(kinds)s.") % {"kinds": ", ".join(UNIT_KINDS)},
            )
    elif kind == "repeat":
        _check_bounds(
            field,
            path,
            err,
            "min_count",
            "max_count",
            positive_int,
            _("Attendu : un nombre entier positif."),
        )


def _check_show_if(rule, path: str, earlier: dict[str, dict], err) -> None:
    if not isinstance(rule, dict) or not isinstance(rule.get("field"), str):
        err(path, _('« show_if » est un objet {"field": identifiant, "equals": valeur}.'))
        return
    conditions = set(rule) & {"equals", "in", "filled"}
    if len(conditions) != 1 or set(rule) - {"field", "equals", "in", "filled"}:
        err(path, _("« show_if » prend exactement une condition : equals, in ou filled."))
    target = earlier.get(rule["field"])
    if target is None:
        err(
            f"{path}.field",
            _("« %(key)s » n'est pas un champ placé avant celui-ci dans le même bloc.")
            % {"key": rule["field"]},
        )
        return
    if target.get("kind") in {"repeat", "file"}:
        err(f"{path}.field", _("L'affichage ne peut dépendre d'un bloc ou d'un fichier."))
    if "in" in rule and not isinstance(rule["in"], list):
        err(f"{path}.in", _("« in » attend une liste de valeurs."))
    if target.get("kind") in {"choice", "multiple_choice"}:
        allowed = {c.get("value") for c in target.get("choices", []) if isinstance(c, dict)}
        wanted = rule.get("in") if isinstance(rule.get("in"), list) else [rule.get("equals")]
        if "filled" not in rule:
            for value in wanted:
                if value not in allowed:
                    err(
                        path,
                        _("« %(value)s » n'est pas une option du champ « %(key)s ».")
                        % {"value": value, "key": rule["field"]},
                    )


def iter_fields(schema: dict):
    """Yield ``(section, field)`` for every top-level field."""
    for section in schema.get("sections", []):
        for field in section.get("fields", []):
            yield section, field


def field_index(schema: dict) -> dict[str, dict]:
    """Top-level fields and block fields by path (``key`` or ``block.*.key``)."""
    index: dict[str, dict] = {}
    for _section, field in iter_fields(schema):
        index[field["key"]] = field
        if field["kind"] == "repeat":
            for sub in field.get("fields", []):
                index[f"{field['key']}.*.{sub['key']}"] = sub
    return index


# Options whose change may invalidate an answer already given.
_BINDING_OPTIONS = (
    "kind",
    "choices",
    "min",
    "max",
    "min_length",
    "max_length",
    "min_count",
    "max_count",
    "accept",
    "max_size_mb",
    "unit_kinds",
    "decimals",
)


def schema_diff(old: dict, new: dict) -> dict[str, list[str]]:
    """Fields removed, changed (in a way that matters to answers) and added between two schemas,
    by path."""
    before, after = field_index(old or {}), field_index(new or {})
    removed = [p for p in before if p not in after]
    added = [p for p in after if p not in before]
    changed = [
        p
        for p in before
        if p in after
        and any(before[p].get(o) != after[p].get(o) for o in _BINDING_OPTIONS)
        or (p in after and not before[p].get("required") and after[p].get("required"))
    ]
    return {"removed": removed, "changed": changed, "added": added}
