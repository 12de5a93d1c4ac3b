"""Every write on calls, cut-offs, form versions and scoring grids (programme admins only)."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.calls import hooks, rules
from essaim.calls.formschema import schema_errors
from essaim.calls.history import CallAction
from essaim.calls.models import Call, CallStatus, Criterion, CutOff, FormVersion, ScoringGrid
from essaim.core.services import changed_fields, history_record

# Which status a call may move to from which: archived is the end.
CALL_STATUS_MOVES = {
    CallStatus.DRAFT: {CallStatus.OPEN, CallStatus.ARCHIVED},
    CallStatus.OPEN: {CallStatus.CLOSED},
    CallStatus.CLOSED: {CallStatus.OPEN, CallStatus.ARCHIVED},
    CallStatus.ARCHIVED: set(),
}


def _require_admin(user, *, programme=None, call: Call | None = None) -> None:
    allowed = (
        rules.can_manage_call(user, call)
        if call is not None
        else rules.can_manage_programme(user, programme)
    )
    if not allowed:
        raise PermissionDenied(_("Réservé aux administrateurs du programme."))


@transaction.atomic
def call_create(*, user, programme, **fields) -> Call:
    """Create a call in preparation (draft), with an empty scoring grid."""
    _require_admin(user, programme=programme)
    call = Call(programme=programme, status=CallStatus.DRAFT, **fields)
    call.full_clean()
    call.save()
    ScoringGrid.objects.create(call=call)
    history_record(obj=call, user=user, action=CallAction.CREATE, to_state=call.status)
    return call


@transaction.atomic
def call_update(*, user, call: Call, **fields) -> Call:
    _require_admin(user, call=call)
    changes = changed_fields(call, fields)
    for name, value in fields.items():
        setattr(call, name, value)
    call.full_clean()
    call.save()
    if changes:
        history_record(obj=call, user=user, action=CallAction.UPDATE, payload={"changes": changes})
    return call


@transaction.atomic
def call_set_status(*, user, call: Call, status: str) -> Call:
    """Open, close or archive a call. Opening needs a published form."""
    _require_admin(user, call=call)
    call = Call.objects.select_for_update().get(pk=call.pk)
    if status not in CALL_STATUS_MOVES[CallStatus(call.status)]:
        raise ValidationError(
            {
                "status": _("Un appel « %(from)s » ne peut pas passer à « %(to)s ».")
                % {"from": call.get_status_display(), "to": CallStatus(status).label}
            }
        )
    if status == CallStatus.OPEN and published_form(call) is None:
        raise ValidationError(
            {"status": _("Publiez le formulaire de candidature avant d'ouvrir l'appel.")}
        )
    old = call.status
    call.status = status
    call.save(update_fields=["status"])
    history_record(obj=call, user=user, action=CallAction.STATUS, from_state=old, to_state=status)
    return call


@transaction.atomic
def cutoff_add(*, user, call: Call, date, wave=None) -> CutOff:
    _require_admin(user, call=call)
    if CutOff.objects.filter(call=call, date=date).exists():
        raise ValidationError({"date": _("Cette date limite existe déjà pour cet appel.")})
    if wave is not None and wave.programme_id != call.programme_id:
        raise ValidationError({"wave": _("Cette vague appartient à un autre programme.")})
    cutoff = CutOff.objects.create(call=call, date=date, wave=wave)
    history_record(
        obj=call, user=user, action=CallAction.CUTOFF_ADD, payload={"date": date.isoformat()}
    )
    return cutoff


@transaction.atomic
def cutoff_remove(*, user, cutoff: CutOff) -> None:
    _require_admin(user, call=cutoff.call)
    if cutoff.applications.exists():
        raise ValidationError(
            {"date": _("Des candidatures sont rattachées à cette date limite : gardez-la.")}
        )
    history_record(
        obj=cutoff.call,
        user=user,
        action=CallAction.CUTOFF_REMOVE,
        payload={"date": cutoff.date.isoformat()},
    )
    cutoff.delete()


def current_cutoff(call: Call, on=None):
    """The cut-off an application submitted ``on`` (today) goes to: the first one not past."""
    on = on or timezone.localdate()
    return call.cutoffs.filter(date__gte=on).order_by("date").first()


# -- form versions ------------------------------------------------------------------------------


def published_form(call: Call) -> FormVersion | None:
    return (
        FormVersion.objects.filter(call=call, published_at__isnull=False)
        .order_by("-number")
        .first()
    )


def draft_form(call: Call) -> FormVersion | None:
    return FormVersion.objects.filter(call=call, published_at__isnull=True).first()


def validate_schema(schema) -> None:
    errors = schema_errors(schema)
    if errors:
        raise ValidationError({"schema": [str(e) for e in errors]})


@transaction.atomic
def formversion_save(*, user, call: Call, schema: dict) -> FormVersion:
    """Save ``schema`` as the call's draft version (created with the next number if none), after
    validating it. A published version is never changed."""
    _require_admin(user, call=call)
    validate_schema(schema)
    draft = (
        FormVersion.objects.select_for_update().filter(call=call, published_at__isnull=True).first()
    )
    if draft is None:
        number = (FormVersion.objects.filter(call=call).aggregate(n=Max("number"))["n"] or 0) + 1
        draft = FormVersion.objects.create(call=call, number=number, schema=schema)
        history_record(
            obj=call, user=user, action=CallAction.FORM_DRAFT, payload={"version": number}
        )
    else:
        draft.schema = schema
        draft.save(update_fields=["schema"])
    return draft


@dataclass
class AffectedDraft:
    application: object
    fields: list[str]  # paths answered by the application that the change removes or changes
    # What the change makes it fail, in words (``formengine.impact.answer_problems``): a draft
    # with problems cannot be submitted as it stands once the version is published.
    problems: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return bool(self.problems)

    @property
    def touched(self) -> bool:
        return bool(self.fields or self.problems)


def affected_drafts(version: FormVersion) -> list[AffectedDraft]:
    """Draft applications of the call whose answers a publication of ``version`` would touch:
    fields they answered that the new version removes or changes, or answers the new version
    refuses or lacks (``problems``: their saved answers validated against it) — asked of the
    apps above through ``hooks.form_version_drafts``."""
    return [draft for draft in version_drafts(version) if draft.touched]


def version_drafts(version: FormVersion) -> list[AffectedDraft]:
    """Every draft application of the call (and those sent back for changes), which a
    publication of ``version`` moves to it, with what it touches (maybe nothing)."""
    return [draft for drafts in hooks.form_version_drafts(version=version) for draft in drafts]


@transaction.atomic
def formversion_publish(*, user, version: FormVersion) -> FormVersion:
    """Publish a draft version. Draft applications (and those sent back for changes) move to it
    and keep their answers (answers to removed fields are kept in the data but no longer shown);
    submitted applications keep the version they answered (``hooks.form_version_published``)."""
    _require_admin(user, call=version.call)
    version = FormVersion.objects.select_for_update().get(pk=version.pk)
    if version.published_at is not None:
        raise ValidationError({"version": _("Cette version est déjà publiée.")})
    validate_schema(version.schema)
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    payload = {"version": version.number}
    for moved in hooks.form_version_published(version=version, user=user):
        payload.update(moved or {})
    history_record(obj=version.call, user=user, action=CallAction.FORM_PUBLISH, payload=payload)
    return version


# -- scoring grid -------------------------------------------------------------------------------

# The code of the refusal to remove a criterion marks were given on (the API answers it 409).
GRID_CRITERION_MARKED = "criterion_marked"


@transaction.atomic
def grid_save(
    *,
    user,
    call: Call,
    scale_min: int,
    scale_max: int,
    scale_labels: dict,
    comment_required_below,
    disagreement_threshold: int,
    criteria: list[dict],
) -> ScoringGrid:
    """Replace the grid's scale and criteria. ``criteria``: [{"id"?, "title", "help_text",
    "weight"}] in order; criteria with marks already given cannot be removed."""
    _require_admin(user, call=call)
    errors = {}
    if scale_max <= scale_min:
        errors["scale_max"] = _("La note maximale doit dépasser la note minimale.")
    for key in scale_labels:
        if not str(key).isdecimal() or not scale_min <= int(key) <= scale_max:
            errors["scale_labels"] = _(
                "« %(key)s » n'est pas une note de l'échelle (%(min)s à %(max)s)."
            ) % {"key": key, "min": scale_min, "max": scale_max}
    if (
        comment_required_below is not None
        and not scale_min <= comment_required_below <= scale_max + 1
    ):
        errors["comment_required_below"] = _("Choisissez une note de l'échelle.")
    if not criteria:
        errors["criteria"] = _("Il faut au moins un critère.")
    for index, item in enumerate(criteria):
        if not str(item.get("title", "")).strip():
            errors[f"criteria.{index}.title"] = _("Donnez un intitulé au critère.")
        if not item.get("weight") or float(item["weight"]) <= 0:
            errors[f"criteria.{index}.weight"] = _("Le poids doit être positif.")
    if errors:
        raise ValidationError(errors)
    grid, _created = ScoringGrid.objects.get_or_create(call=call)
    grid.scale_min, grid.scale_max = scale_min, scale_max
    grid.scale_labels = {str(k): v for k, v in scale_labels.items() if str(v).strip()}
    grid.comment_required_below = comment_required_below
    grid.disagreement_threshold = disagreement_threshold
    grid.save()
    kept = []
    for position, item in enumerate(criteria):
        criterion = None
        if item.get("id"):
            criterion = grid.criteria.filter(pk=item["id"]).first()
        if criterion is None:
            criterion = Criterion(grid=grid)
        criterion.position = position
        criterion.title = item["title"].strip()
        criterion.help_text = item.get("help_text", "")
        criterion.weight = item["weight"]
        criterion.save()
        kept.append(criterion.pk)
    for criterion in grid.criteria.exclude(pk__in=kept):
        try:
            with transaction.atomic():
                criterion.delete()
        except ProtectedError:  # marks already given
            raise ValidationError(
                {
                    "criteria": ValidationError(
                        _("Le critère « %(title)s » a déjà des notes : il ne peut être retiré.")
                        % {"title": criterion.title},
                        code=GRID_CRITERION_MARKED,
                    )
                }
            ) from None
    history_record(
        obj=call, user=user, action=CallAction.GRID_SAVE, payload={"criteria": len(kept)}
    )
    return grid
