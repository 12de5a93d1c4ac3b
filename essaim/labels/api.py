"""API of waves and labels: ``GET /waves``, ``GET /labels?wave=N``, ``GET /labels/verify/{code}``
(only published waves' labels are public), and the programme staff's committee: a wave's
applications and decisions (``GET /waves/{id}/committee``, its staff only: a decision is never
shown elsewhere before the wave's publication), ``POST /waves/{id}/decisions``, ``/publish`` and
``POST /labels/{id}/revoke``, a wave's creation and edit (``POST /waves``, ``PATCH
/waves/{id}``: a published wave is not changed, a 409), a published wave's certificates as one
background job (``GET``/``POST /waves/{id}/certificates``) (its admins), through
``essaim.labels.services`` and ``services_certificates``."""

import datetime
from typing import Annotated

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.accounts.api_jobs import JobOut, job_out
from essaim.applications.models import Application
from essaim.calls.models import Wave, WaveStatus
from essaim.core import cache
from essaim.core.api.filters import MAX_ID, Code, Id, WaveNumber, choices_enum
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.labels import publication, queries, rules, services, services_certificates
from essaim.labels.models import Label, LabelState, LabelStatus, Outcome
from essaim.labels.queries import public_labels

router = Router(tags=["labels"])


class WaveOut(Schema):
    id: int
    programme: str
    number: int
    title: str
    committee_on: datetime.date | None
    announced_on: datetime.date | None
    announced_at: str
    status: str
    status_label: str = Field(description="the state in words, as the pages show it")
    published_at: datetime.datetime | None
    label_count: int


class LabelOut(Schema):
    id: int
    territory: str
    territory_slug: str
    perimeter_id: int
    programme: str
    wave: int
    granted_on: datetime.date
    valid_until: datetime.date | None
    status: str
    state: str
    state_label: str = Field(description="`state` in words, as the pages show it")
    revoked_at: datetime.datetime | None
    revocation_reason: str
    verification_code: str
    verification_url: str
    certificate_url: str | None
    url: str


class VerificationOut(Schema):
    code: str
    state: str
    message: str
    label: LabelOut


def _label_out(label: Label) -> dict:
    base = settings.ESSAIM_BASE_URL
    state = label.state
    return {
        "id": label.pk,
        "territory": label.perimeter.name,
        "territory_slug": label.perimeter.slug,
        "perimeter_id": label.perimeter_id,
        "programme": label.programme.name,
        "wave": label.wave.number,
        "granted_on": label.granted_on,
        "valid_until": label.valid_until,
        "status": label.status,
        "state": state,
        "state_label": str(LabelState(state).label),
        "revoked_at": label.revoked_at,
        "revocation_reason": label.revocation_reason,
        "verification_code": label.verification_code,
        "verification_url": label.verification_full_url,
        "certificate_url": base + label.get_certificate_url() if state == "valid" else None,
        "url": base + label.get_absolute_url(),
    }


class WaveFilters(Schema):
    programme: Code | None = Field(None, description="the programme's slug")


class LabelFilters(Schema):
    wave: WaveNumber | None = None
    region: Code | None = Field(None, description="a région's INSEE code (e.g. 75)")


def _wave_out(w: Wave) -> dict:
    return {
        "id": w.pk,
        "programme": w.programme.name,
        "number": w.number,
        "title": str(w),
        "committee_on": w.committee_on,
        "announced_on": w.announced_on,
        "announced_at": w.announced_at,
        "status": w.status,
        "status_label": str(w.get_status_display()),
        "published_at": w.published_at,
        "label_count": w.label_count,
    }


@router.get(
    "/waves",
    response=list[WaveOut],
    summary="Waves (published ones; every wave of the caller's programmes for their staff)",
)
@paginate(PageNumberPagination)
def wave_list(request, filters: Query[WaveFilters]):
    """The published waves, and every wave of the programmes the caller is staff of, with their
    dates, place, status and number of labels granted (published waves only count labels)."""
    waves = (
        Wave.objects.visible_to(request.user)
        .select_related("programme")
        .annotate(label_count=Count("labels", filter=Q(status=WaveStatus.PUBLISHED), distinct=True))
        .order_by("programme__name", "number")
    )
    if filters.programme:
        waves = waves.filter(programme__slug=filters.programme)
    return mapped(waves, _wave_out)


@router.get("/labels", response=list[LabelOut], summary="Labels of published waves")
@paginate(PageNumberPagination, public_topics=(cache.LABELS,))  # the same list for every caller
def label_list(request, filters: Query[LabelFilters]):
    """The labels of published waves, optionally of wave number ``wave`` or of the territories
    of a ``region``; each with its territory, verification code, certificate URL and public
    territory page."""
    labels = public_labels(wave_number=filters.wave, region_code=filters.region or "")
    return mapped(labels, _label_out)


@router.get(
    "/labels/verify/{code}",
    response=VerificationOut,
    summary="Verify a label certificate's code",
)
def label_verify(request, code: str):
    """``state`` is ``valid``, ``expired`` or ``revoked``; an unknown code is a 404."""
    label = Label.objects.public().select_related("perimeter", "wave", "programme").with_code(code)
    if label is None:
        raise Http404(
            _("Code « %(code)s » introuvable (not found) : aucun label ne le porte.")
            % {"code": code}
        )
    state = label.state
    messages = {
        "valid": _("Label valide."),
        "expired": _("Label expiré."),
        "revoked": _("Label révoqué : %(reason)s") % {"reason": label.revocation_reason},
    }
    return {"code": code, "state": state, "message": messages[state], "label": _label_out(label)}


# --- The programme staff's committee: decisions, publication, revocation -----------------------

MAX_MOTIVATION = 5_000
MAX_DECISIONS = 500


class CommitteeDecisionOut(Schema):
    outcome: str
    outcome_label: str
    motivation: str
    motivation_addressed: bool = Field(description="told to the applicants at publication")
    decided_by: str
    decided_at: datetime.datetime


class CommitteeRowOut(Schema):
    application_id: int
    reference: str
    title: str
    territory: str
    status: str
    score: float | None = Field(description="the consolidated score of the reviews")
    decision: CommitteeDecisionOut | None
    label_id: int | None


class CommitteeOut(Schema):
    wave: WaveOut
    rows: list[CommitteeRowOut]
    may_decide: bool = Field(description="the caller may decide and publish (an admin)")
    publish_blockers: list[str] = Field(description="why the wave may not be published today")


def _committee(request, wave_id: int) -> Wave:
    """The wave ``wave_id`` if the caller is staff of its programme (else a 404)."""
    wave = (
        queries.waves_visible_to(request.user)
        .annotate(label_count=Count("labels", distinct=True))
        .filter(pk=wave_id)
        .first()
    )
    if wave is None:
        raise Http404(_("Vague %(id)s introuvable.") % {"id": wave_id})
    return wave


def _require_decide(user, wave: Wave) -> None:
    if not rules.can_decide(user, wave):
        raise PermissionDenied(_("Seuls les administrateurs du programme peuvent faire cela."))


def _conflict(exc: ValidationError, fields: set[str]):
    """A refusal due to the wave's or label's state (published, not yet announced, already
    revoked…) as a 409; anything else stays a 422 naming the field."""
    if getattr(exc, "error_dict", None) and set(exc.error_dict) <= fields:
        return Status(409, {"detail": " ".join(exc.messages)})
    raise exc


def _committee_out(request, wave: Wave) -> dict:
    rows = queries.committee_rows(wave)
    may_decide = rules.can_decide(request.user, wave)
    blockers = (
        [m for _f, m in publication.publish_blockers(wave, timezone.localdate(), rows)]
        if wave.status != WaveStatus.PUBLISHED
        else []
    )
    return {
        "wave": _wave_out(wave),
        "rows": [
            {
                "application_id": r.application.pk,
                "reference": r.application.reference,
                "title": r.application.title,
                "territory": r.application.perimeter.name,
                "status": r.application.status,
                "score": r.score,
                "decision": (
                    {
                        "outcome": r.decision.outcome,
                        "outcome_label": str(r.decision.get_outcome_display()),
                        "motivation": r.decision.motivation,
                        "motivation_addressed": r.decision.motivation_addressed,
                        "decided_by": str(r.decision.decided_by),
                        "decided_at": r.decision.decided_at,
                    }
                    if r.decision is not None
                    else None
                ),
                "label_id": r.label.pk if r.label is not None else None,
            }
            for r in rows
        ],
        "may_decide": may_decide,
        "publish_blockers": blockers,
    }


@router.get(
    "/waves/{wave_id}/committee",
    response=CommitteeOut,
    auth=BearerOrSession(),
    summary="A wave's committee: its applications, scores and decisions (its programme's staff)",
)
def wave_committee(request, wave_id: int):
    """As the committee page: the wave's applications, best consolidated score first, with
    their decision (before the publication only the programme's staff see one: anyone else gets
    a 404) and what still prevents the publication."""
    return _committee_out(request, _committee(request, wave_id))


class WaveApplicationsIn(Schema):
    application_ids: Annotated[
        list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(min_length=1, max_length=MAX_DECISIONS)
    ] = Field(description="proposed applications of the wave's programme, in no wave yet")


@router.post(
    "/waves/{wave_id}/applications",
    response={200: CommitteeOut, 409: dict},
    auth=BearerOrSession(),
    summary="Put proposed applications into a planned wave (the programme's admins)",
)
def wave_add(request, wave_id: int, payload: WaveApplicationsIn):
    """All or nothing: an application not proposed, or already in another wave, is a 422
    naming ``application-<id>``; an id unknown in the programme a 422 on ``application_ids``;
    a wave already decided or published a 409."""
    wave = _committee(request, wave_id)
    _require_decide(request.user, wave)
    ids = set(payload.application_ids)
    applications = list(
        Application.objects.filter(pk__in=ids, call__programme_id=wave.programme_id)
    )
    unknown = sorted(ids - {a.pk for a in applications})
    if unknown:
        raise ValidationError(
            {
                "application_ids": _("Candidature(s) inconnue(s) dans ce programme : %(ids)s.")
                % {"ids": ", ".join(map(str, unknown))}
            }
        )
    try:
        services.wave_add_applications(wave=wave, applications=applications, user=request.user)
    except ValidationError as exc:
        return _conflict(exc, {"wave"})
    return Status(200, _committee_out(request, _committee(request, wave_id)))


@router.delete(
    "/waves/{wave_id}/applications/{application_id}",
    response={200: CommitteeOut, 409: dict},
    auth=BearerOrSession(),
    summary="Take an undecided application out of a planned wave (the programme's admins)",
)
def wave_remove(request, wave_id: int, application_id: int):
    """An application decided, or a wave no longer planned, is a 409."""
    wave = _committee(request, wave_id)
    _require_decide(request.user, wave)
    application = wave.applications.filter(pk=application_id).first()
    if application is None:
        raise Http404(
            _("Candidature %(id)s introuvable dans cette vague.") % {"id": application_id}
        )
    try:
        services.wave_remove_application(wave=wave, application=application, user=request.user)
    except ValidationError as exc:
        return _conflict(exc, {"wave"})
    return Status(200, _committee_out(request, _committee(request, wave_id)))


OutcomeChoice = choices_enum("OutcomeChoice", Outcome)


class CommitteeDecisionIn(Schema):
    application_id: int = Field(ge=1, le=MAX_ID)
    outcome: OutcomeChoice
    motivation: str = Field(min_length=1, max_length=MAX_MOTIVATION)
    addressed: bool = Field(
        False,
        description="the motivation is told to the applicants at publication (else an internal "
        "note, never told)",
    )


class CommitteeDecisionsIn(Schema):
    decisions: Annotated[list[CommitteeDecisionIn], Field(min_length=1, max_length=MAX_DECISIONS)]


@router.post(
    "/waves/{wave_id}/decisions",
    response={200: CommitteeOut, 409: dict},
    auth=BearerOrSession(),
    summary="Record the committee's decisions, as one batch (the programme's admins)",
)
def wave_decide(request, wave_id: int, payload: CommitteeDecisionsIn):
    """All or nothing: an application already decided, outside the wave or listed twice refuses
    the whole batch (422 naming ``application-<id>``); a published wave is a 409. Nothing is told
    to the applicants until the wave is published."""
    wave = _committee(request, wave_id)
    _require_decide(request.user, wave)
    try:
        services.wave_decide(
            wave=wave,
            user=request.user,
            decisions=[
                services.DecisionInput(
                    application_id=d.application_id,
                    outcome=d.outcome.value,
                    motivation=d.motivation,
                    motivation_addressed=d.addressed,
                )
                for d in payload.decisions
            ],
        )
    except ValidationError as exc:
        return _conflict(exc, {"wave"})
    return Status(200, _committee_out(request, _committee(request, wave_id)))


class WavePublishOut(Schema):
    wave: WaveOut
    labels: list[int] = Field(description="the ids of the labels granted")


@router.post(
    "/waves/{wave_id}/publish",
    response={200: WavePublishOut, 409: dict},
    auth=BearerOrSession(),
    summary="Publish a decided wave: grant its labels and tell the applicants (its admins)",
)
def wave_publish(request, wave_id: int):
    """On or after the announcement date, once every application is decided (else a 409 saying
    why): the labels are granted, the support plans opened, every applicant told, and the
    decisions become public."""
    wave = _committee(request, wave_id)
    _require_decide(request.user, wave)
    try:
        labels = services.wave_publish(wave=wave, user=request.user)
    except ValidationError as exc:
        return _conflict(exc, {"wave", "announced_on"})
    return Status(
        200,
        {"wave": _wave_out(_committee(request, wave_id)), "labels": [label.pk for label in labels]},
    )


# --- A published wave's certificates as one batch (as the committee page's button) ------------


class CertificateBatchOut(Schema):
    wave_id: int
    job: JobOut | None = Field(description="the caller's latest batch of this wave, if any")


@router.get(
    "/waves/{wave_id}/certificates",
    response=CertificateBatchOut,
    auth=BearerOrSession(),
    summary="The caller's latest batch of a published wave's certificates (its admins)",
)
def wave_certificates(request, wave_id: int):
    """As the committee page: the batch's progress, then the ZIP's address (``job``: null
    before the first batch, or while the wave is not published)."""
    wave = _committee(request, wave_id)
    _require_decide(request.user, wave)
    job = (
        services_certificates.last_job(wave, request.user)
        if wave.status == WaveStatus.PUBLISHED
        else None
    )
    return {"wave_id": wave.pk, "job": job_out(job) if job is not None else None}


@router.post(
    "/waves/{wave_id}/certificates",
    response={202: JobOut, 409: dict},
    auth=BearerOrSession(),
    summary="Prepare all the certificates of a published wave in a ZIP: a background job",
)
def wave_certificates_start(request, wave_id: int):
    """Every valid label's certificate (made and stored if missing), in one ZIP prepared by a
    background job: answers 202 with it; poll its ``url`` (``GET /jobs/{id}``) until
    ``finished``, then fetch ``download_url`` (the link is e-mailed too). Asked again while it
    runs: the same job. A wave not published yet: 409."""
    wave = _committee(request, wave_id)
    _require_decide(request.user, wave)
    try:
        job, _created = services_certificates.wave_certificates_start(wave=wave, user=request.user)
    except ValidationError as exc:
        return Status(409, {"detail": " ".join(exc.messages)})
    job.refresh_from_db()  # the immediate backend (tests, demo) may have run it already
    return Status(202, job_out(job))


class LabelRevokeIn(Schema):
    reason: str = Field(
        min_length=1, max_length=MAX_MOTIVATION, description="made public on the verification"
    )


@router.post(
    "/labels/{label_id}/revoke",
    response={200: LabelOut, 409: dict},
    auth=BearerOrSession(),
    summary="Revoke a label with a public reason (its programme's admins)",
)
def label_revoke(request, label_id: int, payload: LabelRevokeIn):
    """The reason is shown by the public verification; a label already revoked is a 409."""
    label = queries.labels_visible_to(request.user).filter(pk=label_id).first()
    if label is None:
        raise Http404(_("Label %(id)s introuvable.") % {"id": label_id})
    if not rules.can_revoke_label(request.user, label):
        raise PermissionDenied(_("Seuls les administrateurs du programme peuvent faire cela."))
    if label.status == LabelStatus.REVOKED:
        return Status(409, {"detail": _("Ce label est déjà révoqué.")})
    services.label_revoke(label=label, user=request.user, reason=payload.reason)
    return Status(200, _label_out(queries.labels_visible_to(request.user).get(pk=label_id)))


# --- A wave's creation and edit (as labels:wave_create and labels:wave_edit) ---------------------

Number = Field(None, ge=1, le=10_000, description="empty: the programme's next number")


class WaveCreateIn(Schema):
    programme_id: Id = Field(description="a programme the caller administers")
    number: int | None = Number
    title: str = Field("", max_length=255)
    committee_on: datetime.date | None = None
    announced_on: datetime.date | None = Field(None, description="on or after the committee")
    announced_at: str = Field("", max_length=100, description="where it is announced")


class WavePatchIn(Schema):
    """Only the fields sent change; ``null`` clears a date."""

    number: int | None = Field(None, ge=1, le=10_000)
    title: str | None = Field(None, max_length=255)
    committee_on: datetime.date | None = None
    announced_on: datetime.date | None = None
    announced_at: str | None = Field(None, max_length=100)


def _managed_wave(request, wave_id: int):
    wave = (
        queries.waves_visible_to(request.user)
        .select_related("programme")
        .annotate(label_count=Count("labels", distinct=True))
        .filter(pk=wave_id)
        .first()
    )
    if wave is None:
        raise Http404(_("Vague %(id)s introuvable.") % {"id": wave_id})
    return wave


@router.post(
    "/waves",
    response={201: WaveOut},
    auth=BearerOrSession(),
    summary="Plan a wave of a programme (its admins)",
)
def wave_create(request, payload: WaveCreateIn):
    """A number already used, or an announcement before the committee, is a 422 naming the
    field; a programme the caller does not administer is a 422 naming ``programme_id``."""
    if not rules.can_create_waves(request.user):
        raise PermissionDenied(_("Seuls les administrateurs du programme peuvent créer une vague."))
    programme = rules.wave_programmes(request.user).filter(pk=payload.programme_id).first()
    if programme is None:
        raise ValidationError(
            {"programme_id": _("Choisissez un programme dont vous êtes administrateur.")}
        )
    wave = services.wave_create(
        programme=programme,
        user=request.user,
        number=payload.number,
        title=payload.title,
        committee_on=payload.committee_on,
        announced_on=payload.announced_on,
        announced_at=payload.announced_at,
    )
    return Status(201, _wave_out(_managed_wave(request, wave.pk)))


@router.patch(
    "/waves/{wave_id}",
    response={200: WaveOut, 409: dict},
    auth=BearerOrSession(),
    summary="Change a wave's number, title, dates or place (not once published)",
)
def wave_update(request, wave_id: int, payload: WavePatchIn):
    wave = _managed_wave(request, wave_id)
    _require_decide(request.user, wave)
    sent = payload.dict(exclude_unset=True)
    data = {
        name: value
        for name, value in sent.items()
        if value is not None or name in {"committee_on", "announced_on"}
    }
    try:
        services.wave_update(wave=wave, user=request.user, **data)
    except ValidationError as exc:
        return _conflict(exc, {"__all__"})
    return Status(200, _wave_out(_managed_wave(request, wave_id)))
