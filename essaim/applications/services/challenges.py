"""The challenges of an application (its "défis"), written by the people who may edit it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from essaim.applications.history import ApplicationAction
from essaim.applications.models import Application, Challenge
from essaim.applications.services.applying import MAX_LINES, require_edit
from essaim.core.services import history_record


def _clean_lines(lines) -> list[str]:
    if isinstance(lines, str):
        lines = lines.splitlines()
    cleaned = [str(line).strip()[:300] for line in lines or [] if str(line).strip()]
    if len(cleaned) > MAX_LINES:
        raise ValidationError(
            {"lines": _("%(max)s axes de travail au plus par défi.") % {"max": MAX_LINES}}
        )
    return cleaned


@transaction.atomic
def challenge_save(
    *,
    user,
    application: Application,
    title: str,
    description: str = "",
    lines=(),
    challenge: Challenge | None = None,
) -> Challenge:
    require_edit(user, application)
    if not title.strip():
        raise ValidationError({"title": _("Donnez un intitulé au défi.")})
    lines = _clean_lines(lines)
    if challenge is None:
        position = (application.challenges.aggregate(p=Max("position"))["p"] or 0) + 1
        challenge = Challenge(application=application, position=position)
    elif challenge.application_id != application.pk:
        raise PermissionDenied
    challenge.title, challenge.description, challenge.lines = (
        title.strip()[:255],
        description,
        lines,
    )
    challenge.save()
    return challenge


@transaction.atomic
def challenge_remove(*, user, application: Application, challenge: Challenge) -> None:
    require_edit(user, application)
    if challenge.application_id != application.pk:
        raise PermissionDenied
    challenge.delete()


@transaction.atomic
def challenge_move(*, user, application: Application, challenge: Challenge, offset: int) -> None:
    """Move a challenge up (-1) or down (+1); positions are renumbered 1..n."""
    require_edit(user, application)
    if challenge.application_id != application.pk:
        raise PermissionDenied
    ordered = list(application.challenges.order_by("position", "pk"))
    index = next(i for i, c in enumerate(ordered) if c.pk == challenge.pk)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    for position, item in enumerate(ordered, start=1):
        item.position = position
    Challenge.objects.bulk_update(ordered, ["position"])


@transaction.atomic
def challenges_reorder(*, user, application: Application, challenge_ids) -> list[Challenge]:
    """Put the challenges in the order of ``challenge_ids``: every challenge of the application,
    each once (the API's counterpart of the page's up and down). Positions become 1..n."""
    require_edit(user, application)
    # The application's row is the lock: two orders sent at once apply one after the other.
    Application.objects.select_for_update().filter(pk=application.pk).first()
    challenges = {c.pk: c for c in application.challenges.all()}
    ids = list(challenge_ids)
    if len(ids) != len(set(ids)) or set(ids) != set(challenges):
        raise ValidationError(
            {
                "challenge_ids": _(
                    "Donnez chacun des %(count)s défis de la candidature, une fois chacun."
                )
                % {"count": len(challenges)}
            }
        )
    ordered = [challenges[pk] for pk in ids]
    for position, challenge in enumerate(ordered, start=1):
        challenge.position = position
    Challenge.objects.bulk_update(ordered, ["position"])
    history_record(
        obj=application,
        user=user,
        action=ApplicationAction.CHALLENGES_REORDER,
        payload={"challenges": ids},
    )
    return ordered
