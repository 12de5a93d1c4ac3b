"""A call's form and grid in the API, as on its admin pages (``calls:form_edit``,
``calls:form_publish``, ``calls:grid_edit``): save its form's draft version and publish it,
replace its scoring grid — its programme's admins.
Scoped like the pages (another programme's draft: a 404; its public call: a 403); the writes go
through ``essaim.calls.services``. A published form version never changes: a new one is drafted
then published."""

import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.calls import services
from essaim.calls.api import GridOut, _managed_call, grid_out
from essaim.calls.formdiff import describe_changes, error_in_words
from essaim.calls.formschema import schema_errors
from essaim.calls.models import Call
from essaim.core.api.filters import Id
from essaim.core.api.schema import Schema

router = Router(tags=["calls"], auth=BearerOrSession())

MAX_TEXT = 20_000
SCALE_MAX = 100


# --- The form's draft version --------------------------------------------------------------------


class FormChangeOut(Schema):
    kind: str = Field(description="added, removed, moved or changed")
    text: str


class FormDraftOut(Schema):
    number: int
    form_schema: dict
    changes: list[FormChangeOut] = Field(description="against the published version, in words")
    drafts_count: int = Field(description="draft applications publishing it would move to it")
    blocked_count: int = Field(description="those of them that could no longer be submitted")


class FormDraftIn(Schema):
    form_schema: dict = Field(
        max_length=20,
        description="the form's definition, as the page's editor writes it: {'sections': […]}",
    )


def _draft_out(call: Call, draft) -> dict:
    published = services.published_form(call)
    drafts = services.version_drafts(draft)
    return {
        "number": draft.number,
        "form_schema": draft.schema,
        "changes": [
            {"kind": c.kind, "text": c.text}
            for c in describe_changes(published.schema if published else {}, draft.schema)
        ],
        "drafts_count": len(drafts),
        "blocked_count": sum(1 for d in drafts if d.blocked),
    }


@router.get(
    "/calls/{call_id}/form-draft",
    response=FormDraftOut,
    summary="The call's form draft version (not seen by applicants) and what it changes",
)
def form_draft(request, call_id: int):
    call = _managed_call(request, call_id)
    draft = services.draft_form(call)
    if draft is None:
        raise Http404(_("Aucun brouillon : enregistrez d'abord une nouvelle version."))
    return _draft_out(call, draft)


@router.put(
    "/calls/{call_id}/form-draft",
    response=FormDraftOut,
    summary="Save the call's form draft version (created after the published one if none)",
)
def form_draft_save(request, call_id: int, payload: FormDraftIn):
    """A definition the form engine refuses is a 422 on ``form_schema``, each problem with its place
    in words (« Section « Territoire », question « Code » : … »), as on the page."""
    call = _managed_call(request, call_id)
    schema = payload.form_schema
    problems = [error_in_words(schema, e) for e in schema_errors(schema)]
    if problems:
        raise ValidationError({"form_schema": problems})
    draft = services.formversion_save(user=request.user, call=call, schema=schema)
    return _draft_out(call, draft)


class FormPublishedOut(Schema):
    number: int
    published_at: datetime.datetime
    blocked_count: int = Field(
        description="draft applications that must complete or correct their answers"
    )


@router.post(
    "/calls/{call_id}/form-draft/publish",
    response={200: FormPublishedOut, 409: dict},
    summary="Publish the draft version: the form of new applications and of drafts in progress",
)
def form_publish(request, call_id: int):
    """Irreversible. No draft to publish is a 409; submitted applications keep their version."""
    call = _managed_call(request, call_id)
    draft = services.draft_form(call)
    if draft is None:
        return Status(409, {"detail": _("Aucun brouillon à publier : rien n'a été publié.")})
    blocked = sum(1 for d in services.version_drafts(draft) if d.blocked)
    try:
        version = services.formversion_publish(user=request.user, version=draft)
    except ValidationError as exc:
        return Status(409, {"detail": " ".join(exc.messages)})
    return Status(
        200,
        {"number": version.number, "published_at": version.published_at, "blocked_count": blocked},
    )


# --- The scoring grid ----------------------------------------------------------------------------


class CriterionIn(Schema):
    id: Id | None = Field(None, description="a criterion of the grid to keep; none: a new one")
    title: str = Field(min_length=1, max_length=255)
    help_text: str = Field("", max_length=MAX_TEXT)
    weight: Decimal = Field(Decimal(1), gt=0, le=999, max_digits=5, decimal_places=2)


Score = Annotated[int, Field(ge=0, le=SCALE_MAX)]


class GridIn(Schema):
    scale_min: Score = 0
    scale_max: Score = 4
    scale_labels: dict[
        Annotated[str, Field(max_length=3)], Annotated[str, Field(max_length=100)]
    ] = Field(
        {}, max_length=SCALE_MAX + 1, description="a mark → its words, e.g. {'4': 'Excellent'}"
    )
    comment_required_below: int | None = Field(
        None, ge=0, le=SCALE_MAX + 1, description="a comment is required under this mark"
    )
    disagreement_threshold: Score = 2
    criteria: list[CriterionIn] = Field(min_length=1, max_length=50, description="in order")


@router.put(
    "/calls/{call_id}/grid",
    response={200: GridOut, 409: dict},
    summary="Replace the call's scoring grid: its scale and its criteria, in order",
)
def grid_save(request, call_id: int, payload: GridIn):
    """Criteria left out are removed, except those marks were given on (a 409); a scale out of
    order or a label outside it is a 422 naming the field."""
    call = _managed_call(request, call_id)
    try:
        grid = services.grid_save(
            user=request.user,
            call=call,
            scale_min=payload.scale_min,
            scale_max=payload.scale_max,
            scale_labels=payload.scale_labels,
            comment_required_below=payload.comment_required_below,
            disagreement_threshold=payload.disagreement_threshold,
            criteria=[item.dict() for item in payload.criteria],
        )
    except ValidationError as exc:
        marked = [
            e
            for e in getattr(exc, "error_dict", {}).get("criteria", [])
            if e.code == services.GRID_CRITERION_MARKED
        ]
        if marked:
            return Status(409, {"detail": " ".join(m.messages[0] for m in marked)})
        raise
    return grid_out(grid)
