"""Expert opinions over the API: the caller's review requests, the conflict declaration, the
opinion (draft or final), and an application's consolidation for programme staff. The same
services and visibility as the pages; reviews are never visible to applicants."""

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router
from pydantic import Field

from essaim.accounts.api_auth import BearerOrSession
from essaim.applications.models import Application
from essaim.core.api.filters import Id, choices_enum
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.core.inputs import SMALL_INT_MAX
from essaim.reviews import rules, services
from essaim.reviews.consolidation import consolidate
from essaim.reviews.models import ReviewRequest, ReviewStatus

router = Router(tags=["reviews"])


class MarkOut(Schema):
    criterion_id: int
    criterion: str
    mark: int
    comment: str


class ReviewOut(Schema):
    id: int
    application_id: int
    territory: str
    deadline: datetime.date
    status: str
    status_label: str
    overdue: bool
    requested_at: datetime.datetime
    conflict_declared_at: datetime.datetime | None
    expert: str
    # Filled once the expert declared no conflict of interest (always for programme staff).
    application_reference: str | None = None
    application_title: str | None = None
    recommendation: str = ""
    comment: str = ""
    submitted_at: datetime.datetime | None = None
    marks: list[MarkOut] = []
    url: str


class ConflictIn(Schema):
    has_conflict: bool
    details: str = Field(default="", max_length=2000)


class MarkIn(Schema):
    criterion_id: int
    mark: int | None = Field(None, ge=0, le=SMALL_INT_MAX)
    comment: str = ""


class ReviewIn(Schema):
    marks: list[MarkIn] = []
    recommendation: str = ""
    comment: str = ""
    submit: bool = Field(default=False, description="true gives the opinion (final)")


class ConsolidationCriterionOut(Schema):
    criterion_id: int
    title: str
    weight: float
    marks: list[int]
    mean: float | None
    spread: int | None
    disagreement: bool


class ConsolidationOut(Schema):
    application_id: int
    review_count: int
    total: float | None = Field(description="weighted total, out of 100")
    disagreement: bool
    scale_min: int | None
    scale_max: int | None
    disagreement_threshold: int | None
    recommendations: dict[str, int]
    criteria: list[ConsolidationCriterionOut]


def _queryset(user):
    return ReviewRequest.objects.visible_to(user).select_related("application__perimeter", "expert")


def _out(review: ReviewRequest, user) -> dict:
    shows_content = review.content_open or review.expert_id != user.pk
    data = {
        "id": review.pk,
        "application_id": review.application_id,
        "territory": str(review.application.perimeter),
        "deadline": review.deadline,
        "status": review.status,
        "status_label": str(review.get_status_display()),
        "overdue": review.is_overdue(),
        "requested_at": review.requested_at,
        "conflict_declared_at": review.conflict_declared_at,
        "expert": str(review.expert),
        "url": services.review_url(review),
    }
    if shows_content:
        data.update(
            application_reference=review.application.reference,
            application_title=review.application.title,
            recommendation=review.recommendation,
            comment=review.comment,
            submitted_at=review.submitted_at,
            marks=[
                {
                    "criterion_id": m.criterion_id,
                    "criterion": m.criterion.title,
                    "mark": m.mark,
                    "comment": m.comment,
                }
                for m in review.marks.all()
            ],
        )
    return data


def _get(request, review_id: int) -> ReviewRequest:
    review = _queryset(request.user).filter(pk=review_id).first()
    if review is None:
        raise Http404(_("Demande d'avis %(id)s introuvable.") % {"id": review_id})
    return review


MARK_KEY = re.compile(r"^(mark|comment)_(\d+)$")


def _api_errors(error: ValidationError) -> ValidationError:
    """The services name fields ``mark_<id>``/``comment_<id>`` (the page's form fields); the
    API names them after its payload: ``marks[<id>].mark``."""
    if not hasattr(error, "error_dict"):
        return error
    renamed = {}
    for field, messages in error.message_dict.items():
        match = MARK_KEY.match(field)
        key = f"marks[{match.group(2)}].{match.group(1)}" if match else field
        renamed[key] = messages
    return ValidationError(renamed)


ReviewStatusFilter = choices_enum("ReviewStatusFilter", ReviewStatus)


class ReviewFilters(Schema):
    status: ReviewStatusFilter | None = None
    application_id: Id | None = None


@router.get(
    "/reviews",
    response=list[ReviewOut],
    auth=BearerOrSession(),
    summary="The review requests the caller may see (an expert: those addressed to them)",
)
@paginate(PageNumberPagination, page_size=50)
def review_list(request, filters: Query[ReviewFilters]):
    reviews = (
        _queryset(request.user).prefetch_related("marks__criterion").order_by("deadline", "pk")
    )
    if filters.status:
        reviews = reviews.filter(status=filters.status.value)
    if filters.application_id:
        reviews = reviews.filter(application_id=filters.application_id)
    return mapped(reviews, lambda r: _out(r, request.user))


@router.get(
    "/reviews/{review_id}",
    response=ReviewOut,
    auth=BearerOrSession(),
    summary="One review request",
)
def review_detail(request, review_id: int):
    return _out(_get(request, review_id), request.user)


@router.post(
    "/reviews/{review_id}/conflict",
    response=ReviewOut,
    auth=BearerOrSession(),
    summary="Declare a conflict of interest, or none (which opens the application)",
)
def review_conflict(request, review_id: int, payload: ConflictIn):
    review = _get(request, review_id)
    if payload.has_conflict:
        review = services.review_declare_conflict(
            review=review, user=request.user, details=payload.details
        )
    else:
        review = services.review_declare_no_conflict(review=review, user=request.user)
    return _out(_get(request, review.pk), request.user)


@router.put(
    "/reviews/{review_id}",
    response=ReviewOut,
    auth=BearerOrSession(),
    summary="Save the opinion as a draft, or give it with submit=true",
)
def review_update(request, review_id: int, payload: ReviewIn):
    review = _get(request, review_id)
    marks = {m.criterion_id: (m.mark, m.comment) for m in payload.marks}
    try:
        if payload.submit:
            services.review_submit(
                review=review,
                user=request.user,
                marks=marks,
                recommendation=payload.recommendation,
                comment=payload.comment,
            )
        else:
            services.review_save_draft(
                review=review,
                user=request.user,
                marks=marks,
                recommendation=payload.recommendation,
                comment=payload.comment,
            )
    except ValidationError as error:
        raise _api_errors(error) from error
    return _out(_get(request, review.pk), request.user)


@router.get(
    "/applications/{application_id}/consolidation",
    response=ConsolidationOut,
    auth=BearerOrSession(),
    summary="The consolidated opinions of an application (programme staff only)",
)
def application_consolidation(request, application_id: int):
    application = (
        Application.objects.visible_to(request.user)
        .select_related("call")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise Http404(_("Candidature %(id)s introuvable.") % {"id": application_id})
    if not rules.can_see_consolidation(request.user, application):
        raise PermissionDenied(_("La consolidation des avis est réservée à l'équipe du programme."))
    item = consolidate([application])[application.pk]
    return {
        "application_id": item.application_id,
        "review_count": item.review_count,
        "total": item.total,
        "disagreement": item.disagreement,
        "scale_min": item.scale_min,
        "scale_max": item.scale_max,
        "disagreement_threshold": item.disagreement_threshold,
        "recommendations": item.recommendations,
        "criteria": [
            {
                "criterion_id": c.criterion_id,
                "title": c.title,
                "weight": float(c.weight),
                "marks": c.marks,
                "mean": c.mean,
                "spread": c.spread,
                "disagreement": c.disagreement,
            }
            for c in item.criteria
        ],
    }
