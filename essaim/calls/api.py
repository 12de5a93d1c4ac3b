"""Calls in the API: public list and detail with the published form schema and scoring grid;
the programme admins' status moves, cut-offs, and a call's creation and edit (its form and grid:
``calls.api_edit``)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.calls import rules, services
from essaim.calls.models import Call, CallKind, CallPurpose, CallStatus, CutOff, Wave
from essaim.calls.services import published_form
from essaim.core.api.filters import MAX_ID, Code, Id, choices_enum
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema

router = Router(tags=["calls"])
CallStatusFilter = choices_enum("CallStatusFilter", CallStatus)


class CallFilters(Schema):
    status: CallStatusFilter | None = None
    programme: Code | None = Field(None, description="the programme's slug")


class CutOffOut(Schema):
    id: int
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


def _cutoff_out(cutoff: CutOff) -> dict:
    return {
        "id": cutoff.pk,
        "date": cutoff.date,
        "wave": cutoff.wave.number if cutoff.wave else None,
    }


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
            _cutoff_out(c) for c in call.cutoffs.select_related("wave").order_by("date", "pk")
        ],
        "form_version": form.number if form else None,
        "form_schema": form.schema if form else None,
        "grid": grid_out(grid) if grid else None,
    }


def grid_out(grid) -> dict:
    """A scoring grid as the API shows it (a call's detail, the grid's replacement)."""
    return {
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
            for c in grid.criteria.order_by("position", "pk")
        ],
    }


# --- The programme admins' actions: status and cut-offs (form and grid: calls.api_edit) -------


def _managed_call(request, call_id: int) -> Call:
    """As the call's admin pages: a call the caller may not see (another programme's draft) is a
    404; a public call of another programme a 403 (it is public anyway)."""
    call = (
        Call.objects.visible_to(request.user).select_related("programme").filter(pk=call_id).first()
    )
    if call is None:
        raise Http404(_("Appel %(id)s introuvable.") % {"id": call_id})
    if not rules.can_manage_call(request.user, call):
        raise PermissionDenied(_("Réservé aux administrateurs du programme."))
    return call


CallStatusChoice = choices_enum("CallStatusChoice", CallStatus)


class CallStatusIn(Schema):
    status: CallStatusChoice = Field(
        description="draft → open → closed → open or archived (opening needs a published form)"
    )


@router.post(
    "/calls/{call_id}/status",
    response={200: CallOut, 409: dict},
    auth=BearerOrSession(),
    summary="Open, close or archive a call (the programme's admins)",
)
def call_status(request, call_id: int, payload: CallStatusIn):
    """A move the call's state does not allow (or opening without a published form) is a 409
    saying why."""
    call = _managed_call(request, call_id)
    try:
        call = services.call_set_status(user=request.user, call=call, status=payload.status.value)
    except ValidationError as exc:
        if getattr(exc, "error_dict", None) and set(exc.error_dict) == {"status"}:
            return Status(409, {"detail": " ".join(exc.messages)})
        raise
    return Status(200, _call_out(call))


class CutOffIn(Schema):
    date: date
    wave_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="the wave (of the call's programme) it feeds"
    )


@router.post(
    "/calls/{call_id}/cutoffs",
    response={201: CutOffOut},
    auth=BearerOrSession(),
    summary="Add a cut-off date to a call (the programme's admins)",
)
def cutoff_add(request, call_id: int, payload: CutOffIn):
    """A date the call already has, or a wave of another programme, is a 422 naming the field."""
    call = _managed_call(request, call_id)
    wave = None
    if payload.wave_id is not None:
        wave = Wave.objects.filter(pk=payload.wave_id, programme_id=call.programme_id).first()
        if wave is None:
            raise ValidationError({"wave_id": _("Vague inconnue dans ce programme.")})
    cutoff = services.cutoff_add(user=request.user, call=call, date=payload.date, wave=wave)
    return Status(201, _cutoff_out(cutoff))


@router.delete(
    "/calls/{call_id}/cutoffs/{cutoff_id}",
    response={204: None, 409: dict},
    auth=BearerOrSession(),
    summary="Remove a cut-off no application is attached to (the programme's admins)",
)
def cutoff_remove(request, call_id: int, cutoff_id: int):
    """A cut-off applications are attached to is kept: a 409."""
    call = _managed_call(request, call_id)
    cutoff = CutOff.objects.filter(call=call, pk=cutoff_id).select_related("call").first()
    if cutoff is None:
        raise Http404(_("Date limite %(id)s introuvable.") % {"id": cutoff_id})
    try:
        services.cutoff_remove(user=request.user, cutoff=cutoff)
    except ValidationError as exc:
        return Status(409, {"detail": " ".join(exc.messages)})
    return Status(204, None)


# --- A call's creation and edit (as calls:create and calls:manage) -----------------------------

CallKindChoice = choices_enum("CallKindChoice", CallKind)
CallPurposeChoice = choices_enum("CallPurposeChoice", CallPurpose)
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
MAX_TEXT = 20_000


class CallCreateIn(Schema):
    programme_id: Id = Field(description="a programme the caller administers")
    title: str = Field(min_length=1, max_length=255)
    slug: str = Field(min_length=1, max_length=100, pattern=SLUG_PATTERN)
    kind: CallKindChoice = CallKindChoice(CallKind.PERMANENT_AMI.value)
    purpose: CallPurposeChoice = CallPurposeChoice(CallPurpose.LABEL.value)
    description: str = Field("", max_length=MAX_TEXT)
    opens_on: date | None = None
    closes_on: date | None = None


class CallPatchIn(Schema):
    """Only the fields sent change; ``null`` clears a date."""

    title: str | None = Field(None, min_length=1, max_length=255)
    slug: str | None = Field(None, min_length=1, max_length=100, pattern=SLUG_PATTERN)
    kind: CallKindChoice | None = None
    purpose: CallPurposeChoice | None = None
    description: str | None = Field(None, max_length=MAX_TEXT)
    opens_on: date | None = None
    closes_on: date | None = None


def _fields(sent: dict) -> dict:
    data = {}
    for name, value in sent.items():
        if name in {"opens_on", "closes_on"}:
            data[name] = value
        elif value is not None:
            data[name] = value.value if name in {"kind", "purpose"} else value
    return data


@router.post(
    "/calls",
    auth=BearerOrSession(),
    response={201: CallOut},
    summary="Create a call in preparation, with an empty scoring grid (a programme's admins)",
)
def call_create(request, payload: CallCreateIn):
    """Its slug taken, or dates out of order, is a 422 naming the field; a programme the caller
    does not administer is a 422 naming ``programme_id`` (as the page's choice)."""
    if not rules.can_create_call(request.user):
        raise PermissionDenied(_("Réservé aux administrateurs du programme."))
    programme = rules.managed_programmes(request.user).filter(pk=payload.programme_id).first()
    if programme is None:
        raise ValidationError(
            {"programme_id": _("Choisissez un programme dont vous êtes administrateur.")}
        )
    data = _fields(payload.dict(exclude={"programme_id"}))
    call = services.call_create(user=request.user, programme=programme, **data)
    return Status(201, _call_out(call))


@router.patch(
    "/calls/{call_id}",
    auth=BearerOrSession(),
    response=CallOut,
    summary="Change a call's title, identifier, kind, presentation or dates (its status: /status)",
)
def call_update(request, call_id: int, payload: CallPatchIn):
    call = _managed_call(request, call_id)
    call = Call.objects.select_related("programme").get(pk=call.pk)
    data = _fields(payload.dict(exclude_unset=True))
    call = services.call_update(user=request.user, call=call, **data)
    return _call_out(call)
