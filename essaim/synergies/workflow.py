"""The introduction workflow: one table of states and allowed transitions.

proposed → accepted (the project's side) → done (once both sides have marked it done);
proposed → declined (the project's side, with a reason). Pages and API ask
``essaim.synergies.services.introduction_allowed_transitions``; the service
``introduction_transition`` performs a transition only if this table allows it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from essaim.core import workflow as core_workflow
from essaim.synergies.models import IntroductionStatus


class Actor(models.TextChoices):
    PROJECT = "project", _("porteur du projet ou collectif du territoire")
    COMPANY = "company", _("entreprise engagée")
    EITHER = "either", _("l'une ou l'autre partie")


Transition = core_workflow.Transition

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "accept",
        (IntroductionStatus.PROPOSED,),
        IntroductionStatus.ACCEPTED,
        Actor.PROJECT,
        _("Accepter la mise en relation"),
    ),
    Transition(
        "decline",
        (IntroductionStatus.PROPOSED,),
        IntroductionStatus.DECLINED,
        Actor.PROJECT,
        _("Décliner"),
        comment_required=True,
    ),
    # The target is reached once both sides have marked it done (the service decides).
    Transition(
        "mark_done",
        (IntroductionStatus.ACCEPTED,),
        IntroductionStatus.DONE,
        Actor.EITHER,
        _("Marquer comme réalisée"),
    ),
)
BY_NAME = core_workflow.by_name(TRANSITIONS)


def transitions_from(status: str) -> list[Transition]:
    return core_workflow.transitions_from(TRANSITIONS, status)
