"""The instruction's writes in the API, as on the instruction page: private notes, the instructor
in charge, review requests to experts (ask, cancel). Scoped like the pages: the applications the
caller instructs (``Application.objects.instructed_by``), a 404 outside; the services check who
may (``essaim.reviews.rules``) and write."""

import datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status
from pydantic import Field

from essaim.accounts.api_auth import BearerOrSession
from essaim.applications import rules as application_rules
from essaim.applications.models import Application, PrivateNote
from essaim.calls.models import Programme
from essaim.core.api.filters import Id
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.reviews import rules as review_rules
from essaim.reviews import services
from essaim.reviews.api import ReviewOut, _out, _queryset
from essaim.reviews.bulk import bulk_done
from essaim.reviews.models import ReviewRequest

router = Router(tags=["reviews"])

MAX_NOTE = 20_000
MAX_EXPERTS = 50
MAX_BULK = 200


class NoteIn(Schema):
    body: str = Field(min_length=1, max_length=MAX_NOTE)


class NoteOut(Schema):
    id: int
    application_id: int
    author: str
    body: str
    created_at: datetime.datetime


class AssigneeIn(Schema):
    assignee_id: Id | None = Field(description="a staff member of the programme; null: nobody")


class AssigneeOut(Schema):
    application_id: int
    reference: str
    assignee_id: int | None
    assignee: str | None


class ReviewRequestIn(Schema):
    expert_ids: list[Id] = Field(min_length=1, max_length=MAX_EXPERTS)
    deadline: datetime.date


class ReviewCancelIn(Schema):
    comment: str = Field(default="", max_length=2000, description="told to the expert")


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """The services name the page's form fields; the API names its payload's."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(f, f): m for f, m in error.message_dict.items()})


def _application(request, application_id: int) -> Application:
    application = (
        Application.objects.instructed_by(request.user)
        .select_related("call__programme", "perimeter", "assignee")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise Http404(_("Candidature %(id)s introuvable.") % {"id": application_id})
    return application


def _note_out(note: PrivateNote) -> dict:
    return {
        "id": note.pk,
        "application_id": note.application_id,
        "author": str(note.author),
        "body": note.body,
        "created_at": note.created_at,
    }


@router.get(
    "/applications/{application_id}/notes",
    response=list[NoteOut],
    auth=BearerOrSession(),
    summary="An application's private notes (its programme's staff), oldest first",
)
@paginate(PageNumberPagination, page_size=50)
def note_list(request, application_id: int):
    application = _application(request, application_id)
    return mapped(
        PrivateNote.objects.filter(application=application)
        .select_related("author")
        .order_by("created_at", "pk"),
        _note_out,
    )


@router.post(
    "/applications/{application_id}/notes",
    response={201: NoteOut},
    auth=BearerOrSession(),
    summary="Write a private note (never shown to applicants or experts)",
)
def note_create(request, application_id: int, payload: NoteIn):
    application = _application(request, application_id)
    note = services.private_note_create(
        application=application, user=request.user, body=payload.body
    )
    return Status(201, _note_out(note))


@router.put(
    "/applications/{application_id}/assignee",
    response=AssigneeOut,
    auth=BearerOrSession(),
    summary="Put an instructor (the programme's staff) in charge, or nobody",
)
def application_assign(request, application_id: int, payload: AssigneeIn):
    application = _application(request, application_id)
    assignee = None
    if payload.assignee_id is not None:
        assignee = get_user_model().objects.filter(pk=payload.assignee_id).first()
        if assignee is None:
            raise ValidationError({"assignee_id": _("Instructeur inconnu.")})
    try:
        application = services.application_assign(
            application=application, user=request.user, assignee=assignee
        )
    except ValidationError as error:
        raise _renamed(error, {"assignee": "assignee_id"}) from error
    return {
        "application_id": application.pk,
        "reference": application.reference,
        "assignee_id": application.assignee_id,
        "assignee": str(application.assignee) if application.assignee_id else None,
    }


@router.post(
    "/applications/{application_id}/review-requests",
    response={201: list[ReviewOut]},
    auth=BearerOrSession(),
    summary="Ask experts of the programme for an opinion by a deadline",
)
def review_request_create(request, application_id: int, payload: ReviewRequestIn):
    """One request per expert; an expert already asked (request alive) is refused (422)."""
    application = _application(request, application_id)
    experts = list(get_user_model().objects.filter(pk__in=payload.expert_ids))
    if len(experts) != len(set(payload.expert_ids)):
        raise ValidationError({"expert_ids": _("Expert inconnu.")})
    try:
        created = services.review_request_create(
            application=application,
            user=request.user,
            experts=experts,
            deadline=payload.deadline,
        )
    except ValidationError as error:
        raise _renamed(error, {"experts": "expert_ids", "application": "application_id"}) from error
    reviews = _queryset(request.user).filter(pk__in=[r.pk for r in created]).order_by("pk")
    return Status(
        201, [_out(r, request.user) for r in reviews.prefetch_related("marks__criterion")]
    )


@router.post(
    "/reviews/{review_id}/cancel",
    response={200: ReviewOut, 409: dict},
    auth=BearerOrSession(),
    summary="Cancel a review request still pending or in progress (its programme's staff)",
)
def review_cancel(request, review_id: int, payload: ReviewCancelIn):
    review = (
        ReviewRequest.objects.filter(
            application__in=Application.objects.instructed_by(request.user)
        )
        .select_related("application")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise Http404(_("Demande d'avis %(id)s introuvable.") % {"id": review_id})
    try:
        services.review_cancel(review=review, user=request.user, comment=payload.comment)
    except ValidationError as error:
        if getattr(error, "error_dict", None) and set(error.error_dict) == {"status"}:
            return Status(409, {"detail": " ".join(error.message_dict["status"])})
        raise
    return Status(200, _out(_queryset(request.user).get(pk=review.pk), request.user))


# --- Bulk actions of the instruction queue --------------------------------------------------


class BulkActionIn(Schema):
    action: Literal["assign_me", "assign", "start_review", "request_review"] = Field(
        description="as the queue's bulk actions"
    )
    application_ids: list[Id] = Field(min_length=1, max_length=MAX_BULK)
    assignee_id: Id | None = Field(None, description="assign: a staff member of the programme")
    expert_ids: list[Id] = Field([], max_length=MAX_EXPERTS, description="request_review")
    deadline: datetime.date | None = Field(None, description="request_review")


class BulkActionOut(Schema):
    action: str
    application_ids: list[int]
    detail: str


class BulkRefusedOut(Schema):
    detail: str
    refused: list[str] = Field(description="per application: its reference and why")


def _bulk_choices(user, payload: BulkActionIn) -> dict:
    """The action's choices, checked like the queue's form (``reviews.bulk.BulkForm``)."""
    programmes = application_rules.instructed_programmes(user)
    data: dict = {"assignee": None, "experts": [], "deadline": payload.deadline}
    if payload.action == "assign":
        if payload.assignee_id is None:
            raise ValidationError({"assignee_id": _("Choisissez l'instructeur à qui attribuer.")})
        data["assignee"] = (
            application_rules.assignable_staff(programmes).filter(pk=payload.assignee_id).first()
        )
        if data["assignee"] is None:
            raise ValidationError({"assignee_id": _("Instructeur inconnu.")})
    if payload.action == "request_review":
        errors = {}
        if not payload.expert_ids:
            errors["expert_ids"] = _("Choisissez au moins un expert.")
        if payload.deadline is None:
            errors["deadline"] = _("Indiquez la date limite de l'avis.")
        if errors:
            raise ValidationError(errors)
        experts = review_rules.experts_of(programmes.filter(Programme.objects.all(), "pk"))
        data["experts"] = list(experts.filter(pk__in=payload.expert_ids))
        if len(data["experts"]) != len(set(payload.expert_ids)):
            raise ValidationError({"expert_ids": _("Expert inconnu.")})
    return data


@router.post(
    "/instruction/bulk-actions",
    response={200: BulkActionOut, 409: BulkRefusedOut},
    auth=BearerOrSession(),
    summary="Apply one action of the instruction queue to several applications, all or nothing",
)
def applications_bulk_action(request, payload: BulkActionIn):
    """As the queue's bulk actions: when one application cannot take the action, nothing is done
    and the 409 lists, per application, why. An application the caller does not instruct: 404."""
    if not application_rules.can_instruct_somewhere(request.user):
        raise PermissionDenied(_("Cette page est réservée à l'équipe du programme."))
    ids = sorted(set(payload.application_ids))
    applications = list(
        Application.objects.instructed_by(request.user)
        .filter(pk__in=ids)
        .select_related("call", "perimeter")
        .order_by("pk")
    )
    if len(applications) != len(ids):
        raise Http404(_("Candidature introuvable parmi celles que vous instruisez."))
    data = _bulk_choices(request.user, payload)
    try:
        services.applications_bulk_action(
            applications=applications, user=request.user, action=payload.action, data=data
        )
    except ValidationError as refused:
        detail = _(
            "Rien n'a été fait : %(count)s candidature(s) ne peuvent pas recevoir cette action."
        ) % {"count": len(refused.messages)}
        return Status(409, {"detail": detail, "refused": refused.messages})
    return Status(
        200,
        {
            "action": payload.action,
            "application_ids": ids,
            "detail": bulk_done(payload.action, data, len(applications)),
        },
    )
