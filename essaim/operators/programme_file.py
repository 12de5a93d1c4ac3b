"""A programme's configuration as one YAML file: what ``essaim programme export`` writes and
``essaim programme import`` reads.

The file holds the programme, its support axes, its waves (their planning), its calls with their
cut-offs, every form version and the scoring grid — no applicant data, no personal data. Shared
objects are referenced by their stable identifiers: organisations by SIREN (by exact name when
they have none), regions by INSEE code, calls by slug. The format is described by the JSON Schema
``programme.schema.json`` beside this module (also ``docs/programme.schema.json``).

``read(text)`` parses and validates a file and returns ``(data, problems)``: every problem with
its path in the file (``calls[0].grid.criteria[2].weight``), in words. Nothing is written here:
``essaim.operators.services.import_programme`` writes, and only a file without problems.
"""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import jsonschema_rs
import yaml
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from essaim.actors.models import Organisation
from essaim.calls.formschema import schema_errors
from essaim.calls.models import Call, Programme, ProgrammePartner
from essaim.financing.models import Instrument, ProgrammeInstrument
from essaim.geo.models import Region
from essaim.regulatory.models import KnowledgeCategory
from essaim.support.models import SupportAxis

FORMAT = "essaim.programme/1"
SCHEMA_PATH = Path(__file__).with_name("programme.schema.json")


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(fichier)'} : {self.message}"


@cache
def _validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema, validate_formats=True)


def path_text(parts) -> str:
    """``["calls", 0, "grid"]`` → ``calls[0].grid``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


# --- Export -----------------------------------------------------------------------------------


def _organisation(org: Organisation | None) -> dict | None:
    if org is None:
        return None
    return {"siren": org.siren or None, "name": org.name, "kind": org.kind}


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _weight(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def export_programme(programme: Programme) -> dict:
    """The configuration of ``programme`` as plain data (keys in a stable, readable order)."""
    calls = (
        Call.objects.filter(programme=programme)
        .select_related("grid")
        .prefetch_related("cutoffs__wave", "form_versions", "grid__criteria")
        .order_by("slug")
    )
    return {
        "format": FORMAT,
        "programme": {
            "slug": programme.slug,
            "name": programme.name,
            "short_name": programme.short_name,
            "label_name": programme.label_name,
            "description": programme.description,
            "home_text": programme.home_text,
            "website": programme.website,
            "contact_email": programme.contact_email,
            "single_window_email": programme.single_window_email,
            "owner": _organisation(programme.owner),
            "expert_partner": _organisation(programme.expert_partner),
            "regions": sorted(region.code for region in programme.regions.all()),
            "label_validity_years": programme.label_validity_years,
        },
        "support_axes": [
            {
                "code": axis.code,
                "title": axis.title,
                "description": axis.description,
                **({"links": True} if axis.takes_links else {}),
            }
            for axis in SupportAxis.objects.filter(programme=programme).order_by("position", "pk")
        ],
        "knowledge_categories": [
            {"code": c.code, "title": c.title, "description": c.description}
            for c in KnowledgeCategory.objects.filter(programme=programme).order_by(
                "position", "pk"
            )
        ],
        "instruments": list(
            ProgrammeInstrument.objects.filter(programme=programme)
            .order_by("instrument__name")
            .values_list("instrument__name", flat=True)
        ),
        "partners": [
            {"organisation": _organisation(p.organisation), "kind": p.kind}
            for p in ProgrammePartner.objects.active()
            .filter(programme=programme)
            .select_related("organisation")
            .order_by("kind", "organisation__name", "pk")
        ],
        "waves": [
            {
                "number": wave.number,
                "title": wave.title,
                "committee_on": _day(wave.committee_on),
                "announced_on": _day(wave.announced_on),
                "announced_at": wave.announced_at,
            }
            for wave in programme.waves.order_by("number")
        ],
        "calls": [_call(call) for call in calls],
    }


def _call(call: Call) -> dict:
    grid = getattr(call, "grid", None)
    return {
        "slug": call.slug,
        "title": call.title,
        "kind": call.kind,
        "purpose": call.purpose,
        "status": call.status,
        "description": call.description,
        "opens_on": _day(call.opens_on),
        "closes_on": _day(call.closes_on),
        "cutoffs": [
            {"date": _day(cutoff.date), "wave": cutoff.wave.number if cutoff.wave else None}
            for cutoff in sorted(call.cutoffs.all(), key=lambda c: c.date)
        ],
        "forms": [
            {
                "number": version.number,
                "published_at": version.published_at.isoformat() if version.published_at else None,
                "schema": version.schema,
            }
            for version in sorted(call.form_versions.all(), key=lambda v: v.number)
        ],
        "grid": None
        if grid is None
        else {
            "scale_min": grid.scale_min,
            "scale_max": grid.scale_max,
            "scale_labels": grid.scale_labels,
            "comment_required_below": grid.comment_required_below,
            "disagreement_threshold": grid.disagreement_threshold,
            "criteria": [
                {"title": c.title, "help": c.help_text, "weight": _weight(c.weight)}
                for c in sorted(grid.criteria.all(), key=lambda c: (c.position, c.pk))
            ],
        },
    }


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


# --- Reading and validation -------------------------------------------------------------------


def _plain(value):
    """YAML turns unquoted dates into ``date`` objects: back to ISO text, as the schema says."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def read(text: str) -> tuple[dict | None, list[Problem]]:
    """Parse and validate a programme file: ``(data, [])`` or ``(data or None, problems)``.
    Every problem is reported at once: the schema's and the references' (which skip what the
    schema already refused)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _("ligne %(line)s") % {"line": mark.line + 1} if mark else ""
        message = _("ce n'est pas du YAML valide (%(error)s)") % {"error": error}
        return None, [Problem(where, message)]
    data = _plain(data)
    if not isinstance(data, dict):
        return None, [Problem("", _("le fichier doit décrire un programme (un dictionnaire)"))]
    problems = schema_problems(data) + reference_problems(data)
    return data, sorted(set(problems), key=lambda p: p.path)


def schema_problems(data: dict) -> list[Problem]:
    """What the JSON Schema refuses, in words."""
    return [
        Problem(path_text(error.instance_path), _schema_message(error))
        for error in _validator().iter_errors(data)
    ]


TYPE_WORDS = {
    "string": gettext_noop("un texte"),
    "integer": gettext_noop("un nombre entier"),
    "number": gettext_noop("un nombre"),
    "object": gettext_noop("un dictionnaire"),
    "array": gettext_noop("une liste"),
    "boolean": gettext_noop("oui ou non (true/false)"),
    "null": gettext_noop("vide (null)"),
}


def _schema_message(error) -> str:
    kind = error.kind
    name = kind.name
    if name == "type":
        words = [_(TYPE_WORDS.get(t, t)) for t in kind.types]
        return _("doit être %(kinds)s") % {"kinds": _(" ou ").join(words)}
    if name == "required":
        return _("il manque « %(field)s »") % {"field": kind.property}
    if name == "additionalProperties":
        return _("champ inconnu : %(fields)s") % {"fields": ", ".join(kind.unexpected)}
    if name == "enum":
        return _("valeur non admise ; valeurs possibles : %(values)s") % {
            "values": ", ".join(str(v) for v in kind.options)
        }
    if name == "const":
        return _("doit valoir « %(value)s »") % {"value": FORMAT}
    if name in {"minLength"}:
        return _("ne peut pas être vide")
    if name == "maxLength":
        return _("trop long (au plus %(limit)s caractères)") % {"limit": kind.limit}
    if name in {"minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"}:
        return _("hors des limites (%(rule)s %(limit)s)") % {
            "rule": {
                "minimum": "≥",
                "exclusiveMinimum": ">",
                "maximum": "≤",
                "exclusiveMaximum": "<",
            }[name],
            "limit": kind.limit,
        }
    if name == "format":
        return _("format attendu : %(format)s") % {
            "format": {"date": "AAAA-MM-JJ", "date-time": "AAAA-MM-JJTHH:MM:SS+HH:MM"}.get(
                kind.format, kind.format
            )
        }
    if name == "pattern":
        return _("caractères non admis")
    if name == "maxItems":
        return _("trop d'éléments (au plus %(limit)s)") % {"limit": kind.limit}
    if name == "uniqueItems":
        return _("un élément est répété")
    return error.message


def _dicts(value) -> list[tuple[int, dict]]:
    """The dictionaries of a list, with their index (what the schema refused is skipped)."""
    return (
        [(i, item) for i, item in enumerate(value or []) if isinstance(item, dict)]
        if isinstance(value, list)
        else []
    )


def reference_problems(data: dict) -> list[Problem]:
    """What the schema cannot know: unknown INSEE codes, repeated keys, cut-offs pointing at
    waves that do not exist, calls that belong to another programme, invalid forms. Written
    for any data: what is not of the expected shape is left to the schema's problems."""
    problems: list[Problem] = []
    programme = data.get("programme") if isinstance(data.get("programme"), dict) else {}
    slug = programme.get("slug")
    codes = [c for c in programme.get("regions") or [] if isinstance(c, str)]
    known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    problems += [
        Problem(
            f"programme.regions[{i}]",
            _("code INSEE de région inconnu : %(code)s") % {"code": code},
        )
        for i, code in enumerate(programme.get("regions") or [])
        if isinstance(code, str) and code not in known
    ]
    problems += _repeated(_dicts(data.get("support_axes")), "support_axes", "code")
    problems += _repeated(_dicts(data.get("knowledge_categories")), "knowledge_categories", "code")
    names = [n for n in data.get("instruments") or [] if isinstance(n, str)]
    known_names = set(Instrument.objects.filter(name__in=names).values_list("name", flat=True))
    problems += [
        Problem(
            f"instruments[{i}]",
            _("outil de financement inconnu du catalogue : %(name)s") % {"name": name},
        )
        for i, name in enumerate(data.get("instruments") or [])
        if isinstance(name, str) and name not in known_names
    ]
    waves = _dicts(data.get("waves"))
    problems += _repeated(waves, "waves", "number")
    numbers = [wave.get("number") for _i, wave in waves]
    # A wave whose number the schema refuses: cut-offs are not checked against a guess.
    wave_numbers = set(numbers) if all(isinstance(n, int) for n in numbers) else None
    calls = _dicts(data.get("calls"))
    problems += _repeated(calls, "calls", "slug")
    slugs = [c.get("slug") for _i, c in calls if isinstance(c.get("slug"), str)]
    owners = dict(Call.objects.filter(slug__in=slugs).values_list("slug", "programme__slug"))
    for i, call in calls:
        where = f"calls[{i}]"
        if call.get("slug") in owners and owners[call["slug"]] != slug:
            problems.append(
                Problem(
                    f"{where}.slug",
                    _("l'appel « %(slug)s » appartient à un autre programme")
                    % {"slug": call["slug"]},
                )
            )
        problems += _call_problems(call, where, wave_numbers)
    return problems


def _call_problems(call: dict, where: str, wave_numbers: set | None) -> list[Problem]:
    problems: list[Problem] = []
    opens, closes = call.get("opens_on"), call.get("closes_on")
    if isinstance(opens, str) and isinstance(closes, str) and closes < opens:
        problems.append(Problem(f"{where}.closes_on", _("la clôture précède l'ouverture")))
    cutoffs = _dicts(call.get("cutoffs"))
    problems += _repeated(cutoffs, f"{where}.cutoffs", "date")
    for j, cutoff in cutoffs:
        wave = cutoff.get("wave")
        if wave_numbers is not None and isinstance(wave, int) and wave not in wave_numbers:
            problems.append(
                Problem(
                    f"{where}.cutoffs[{j}].wave",
                    _("aucune vague n° %(number)s dans « waves »") % {"number": wave},
                )
            )
    forms = _dicts(call.get("forms"))
    problems += _repeated(forms, f"{where}.forms", "number")
    if sum(1 for _j, form in forms if not form.get("published_at")) > 1:
        problems.append(Problem(f"{where}.forms", _("une seule version peut être en préparation")))
    for j, form in forms:
        if isinstance(form.get("schema"), dict):
            problems += [
                Problem(f"{where}.forms[{j}].schema.{error.path}".rstrip("."), error.message)
                for error in schema_errors(form["schema"])
            ]
    grid = call.get("grid")
    if (
        isinstance(grid, dict)
        and isinstance(grid.get("scale_min"), int)
        and isinstance(grid.get("scale_max"), int)
        and grid["scale_max"] <= grid["scale_min"]
    ):
        problems.append(
            Problem(f"{where}.grid.scale_max", _("doit être supérieure à la note minimale"))
        )
    return problems


def _repeated(items: list[tuple[int, dict]], where: str, key: str) -> list[Problem]:
    seen: set = set()
    problems = []
    for i, item in items:
        value = item.get(key)
        if not isinstance(value, str | int) or isinstance(value, bool):
            continue
        if value in seen:
            problems.append(
                Problem(
                    f"{where}[{i}].{key}", _("« %(value)s » apparaît deux fois") % {"value": value}
                )
            )
        seen.add(value)
    return problems


# --- Templates --------------------------------------------------------------------------------

TEMPLATES_DIR = Path(__file__).with_name("programmes")


def template_names() -> list[str]:
    return sorted(path.stem for path in TEMPLATES_DIR.glob("*.yaml"))


def from_template(name: str, *, slug: str, title: str, label_name: str, now: str) -> dict:
    """A new programme's file from a shipped template (``programmes/<name>.yaml``): the
    template's axes, calls (in preparation, slugs prefixed with ``slug``), their last published
    form (as version 1, published ``now``) and grids; no waves, cut-offs, owner, zone, texts or
    label validity (``ESSAIM_LABEL_VALIDITY_YEARS``) — the new programme's admins set those."""
    template, problems = read((TEMPLATES_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    if problems or template is None:  # a shipped template is valid: a test reads each one
        raise ValueError(f"template {name}: {problems}")
    calls = []
    for call in template.get("calls") or []:
        published = [form for form in call.get("forms") or [] if form.get("published_at")]
        forms = [
            {"number": 1, "published_at": now, "schema": form["schema"]} for form in published[-1:]
        ]
        calls.append(
            {
                **call,
                "slug": f"{slug}-{call['slug']}"[:100],
                "status": "draft",
                "opens_on": None,
                "closes_on": None,
                "cutoffs": [],
                "forms": forms,
            }
        )
    # The template's label validity is not copied: a new programme starts with
    # ESSAIM_LABEL_VALIDITY_YEARS (its admins change it on its settings page).
    template["programme"].pop("label_validity_years", None)
    return {
        "format": FORMAT,
        "programme": {
            **template["programme"],
            "slug": slug,
            "name": title,
            "short_name": "",
            "label_name": label_name,
            "owner": None,
            "expert_partner": None,
            "regions": [],
            "description": "",
            "home_text": "",
            "website": "",
            "single_window_email": "",
            "contact_email": "",
        },
        "support_axes": template.get("support_axes") or [],
        "knowledge_categories": template.get("knowledge_categories") or [],
        "waves": [],
        "calls": calls,
    }
