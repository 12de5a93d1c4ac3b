"""The review (expert opinion) workflow: one table of states and allowed transitions.

``requested`` → the expert declares a conflict of interest (``conflict``, final) or none
(``accepted``: the application's content opens) → ``submitted`` (the opinion is given, final).
An instructor may cancel a request while it is ``requested`` or ``accepted``. Every transition is
taken by a service in ``essaim.reviews.services`` and recorded in the history.
"""

from django.utils.translation import gettext_lazy as _

from essaim.core import workflow as core_workflow
from essaim.core.workflow import Transition
from essaim.reviews.models import ReviewStatus


class ReviewActor:
    EXPERT = "expert"  # the expert the request names
    INSTRUCTOR = "instructor"  # programme staff of the application's programme


# The shared record (``comment_required`` stays False: no review transition needs a comment).
ReviewTransition = Transition


TRANSITIONS: tuple[ReviewTransition, ...] = (
    ReviewTransition(
        "declare_conflict",
        (ReviewStatus.REQUESTED,),
        ReviewStatus.CONFLICT,
        ReviewActor.EXPERT,
        _("Déclarer un conflit d'intérêts"),
    ),
    ReviewTransition(
        "declare_no_conflict",
        (ReviewStatus.REQUESTED,),
        ReviewStatus.ACCEPTED,
        ReviewActor.EXPERT,
        _("Déclarer l'absence de conflit d'intérêts"),
    ),
    ReviewTransition(
        "submit",
        (ReviewStatus.ACCEPTED,),
        ReviewStatus.SUBMITTED,
        ReviewActor.EXPERT,
        _("Rendre l'avis"),
    ),
    ReviewTransition(
        "cancel",
        (ReviewStatus.REQUESTED, ReviewStatus.ACCEPTED),
        ReviewStatus.CANCELLED,
        ReviewActor.INSTRUCTOR,
        _("Annuler la demande"),
    ),
)
BY_NAME = core_workflow.by_name(TRANSITIONS)

# States in which the expert still owes something (reminders go out for these).
OPEN_STATES = (ReviewStatus.REQUESTED, ReviewStatus.ACCEPTED)
# States in which the expert may read the application's content.
CONTENT_OPEN_STATES = (ReviewStatus.ACCEPTED, ReviewStatus.SUBMITTED)


def transitions_from(status: str) -> list[ReviewTransition]:
    return core_workflow.transitions_from(TRANSITIONS, status)
