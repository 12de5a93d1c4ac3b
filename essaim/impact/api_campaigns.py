"""/api/v1/impact/campaigns and /api/v1/impact/reports: the campaign and evaluation-report pages'
actions, through ``essaim.impact.services`` and ``services_reports`` and with their scoping. A
campaign is its programme's staff's (a territory's people read those asking their territory, and
their own line of it); a report is public once published, its narrative sections written by the
staff and, until then, by its territory's people. What the caller may not see is a 404;
a change refused in the object's state (opening an open campaign, publishing a report not
generated) a 409; a bad value a 422 naming the field."""

import datetime
from typing import Annotated

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Status

from essaim.accounts import permissions
from essaim.accounts.api_auth import BearerOrSession
from essaim.calls.models import Programme
from essaim.core.api.filters import MAX_ID
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.impact import queries, reminders, rules, services, services_reports
from essaim.impact.models import (
    YEAR_MAX,
    YEAR_MIN,
    Campaign,
    CampaignStatus,
    Indicator,
    Report,
    ReportSection,
)
from essaim.labels.models import Label

router = Router(tags=["impact"])
IdList = Annotated[
    list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(min_length=1, max_length=500)
]
REPORT_RELATED = ("programme", "label__perimeter", "created_by")


def _conflict(exc: ValidationError, fields: set[str]):
    if getattr(exc, "error_dict", None) and set(exc.error_dict) <= fields:
        return Status(409, {"detail": " ".join(exc.messages)})
    raise exc


def _managed_programme(user, programme_id: int, may) -> Programme:
    """The programme ``programme_id`` if ``user`` may manage its campaigns or reports (else a
    404, as the pages' creation forms)."""
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None or not may(user, programme):
        raise Http404(_("Programme %(id)s introuvable.") % {"id": programme_id})
    return programme


# --- Campaigns -----------------------------------------------------------------------------------


class CampaignLineOut(Schema):
    label_id: int
    territory: str
    expected: int = Field(description="indicators asked")
    reported: int = Field(description="indicators with at least one value in the campaign")
    flagged: int


class CampaignOut(Schema):
    id: int
    programme_id: int
    programme: str
    title: str
    period_start: datetime.date
    period_end: datetime.date
    due_on: datetime.date
    status: str
    status_label: str
    url: str


class CampaignDetailOut(CampaignOut):
    indicators: list[str] = Field(description="the indicators' codes")
    lines: list[CampaignLineOut] = Field(
        description="per territory (the staff see every one, a territory's people their own)"
    )


def _campaign_out(c: Campaign) -> dict:
    return {
        "id": c.pk,
        "programme_id": c.programme_id,
        "programme": c.programme.name,
        "title": c.title,
        "period_start": c.period_start,
        "period_end": c.period_end,
        "due_on": c.due_on,
        "status": c.status,
        "status_label": str(c.get_status_display()),
        "url": settings.ESSAIM_BASE_URL + c.get_absolute_url(),
    }


def _campaign(request, campaign_id: int) -> Campaign:
    campaign = (
        Campaign.objects.visible_to(request.user)
        .select_related("programme")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        raise Http404(_("Campagne %(id)s introuvable.") % {"id": campaign_id})
    return campaign


def _campaign_detail(request, campaign: Campaign) -> dict:
    rows = queries.campaign_completion(campaign)
    if not rules.can_manage_campaign(request.user, campaign.programme):
        collectives = permissions.territory_collectives(request.user)
        mine = set(
            Label.objects.filter(
                pk__in=[r.label.pk for r in rows],
                application__collective_id__in=collectives.sorted(),
            ).values_list("pk", flat=True)
        )
        rows = [r for r in rows if r.label.pk in mine]
    return {
        **_campaign_out(campaign),
        "indicators": list(campaign.indicators.order_by("code").values_list("code", flat=True)),
        "lines": [
            {
                "label_id": r.label.pk,
                "territory": r.label.perimeter.name,
                "expected": r.expected,
                "reported": r.reported,
                "flagged": r.flagged,
            }
            for r in rows
        ],
    }


@router.get(
    "/impact/campaigns",
    response=list[CampaignOut],
    auth=BearerOrSession(),
    summary="Reporting campaigns (the programme's staff; a territory's people those asking it)",
)
@paginate(PageNumberPagination)
def campaign_list(request):
    """The campaigns the caller may see, latest due date first."""
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .select_related("programme")
        .order_by("-due_on", "-pk")
    )
    return mapped(campaigns, _campaign_out)


@router.get(
    "/impact/campaigns/{campaign_id}",
    response=CampaignDetailOut,
    auth=BearerOrSession(),
    summary="A campaign, with each territory's completion",
)
def campaign_detail(request, campaign_id: int):
    return _campaign_detail(request, _campaign(request, campaign_id))


class CampaignIn(Schema):
    programme_id: int = Field(ge=1, le=MAX_ID)
    title: str = Field(min_length=1, max_length=200)
    period_start: datetime.date
    period_end: datetime.date
    due_on: datetime.date
    indicator_ids: IdList
    label_ids: IdList = Field(description="the programme's labels (territories) asked")


@router.post(
    "/impact/campaigns",
    response={201: CampaignDetailOut},
    auth=BearerOrSession(),
    summary="Create a draft campaign (the programme's staff)",
)
def campaign_create(request, payload: CampaignIn):
    """A draft: open it (``POST /impact/campaigns/{id}/open``) for the territories to answer.
    Indicators and territories of another programme are a 422 naming the field."""
    programme = _managed_programme(request.user, payload.programme_id, rules.can_manage_campaign)
    indicators = list(
        Indicator.objects.filter(pk__in=payload.indicator_ids, programme=programme).exclude(
            aggregation="ratio"
        )
    )
    labels = list(
        Label.objects.filter(pk__in=payload.label_ids, programme=programme, status="valid")
    )
    errors = {}
    if len(indicators) != len(set(payload.indicator_ids)):
        errors["indicator_ids"] = _("Choisissez des indicateurs du programme (hors ratios).")
    if len(labels) != len(set(payload.label_ids)):
        errors["label_ids"] = _("Choisissez des territoires labellisés du programme.")
    if errors:
        raise ValidationError(errors)
    campaign = services.campaign_create(
        user=request.user,
        programme=programme,
        title=payload.title,
        period_start=payload.period_start,
        period_end=payload.period_end,
        due_on=payload.due_on,
        indicators=indicators,
        labels=labels,
    )
    return Status(201, _campaign_detail(request, _campaign(request, campaign.pk)))


def _campaign_set(request, campaign_id: int, status: str):
    campaign = _campaign(request, campaign_id)
    if not rules.can_manage_campaign(request.user, campaign.programme):
        raise PermissionDenied(_("Seule l'équipe du programme organise les campagnes."))
    try:
        services.campaign_set_status(user=request.user, campaign=campaign, status=status)
    except ValidationError as exc:
        return _conflict(exc, {"status"})
    return Status(200, _campaign_detail(request, _campaign(request, campaign_id)))


@router.post(
    "/impact/campaigns/{campaign_id}/open",
    response={200: CampaignDetailOut, 409: dict},
    auth=BearerOrSession(),
    summary="Open a draft or closed campaign (the programme's staff)",
)
def campaign_open(request, campaign_id: int):
    """An open campaign is a 409."""
    return _campaign_set(request, campaign_id, CampaignStatus.OPEN)


@router.post(
    "/impact/campaigns/{campaign_id}/close",
    response={200: CampaignDetailOut, 409: dict},
    auth=BearerOrSession(),
    summary="Close an open campaign (the programme's staff)",
)
def campaign_close(request, campaign_id: int):
    """A closed campaign is a 409."""
    return _campaign_set(request, campaign_id, CampaignStatus.CLOSED)


class CampaignRemindedOut(Schema):
    campaign_id: int
    reminded: int = Field(description="territories reminded (those not complete)")


@router.post(
    "/impact/campaigns/{campaign_id}/remind",
    response={200: CampaignRemindedOut, 409: dict},
    auth=BearerOrSession(),
    summary="Remind now the territories that have not answered (the programme's staff)",
)
def campaign_remind(request, campaign_id: int):
    """Their lead and members are notified, as from the campaign's page; a territory already
    reminded today is not again. A campaign not open is a 409."""
    campaign = _campaign(request, campaign_id)
    if not rules.can_manage_campaign(request.user, campaign.programme):
        raise PermissionDenied(_("Seule l'équipe du programme organise les campagnes."))
    if campaign.status != CampaignStatus.OPEN:
        return Status(409, {"detail": _("Seule une campagne ouverte peut être relancée.")})
    sent = reminders.campaign_remind(campaign, timezone.localdate(), force=True, user=request.user)
    return Status(200, {"campaign_id": campaign.pk, "reminded": sent})


# --- Evaluation reports --------------------------------------------------------------------------


class ReportOut(Schema):
    id: int
    programme_id: int
    programme: str
    label_id: int | None = Field(description="the territory's label; none: the whole programme")
    territory: str | None
    year: int
    title: str
    status: str
    status_label: str
    in_progress: bool
    progress: int = Field(description="percent of the generation done")
    step: str
    error: str
    generated_at: datetime.datetime | None
    published_at: datetime.datetime | None
    url: str
    pdf_url: str | None


def _report_out(r: Report) -> dict:
    base = settings.ESSAIM_BASE_URL
    return {
        "id": r.pk,
        "programme_id": r.programme_id,
        "programme": r.programme.name,
        "label_id": r.label_id,
        "territory": r.label.perimeter.name if r.label_id else None,
        "year": r.year,
        "title": r.title,
        "status": r.status,
        "status_label": str(r.get_status_display()),
        "in_progress": r.in_progress,
        "progress": r.progress,
        "step": r.step,
        "error": r.error,
        "generated_at": r.generated_at,
        "published_at": r.published_at,
        "url": base + r.get_absolute_url(),
        "pdf_url": base + reverse("impact:report_pdf", args=[r.pk]) if r.pdf else None,
    }


def _report(request, report_id: int) -> Report:
    report = (
        Report.objects.visible_to(request.user)
        .select_related(*REPORT_RELATED)
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise Http404(_("Rapport %(id)s introuvable.") % {"id": report_id})
    return report


@router.get(
    "/impact/reports",
    response=list[ReportOut],
    auth=BearerOrSession(optional=True),
    summary="Evaluation reports (published ones; every one of their programme for its staff)",
)
@paginate(PageNumberPagination)
def report_list(request):
    reports = (
        Report.objects.visible_to(request.user)
        .select_related(*REPORT_RELATED)
        .order_by("-year", "programme__name", "label__perimeter__name", "pk")
    )
    return mapped(reports, _report_out)


@router.get(
    "/impact/reports/{report_id}",
    response=ReportOut,
    auth=BearerOrSession(optional=True),
    summary="An evaluation report and its generation's state",
)
def report_detail(request, report_id: int):
    return _report_out(_report(request, report_id))


class ReportIn(Schema):
    programme_id: int = Field(ge=1, le=MAX_ID)
    label_id: int | None = Field(None, ge=1, le=MAX_ID, description="none: the whole programme")
    year: int = Field(ge=YEAR_MIN, le=YEAR_MAX)
    title: str = Field("", max_length=200, description="empty: a title made of year and place")


@router.post(
    "/impact/reports",
    response={201: ReportOut},
    auth=BearerOrSession(),
    summary="Create an evaluation report (the programme's staff)",
)
def report_create(request, payload: ReportIn):
    programme = _managed_programme(request.user, payload.programme_id, rules.can_manage_reports)
    label = None
    if payload.label_id is not None:
        label = Label.objects.filter(pk=payload.label_id, programme=programme).first()
        if label is None:
            raise ValidationError(
                {"label_id": _("Choisissez un territoire labellisé du programme.")}
            )
    report = services_reports.report_create(
        user=request.user,
        programme=programme,
        label=label,
        year=payload.year,
        title=payload.title,
    )
    return Status(201, _report_out(_report(request, report.pk)))


def _managed_report(request, report_id: int) -> Report:
    report = _report(request, report_id)
    if not rules.can_manage_report(request.user, report):
        # A published report is public: seeing it is not managing it.
        raise PermissionDenied(_("Seule l'équipe du programme gère les rapports."))
    return report


@router.post(
    "/impact/reports/{report_id}/generate",
    response={202: ReportOut},
    auth=BearerOrSession(),
    summary="Ask for the report's generation (a background task; follow `status`)",
)
def report_generate(request, report_id: int):
    """Queued as a background task: poll ``GET /impact/reports/{id}`` until ``in_progress`` is
    false. Asking again while a generation runs queues nothing more."""
    report = _managed_report(request, report_id)
    services_reports.report_generate(user=request.user, report=report)
    return Status(202, _report_out(_report(request, report_id)))


@router.post(
    "/impact/reports/{report_id}/publish",
    response={200: ReportOut, 409: dict},
    auth=BearerOrSession(),
    summary="Publish a generated report: it becomes public (the programme's staff)",
)
def report_publish(request, report_id: int):
    """A report not generated yet is a 409."""
    report = _managed_report(request, report_id)
    try:
        services_reports.report_publish(user=request.user, report=report)
    except ValidationError as exc:
        return _conflict(exc, {"status"})
    return Status(200, _report_out(_report(request, report_id)))


# --- A report's narrative sections ---------------------------------------------------------------


class ReportSectionOut(Schema):
    id: int
    report_id: int
    title: str
    body: str = Field(description="plain text: blank lines make paragraphs, '- ' lines a list")
    position: int
    author: str
    updated_at: datetime.datetime


class ReportSectionIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20000)
    position: int | None = Field(
        None, ge=0, le=1000, description="the order in the report; none: after the others"
    )


def _section_out(section: ReportSection) -> dict:
    return {
        "id": section.pk,
        "report_id": section.report_id,
        "title": section.title,
        "body": section.body,
        "position": section.position,
        "author": str(section.author),
        "updated_at": section.updated_at,
    }


def _section(report: Report, section_id: int) -> ReportSection:
    section = (
        ReportSection.objects.filter(report=report, pk=section_id).select_related("author").first()
    )
    if section is None:
        raise Http404(_("Section %(id)s introuvable.") % {"id": section_id})
    section.report = report
    return section


def _section_refusal(request, report: Report):
    """None when the caller may write the report's sections; a 409 once it is published for
    its territory's people (who wrote them until then); a 403 for the others who see it."""
    if rules.can_write_section(request.user, report):
        return None
    if report.is_published and rules.writes_sections_until_published(request.user, report):
        return Status(
            409, {"detail": _("Ce rapport est publié : seule l'équipe du programme le modifie.")}
        )
    raise PermissionDenied(_("Vous ne pouvez pas écrire dans ce rapport."))


@router.get(
    "/impact/reports/{report_id}/sections",
    response=list[ReportSectionOut],
    auth=BearerOrSession(optional=True),
    summary="A report's narrative sections, in their order (whoever sees the report)",
)
@paginate(PageNumberPagination, page_size=50)
def report_sections(request, report_id: int):
    report = _report(request, report_id)
    sections = report.sections.select_related("author").order_by("position", "pk")
    return mapped(sections, _section_out)


@router.post(
    "/impact/reports/{report_id}/sections",
    response={201: ReportSectionOut, 409: dict},
    auth=BearerOrSession(),
    summary="Write a section (the staff; the territory's people until it is published)",
)
def report_section_create(request, report_id: int, payload: ReportSectionIn):
    """Generate the report again for the section to appear in its document."""
    report = _report(request, report_id)
    if (refused := _section_refusal(request, report)) is not None:
        return refused
    position = payload.position
    if position is None:
        position = min((report.sections.count() + 1) * 10, 1000)
    section = services_reports.section_save(
        user=request.user,
        report=report,
        title=payload.title,
        body=payload.body,
        position=position,
    )
    return Status(201, _section_out(_section(report, section.pk)))


@router.put(
    "/impact/reports/{report_id}/sections/{section_id}",
    response={200: ReportSectionOut, 409: dict},
    auth=BearerOrSession(),
    summary="Rewrite a section: title, text and position (as the section's form)",
)
def report_section_update(request, report_id: int, section_id: int, payload: ReportSectionIn):
    report = _report(request, report_id)
    section = _section(report, section_id)
    if (refused := _section_refusal(request, report)) is not None:
        return refused
    services_reports.section_save(
        user=request.user,
        report=report,
        section=section,
        title=payload.title,
        body=payload.body,
        position=section.position if payload.position is None else payload.position,
    )
    return Status(200, _section_out(_section(report, section_id)))


@router.delete(
    "/impact/reports/{report_id}/sections/{section_id}",
    response={204: None, 409: dict},
    auth=BearerOrSession(),
    summary="Delete a section (who may write the report's sections)",
)
def report_section_delete(request, report_id: int, section_id: int):
    report = _report(request, report_id)
    section = _section(report, section_id)
    if (refused := _section_refusal(request, report)) is not None:
        return refused
    services_reports.section_delete(user=request.user, section=section)
    return Status(204, None)
