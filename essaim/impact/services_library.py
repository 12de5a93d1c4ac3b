"""Writes on a programme's indicator library: create and edit an indicator (its admins only,
``rules.can_manage_library``), each change recorded with the old and new value of every field
(``IndicatorAction.UPDATED``, payload ``{"changes": {field: [old, new]}}``).

The checks, all named by field and in French: a code (a slug) unique in the programme; a name
and a unit; a known direction and aggregation rule; ordered bounds; breakdowns as dimensions with
their values; a ratio names a numerator and a denominator, a weighted mean its weight, indicators
of the same programme, neither itself nor a ratio (a ratio is the ratio of summed values); an
indicator that has values or that another one uses as a term cannot become a ratio.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from essaim.core.services import changed_fields, history_record
from essaim.impact import rules
from essaim.impact.checks import parse_value
from essaim.impact.history import IndicatorAction
from essaim.impact.models import Aggregation, Direction, Indicator

TEXT_LIMITS = {
    "name": 200,
    "definition": 4000,
    "unit": 40,
    "theme": 80,
    "challenge": 120,
    "imp_what": 2000,
    "imp_who": 2000,
    "imp_how_much": 2000,
    "imp_contribution": 2000,
    "imp_risk": 2000,
}
FIELDS = (
    *TEXT_LIMITS,
    "direction",
    "aggregation",
    "min_value",
    "max_value",
    "breakdowns",
    "sdg_targets",
    "position",
)
TERMS = ("weight", "numerator", "denominator")
MAX_BREAKDOWNS, MAX_VALUES, MAX_SDG = 6, 30, 20


def _refused():
    return PermissionDenied(_("Seuls les administrateurs du programme modifient la bibliothèque."))


def _clean_code(code, errors: dict) -> str:
    code = str(code or "").strip().lower()
    if not code:
        errors["code"] = _("Le code est obligatoire.")
    elif len(code) > 40:
        errors["code"] = _("Le code a au plus 40 caractères.")
    else:
        try:
            validate_slug(code)
        except ValidationError:
            errors["code"] = _(
                "Le code ne contient que des lettres sans accent, des chiffres et des tirets."
            )
    return code


def _clean_breakdowns(raw, errors: dict) -> list:
    if not isinstance(raw, list) or len(raw) > MAX_BREAKDOWNS:
        errors["breakdowns"] = _("Au plus %(n)s ventilations.") % {"n": MAX_BREAKDOWNS}
        return []
    clean, seen = [], set()
    for item in raw:
        values = item.get("values") if isinstance(item, dict) else None
        dimension = str(item.get("dimension") or "").strip() if isinstance(item, dict) else ""
        if (
            not dimension
            or not isinstance(values, list)
            or not values
            or len(values) > MAX_VALUES
            or dimension in seen
        ):
            errors["breakdowns"] = _(
                "Chaque ventilation a une dimension (une seule fois) et de 1 à %(n)s valeurs."
            ) % {"n": MAX_VALUES}
            return []
        seen.add(dimension)
        clean.append({"dimension": dimension[:40], "values": [str(v)[:40] for v in values]})
    return clean


def clean_fields(fields: dict) -> dict:
    """The indicator's own fields, checked and normalised (a ``ValidationError`` by field)."""
    errors: dict = {}
    data = {name: fields[name] for name in FIELDS if name in fields}
    for name, limit in TEXT_LIMITS.items():
        value = str(data.get(name) or "").strip()
        if len(value) > limit:
            errors[name] = _("Au plus %(n)s caractères.") % {"n": limit}
        data[name] = value
    if not data["name"]:
        errors["name"] = _("L'intitulé est obligatoire.")
    if not data["unit"]:
        errors["unit"] = _("L'unité est obligatoire.")
    data.setdefault("direction", Direction.HIGHER)
    if data["direction"] not in Direction.values:
        errors["direction"] = _("Sens inconnu.")
    if data.get("aggregation") not in Aggregation.values:
        errors["aggregation"] = _("Règle d'agrégation inconnue.")
    for name in ("min_value", "max_value"):
        raw = data.get(name)
        data[name] = None
        if raw not in (None, ""):
            try:
                data[name] = parse_value(raw, name)
            except ValidationError as error:
                errors.update(error.message_dict)
    if (
        data["min_value"] is not None
        and data["max_value"] is not None
        and data["max_value"] < data["min_value"]
    ):
        errors["max_value"] = _("Le maximum doit être au moins le minimum.")
    data["breakdowns"] = _clean_breakdowns(data.get("breakdowns") or [], errors)
    sdg = data.get("sdg_targets") or []
    if not isinstance(sdg, list) or len(sdg) > MAX_SDG:
        errors["sdg_targets"] = _("Au plus %(n)s cibles des ODD.") % {"n": MAX_SDG}
        sdg = []
    data["sdg_targets"] = [str(target).strip()[:20] for target in sdg if str(target).strip()]
    position = data.get("position", 0)
    if not isinstance(position, int) or not 0 <= position <= 32767:
        errors["position"] = _("Un rang entre 0 et 32767.")
    data["position"] = position
    if errors:
        raise ValidationError(errors)
    return data


def clean_terms(*, programme, aggregation: str, terms: dict, indicator=None) -> dict:
    """The other indicators a ratio or a weighted mean names: of ``programme``, not the
    indicator itself, not ratios. A rule that does not use a term clears it."""
    needed = {
        Aggregation.RATIO: ("numerator", "denominator"),
        Aggregation.WEIGHTED_MEAN: ("weight",),
    }.get(aggregation, ())
    errors, clean = {}, {}
    for name in TERMS:
        other = terms.get(name) if name in needed else None
        clean[name] = other
        if name in needed and other is None:
            errors[name] = {
                "numerator": _("Un ratio a un numérateur."),
                "denominator": _("Un ratio a un dénominateur."),
                "weight": _("Une moyenne pondérée a un indicateur de poids."),
            }[name]
        elif other is None:
            continue
        elif other.programme_id != programme.pk:
            errors[name] = _("Un indicateur d'un autre programme.")
        elif indicator is not None and other.pk == indicator.pk:
            errors[name] = _("Un indicateur ne peut pas se référer à lui-même.")
        elif other.aggregation == Aggregation.RATIO:
            errors[name] = _(
                "Un ratio ne peut pas servir de terme : choisissez un indicateur saisi."
            )
    if (
        aggregation == Aggregation.RATIO
        and clean["numerator"] is not None
        and clean["numerator"] == clean["denominator"]
    ):
        errors["denominator"] = _("Le dénominateur diffère du numérateur.")
    if errors:
        raise ValidationError(errors)
    return clean


def _check_code_free(programme, code: str, indicator=None) -> None:
    taken = Indicator.objects.filter(programme=programme, code=code)
    if indicator is not None:
        taken = taken.exclude(pk=indicator.pk)
    if taken.exists():
        raise ValidationError(
            {"code": _("Le code « %(code)s » est déjà utilisé dans ce programme.") % {"code": code}}
        )


def _check_can_become_ratio(indicator: Indicator) -> None:
    if indicator.measurements.exists():
        raise ValidationError(
            {
                "aggregation": _(
                    "Cet indicateur a des valeurs saisies : il ne peut pas devenir un ratio."
                )
            }
        )
    users = Indicator.objects.filter(
        Q(numerator=indicator) | Q(denominator=indicator) | Q(weight=indicator)
    ).exclude(pk=indicator.pk)
    user = users.order_by("pk").first()
    if user is not None:
        raise ValidationError(
            {
                "aggregation": _(
                    "Cet indicateur sert au calcul de « %(name)s » : il ne peut pas devenir un "
                    "ratio."
                )
                % {"name": user.name}
            }
        )


@transaction.atomic
def indicator_create(*, user, programme, code: str, **fields) -> Indicator:
    """A new indicator of ``programme`` (its admins)."""
    if not rules.can_manage_library(user, programme):
        raise _refused()
    errors: dict = {}
    code = _clean_code(code, errors)
    try:
        data = clean_fields(fields)
    except ValidationError as error:
        errors.update(error.message_dict)
        data = None
    if errors:
        raise ValidationError(errors)
    _check_code_free(programme, code)
    data.update(
        clean_terms(
            programme=programme,
            aggregation=data["aggregation"],
            terms={name: fields.get(name) for name in TERMS},
        )
    )
    indicator = Indicator.objects.create(programme=programme, code=code, **data)
    history_record(obj=indicator, user=user, action=IndicatorAction.CREATED)
    return indicator


@transaction.atomic
def indicator_update(*, user, indicator: Indicator, code: str, **fields) -> Indicator:
    """Change an indicator (its programme's admins): every changed field is recorded as
    [old, new]. The code may change (values and plans follow the indicator, not its code)."""
    indicator = (
        Indicator.objects.select_for_update(of=("self",))
        .select_related("programme")
        .get(pk=indicator.pk)
    )
    programme = indicator.programme
    if not rules.can_manage_library(user, programme):
        raise _refused()
    errors: dict = {}
    code = _clean_code(code, errors)
    fields.setdefault("position", indicator.position)
    try:
        data = clean_fields(fields)
    except ValidationError as error:
        errors.update(error.message_dict)
        data = None
    if errors:
        raise ValidationError(errors)
    _check_code_free(programme, code, indicator)
    data.update(
        clean_terms(
            programme=programme,
            aggregation=data["aggregation"],
            terms={name: fields.get(name) for name in TERMS},
            indicator=indicator,
        )
    )
    if data["aggregation"] == Aggregation.RATIO and indicator.aggregation != Aggregation.RATIO:
        _check_can_become_ratio(indicator)
    data["code"] = code
    changes = changed_fields(indicator, data)
    for name in TERMS:  # the terms by code, as people know them
        if name in changes:
            old, new = getattr(indicator, name), data[name]
            changes[name] = [old.code if old else None, new.code if new else None]
    if changes:
        for name, value in data.items():
            setattr(indicator, name, value)
        indicator.save()
        history_record(
            obj=indicator, user=user, action=IndicatorAction.UPDATED, payload={"changes": changes}
        )
    return indicator
