"""The transitions of an application: they obey the one table in ``workflow.py``."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.applications import workflow
from essaim.applications.completeness import missing_items
from essaim.applications.history import ApplicationAction
from essaim.applications.models import Application, Message
from essaim.applications.notices import after_transition
from essaim.applications.rules import can_act_as
from essaim.applications.services import summary
from essaim.calls.services import current_cutoff
from essaim.core.services import history_record


def allowed_transitions(application: Application, user) -> list[workflow.Transition]:
    """The transitions ``user`` may take now; what pages and API offer as actions."""
    return [
        t
        for t in workflow.transitions_from(application.status)
        if t.actor != workflow.Actor.COMMITTEE
        and not (t.name in workflow.CLOSED_IN_A_WAVE and application.wave_id is not None)
        and can_act_as(user, application, t.actor)
    ]


def addressed_comment_post(*, application: Application, author, body: str, from_staff: bool):
    """Put an action's comment addressed to the applicant into the application's thread (seen
    by both sides). Called by the service taking the action, inside its transaction, once it
    checked the author's right; whoever is told about it is that service's business."""
    message = Message.objects.create(
        application=application, author=author, body=body.strip(), from_staff=from_staff
    )
    summary.message_posted(message)
    return message


def snapshot(application: Application) -> dict:
    """What an applicant sent, to show instructors what changed between two submissions."""
    return {
        "title": application.title,
        "summary": application.summary,
        "perimeter": application.perimeter_id,
        "answers": application.answers,
        "challenges": [
            {"title": c.title, "description": c.description, "lines": c.lines}
            for c in application.challenges.all()
        ],
        "organisations": sorted(
            [m.organisation_id, m.role] for m in application.collective.members.all()
        ),
    }


@transaction.atomic
def application_transition(
    *,
    application: Application,
    user,
    name: str,
    comment: str = "",
    audience: str | None = None,
    wave=None,
) -> Application:
    """Take transition ``name``. Guarantees: the row is locked, the current state allows it, the
    user holds the right role, a required comment is there, decisions happen only inside a wave,
    and the history gets one row — or nothing is written and an error says why.

    ``audience`` (``workflow.Audience``; ``None``: the transition's default) says who reads the
    comment: addressed to the applicant, it is also posted in the application's thread — except
    a decision's motivation, posted when the wave is published; internal, only the programme's
    staff ever see it. A decision leaves the application's ``updated_at`` alone, so that nothing
    the applicants see moves before the wave is published."""
    transition = workflow.BY_NAME.get(name)
    if transition is None:
        raise ValidationError({"transition": _("Action inconnue : « %(name)s ».") % {"name": name}})
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status not in transition.source:
        raise ValidationError(
            {
                "status": _(
                    "Impossible de faire « %(action)s » : la candidature est « %(status)s »."
                )
                % {"action": transition.label, "status": locked.get_status_display()}
            },
            code="stale_state",
        )
    if not can_act_as(user, locked, transition.actor):
        raise PermissionDenied(_("Vous n'avez pas le droit de faire cette action."))
    if transition.comment_required and not comment.strip():
        raise ValidationError({"comment": _("Un commentaire est obligatoire pour cette action.")})
    audiences = workflow.COMMENT_AUDIENCES[name]
    audience = audience or audiences[0]
    if audience not in audiences:
        raise ValidationError(
            {
                "audience": _("Pour « %(action)s », le commentaire est forcément : %(audience)s.")
                % {"action": transition.label, "audience": workflow.Audience(audiences[0]).label}
            }
        )
    if name in workflow.CLOSED_IN_A_WAVE and locked.wave_id is not None:
        raise ValidationError(
            {
                "status": _(
                    "La candidature est entre les mains du comité : pour la retirer, écrivez à "
                    "l'équipe du programme."
                )
            },
            code="stale_state",
        )
    if transition.actor == workflow.Actor.COMMITTEE:
        if wave is None or locked.wave_id != wave.pk:
            raise ValidationError(
                {"wave": _("Une décision se prend uniquement dans la vague de la candidature.")}
            )
    payload = {"wave": wave.pk} if wave is not None else {}
    if name in {"submit", "resubmit"}:
        missing = missing_items(locked)
        if missing:
            grouped: dict[str, list[str]] = {}
            for item in missing:
                grouped.setdefault(item.field, []).append(item.message)
            raise ValidationError(grouped, code="incomplete")
        if locked.submitted_snapshot:
            # Kept so that instructors see what changed since the previous submission.
            payload["previous_snapshot"] = locked.submitted_snapshot
        locked.submitted_at = timezone.now()
        locked.submitted_snapshot = snapshot(locked)
        if locked.cutoff_id is None:
            locked.cutoff = current_cutoff(locked.call)
    from_state = locked.status
    locked.status = transition.target
    is_decision = transition.actor == workflow.Actor.COMMITTEE
    locked.save(update_fields=["status"] if is_decision else None)
    comment = comment.strip()
    if comment and audience == workflow.Audience.ADDRESSED and not is_decision:
        message = addressed_comment_post(
            application=locked,
            author=user,
            body=comment,
            from_staff=transition.actor == workflow.Actor.INSTRUCTOR,
        )
        payload["message"] = message.pk
    history_record(
        obj=locked,
        user=user,
        action=ApplicationAction(name),
        from_state=from_state,
        to_state=transition.target,
        comment=comment,
        comment_internal=audience == workflow.Audience.INTERNAL,
        payload=payload,
    )
    after_transition(application=locked, user=user, name=name, comment=comment, audience=audience)
    return locked
