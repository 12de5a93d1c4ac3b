"""Applications in the API, scoped to the caller (``visible_to``); the same services, table and
permissions as the pages."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from pydantic import Field

from essaim.accounts.api_auth import BearerOrSession
from essaim.applications import queries, rules
from essaim.applications.completeness import missing_items
from essaim.applications.models import Application
from essaim.applications.services import allowed_transitions, application_transition, applying
from essaim.applications.workflow import BY_NAME, EDITABLE_STATES, ApplicantStatus
from essaim.applications.workflow import Status as WorkflowStatus
from essaim.calls.models import Call
from essaim.core.api.filters import Code, Id, WaveNumber, choices_enum
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.geo.models import Perimeter

router = Router(tags=["applications"])
ShownStatus = choices_enum("ShownStatus", WorkflowStatus, ApplicantStatus)


class ChallengeOut(Schema):
    title: str
    description: str
    lines: list[str]


class MemberOut(Schema):
    organisation: str
    organisation_id: int
    role: str


class ApplicationOut(Schema):
    id: int
    reference: str
    title: str
    call_id: int
    status: str = Field(
        description="The state as the caller sees it: the programme's staff see the workflow's "
        "state; the applicants see `in_committee` (en comité) instead of `in_review`, "
        "`proposed`, `labelled` or `not_labelled` until the application's wave is published."
    )
    status_label: str
    perimeter: str
    perimeter_slug: str
    collective: str
    wave: int | None
    submitted_at: datetime | None
    updated_at: datetime
    is_fictitious: bool
    url: str


class HistoryOut(Schema):
    at: datetime
    actor: str | None
    action: str
    action_label: str
    from_state: str
    to_state: str
    comment: str
    internal: bool = Field(description="an internal note of the programme's staff")


class DecisionOut(Schema):
    outcome: str
    outcome_label: str
    motivation: str = Field(description="empty when the motivation is not addressed to the caller")
    motivation_addressed: bool
    public: bool = Field(description="whether the wave is published")


class ApplicationDetailOut(ApplicationOut):
    summary: str
    form_version: int
    answers: dict
    members: list[MemberOut]
    challenges: list[ChallengeOut]
    missing: list[dict]
    transitions: list[str]
    history: list[HistoryOut] = Field(
        description="What the caller may see of the history: the applicants see only the "
        "comments addressed to them, and a decision once its wave is published"
    )
    decision: DecisionOut | None = Field(
        description="The committee's decision; for the applicants, once the wave is published"
    )


class ApplicationIn(Schema):
    call_id: int
    title: str = Field(min_length=1, max_length=255)
    perimeter_slug: str


class AnswersIn(Schema):
    title: str | None = Field(default=None, max_length=255)
    summary: str | None = None
    answers: dict = Field(default_factory=dict)


class ApplicationTransitionIn(Schema):
    comment: str = ""
    audience: Literal["addressed", "internal"] | None = Field(
        default=None,
        description="Who reads the comment: `addressed` to the applicant (also a message of the "
        "thread) or an `internal` note of the programme's staff. Default: the action's "
        "(internal, except `request_changes` and the applicants' own actions, always addressed).",
    )


# What ``_out`` reads (and the list's order and cursor).
LIST_COLUMNS = (
    "reference",
    "title",
    "call_id",
    "status",
    "submitted_at",
    "updated_at",
    "is_fictitious",
    "perimeter__name",
    "perimeter__slug",
    "collective__name",
    "wave__number",
)


def _out(application: Application, status: str) -> dict:
    return {
        "id": application.pk,
        "reference": application.reference,
        "title": application.title,
        "call_id": application.call_id,
        "status": status,
        "status_label": queries.status_label(status),
        "perimeter": application.perimeter.name,
        "perimeter_slug": application.perimeter.slug,
        "collective": application.collective.name,
        "wave": application.wave.number if application.wave_id else None,
        "submitted_at": application.submitted_at,
        "updated_at": application.updated_at,
        "is_fictitious": application.is_fictitious,
        "url": application.get_absolute_url(),
    }


def _detail(application: Application, user) -> dict:
    is_staff = rules.can_instruct(user, application)
    decision = queries.decision_visible_to(user, application)
    return {
        **_out(application, queries.shown_status(user, application)),
        "summary": application.summary,
        "form_version": application.form_version.number,
        "answers": application.answers,
        "members": [
            {
                "organisation": m.organisation.name,
                "organisation_id": m.organisation_id,
                "role": m.role,
            }
            for m in application.collective.members.select_related("organisation")
        ],
        "challenges": [
            {"title": c.title, "description": c.description, "lines": c.lines}
            for c in application.challenges.all()
        ],
        "missing": [
            {"field": m.field, "message": m.message}
            for m in (
                missing_items(application)
                if application.status in EDITABLE_STATES or is_staff
                else []
            )
        ],
        "transitions": [t.name for t in allowed_transitions(application, user)],
        "history": [
            {
                "at": entry.at,
                "actor": str(entry.actor) if entry.actor else None,
                "action": entry.action,
                "action_label": entry.action_label,
                "from_state": entry.from_state,
                "to_state": entry.to_state,
                "comment": entry.comment,
                "internal": entry.internal,
            }
            for entry in queries.history_visible_to(user, application)
        ],
        "decision": None
        if decision is None
        else {
            "outcome": decision.outcome,
            "outcome_label": decision.outcome_label,
            "motivation": decision.motivation,
            "motivation_addressed": decision.motivation_addressed,
            "public": decision.public,
        },
    }


def _get(request, application_id: int) -> Application:
    application = (
        Application.objects.visible_to(request.user)
        .select_related(
            "perimeter", "collective", "wave", "form_version", "call", "decision", "label"
        )
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise Http404(_("Candidature %(id)s introuvable.") % {"id": application_id})
    return application


class ApplicationFilters(Schema):
    status: ShownStatus | None = Field(
        None, description="the state as the caller sees it (see `status`)"
    )
    call_id: Id | None = None
    programme: Code | None = Field(None, description="the call's programme (slug)")
    wave: WaveNumber | None = None
    updated_since: datetime | None = Field(
        None, description="changed at or after this instant (ISO 8601): what to synchronise"
    )


@router.get(
    "/applications",
    response=list[ApplicationOut],
    auth=BearerOrSession(),
    summary="Applications the caller may see",
)
@paginate(PageNumberPagination, page_size=50)
def application_list(request, filters: Query[ApplicationFilters]):
    """Most recently changed first. The filters narrow what the caller may see."""
    applications = (
        queries.with_shown_status(Application.objects.visible_to(request.user), request.user)
        .select_related("perimeter", "collective", "wave")
        .only(*LIST_COLUMNS)  # not the answers' JSON: 50 of them decoded for nothing
        .order_by("-updated_at", "pk")
    )
    if filters.status:
        applications = applications.filter(shown_status=filters.status.value)
    if filters.call_id:
        applications = applications.filter(call_id=filters.call_id)
    if filters.programme:
        applications = applications.filter(call__programme__slug=filters.programme)
    if filters.wave:
        applications = applications.filter(wave__number=filters.wave)
    if filters.updated_since:
        applications = applications.filter(updated_at__gte=filters.updated_since)
    return mapped(applications, lambda a: _out(a, a.shown_status))


@router.get(
    "/applications/{application_id}",
    response=ApplicationDetailOut,
    auth=BearerOrSession(),
    summary="One application",
)
def application_detail(request, application_id: int):
    return _detail(_get(request, application_id), request.user)


@router.post(
    "/applications",
    response={201: ApplicationDetailOut},
    auth=BearerOrSession(),
    summary="Start a draft",
)
def application_create(request, payload: ApplicationIn):
    call = Call.objects.visible_to(request.user).filter(pk=payload.call_id).first()
    if call is None:
        raise ValidationError({"call_id": _("Appel %(id)s introuvable.") % {"id": payload.call_id}})
    perimeter = Perimeter.objects.filter(slug=payload.perimeter_slug).first()
    if perimeter is None:
        raise ValidationError(
            {
                "perimeter_slug": _("Territoire « %(slug)s » introuvable.")
                % {"slug": payload.perimeter_slug}
            }
        )
    application = applying.application_create(
        user=request.user, call=call, perimeter=perimeter, title=payload.title
    )
    return Status(201, _detail(application, request.user))


@router.patch(
    "/applications/{application_id}",
    response=ApplicationDetailOut,
    auth=BearerOrSession(),
    summary="Change the title, summary and answers (validated by the form engine)",
)
def application_patch(request, application_id: int, payload: AnswersIn):
    application = _get(request, application_id)
    result = applying.application_save_answers(
        user=request.user, application=application, data=payload.answers
    )
    if result.errors:
        # Valid answers are saved all the same; the errors name the field paths.
        raise ValidationError(
            {f"answers.{path}": message for path, message in result.errors.items()}
        )
    if payload.title is not None or payload.summary is not None:
        applying.application_update(
            user=request.user,
            application=application,
            title=payload.title if payload.title is not None else application.title,
            summary=payload.summary if payload.summary is not None else application.summary,
        )
    return _detail(_get(request, application_id), request.user)


@router.post(
    "/applications/{application_id}/transitions/{name}",
    response={200: ApplicationDetailOut, 409: dict},
    auth=BearerOrSession(),
    summary="Take a workflow action (same table and permissions as the pages)",
)
def application_transition_api(
    request, application_id: int, name: str, payload: ApplicationTransitionIn
):
    application = _get(request, application_id)
    if name not in BY_NAME:
        raise Http404(_("Action inconnue : « %(name)s ».") % {"name": name})
    try:
        application = application_transition(
            application=application,
            user=request.user,
            name=name,
            comment=payload.comment,
            audience=payload.audience,
        )
    except ValidationError as exc:
        if (
            getattr(exc, "error_dict", None)
            and "status" in exc.error_dict
            and len(exc.error_dict) == 1
        ):
            return Status(409, {"detail": " ".join(exc.message_dict["status"])})
        raise
    return Status(200, _detail(_get(request, application.pk), request.user))
