"""Who hears about what happens to an application (in-app notification and e-mail via
``essaim.core.notifications.notify``). Called inside the transaction of the change."""

from django.urls import reverse
from django.utils.translation import gettext as _

from essaim.accounts import permissions
from essaim.applications.workflow import BY_NAME, Actor, Audience
from essaim.core.notifications import notify


def applicant_users(application) -> list:
    """The collective's people who accepted their invitation on this application."""
    return [p.user for p in application.people.select_related("user") if p.user_id]


def staff_users(application) -> list:
    """The assigned instructor, or else the programme's instructors and admins."""
    if application.assignee_id:
        return [application.assignee]
    return list(
        permissions.holders(permissions.STAFF_ROLES, programmes=[application.call.programme_id])
    )


def after_transition(
    *, application, user, name: str, comment: str = "", audience: str = ""
) -> None:
    """Nobody hears of a decision here: the applicants are told when its wave is published
    (``essaim.labels.services.wave_publish``)."""
    url = reverse("applications:detail", args=[application.pk])
    params = {"reference": application.reference, "title": application.title}
    if name in {"submit", "resubmit"}:
        notify(
            users=applicant_users(application),
            title=_("Accusé de réception : candidature %(reference)s déposée") % params,
            body=_(
                "Votre candidature « %(title)s » (%(reference)s) a bien été déposée. Le récépissé "
                "PDF est téléchargeable depuis la page de la candidature."
            )
            % params,
            url=url,
        )
        notify(
            users=staff_users(application),
            title=_("Candidature %(reference)s déposée") % params,
            body=_("« %(title)s » attend l'instruction.") % params,
            url=url,
            email=False,
        )
    elif name == "request_changes":
        notify(
            users=applicant_users(application),
            title=_("Compléments demandés sur la candidature %(reference)s") % params,
            body=comment,
            url=url + "#messages",
        )
    elif comment and audience == Audience.ADDRESSED and BY_NAME[name].actor == Actor.INSTRUCTOR:
        # An instructor's comment addressed to the applicants is a message of the thread.
        notify(
            users=applicant_users(application),
            title=_("Nouveau message sur la candidature %(reference)s") % params,
            body=comment[:1000],
            url=url + "#messages",
        )
