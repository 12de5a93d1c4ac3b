"""/api/v1/indicators (create, replace) and the indicator plans of a territory or of a project:
the library and plan pages' writes, through ``services_library`` and ``services.plan_save`` with
the pages' scoping. A programme the caller may not change the library of is a 404 on creation (as
the page); an indicator of it a 403 on change; a territory or project the caller may not see a
404; a bad value a 422 naming the field."""

from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.calls.models import Programme
from essaim.core.api.filters import Id
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.impact import queries, rules, services, services_library
from essaim.impact.api import LIMIT
from essaim.impact.models import YEAR_MAX, YEAR_MIN, Aggregation, Direction, Indicator, Target
from essaim.projects.models import Project

router = Router(tags=["impact"])

Short = Annotated[str, Field(max_length=40)]
Number = Annotated[Decimal, Field(ge=-LIMIT, le=LIMIT, max_digits=20, decimal_places=4)]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
INDICATOR_RELATED = ("programme", "numerator", "denominator", "weight")


class BreakdownOut(Schema):
    dimension: str
    values: list[str]


class IndicatorOut(Schema):
    id: int
    programme: str
    code: str
    name: str
    definition: str
    unit: str
    direction: str
    aggregation: str
    numerator: str | None
    denominator: str | None
    weight: str | None
    min_value: Decimal | None
    max_value: Decimal | None
    breakdowns: list[BreakdownOut]
    theme: str
    challenge: str
    sdg_targets: list[str]
    imp_dimensions: dict[str, str]


def indicator_out(i: Indicator) -> dict:
    return {
        "id": i.pk,
        "programme": i.programme.slug,
        "code": i.code,
        "name": i.name,
        "definition": i.definition,
        "unit": i.unit,
        "direction": i.direction,
        "aggregation": i.aggregation,
        "numerator": i.numerator.code if i.numerator else None,
        "denominator": i.denominator.code if i.denominator else None,
        "weight": i.weight.code if i.weight else None,
        "min_value": i.min_value,
        "max_value": i.max_value,
        "breakdowns": i.breakdowns or [],
        "theme": i.theme,
        "challenge": i.challenge,
        "sdg_targets": i.sdg_targets or [],
        "imp_dimensions": {
            "what": i.imp_what,
            "who": i.imp_who,
            "how_much": i.imp_how_much,
            "contribution": i.imp_contribution,
            "risk": i.imp_risk,
        },
    }


class IndicatorFilter(Schema):
    programme: str | None = Field(None, max_length=80, description="programme slug")


@router.get(
    "/indicators",
    response=list[IndicatorOut],
    auth=BearerOrSession(optional=True),
    summary="The indicator library (public)",
)
@paginate(PageNumberPagination, page_size=100)
def indicator_list(request, filters: Query[IndicatorFilter]):
    indicators = Indicator.objects.visible_to(request.user).select_related(
        "programme", "numerator", "denominator", "weight"
    )
    if filters.programme:
        indicators = indicators.filter(programme__slug=filters.programme)
    return mapped(indicators.order_by("programme_id", "position", "code"), indicator_out)


@router.get(
    "/indicators/{indicator_id}",
    response=IndicatorOut,
    auth=BearerOrSession(optional=True),
    summary="One indicator of the library (public)",
)
def indicator_detail(request, indicator_id: int):
    indicator = (
        Indicator.objects.visible_to(request.user)
        .select_related("programme", "numerator", "denominator", "weight")
        .filter(pk=indicator_id)
        .first()
    )
    if indicator is None:
        raise Http404(_("Indicateur %(id)s introuvable.") % {"id": indicator_id})
    return indicator_out(indicator)


class IndicatorBreakdownIn(Schema):
    dimension: str = Field(min_length=1, max_length=40)
    values: list[Short] = Field(min_length=1, max_length=services_library.MAX_VALUES)


class IndicatorImpIn(Schema):
    what: str = Field("", max_length=2000)
    who: str = Field("", max_length=2000)
    how_much: str = Field("", max_length=2000)
    contribution: str = Field("", max_length=2000)
    risk: str = Field("", max_length=2000)


class IndicatorIn(Schema):
    """The whole indicator, as its form: a field left out takes its empty value (the position
    excepted: kept on a change, 0 on creation)."""

    code: str = Field(min_length=1, max_length=40, description="a slug, unique in the programme")
    name: str = Field(min_length=1, max_length=200)
    definition: str = Field("", max_length=4000)
    unit: str = Field(min_length=1, max_length=40)
    direction: Direction = Direction.HIGHER
    aggregation: Aggregation
    numerator: str | None = Field(None, max_length=40, description="an indicator's code (ratio)")
    denominator: str | None = Field(None, max_length=40, description="an indicator's code (ratio)")
    weight: str | None = Field(
        None, max_length=40, description="an indicator's code (weighted mean)"
    )
    min_value: Number | None = None
    max_value: Number | None = None
    breakdowns: list[IndicatorBreakdownIn] = Field([], max_length=services_library.MAX_BREAKDOWNS)
    theme: str = Field("", max_length=80)
    challenge: str = Field("", max_length=120)
    sdg_targets: list[Annotated[str, Field(max_length=20)]] = Field(
        [], max_length=services_library.MAX_SDG
    )
    imp_dimensions: IndicatorImpIn = Field(default_factory=IndicatorImpIn)
    position: int | None = Field(None, ge=0, le=32767)


class IndicatorCreateIn(IndicatorIn):
    programme_id: Id


def _fields(programme, payload: IndicatorIn) -> dict:
    """The services' keyword arguments: the terms named by code become the programme's
    indicators (an unknown code is a 422 naming the field)."""
    data = payload.dict(exclude={"programme_id", "imp_dimensions", "position"})
    for name in services_library.TERMS:
        code = data.pop(name)
        data[name] = None
        if code:
            data[name] = Indicator.objects.filter(programme=programme, code=code).first()
            if data[name] is None:
                raise ValidationError(
                    {name: _("Aucun indicateur « %(code)s » dans ce programme.") % {"code": code}}
                )
    data["direction"] = str(payload.direction)
    data["aggregation"] = str(payload.aggregation)
    for name, value in payload.imp_dimensions.dict().items():
        data[f"imp_{name}"] = value
    if payload.position is not None:
        data["position"] = payload.position
    return data


def _indicator_out(pk: int) -> dict:
    return indicator_out(Indicator.objects.select_related(*INDICATOR_RELATED).get(pk=pk))


@router.post(
    "/indicators",
    response={201: IndicatorOut},
    auth=BearerOrSession(),
    summary="Add an indicator to a programme's library (its admins)",
)
def indicator_create(request, payload: IndicatorCreateIn):
    programme = Programme.objects.filter(pk=payload.programme_id).first()
    if programme is None or not rules.can_manage_library(request.user, programme):
        raise Http404(_("Programme %(id)s introuvable.") % {"id": payload.programme_id})
    data = _fields(programme, payload)
    data.setdefault("position", 0)
    indicator = services_library.indicator_create(user=request.user, programme=programme, **data)
    return Status(201, _indicator_out(indicator.pk))


@router.put(
    "/indicators/{indicator_id}",
    response=IndicatorOut,
    auth=BearerOrSession(),
    summary="Replace an indicator's definition (its programme's admins; the history keeps the old)",
)
def indicator_update(request, indicator_id: int, payload: IndicatorIn):
    """A ratio may not be made of an indicator with values or used by another (422)."""
    indicator = Indicator.objects.select_related(*INDICATOR_RELATED).filter(pk=indicator_id).first()
    if indicator is None:
        raise Http404(_("Indicateur %(id)s introuvable.") % {"id": indicator_id})
    data = _fields(indicator.programme, payload)
    services_library.indicator_update(user=request.user, indicator=indicator, **data)
    return _indicator_out(indicator.pk)


# --- Plans ---------------------------------------------------------------------------------------


class IndicatorTargetIO(Schema):
    year: Year
    value: Number


class IndicatorPlanIn(Schema):
    """The whole plan: targets left out are removed."""

    baseline: Number | None = None
    baseline_year: Year | None = None
    targets: list[IndicatorTargetIO] = Field([], max_length=20)


class IndicatorPlanOut(Schema):
    indicator_id: int
    indicator: str
    territory_id: int = Field(description="the label of the territory")
    project_id: int | None
    baseline: Decimal | None
    baseline_year: int | None
    targets: list[IndicatorTargetIO]


def _plan_save(request, *, indicator, label, project, payload: IndicatorPlanIn) -> dict:
    years = [t.year for t in payload.targets]
    if len(years) != len(set(years)):
        raise ValidationError({"targets": _("Une seule cible par année.")})
    plan = services.plan_save(
        user=request.user,
        indicator=indicator,
        label=label,
        project=project,
        baseline=payload.baseline,
        baseline_year=payload.baseline_year,
        targets={t.year: t.value for t in payload.targets},
    )
    return {
        "indicator_id": indicator.pk,
        "indicator": indicator.code,
        "territory_id": label.pk,
        "project_id": project.pk if project else None,
        "baseline": plan.baseline,
        "baseline_year": plan.baseline_year,
        "targets": [
            {"year": year, "value": value}
            for year, value in Target.objects.filter(plan=plan)
            .order_by("year")
            .values_list("year", "value")
        ],
    }


@router.put(
    "/impact/territories/{territory_id}/plans/{indicator_id}",
    response=IndicatorPlanOut,
    auth=BearerOrSession(),
    summary="Set a territory's baseline and yearly targets for an indicator",
)
def territory_plan_save(request, territory_id: int, indicator_id: int, payload: IndicatorPlanIn):
    """The territory's people and the programme's staff (anyone else who sees it: 403)."""
    label = queries.territories_visible_to(request.user).filter(pk=territory_id).first()
    if label is None:
        raise Http404(_("Territoire %(id)s introuvable.") % {"id": territory_id})
    indicator = Indicator.objects.filter(pk=indicator_id, programme_id=label.programme_id).first()
    if indicator is None:
        raise Http404(_("Indicateur %(id)s introuvable.") % {"id": indicator_id})
    return _plan_save(request, indicator=indicator, label=label, project=None, payload=payload)


@router.put(
    "/projects/{project_id}/impact-plans/{indicator_id}",
    response=IndicatorPlanOut,
    auth=BearerOrSession(),
    summary="Set a project's baseline and yearly targets for an indicator of its territory",
)
def project_plan_save(request, project_id: int, indicator_id: int, payload: IndicatorPlanIn):
    """Its holder, the territory's people, the programme's staff (anyone else who sees the
    project: 403). The territory is the project's labelled one in the indicator's programme."""
    project = Project.objects.visible_to(request.user).filter(pk=project_id).first()
    if project is None:
        raise Http404(_("Projet %(id)s introuvable.") % {"id": project_id})
    indicator = Indicator.objects.filter(pk=indicator_id).first()
    label = services.label_for_project(indicator, project) if indicator else None
    if label is None:
        raise Http404(_("Indicateur %(id)s introuvable.") % {"id": indicator_id})
    return _plan_save(request, indicator=indicator, label=label, project=project, payload=payload)
