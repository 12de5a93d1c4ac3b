"""Every write on impact data. Each service is keyword-only, takes the acting ``user``, checks its
rule (``essaim.impact.rules``), validates (errors name the field, in French), writes and records
history in one transaction.

A measurement is checked the same way whatever its channel (form, CSV, API): ``measurement_check``
says what is wrong with it, field by field, before anything is written; the CSV import runs it on
every row first and writes only a clean file, or the valid rows when the user accepts them.
"""

import datetime
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.services import changed_fields, history_record
from essaim.impact import outliers, rules, services_library, summary
from essaim.impact.checks import (  # noqa: F401 - the checks are part of the services' API
    Checked,
    breakdown_key,
    label_criteria,
    label_for_project,
    measurement_check,
    parse_breakdown,
    parse_value,
)
from essaim.impact.history import (
    CampaignAction,
    IndicatorAction,
    MeasurementAction,
    PlanAction,
)
from essaim.impact.models import (
    YEAR_MAX,
    YEAR_MIN,
    Campaign,
    CampaignStatus,
    Channel,
    Indicator,
    IndicatorPlan,
    Measurement,
    MeasurementStatus,
    Target,
)
from essaim.labels.models import Label

STARTER_LIBRARY = Path(__file__).parent / "data" / "starter_library.yaml"


def _series(measurement: Measurement):
    series = Measurement.objects.counted().filter(
        indicator_id=measurement.indicator_id,
        label_id=measurement.label_id,
        project_id=measurement.project_id,
        breakdown_key=measurement.breakdown_key,
    )
    return series.exclude(pk=measurement.pk)


def _flag(measurement: Measurement) -> str:
    history = list(
        _series(measurement)
        .order_by("-period_end")
        .values_list("value", flat=True)[: outliers.HISTORY]
    )
    return outliers.outlier_reason(measurement.value, history)


def measurement_write(*, user, checked: Checked, channel: str) -> Measurement:
    """Write a checked value (inside the caller's transaction), flag it when it is far from its
    series' history (``essaim.impact.outliers``) and record its history."""
    measurement = Measurement(
        indicator=checked.indicator,
        label=checked.label,
        project=checked.project,
        campaign=checked.campaign,
        period_end=checked.period_end,
        year=checked.period_end.year,
        value=checked.value,
        weight=checked.weight,
        breakdown=checked.breakdown,
        breakdown_key=checked.breakdown_key,
        source=checked.source,
        comment=checked.comment,
        channel=channel,
        author=user,
    )
    reason = _flag(measurement)
    if reason:
        measurement.status = MeasurementStatus.FLAGGED
        measurement.flag_reason = reason[:300]
    try:
        with transaction.atomic():
            measurement.save()
    except IntegrityError:
        raise ValidationError(
            {"period_end": _("Une valeur existe déjà pour cette période : corrigez-la.")}
        ) from None
    history_record(
        obj=measurement,
        user=user,
        action=MeasurementAction.RECORDED,
        to_state=MeasurementStatus.RECORDED,
        comment=checked.comment,
        payload={"value": str(measurement.value), "source": measurement.source, "channel": channel},
    )
    if reason:
        history_record(
            obj=measurement,
            user=user,
            action=MeasurementAction.FLAGGED,
            from_state=MeasurementStatus.RECORDED,
            to_state=MeasurementStatus.FLAGGED,
            comment=reason,
        )
    return measurement


@transaction.atomic
def measurement_record(*, user, channel: str = Channel.FORM, **fields) -> Measurement:
    """Check and record one value (form and API)."""
    checked = measurement_check(user=user, **fields)
    return measurement_write(user=user, checked=checked, channel=channel)


@transaction.atomic
def measurement_correct(
    *, user, measurement: Measurement, value, weight=None, source: str = "", comment: str
) -> Measurement:
    """Change a value: the old one stays in the history (field changes of the event). A
    correction goes back through the outlier check, and a published value corrected by the staff
    must be published again. A comment saying why is required."""
    return _correct(
        user=user,
        measurement=measurement,
        value=value,
        weight=weight,
        source=source,
        comment=comment,
        derived=False,
    )


@transaction.atomic
def measurement_correct_derived(
    *, user, measurement: Measurement, value, source: str, comment: str
) -> Measurement:
    """Correct a value another app derives from data whose own rules decided who may report it
    (the cooperation figures of an engaged company's done introductions, ``support.bridge``):
    the same checks, outlier flag, history and public summary as ``measurement_correct``, without
    asking ``user`` for impact's entry rights."""
    return _correct(
        user=user,
        measurement=measurement,
        value=value,
        weight=None,
        source=source,
        comment=comment,
        derived=True,
    )


def _correct(*, user, measurement, value, weight, source, comment, derived: bool) -> Measurement:
    measurement = (
        Measurement.objects.select_for_update(of=("self",))
        .select_related("indicator__weight", "label__application", "project")
        .get(pk=measurement.pk)
    )
    if not derived and not rules.can_correct(user, measurement):
        raise PermissionDenied(_("Vous ne pouvez pas corriger cette valeur."))
    if not str(comment or "").strip():
        raise ValidationError({"comment": _("Dites pourquoi la valeur est corrigée.")})
    checked = measurement_check(
        user=user,
        indicator=measurement.indicator,
        label=measurement.label,
        project=measurement.project,
        period_end=measurement.period_end,
        value=value,
        weight=weight if measurement.weight is not None or weight not in (None, "") else None,
        breakdown=measurement.breakdown,
        source=source or measurement.source,
        comment=comment,
        campaign=None,
        check_existing=False,
        check_rights=not derived,
    )
    data = {"value": checked.value, "weight": checked.weight, "source": checked.source}
    changes = changed_fields(measurement, data)
    if not changes:
        return measurement
    old_status = measurement.status
    for field, new in data.items():
        setattr(measurement, field, new)
    reason = _flag(measurement)
    measurement.status = MeasurementStatus.FLAGGED if reason else MeasurementStatus.RECORDED
    measurement.flag_reason = reason[:300]
    measurement.comment = checked.comment
    measurement.save()
    if old_status == MeasurementStatus.PUBLISHED:  # it leaves the public figures until republished
        summary.refresh_for([measurement])
    history_record(
        obj=measurement,
        user=user,
        action=MeasurementAction.CORRECTED,
        from_state=old_status,
        to_state=measurement.status,
        comment=checked.comment,
        payload={"changes": changes, "flag": reason},
    )
    return measurement


@transaction.atomic
def measurement_review(*, user, measurement: Measurement, confirm: bool, comment: str = ""):
    """A staff member confirms a flagged value (it counts) or rejects it (it counts nowhere)."""
    measurement = (
        Measurement.objects.select_for_update(of=("self",))
        .select_related("label")
        .get(pk=measurement.pk)
    )
    if not rules.can_review(user, measurement):
        raise PermissionDenied(_("Seule l'équipe du programme vérifie les valeurs signalées."))
    if measurement.status not in (MeasurementStatus.FLAGGED, MeasurementStatus.RECORDED):
        raise ValidationError(_("Cette valeur n'est pas en attente de vérification."))
    if not confirm and not str(comment).strip():
        raise ValidationError({"comment": _("Dites pourquoi la valeur est écartée.")})
    old = measurement.status
    measurement.status = MeasurementStatus.RECORDED if confirm else MeasurementStatus.REJECTED
    measurement.save(update_fields=["status", "updated_at"])
    history_record(
        obj=measurement,
        user=user,
        action=MeasurementAction.CONFIRMED if confirm else MeasurementAction.REJECTED,
        from_state=old,
        to_state=measurement.status,
        comment=str(comment)[:2000],
    )
    return measurement


@transaction.atomic
def measurements_publish(*, user, label: Label) -> int:
    """Publish the territory's checked values (recorded, not flagged): they enter the public
    aggregates. Flagged values wait for their review. Returns how many were published."""
    if not rules.can_publish(user, label):
        raise PermissionDenied(_("Seule l'équipe du programme publie les valeurs."))
    rows = list(
        Measurement.objects.select_for_update()
        .filter(label=label, status=MeasurementStatus.RECORDED)
        .order_by("pk")
    )
    for measurement in rows:
        measurement.status = MeasurementStatus.PUBLISHED
    Measurement.objects.bulk_update(rows, ["status"])
    summary.refresh_for(rows)  # the public figures' summary, in this transaction
    for measurement in rows:
        history_record(
            obj=measurement,
            user=user,
            action=MeasurementAction.PUBLISHED,
            from_state=MeasurementStatus.RECORDED,
            to_state=MeasurementStatus.PUBLISHED,
        )
    return len(rows)


# --- Library ------------------------------------------------------------------------------------


@transaction.atomic
def indicator_save(
    *, user, programme, code: str, weight=None, numerator=None, denominator=None, **fields
) -> Indicator:
    """Create or update the programme's indicator ``code`` (programme admins). A ratio names its
    numerator and denominator, a weighted mean its weight, all indicators of the same
    programme."""
    if not rules.can_manage_library(user, programme):
        raise PermissionDenied(
            _("Seuls les administrateurs du programme modifient la bibliothèque.")
        )
    fields = services_library.clean_fields(fields)
    fields.update(
        services_library.clean_terms(
            programme=programme,
            aggregation=fields["aggregation"],
            terms={"weight": weight, "numerator": numerator, "denominator": denominator},
        )
    )
    indicator = Indicator.objects.filter(programme=programme, code=code).first()
    if indicator is None:
        indicator = Indicator.objects.create(programme=programme, code=code, **fields)
        history_record(obj=indicator, user=user, action=IndicatorAction.CREATED)
        return indicator
    changes = changed_fields(indicator, fields)
    if changes:
        for name, value in fields.items():
            setattr(indicator, name, value)
        indicator.save()
        history_record(
            obj=indicator, user=user, action=IndicatorAction.UPDATED, payload={"changes": changes}
        )
    return indicator


def starter_library() -> list[dict]:
    """The starter library's entries (``data/starter_library.yaml``)."""
    return yaml.safe_load(STARTER_LIBRARY.read_text(encoding="utf-8"))


@transaction.atomic
def library_load(*, user, programme, entries: list[dict]) -> list[Indicator]:
    """Load a library (``data/starter_library.yaml``) into ``programme``: plain indicators first,
    then those that refer to others (ratios, weighted means). Idempotent."""
    by_code: dict[str, Indicator] = {}
    plain = [e for e in entries if not ({"weight", "numerator", "denominator"} & set(e))]
    composed = [e for e in entries if e not in plain]
    for position, entry in enumerate([*plain, *composed], start=1):
        entry = dict(entry)
        refs = {
            name: by_code[entry.pop(name)]
            for name in ("weight", "numerator", "denominator")
            if name in entry
        }
        entry.setdefault("position", position)
        code = entry.pop("code")
        by_code[code] = indicator_save(user=user, programme=programme, code=code, **refs, **entry)
    return list(by_code.values())


# --- Plans --------------------------------------------------------------------------------------


@transaction.atomic
def plan_save(
    *,
    user,
    indicator: Indicator,
    label: Label,
    project=None,
    baseline=None,
    baseline_year: int | None = None,
    targets: dict[int, object] | None = None,
) -> IndicatorPlan:
    """Set the baseline and yearly targets of an indicator for a territory (or one of its
    projects); targets not given are removed."""
    allowed = (
        rules.can_plan_territory(user, label)
        if project is None
        else rules.can_plan_project(user, label=label, project=project)
    )
    if not allowed:
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce plan d'indicateurs."))
    if indicator.programme_id != label.programme_id:
        raise ValidationError({"indicator": _("Un indicateur d'un autre programme.")})
    if project is not None and label_for_project(indicator, project) != label:
        raise ValidationError({"project": _("Ce projet n'est pas dans ce territoire labellisé.")})
    errors = {}
    baseline_value = None
    if baseline not in (None, ""):
        try:
            baseline_value = parse_value(baseline, "baseline")
        except ValidationError as error:
            errors.update(error.message_dict)
    if baseline_year is not None and not (YEAR_MIN <= int(baseline_year) <= YEAR_MAX):
        errors["baseline_year"] = [_("Une année entre 2000 et 2100.")]
    clean_targets = {}
    for year, raw in (targets or {}).items():
        if not (YEAR_MIN <= int(year) <= YEAR_MAX):
            errors.setdefault("targets", []).append(_("Une année entre 2000 et 2100."))
            continue
        try:
            clean_targets[int(year)] = parse_value(raw, "targets")
        except ValidationError as error:
            errors.setdefault("targets", []).extend(error.message_dict["targets"])
    if errors:
        raise ValidationError(errors)
    plan, _created = IndicatorPlan.objects.select_for_update().get_or_create(
        indicator=indicator, label=label, project=project
    )
    old_targets = dict(plan.targets.values_list("year", "value"))
    changes = changed_fields(plan, {"baseline": baseline_value, "baseline_year": baseline_year})
    for year in sorted(set(old_targets) | set(clean_targets)):
        old, new = old_targets.get(year), clean_targets.get(year)
        if old != new:
            changes[f"target_{year}"] = [_text(old), _text(new)]
    plan.baseline, plan.baseline_year = baseline_value, baseline_year
    plan.save()
    plan.targets.exclude(year__in=list(clean_targets)).delete()
    for year, value in clean_targets.items():
        Target.objects.update_or_create(plan=plan, year=year, defaults={"value": value})
    history_record(
        obj=plan,
        user=user,
        action=PlanAction.SAVED,
        payload={
            "baseline": _text(baseline_value),
            "targets": {str(y): str(v) for y, v in sorted(clean_targets.items())},
            "changes": changes,
        },
    )
    return plan


def _text(value) -> str | None:
    return None if value is None else f"{value.normalize():f}"


# --- Campaigns ----------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    user,
    programme,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    due_on: datetime.date,
    indicators,
    labels,
    projects=(),
    is_fictitious: bool = False,
) -> Campaign:
    """A draft campaign of the programme's staff: every indicator and territory of the
    programme."""
    if not rules.can_manage_campaign(user, programme):
        raise PermissionDenied(_("Seule l'équipe du programme organise les campagnes."))
    errors = {}
    if not str(title).strip():
        errors["title"] = _("L'intitulé est obligatoire.")
    if period_end < period_start:
        errors["period_end"] = _("La fin de la période suit son début.")
    if due_on < period_start:
        errors["due_on"] = _("La date limite suit le début de la période.")
    indicators, labels = list(indicators), list(labels)
    if not indicators or any(i.programme_id != programme.pk for i in indicators):
        errors["indicators"] = _("Choisissez des indicateurs du programme.")
    if not labels or any(label.programme_id != programme.pk for label in labels):
        errors["labels"] = _("Choisissez des territoires labellisés du programme.")
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(
        programme=programme,
        title=title.strip()[:200],
        period_start=period_start,
        period_end=period_end,
        due_on=due_on,
        created_by=user,
        is_fictitious=is_fictitious,
    )
    campaign.indicators.set(indicators)
    campaign.labels.set(labels)
    campaign.projects.set(list(projects))
    history_record(obj=campaign, user=user, action=CampaignAction.CREATED)
    return campaign


@transaction.atomic
def campaign_set_status(*, user, campaign: Campaign, status: str) -> Campaign:
    """Open a draft (or closed) campaign, or close an open one."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not rules.can_manage_campaign(user, campaign.programme):
        raise PermissionDenied(_("Seule l'équipe du programme organise les campagnes."))
    if status not in (CampaignStatus.OPEN, CampaignStatus.CLOSED) or status == campaign.status:
        raise ValidationError({"status": _("Changement d'état impossible.")})
    old = campaign.status
    campaign.status = status
    campaign.save(update_fields=["status"])
    history_record(
        obj=campaign,
        user=user,
        action=CampaignAction.OPENED if status == CampaignStatus.OPEN else CampaignAction.CLOSED,
        from_state=old,
        to_state=status,
    )
    return campaign


def today() -> datetime.date:
    return timezone.localdate()
