"""Checks of a measurement, whatever its channel (form, CSV, API): numbers as people type them,
breakdown cells, the project's territory, the indicator's rule and bounds, the campaign's state
and period, duplicates. ``measurement_check`` writes nothing; ``services`` writes what it passed.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from essaim.impact import outliers, rules
from essaim.impact.models import (
    VALUE_LIMIT,
    VALUE_PLACES,
    YEAR_MAX,
    YEAR_MIN,
    Aggregation,
    Campaign,
    CampaignStatus,
    Indicator,
    Measurement,
)
from essaim.labels.models import Label


def _fmt_date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- Values -------------------------------------------------------------------------------------


def parse_value(raw, field: str = "value") -> Decimal:
    """A number as people type it ("1 234,5" or "1234.5"), within the stored precision."""
    if isinstance(raw, Decimal | int) and not isinstance(raw, bool):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(str(raw))
    else:
        text = str(raw or "").strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        text = text.replace(",", ".")
        if not text:
            raise ValidationError({field: _("Une valeur numérique est attendue.")})
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError(
                {field: _("« %(text)s » n'est pas un nombre.") % {"text": str(raw)[:40]}}
            ) from None
    if not value.is_finite():
        raise ValidationError({field: _("Une valeur numérique finie est attendue.")})
    if abs(value) > VALUE_LIMIT:
        raise ValidationError({field: _("La valeur dépasse 10^15.")})
    if value.as_tuple().exponent < -VALUE_PLACES:
        raise ValidationError({field: _("Au plus quatre décimales.")})
    return value


def breakdown_key(indicator: Indicator, breakdown: dict | None) -> str:
    """The canonical key of a breakdown cell ("age=18-25;sexe=femme"), after checking that each
    dimension and value is one the indicator declares."""
    if not breakdown:
        return ""
    if not isinstance(breakdown, dict) or len(breakdown) > 5:
        raise ValidationError({"breakdown": _("Ventilation illisible.")})
    declared = indicator.dimensions()
    parts = []
    for dimension, value in sorted(breakdown.items()):
        if dimension not in declared:
            raise ValidationError(
                {
                    "breakdown": _("L'indicateur n'a pas de ventilation « %(d)s ».")
                    % {"d": str(dimension)[:40]}
                }
            )
        if value not in declared[dimension]:
            raise ValidationError(
                {
                    "breakdown": _("« %(v)s » n'est pas une valeur de « %(d)s » (%(allowed)s).")
                    % {
                        "v": str(value)[:40],
                        "d": dimension,
                        "allowed": ", ".join(declared[dimension]),
                    }
                }
            )
        parts.append(f"{dimension}={value}")
    return ";".join(parts)


def parse_breakdown(text: str) -> dict:
    """ "sexe=femme;age=18-25" → {"sexe": "femme", "age": "18-25"}."""
    result = {}
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValidationError(
                {"breakdown": _("Écrivez la ventilation « dimension=valeur;dimension=valeur ».")}
            )
        dimension, value = (s.strip() for s in part.split("=", 1))
        result[dimension] = value
    return result


def label_criteria(project) -> Q:
    """The labels of ``project``: those whose perimeter is the project's territory or whose
    collective is the project's."""
    criteria = Q(pk__in=[])
    if project.perimeter_id is not None:
        criteria |= Q(perimeter_id=project.perimeter_id)
    if project.collective_id is not None:
        criteria |= Q(application__collective_id=project.collective_id)
    return criteria


def label_for_project(indicator: Indicator, project) -> Label | None:
    """The labelled territory of ``project`` in the indicator's programme: the valid label whose
    perimeter is the project's territory or whose collective is the project's."""
    return (
        Label.objects.filter(
            label_criteria(project), programme_id=indicator.programme_id, status="valid"
        )
        .select_related("application", "perimeter", "programme")
        .order_by("pk")
        .first()
    )


@dataclass
class Checked:
    """A measurement that passed ``measurement_check``: ready to write."""

    indicator: Indicator
    label: Label
    project: object
    period_end: datetime.date
    value: Decimal
    weight: Decimal | None
    breakdown: dict
    breakdown_key: str
    campaign: Campaign | None
    source: str
    comment: str


def measurement_check(
    *,
    user,
    indicator: Indicator,
    label: Label,
    project=None,
    period_end: datetime.date,
    value,
    weight=None,
    breakdown: dict | None = None,
    unit: str = "",
    source: str,
    comment: str = "",
    campaign: Campaign | None = None,
    check_existing: bool = True,
    check_rights: bool = True,
) -> Checked:
    """Everything that may be wrong with a value, as a ``ValidationError`` naming the fields;
    ``PermissionDenied`` when ``user`` may not enter it (unless ``check_rights`` is false: a value
    another app derives, ``services.measurement_correct_derived``). Writes nothing."""
    if check_rights and not rules.can_enter(
        user, indicator=indicator, label=label, project=project
    ):
        raise PermissionDenied(_("Vous ne pouvez pas saisir de valeur pour ce territoire."))
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    number = weight_number = None
    if indicator.aggregation == Aggregation.RATIO:
        add(
            "indicator",
            _(
                "« %(code)s » est un ratio : saisissez son numérateur (%(n)s) et son "
                "dénominateur (%(d)s), il est calculé."
            )
            % {
                "code": indicator.code,
                "n": indicator.numerator.code if indicator.numerator else "?",
                "d": indicator.denominator.code if indicator.denominator else "?",
            },
        )
    try:
        number = parse_value(value)
    except ValidationError as error:
        errors.setdefault("value", []).extend(error.message_dict["value"])
    if number is not None:
        if indicator.min_value is not None and number < indicator.min_value:
            add(
                "value",
                _("La valeur doit être au moins %(min)s %(unit)s.")
                % {"min": outliers._fmt(indicator.min_value), "unit": indicator.unit},
            )
        if indicator.max_value is not None and number > indicator.max_value:
            add(
                "value",
                _("La valeur doit être au plus %(max)s %(unit)s.")
                % {"max": outliers._fmt(indicator.max_value), "unit": indicator.unit},
            )
    if unit and unit.strip().lower() != indicator.unit.strip().lower():
        add(
            "unit",
            _("Unité « %(given)s » : cet indicateur se mesure en « %(unit)s ».")
            % {"given": unit[:40], "unit": indicator.unit},
        )
    if indicator.aggregation == Aggregation.WEIGHTED_MEAN:
        if weight in (None, ""):
            add(
                "weight",
                _("Une moyenne pondérée demande son poids (%(w)s).")
                % {"w": indicator.weight.name if indicator.weight else "?"},
            )
        else:
            try:
                weight_number = parse_value(weight, "weight")
                if weight_number <= 0:
                    add("weight", _("Le poids doit être positif."))
            except ValidationError as error:
                errors.setdefault("weight", []).extend(error.message_dict["weight"])
    elif weight not in (None, ""):
        add("weight", _("Seule une moyenne pondérée a un poids."))
    if period_end is None or not (YEAR_MIN <= period_end.year <= YEAR_MAX):
        add("period_end", _("Date de fin de période entre 2000 et 2100."))
    if project is not None and project_label_id(indicator, project) != label.pk:
        add("project", _("Ce projet n'est pas dans ce territoire labellisé."))
    key = ""
    try:
        key = breakdown_key(indicator, breakdown)
    except ValidationError as error:
        errors.setdefault("breakdown", []).extend(error.message_dict["breakdown"])
    if not str(source or "").strip():
        add("source", _("Indiquez la source de la valeur (registre, enquête, comptabilité…)."))
    if campaign is not None:
        _check_campaign(campaign, indicator, label, period_end, add)
    elif check_existing and period_end is not None:
        campaign = answered_campaign(indicator, label, period_end)
    if check_existing and period_end is not None and not errors:
        existing = Measurement.objects.filter(
            indicator=indicator, period_end=period_end, breakdown_key=key
        )
        existing = (
            existing.filter(project=project)
            if project is not None
            else existing.filter(label=label, project__isnull=True)
        )
        if existing.exists():
            add(
                "period_end",
                _(
                    "Une valeur existe déjà pour cette période : corrigez-la plutôt que d'en "
                    "saisir une autre."
                ),
            )
    if errors:
        raise ValidationError(errors)
    return Checked(
        indicator=indicator,
        label=label,
        project=project,
        period_end=period_end,
        value=number,
        weight=weight_number,
        breakdown=dict(breakdown or {}),
        breakdown_key=key,
        campaign=campaign,
        source=str(source).strip()[:200],
        comment=str(comment or "")[:2000],
    )


def project_label_id(indicator: Indicator, project) -> int | None:
    label = label_for_project(indicator, project)
    return label.pk if label is not None else None


def answered_campaign(indicator, label, period_end) -> Campaign | None:
    """The open campaign a value answers without naming it: the only one that asks this
    territory for this indicator over a period that holds ``period_end`` (None when none, or
    when several do and the person must choose)."""
    campaigns = list(
        Campaign.objects.filter(
            status=CampaignStatus.OPEN,
            labels=label,
            indicators=indicator,
            period_start__lte=period_end,
            period_end__gte=period_end,
        )[:2]
    )
    return campaigns[0] if len(campaigns) == 1 else None


def _check_campaign(campaign: Campaign, indicator, label, period_end, add) -> None:
    dates = {
        "start": _fmt_date(campaign.period_start),
        "end": _fmt_date(campaign.period_end),
        "due": _fmt_date(campaign.due_on),
    }
    if campaign.programme_id != indicator.programme_id:
        add("campaign", _("Cette campagne est celle d'un autre programme."))
        return
    if campaign.status != CampaignStatus.OPEN:
        add(
            "campaign",
            _(
                "La campagne « %(title)s » n'est pas ouverte (période du %(start)s au %(end)s, "
                "date limite %(due)s) : elle n'accepte plus de valeur."
            )
            % {"title": campaign.title, **dates},
        )
        return
    if period_end is not None and not campaign.covers(period_end):
        add(
            "period_end",
            _("La campagne porte sur la période du %(start)s au %(end)s.") % dates,
        )
    if not campaign.indicators.filter(pk=indicator.pk).exists():
        add("indicator", _("Cet indicateur n'est pas demandé par la campagne."))
    if not campaign.labels.filter(pk=label.pk).exists():
        add("campaign", _("Ce territoire n'est pas interrogé par la campagne."))
