"""Calls in the API: public list and detail with the published form schema and scoring grid."""

from datetime import date

from django.http import Http404
from ninja import Field, Query, Router, Schema

from essaim.calls.models import Call, CallStatus
from essaim.calls.services import published_form
from essaim.core.api.filters import Code, choices_enum
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate

router = Router(tags=["calls"])
CallStatusFilter = choices_enum("CallStatusFilter", CallStatus)


class CallFilters(Schema):
    status: CallStatusFilter | None = None
    programme: Code | None = Field(None, description="the programme's slug")


class CutOffOut(Schema):
    date: date
    wave: int | None


class CallOut(Schema):
    id: int
    slug: str
    title: str
    programme: str
    kind: str
    status: str
    opens_on: date | None
    closes_on: date | None
    url: str


class CriterionOut(Schema):
    id: int
    position: int
    title: str
    help_text: str
    weight: float


class GridOut(Schema):
    scale_min: int
    scale_max: int
    scale_labels: dict
    comment_required_below: int | None
    criteria: list[CriterionOut]


class CallDetailOut(CallOut):
    description: str
    cutoffs: list[CutOffOut]
    form_version: int | None
    form_schema: dict | None
    grid: GridOut | None


def _call_out(call: Call) -> dict:
    return {
        "id": call.pk,
        "slug": call.slug,
        "title": call.title,
        "programme": call.programme.name,
        "kind": call.kind,
        "status": call.status,
        "opens_on": call.opens_on,
        "closes_on": call.closes_on,
        "url": f"/appels/{call.slug}/",
    }


@router.get("/calls", response=list[CallOut], summary="Calls (public; drafts for their admins)")
@paginate(PageNumberPagination, page_size=50)
def call_list(request, filters: Query[CallFilters]):
    calls = (
        Call.objects.visible_to(request.user)
        .select_related("programme")
        .order_by("-opens_on", "pk")
    )
    if filters.status:
        calls = calls.filter(status=filters.status.value)
    if filters.programme:
        calls = calls.filter(programme__slug=filters.programme)
    return mapped(calls, _call_out)


@router.get(
    "/calls/{call_id}", response=CallDetailOut, summary="A call, its published form and grid"
)
def call_detail(request, call_id: int):
    call = (
        Call.objects.visible_to(request.user).select_related("programme").filter(pk=call_id).first()
    )
    if call is None:
        raise Http404(f"Appel {call_id} introuvable.")
    form = published_form(call)
    grid = getattr(call, "grid", None)
    return {
        **_call_out(call),
        "description": call.description,
        "cutoffs": [
            {"date": c.date, "wave": c.wave.number if c.wave else None}
            for c in call.cutoffs.select_related("wave")
        ],
        "form_version": form.number if form else None,
        "form_schema": form.schema if form else None,
        "grid": {
            "scale_min": grid.scale_min,
            "scale_max": grid.scale_max,
            "scale_labels": grid.scale_labels,
            "comment_required_below": grid.comment_required_below,
            "criteria": [
                {
                    "id": c.pk,
                    "position": c.position,
                    "title": c.title,
                    "help_text": c.help_text,
                    "weight": float(c.weight),
                }
                for c in grid.criteria.all()
            ],
        }
        if grid
        else None,
    }
