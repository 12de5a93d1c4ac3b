"""Public API of waves and labels: ``GET /waves``, ``GET /labels?wave=N``,
``GET /labels/verify/{code}``. Only published waves' labels are shown."""

import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from essaim.calls.models import Wave, WaveStatus
from essaim.core.api.filters import Code, WaveNumber
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.labels.models import Label, LabelState
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
@paginate(PageNumberPagination)
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
