"""/api/v1/measurements (with their review and a territory's publication) and
/api/v1/impact/aggregates: the same services and scoping as the pages (the library:
``api_library``). The published aggregates are public; a measurement outside
the caller's scope is a 404; a forbidden write a 403; a bad value a 422 naming the field."""

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Status, UploadedFile

from essaim.accounts import permissions
from essaim.accounts.api_auth import BearerOrSession
from essaim.calls.models import Programme
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.impact import csv_import, opendata, queries, rules, services
from essaim.impact.models import (
    YEAR_MAX,
    YEAR_MIN,
    Campaign,
    CampaignStatus,
    Channel,
    Indicator,
    Measurement,
    MeasurementStatus,
)
from essaim.labels.models import Label
from essaim.projects.models import Project

router = Router(tags=["impact"])
LIMIT = Decimal(10) ** 15


class MeasurementOut(Schema):
    id: int
    indicator: str
    territory_id: int = Field(description="the label of the territory")
    territory: str
    project_id: int | None
    campaign_id: int | None
    period_end: datetime.date
    year: int
    value: Decimal
    weight: Decimal | None
    breakdown: dict[str, str]
    status: str
    flag_reason: str
    source: str
    channel: str
    comment: str
    author: str


def measurement_out(m: Measurement) -> dict:
    return {
        "id": m.pk,
        "indicator": m.indicator.code,
        "territory_id": m.label_id,
        "territory": m.label.perimeter.name,
        "project_id": m.project_id,
        "campaign_id": m.campaign_id,
        "period_end": m.period_end,
        "year": m.year,
        "value": m.value,
        "weight": m.weight,
        "breakdown": m.breakdown or {},
        "status": m.status,
        "flag_reason": m.flag_reason,
        "source": m.source,
        "channel": m.channel,
        "comment": m.comment,
        "author": str(m.author),
    }


MEASUREMENT_RELATED = ("indicator", "label__perimeter", "author")


class MeasurementFilter(Schema):
    territory_id: int | None = Field(None, ge=1, le=2**31 - 1)
    indicator: str | None = Field(None, max_length=40, description="indicator code")
    year: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX)
    status: MeasurementStatus | None = None


@router.get(
    "/measurements",
    response=list[MeasurementOut],
    auth=BearerOrSession(),
    summary="The measurements the caller may see (staff, territory, project holder)",
)
@paginate(PageNumberPagination, page_size=100)
def measurement_list(request, filters: Query[MeasurementFilter]):
    rows = Measurement.objects.visible_to(request.user).select_related(*MEASUREMENT_RELATED)
    if filters.territory_id:
        rows = rows.filter(label_id=filters.territory_id)
    if filters.indicator:
        rows = rows.filter(indicator__code=filters.indicator)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return mapped(rows.order_by("-period_end", "pk"), measurement_out)


# Before ``/measurements/{measurement_id}``: its URL pattern would take "import".
class MeasurementImportIn(Schema):
    territory_id: int = Field(..., ge=1, le=2**31 - 1, description="the label of the territory")
    source: str = Field("", max_length=200, description="for the rows without a `source`")
    campaign_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="an open campaign asking the territory"
    )
    accept_valid: bool = Field(
        False, description="import the valid rows and skip the others (else: all or nothing)"
    )
    dry_run: bool = Field(False, description="check the file only: nothing is written")


class ImportErrorOut(Schema):
    field: str = Field(description="always `file`")
    line: int = Field(description="the file's line (the header is line 1)")
    column: str = Field(description="the file's column (`indicateur`, `valeur`…)")
    message: str


class MeasurementImportOut(Schema):
    territory_id: int
    dry_run: bool
    rows: int = Field(description="the file's rows of values")
    valid: int = Field(description="the rows that may be imported")
    imported: int
    flagged: int = Field(description="imported values set aside for the staff's review")
    measurement_ids: list[int]
    errors: list[ImportErrorOut] = Field(description="the rows skipped (with `accept_valid`)")


def _import_errors(report: csv_import.ImportReport) -> list[dict]:
    return [
        {"field": "file", "line": e.line, "column": e.column, "message": str(e.message)}
        for e in report.errors
    ]


def _import_refused(report: csv_import.ImportReport):
    errors = _import_errors(report)
    summary = "; ".join(_("ligne %(line)s, %(column)s : %(message)s") % e for e in errors[:20])
    detail = _("Rien n'a été importé : %(n)s ligne(s) en erreur. %(errors)s") % {
        "n": report.error_lines,
        "errors": summary,
    }
    return Status(422, {"detail": detail, "errors": errors})


@router.post(
    "/measurements/import",
    response={200: MeasurementImportOut, 201: MeasurementImportOut, 409: dict, 422: dict},
    auth=BearerOrSession(),
    summary="Import a territory's values from a CSV file (multipart: `file` and the fields)",
)
def measurement_import(
    request, payload: Form[MeasurementImportIn], file: File[UploadedFile] = None
):
    """The territory page's CSV upload: the same columns (``indicateur``, ``periode``,
    ``valeur``, optionally ``projet``, ``unite``, ``poids``, ``ventilation``, ``source``,
    ``commentaire``), 1 MB and 2,000 rows at most. Every row is checked before anything is
    written: a file with errors is a 422 naming each one by line and column, and nothing is
    imported — unless ``accept_valid``, which imports the valid rows (201) and lists the others.
    ``dry_run`` checks only (200). A row already recorded (the same file sent twice, even at
    once) is an error of its line: nothing is recorded twice."""
    label = queries.territories_visible_to(request.user).filter(pk=payload.territory_id).first()
    if label is None:
        raise Http404(_("Territoire %(id)s introuvable.") % {"id": payload.territory_id})
    if not rules.can_enter_somewhere(request.user, label):
        raise PermissionDenied(_("Vous ne pouvez pas saisir de valeur pour ce territoire."))
    campaign = None
    if payload.campaign_id is not None:
        campaign = Campaign.objects.filter(
            pk=payload.campaign_id, labels=label, status=CampaignStatus.OPEN
        ).first()
        if campaign is None:
            raise ValidationError(
                {"campaign_id": _("Choisissez une campagne ouverte de ce territoire.")}
            )
    if file is None:
        raise ValidationError({"file": _("Joignez le fichier CSV.")})
    if file.size > csv_import.MAX_BYTES:
        raise ValidationError({"file": _("Le fichier dépasse 1 Mo.")})
    data = file.read(csv_import.MAX_BYTES + 1)
    options = {
        "user": request.user,
        "label": label,
        "data": data,
        "default_source": payload.source,
        "campaign": campaign,
        "accept_valid": payload.accept_valid,
    }
    try:
        report = csv_import.measurements_import(**options, dry_run=payload.dry_run)
    except ValidationError as exc:
        if set(getattr(exc, "error_dict", {})) == {"file"}:
            raise
        # A value recorded meanwhile (the same file sent at once): all was rolled back; the
        # check, run again, names the lines now recorded.
        report = csv_import.measurements_import(**options, dry_run=True)
        if not report.errors:
            return Status(409, {"detail": " ".join(exc.messages)})
        return _import_refused(report)
    if report.errors and (not payload.accept_valid or not report.valid):
        return _import_refused(report)
    body = {
        "territory_id": label.pk,
        "dry_run": payload.dry_run,
        "rows": report.rows,
        "valid": len(report.valid),
        "imported": len(report.imported),
        "flagged": report.flagged,
        "measurement_ids": [m.pk for m in report.imported],
        "errors": _import_errors(report),
    }
    return Status(200 if payload.dry_run else 201, body)


def _measurement(request, measurement_id: int) -> Measurement:
    measurement = (
        Measurement.objects.visible_to(request.user)
        .select_related(*MEASUREMENT_RELATED, "label__application", "project", "indicator__weight")
        .filter(pk=measurement_id)
        .first()
    )
    if measurement is None:
        raise Http404(_("Mesure %(id)s introuvable.") % {"id": measurement_id})
    return measurement


@router.get(
    "/measurements/{measurement_id}",
    response=MeasurementOut,
    auth=BearerOrSession(),
    summary="One measurement",
)
def measurement_detail(request, measurement_id: int):
    return measurement_out(_measurement(request, measurement_id))


class MeasurementIn(Schema):
    indicator_id: int = Field(..., ge=1, le=2**31 - 1)
    territory_id: int = Field(..., ge=1, le=2**31 - 1, description="the label of the territory")
    project_id: int | None = Field(None, ge=1, le=2**31 - 1)
    campaign_id: int | None = Field(None, ge=1, le=2**31 - 1)
    period_end: datetime.date = Field(
        ..., ge=datetime.date(YEAR_MIN, 1, 1), le=datetime.date(YEAR_MAX, 12, 31)
    )
    value: Decimal = Field(..., ge=-LIMIT, le=LIMIT, max_digits=20, decimal_places=4)
    weight: Decimal | None = Field(None, ge=0, le=LIMIT, max_digits=20, decimal_places=4)
    unit: str = Field("", max_length=40, description="checked against the indicator's unit")
    breakdown: dict[str, str] = Field(default_factory=dict, max_length=5)
    source: str = Field(..., min_length=1, max_length=200)
    comment: str = Field("", max_length=2000)


@router.post(
    "/measurements",
    response={201: MeasurementOut},
    auth=BearerOrSession(),
    summary="Record a measurement (checked like the form; far values are flagged)",
)
def measurement_create(request, payload: MeasurementIn):
    project = None
    if payload.project_id is not None:
        project = Project.objects.filter(pk=payload.project_id).first()
        if project is None:
            raise ValidationError({"project_id": _("Projet inconnu.")})
    label = queries.territories_visible_to(request.user).filter(pk=payload.territory_id).first()
    if (
        label is None
        and project is not None
        and permissions.is_project_holder(request.user, project.holder_id)
    ):
        # A project holder reports for their project in its territory, which they do not read.
        label = (
            Label.objects.select_related("application", "perimeter", "programme")
            .filter(pk=payload.territory_id)
            .first()
        )
    if label is None:
        raise Http404(_("Territoire %(id)s introuvable.") % {"id": payload.territory_id})
    indicator = (
        Indicator.objects.filter(pk=payload.indicator_id, programme_id=label.programme_id)
        .select_related("numerator", "denominator", "weight")
        .first()
    )
    if indicator is None:
        raise ValidationError({"indicator_id": _("Indicateur inconnu dans ce programme.")})
    campaign = None
    if payload.campaign_id is not None:
        campaign = Campaign.objects.filter(
            pk=payload.campaign_id, programme_id=label.programme_id
        ).first()
        if campaign is None:
            raise ValidationError({"campaign_id": _("Campagne inconnue.")})
    if any(len(k) > 40 or len(v) > 40 for k, v in payload.breakdown.items()):
        raise ValidationError({"breakdown": _("Ventilation illisible.")})
    measurement = services.measurement_record(
        user=request.user,
        channel=Channel.API,
        indicator=indicator,
        label=label,
        project=project,
        campaign=campaign,
        period_end=payload.period_end,
        value=payload.value,
        weight=payload.weight,
        unit=payload.unit,
        breakdown=payload.breakdown,
        source=payload.source,
        comment=payload.comment,
    )
    measurement = _measurement(request, measurement.pk)
    return Status(201, measurement_out(measurement))


class CorrectionIn(Schema):
    value: Decimal = Field(..., ge=-LIMIT, le=LIMIT, max_digits=20, decimal_places=4)
    weight: Decimal | None = Field(None, ge=0, le=LIMIT, max_digits=20, decimal_places=4)
    source: str = Field("", max_length=200)
    comment: str = Field(..., min_length=1, max_length=2000, description="why")


@router.post(
    "/measurements/{measurement_id}/corrections",
    response=MeasurementOut,
    auth=BearerOrSession(),
    summary="Correct a value (the old one stays in its history)",
)
def measurement_correct(request, measurement_id: int, payload: CorrectionIn):
    measurement = _measurement(request, measurement_id)
    if not rules.can_correct(request.user, measurement):
        raise PermissionDenied(_("Vous ne pouvez pas corriger cette valeur."))
    services.measurement_correct(
        user=request.user,
        measurement=measurement,
        value=payload.value,
        weight=payload.weight,
        source=payload.source,
        comment=payload.comment,
    )
    return measurement_out(_measurement(request, measurement_id))


class MeasurementReviewIn(Schema):
    decision: Literal["confirm", "reject"] = Field(
        description="confirm: the value counts; reject: it counts nowhere"
    )
    comment: str = Field("", max_length=2000, description="why (required to reject)")


@router.post(
    "/measurements/{measurement_id}/review",
    response={200: MeasurementOut, 409: dict},
    auth=BearerOrSession(),
    summary="Confirm or reject a value awaiting review (the programme's staff)",
)
def measurement_review(request, measurement_id: int, payload: MeasurementReviewIn):
    """A value published or already rejected is a 409."""
    measurement = _measurement(request, measurement_id)
    if not rules.can_review(request.user, measurement):
        raise PermissionDenied(_("Seule l'équipe du programme vérifie les valeurs signalées."))
    try:
        services.measurement_review(
            user=request.user,
            measurement=measurement,
            confirm=payload.decision == "confirm",
            comment=payload.comment,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        return Status(409, {"detail": " ".join(error.messages)})
    return Status(200, measurement_out(_measurement(request, measurement_id)))


class TerritoryPublishedOut(Schema):
    territory_id: int
    published: int = Field(description="how many values were published")


@router.post(
    "/impact/territories/{territory_id}/publish",
    response=TerritoryPublishedOut,
    auth=BearerOrSession(),
    summary="Publish a territory's checked values (the programme's staff)",
)
def territory_publish(request, territory_id: int):
    """The recorded values enter the public aggregates; flagged ones wait for their review."""
    label = queries.territories_visible_to(request.user).filter(pk=territory_id).first()
    if label is None:
        raise Http404(_("Territoire %(id)s introuvable.") % {"id": territory_id})
    if not rules.can_publish(request.user, label):
        raise PermissionDenied(_("Seule l'équipe du programme publie les valeurs."))
    count = services.measurements_publish(user=request.user, label=label)
    return {"territory_id": label.pk, "published": count}


class AggregateOut(Schema):
    programme: str
    territory: str
    territory_slug: str
    indicator: str
    indicator_name: str
    unit: str
    aggregation: str
    year: int
    value: Decimal
    values_counted: int


class AggregateFilter(Schema):
    programme: str | None = Field(None, max_length=80, description="programme slug")
    level: str = Field("programme", pattern="^(programme|territory)$")
    year: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX)


@router.get(
    "/impact/aggregates",
    response=list[AggregateOut],
    auth=BearerOrSession(optional=True),
    summary="Published figures by programme or territory and year, each by its indicator's rule",
)
@paginate(PageNumberPagination, page_size=100)
def aggregate_list(request, filters: Query[AggregateFilter]):
    programme = None
    if filters.programme:
        programme = Programme.objects.filter(slug=filters.programme).first()
        if programme is None:
            raise Http404(_("Programme introuvable."))
    return opendata.published_rows(programme=programme, level=filters.level, year=filters.year)
