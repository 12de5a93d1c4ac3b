"""What submitting an application will send, and to whom: the recap shown before the signatory
confirms (``views.submission``), and what the confirmation says once it is done.

Read only: the submission itself is ``services.application_transition`` ("submit" or
"resubmit"), which refuses an incomplete application with the same ``missing_items``.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from essaim.applications import rules, workflow
from essaim.applications.completeness import MissingItem, missing_items
from essaim.applications.notices import applicant_users, staff_users
from essaim.calls.services import current_cutoff

SUBMIT_NAMES = ("submit", "resubmit")


@dataclass
class SubmissionRecap:
    transition: workflow.Transition | None
    cutoff: object | None
    members: list = field(default_factory=list)
    challenges: list = field(default_factory=list)
    attachments: list = field(default_factory=list)
    missing: list[MissingItem] = field(default_factory=list)
    receipt_to: list = field(default_factory=list)  # users e-mailed an acknowledgement
    staff_told: list = field(default_factory=list)  # staff notified in Essaim
    assignee: object | None = None
    blocked_reason: str = ""

    @property
    def can_confirm(self) -> bool:
        return not self.blocked_reason


def submit_transition(application) -> workflow.Transition | None:
    """The submission the application's state allows ("submit" for a draft, "resubmit" after a
    request for changes), whoever asks."""
    return next(
        (t for t in workflow.transitions_from(application.status) if t.name in SUBMIT_NAMES),
        None,
    )


def submission_recap(application, user) -> SubmissionRecap:
    """Everything the recap page shows, and why the confirmation is disabled (empty: it is not).
    A fixed number of queries."""
    transition = submit_transition(application)
    missing = missing_items(application)
    if transition is None:
        blocked = _("La candidature est « %(status)s » : elle ne peut pas être déposée.") % {
            "status": application.get_status_display()
        }
    elif not rules.can_act_as(user, application, transition.actor):
        blocked = _(
            "Seul un signataire du collectif peut déposer la candidature : demandez-le au chef "
            "de file."
        )
    elif missing:
        blocked = ngettext(
            "Dépôt impossible tant qu'il reste %(count)s point à compléter (voir la liste).",
            "Dépôt impossible tant qu'il reste %(count)s points à compléter (voir la liste).",
            len(missing),
        ) % {"count": len(missing)}
    else:
        blocked = ""
    staff = staff_users(application)
    return SubmissionRecap(
        transition=transition,
        cutoff=application.cutoff or current_cutoff(application.call),
        members=list(application.collective.members.select_related("organisation")),
        challenges=list(application.challenges.all()),
        attachments=list(application.attachments.order_by("uploaded_at")),
        missing=missing,
        receipt_to=[u for u in applicant_users(application) if u.is_active],
        staff_told=[u for u in staff if u.is_active],
        assignee=application.assignee if application.assignee_id else None,
        blocked_reason=blocked,
    )


def submitted_message(name: str, receipt_count: int) -> str:
    """What the confirmation says once the application is submitted (``name``: the transition)."""
    receipt = ngettext(
        "un accusé de réception a été envoyé par courriel à %(count)s personne du collectif.",
        "un accusé de réception a été envoyé par courriel aux %(count)s personnes du collectif.",
        receipt_count,
    ) % {"count": receipt_count}
    if name == "resubmit":
        return _(
            "Vos compléments ont été transmis à l'équipe du programme : la candidature est de "
            "nouveau en instruction ; %(receipt)s"
        ) % {"receipt": receipt}
    return _("Votre candidature a été transmise à l'équipe du programme ; %(receipt)s") % {
        "receipt": receipt
    }
