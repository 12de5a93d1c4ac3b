"""The financing request workflow: one table of states and allowed transitions.

received → in_review → granted (with an amount) | declined (with a reason) ; granted → disbursed.
The holder may withdraw a request that is still open. Pages and API ask
``essaim.financing.services.request_allowed_transitions``; the service
``financing_request_transition`` performs a transition only if this table allows it.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from essaim.core import workflow as core_workflow


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("reçue")
    IN_REVIEW = "in_review", _("en instruction")
    GRANTED = "granted", _("accordée")
    DECLINED = "declined", _("refusée")
    DISBURSED = "disbursed", _("versée")
    WITHDRAWN = "withdrawn", _("retirée")


OPEN_STATES = frozenset({RequestStatus.RECEIVED, RequestStatus.IN_REVIEW})


class Actor(models.TextChoices):
    FINANCER = "financer", _("financeur de l'outil")
    HOLDER = "holder", _("porteur du projet")


@dataclass(frozen=True)
class Transition(core_workflow.Transition):
    amount_required: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "start_review",
        (RequestStatus.RECEIVED,),
        RequestStatus.IN_REVIEW,
        Actor.FINANCER,
        _("Instruire"),
    ),
    Transition(
        "grant",
        (RequestStatus.IN_REVIEW,),
        RequestStatus.GRANTED,
        Actor.FINANCER,
        _("Accorder"),
        amount_required=True,
    ),
    Transition(
        "decline",
        (RequestStatus.RECEIVED, RequestStatus.IN_REVIEW),
        RequestStatus.DECLINED,
        Actor.FINANCER,
        _("Refuser"),
        comment_required=True,
    ),
    Transition(
        "disburse",
        (RequestStatus.GRANTED,),
        RequestStatus.DISBURSED,
        Actor.FINANCER,
        _("Marquer comme versée"),
    ),
    Transition(
        "withdraw",
        (RequestStatus.RECEIVED, RequestStatus.IN_REVIEW),
        RequestStatus.WITHDRAWN,
        Actor.HOLDER,
        _("Retirer la demande"),
    ),
)
BY_NAME = core_workflow.by_name(TRANSITIONS)


def transitions_from(status: str) -> list[Transition]:
    return core_workflow.transitions_from(TRANSITIONS, status)


# What the confirmation says once a transition is done, with the target state's one word
# (``%(status)s``: the ``RequestStatus`` label); the other side is told (notification and e-mail).
DONE: dict[str, str] = {
    "start_review": _("La demande est « %(status)s » ; le porteur en est prévenu."),
    "grant": _(
        "La demande est « %(status)s » pour %(amount)s ; le porteur en est prévenu par courriel."
    ),
    "decline": _("La demande est « %(status)s » ; le porteur reçoit le motif par courriel."),
    "disburse": _("La demande est « %(status)s » ; le porteur en est prévenu."),
    "withdraw": _("Votre demande est « %(status)s » ; le financeur en est prévenu."),
}


def done_message(name: str, amount: str = "—") -> str:
    """The confirmation of transition ``name`` (``amount``: the granted amount, in words)."""
    return str(DONE[name]) % {"status": RequestStatus(BY_NAME[name].target).label, "amount": amount}
