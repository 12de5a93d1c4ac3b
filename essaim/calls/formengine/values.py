"""Checks of one answer: what each kind of field accepts and how it is stored (JSON), the upload
checks, the conditions of ``show_if``, and the lookup of an official territory."""

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from essaim.actors.models import Organisation
from essaim.actors.validators import validate_siret
from essaim.calls.formschema import UNIT_KINDS
from essaim.geo.models import Commune, Departement, Epci, Region

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


def resolve_unit(kind: str | None, code: str, allowed) -> dict | None:
    """Find an official unit by kind and code (or by code alone: 2-3 characters a
    département or région, 5 a commune, 9 digits an EPCI)."""
    code = code.strip().upper() if kind != "epci" else code.strip()
    if not (code.isascii() and code.isalnum() and len(code) <= 9):
        return None  # no official code looks otherwise: nothing to ask the database
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


class ValueChecks:
    """``clean_value`` and one ``_clean_<kind>`` per kind of field (mixed into ``FormEngine``)."""

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
