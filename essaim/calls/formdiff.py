"""Form versions in words: what changed between two schemas, where a schema path points, and a
display condition — with the questions' labels, never their internal keys.

- ``describe_changes(old, new)``: the list of ``FormChange`` (kind, text) from ``old`` to
  ``new``: sections and questions added, removed, moved, relabelled, made required or optional,
  options added or removed, display conditions changed, other settings changed.
- ``where(schema, path)``: a ``SchemaError`` path (``sections[1].fields[0].max_length``) or an
  answer path (``defis.0.titre``) in words: « Section « Territoire », question « Code » ».

Pure functions over JSON (see ``formschema``); they tolerate invalid schemas (a label missing
falls back on the key).
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KIND_LABELS = {
    "short_text": gettext_lazy("Texte court"),
    "long_text": gettext_lazy("Texte long"),
    "number": gettext_lazy("Nombre"),
    "date": gettext_lazy("Date"),
    "choice": gettext_lazy("Choix unique"),
    "multiple_choice": gettext_lazy("Choix multiple"),
    "yes_no": gettext_lazy("Oui / non"),
    "email": gettext_lazy("Adresse électronique"),
    "url": gettext_lazy("Adresse web"),
    "file": gettext_lazy("Fichier"),
    "organisation": gettext_lazy("Organisation (SIRET)"),
    "territory": gettext_lazy("Territoire"),
    "repeat": gettext_lazy("Bloc répétable"),
}

OPTION_LABELS = {
    "key": gettext_lazy("identifiant"),
    "kind": gettext_lazy("type"),
    "label": gettext_lazy("libellé"),
    "help": gettext_lazy("aide"),
    "required": gettext_lazy("obligatoire"),
    "show_if": gettext_lazy("condition d'affichage"),
    "min_length": gettext_lazy("longueur minimale"),
    "max_length": gettext_lazy("longueur maximale"),
    "placeholder": gettext_lazy("exemple de réponse"),
    "min": gettext_lazy("minimum"),
    "max": gettext_lazy("maximum"),
    "unit": gettext_lazy("unité"),
    "decimals": gettext_lazy("décimales"),
    "choices": gettext_lazy("options"),
    "min_count": gettext_lazy("nombre minimal"),
    "max_count": gettext_lazy("nombre maximal"),
    "accept": gettext_lazy("extensions acceptées"),
    "max_size_mb": gettext_lazy("taille maximale (Mo)"),
    "unit_kinds": gettext_lazy("types de territoire"),
    "item_label": gettext_lazy("nom d'un bloc"),
    "fields": gettext_lazy("questions"),
    "title": gettext_lazy("titre"),
    "intro": gettext_lazy("introduction"),
    "sections": gettext_lazy("sections"),
    "value": gettext_lazy("valeur"),
}

# Compared one by one as "settings" (the others have their own sentences).
_SETTINGS = (
    "min_length",
    "max_length",
    "placeholder",
    "min",
    "max",
    "unit",
    "decimals",
    "min_count",
    "max_count",
    "accept",
    "max_size_mb",
    "unit_kinds",
    "item_label",
)


@dataclass(frozen=True)
class FormChange:
    kind: str  # added, removed, moved, changed
    text: str

    def __str__(self) -> str:
        return self.text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _label(item, fallback: str = "?") -> str:
    if isinstance(item, dict):
        label = item.get("label") or item.get("title")
        if isinstance(label, str) and label.strip():
            return label.strip()
        if isinstance(item.get("key"), str):
            return item["key"]
    return fallback


def _sections(schema) -> list[dict]:
    sections = schema.get("sections") if isinstance(schema, dict) else None
    return [s for s in sections if isinstance(s, dict)] if isinstance(sections, list) else []


def _fields(container) -> list[dict]:
    fields = container.get("fields") if isinstance(container, dict) else None
    return [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []


def _value_text(field: dict | None, value) -> str:
    if field is not None and isinstance(field.get("choices"), list):
        for choice in field["choices"]:
            if isinstance(choice, dict) and choice.get("value") == value:
                return str(choice.get("label") or value)
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def condition_in_words(rule, siblings: list[dict]) -> str:
    """``show_if`` in words, e.g. « si « Porteur » vaut « Commune » »."""
    if not isinstance(rule, dict):
        return ""
    target = next((f for f in siblings if f.get("key") == rule.get("field")), None)
    name = _label(target, str(rule.get("field")))
    if "filled" in rule:
        if rule["filled"]:
            return _("si « %(q)s » est rempli") % {"q": name}
        return _("si « %(q)s » est vide") % {"q": name}
    if isinstance(rule.get("in"), list):
        values = _(" ou ").join(f"« {_value_text(target, v)} »" for v in rule["in"])
        return _("si « %(q)s » vaut %(values)s") % {"q": name, "values": values}
    return _("si « %(q)s » vaut « %(value)s »") % {
        "q": name,
        "value": _value_text(target, rule.get("equals")),
    }


def _moved(old_order: list[str], new_order: list[str]) -> set[str]:
    """Keys in both lists that moved relatively to the others: those outside a longest common
    subsequence of the two orders."""
    common = set(old_order) & set(new_order)
    a = [k for k in old_order if k in common]
    b = [k for k in new_order if k in common]
    lengths = [[0] * (len(b) + 1) for _i in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            lengths[i][j] = (
                lengths[i + 1][j + 1] + 1
                if a[i] == b[j]
                else max(lengths[i + 1][j], lengths[i][j + 1])
            )
    kept, i, j = set(), 0, 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            kept.add(a[i])
            i, j = i + 1, j + 1
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            i += 1
        else:
            j += 1
    return common - kept


def _index(schema) -> dict[str, tuple[str | None, dict, list[dict], int]]:
    """Questions by path (``key`` or ``block.*.key``): (section key or block path, field,
    siblings, position)."""
    out: dict[str, tuple[str | None, dict, list[dict], int]] = {}
    for section in _sections(schema):
        fields = _fields(section)
        for position, field in enumerate(fields):
            key = field.get("key")
            if not isinstance(key, str) or key in out:
                continue
            out[key] = (section.get("key"), field, fields, position)
            if field.get("kind") == "repeat":
                subs = _fields(field)
                for sub_position, sub in enumerate(subs):
                    if isinstance(sub.get("key"), str):
                        out[f"{key}.*.{sub['key']}"] = (key, sub, subs, sub_position)
    return out


def describe_changes(old, new) -> list[FormChange]:
    """What changed from schema ``old`` to schema ``new``, in words, in the new form's order
    (removals first)."""
    changes: list[FormChange] = []
    add = lambda kind, text: changes.append(FormChange(kind, text))  # noqa: E731

    old_sections = {s.get("key"): s for s in _sections(old)}
    new_sections = {s.get("key"): s for s in _sections(new)}
    old_fields, new_fields = _index(old), _index(new)

    def question(path: str, field: dict, fields_index) -> str:
        if ".*." in path:
            block = fields_index[path.split(".*.")[0]][1]
            return _("question « %(q)s » du bloc « %(b)s »") % {
                "q": _label(field),
                "b": _label(block),
            }
        return _("question « %(q)s »") % {"q": _label(field)}

    def section_name(key, sections) -> str:
        return _label(sections.get(key), str(key))

    for key, section in old_sections.items():
        if key not in new_sections:
            add("removed", _("Section « %(s)s » retirée.") % {"s": _label(section)})
    for path, (_parent, field, _sib, _pos) in old_fields.items():
        parent_path = path.split(".*.")[0]
        if path not in new_fields and (
            ".*." not in path or parent_path in new_fields
        ):  # a removed block's questions go with it
            where_ = (
                _("du bloc « %(b)s »") % {"b": _label(old_fields[parent_path][1])}
                if ".*." in path
                else _("de la section « %(s)s »")
                % {"s": section_name(old_fields[path][0], old_sections)}
            )
            add(
                "removed",
                _("Question « %(q)s » retirée %(where)s.") % {"q": _label(field), "where": where_},
            )

    moved_sections = _moved(list(old_sections), list(new_sections))
    for key, section in new_sections.items():
        before = old_sections.get(key)
        if before is None:
            add("added", _("Section « %(s)s » ajoutée.") % {"s": _label(section)})
            _describe_fields(
                add, question, section_name, old_fields, new_fields, old_sections, new_sections, key
            )
            continue
        if _label(before) != _label(section):
            add(
                "changed",
                _("Section « %(old)s » renommée « %(new)s ».")
                % {"old": _label(before), "new": _label(section)},
            )
        if key in moved_sections:
            add(
                "moved",
                _("Section « %(s)s » déplacée en position %(n)s.")
                % {"s": _label(section), "n": list(new_sections).index(key) + 1},
            )
        if (before.get("help") or "") != (section.get("help") or ""):
            add("changed", _("Section « %(s)s » : aide modifiée.") % {"s": _label(section)})
        _describe_fields(
            add, question, section_name, old_fields, new_fields, old_sections, new_sections, key
        )
    for option in ("title", "intro"):
        if (old or {}).get(option) != (new or {}).get(option):
            add("changed", _("Formulaire : %(o)s modifié.") % {"o": OPTION_LABELS[option]})
    return changes


def _describe_fields(
    add, question, section_name, old_fields, new_fields, old_sections, new_sections, parent
):
    """The sentences for the questions of section ``parent`` (and of the blocks in it)."""
    here = [p for p, entry in new_fields.items() if entry[0] == parent]
    old_here = [p for p, entry in old_fields.items() if entry[0] == parent]
    moved = _moved(old_here, here)
    for path in here:
        _parent, field, siblings, position = new_fields[path]
        name = question(path, field, new_fields)
        before_entry = old_fields.get(path)
        if before_entry is None:
            text = _("%(q)s ajoutée") % {"q": _cap(name)}
            if ".*." not in path:
                text += " " + _("dans la section « %(s)s »") % {
                    "s": section_name(parent, new_sections)
                }
            if field.get("required"):
                text += " " + _("(obligatoire)")
            add("added", text + ".")
        else:
            old_parent, before, old_siblings, _old_position = before_entry
            if old_parent != parent:
                add(
                    "moved",
                    _("%(q)s déplacée de « %(from)s » vers « %(to)s ».")
                    % {
                        "q": _cap(name),
                        "from": section_name(old_parent, old_sections)
                        if old_parent in old_sections
                        else _label(old_fields.get(old_parent, (0, {}))[1]),
                        "to": section_name(parent, new_sections),
                    },
                )
            elif path in moved:
                add(
                    "moved",
                    _("%(q)s déplacée en position %(n)s.") % {"q": _cap(name), "n": position + 1},
                )
            _describe_field(add, name, before, field, old_siblings, siblings)
        if field.get("kind") == "repeat":
            _describe_fields(
                add,
                question,
                section_name,
                old_fields,
                new_fields,
                old_sections,
                new_sections,
                path,
            )


def _describe_field(add, name: str, before: dict, after: dict, old_siblings, siblings) -> None:
    title = _cap(name)
    if _label(before) != _label(after):
        add(
            "changed",
            _("Question « %(old)s » renommée « %(new)s ».")
            % {"old": _label(before), "new": _label(after)},
        )
    if before.get("kind") != after.get("kind"):
        add(
            "changed",
            _("%(q)s : type « %(old)s » remplacé par « %(new)s ».")
            % {
                "q": title,
                "old": KIND_LABELS.get(before.get("kind"), before.get("kind")),
                "new": KIND_LABELS.get(after.get("kind"), after.get("kind")),
            },
        )
    if bool(before.get("required")) != bool(after.get("required")):
        if after.get("required"):
            add("changed", _("%(q)s : désormais obligatoire.") % {"q": title})
        else:
            add("changed", _("%(q)s : désormais facultative.") % {"q": title})
    if (before.get("help") or "") != (after.get("help") or ""):
        add("changed", _("%(q)s : aide modifiée.") % {"q": title})
    old_choices = _choices(before)
    new_choices = _choices(after)
    for value, label in new_choices.items():
        if value not in old_choices:
            add("added", _("%(q)s : option « %(o)s » ajoutée.") % {"q": title, "o": label})
        elif old_choices[value] != label:
            add(
                "changed",
                _("%(q)s : option « %(old)s » renommée « %(new)s ».")
                % {"q": title, "old": old_choices[value], "new": label},
            )
    for value, label in old_choices.items():
        if value not in new_choices:
            add("removed", _("%(q)s : option « %(o)s » retirée.") % {"q": title, "o": label})
    if list(new_choices) != [v for v in old_choices if v in new_choices] + [
        v for v in new_choices if v not in old_choices
    ] and set(old_choices) & set(new_choices):
        add("moved", _("%(q)s : ordre des options modifié.") % {"q": title})
    old_rule, new_rule = before.get("show_if"), after.get("show_if")
    if old_rule != new_rule:
        if not new_rule:
            add("changed", _("%(q)s : désormais toujours affichée.") % {"q": title})
        elif not old_rule:
            add(
                "changed",
                _("%(q)s : affichée seulement %(rule)s.")
                % {"q": title, "rule": condition_in_words(new_rule, siblings)},
            )
        else:
            add(
                "changed",
                _("%(q)s : affichée %(new)s (au lieu de %(old)s).")
                % {
                    "q": title,
                    "new": condition_in_words(new_rule, siblings),
                    "old": condition_in_words(old_rule, old_siblings),
                },
            )
    for option in _SETTINGS:
        if before.get(option) != after.get(option):
            add(
                "changed",
                _("%(q)s : %(o)s %(old)s → %(new)s.")
                % {
                    "q": title,
                    "o": OPTION_LABELS[option],
                    "old": _setting(before.get(option)),
                    "new": _setting(after.get(option)),
                },
            )


def _setting(value) -> str:
    if value is None:
        return _("(aucun)")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _choices(field: dict) -> dict[str, str]:
    choices = field.get("choices")
    if not isinstance(choices, list):
        return {}
    return {
        c["value"]: str(c.get("label") or c["value"])
        for c in choices
        if isinstance(c, dict) and isinstance(c.get("value"), str)
    }


def where(schema, path: str) -> str:
    """A schema path (``sections[0].fields[2].choices[1].value``) in words: « Section
    « Territoire », question « Code », option 2 »; an empty string for the root."""
    parts: list[str] = []
    node = schema
    steps = path.split(".") if path and path != "$" else []
    for step in steps:
        match = re.fullmatch(r"([a-z_]+)\[(\d+)\]", step)
        name, index = (match.group(1), int(match.group(2))) if match else (step, None)
        child = node.get(name) if isinstance(node, dict) else None
        if index is not None and isinstance(child, list) and index < len(child):
            child = child[index]
            if name == "sections":
                parts.append(
                    _("Section « %(s)s »") % {"s": _label(child, str(index + 1))}
                    if isinstance(child, dict)
                    else _("Section %(n)s") % {"n": index + 1}
                )
            elif name == "fields":
                parts.append(_("question « %(q)s »") % {"q": _label(child, str(index + 1))})
            elif name == "choices":
                parts.append(
                    _("option « %(o)s »") % {"o": _label(child, str(index + 1))}
                    if isinstance(child, dict)
                    else _("option %(n)s") % {"n": index + 1}
                )
            node = child
        else:
            parts.append(str(OPTION_LABELS.get(name, name)))
            node = child
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


def error_in_words(schema, error) -> str:
    """A ``SchemaError`` as « Section « Territoire », question « Code » : message »."""
    place = where(schema, error.path)
    return f"{place} : {error.message}" if place else error.message


def answer_place(schema, path: str) -> str:
    """An answer path (``key`` or ``block.0.sub``) in words."""
    index = _index(schema)
    head, _sep, rest = path.partition(".")
    entry = index.get(head)
    if entry is None:
        return path
    section = next((s for s in _sections(schema) if s.get("key") == entry[0]), None)
    parts = [_("Section « %(s)s »") % {"s": _label(section, str(entry[0]))}]
    if rest:
        number, _sep, sub = rest.partition(".")
        block = entry[1]
        item = block.get("item_label") or _label(block)
        parts.append(
            _("« %(b)s » %(n)s")
            % {"b": item, "n": int(number) + 1 if number.isdecimal() else number}
        )
        sub_entry = index.get(f"{head}.*.{sub}")
        parts.append(_("question « %(q)s »") % {"q": _label(sub_entry[1]) if sub_entry else sub})
    else:
        parts.append(_("question « %(q)s »") % {"q": _label(entry[1])})
    return ", ".join(parts)
