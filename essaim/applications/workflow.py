"""The application workflow: one table of states and allowed transitions.

Pages and API ask ``allowed_transitions(application, user)``; the services in
``essaim.applications.services`` perform a transition only if this table allows it, and record it
in the history in the same transaction.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from essaim.core import workflow as core_workflow
from essaim.core.workflow import Transition


class Status(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    SUBMITTED = "submitted", _("déposée")
    IN_REVIEW = "in_review", _("en instruction")
    CHANGES_REQUESTED = "changes_requested", _("compléments demandés")
    PROPOSED = "proposed", _("proposée au comité")
    LABELLED = "labelled", _("labellisée")
    NOT_LABELLED = "not_labelled", _("non labellisée")
    WITHDRAWN = "withdrawn", _("retirée")


OPEN_STATES = {
    Status.DRAFT,
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.CHANGES_REQUESTED,
    Status.PROPOSED,
}
FINAL_STATES = {Status.LABELLED, Status.NOT_LABELLED, Status.WITHDRAWN}
# Where the collective may still change answers and challenges.
EDITABLE_STATES = {Status.DRAFT, Status.CHANGES_REQUESTED}


class Actor(models.TextChoices):
    """Who may take a transition (checked against the user's role on the application)."""

    APPLICANT = "applicant", _("collectif candidat")
    SIGNATORY = "signatory", _("signataire du collectif")
    INSTRUCTOR = "instructor", _("instructeur")
    COMMITTEE = "committee", _("comité (dans une vague)")


TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", (Status.DRAFT,), Status.SUBMITTED, Actor.SIGNATORY, _("Déposer")),
    Transition(
        "start_review", (Status.SUBMITTED,), Status.IN_REVIEW, Actor.INSTRUCTOR, _("Instruire")
    ),
    Transition(
        "request_changes",
        (Status.SUBMITTED, Status.IN_REVIEW),
        Status.CHANGES_REQUESTED,
        Actor.INSTRUCTOR,
        _("Demander des compléments"),
        comment_required=True,
    ),
    Transition(
        "resubmit",
        (Status.CHANGES_REQUESTED,),
        Status.IN_REVIEW,
        Actor.SIGNATORY,
        _("Déposer à nouveau"),
    ),
    Transition(
        "propose",
        (Status.IN_REVIEW,),
        Status.PROPOSED,
        Actor.INSTRUCTOR,
        _("Proposer au comité"),
        comment_required=True,
    ),
    Transition(
        "reopen",
        (Status.PROPOSED,),
        Status.IN_REVIEW,
        Actor.INSTRUCTOR,
        _("Reprendre l'instruction"),
        comment_required=True,
    ),
    Transition(
        "label", (Status.PROPOSED,), Status.LABELLED, Actor.COMMITTEE, _("Labelliser"), True
    ),
    Transition(
        "not_label",
        (Status.PROPOSED,),
        Status.NOT_LABELLED,
        Actor.COMMITTEE,
        _("Ne pas labelliser"),
        True,
    ),
    Transition(
        "withdraw",
        tuple(sorted(OPEN_STATES)),
        Status.WITHDRAWN,
        Actor.APPLICANT,
        _("Retirer la candidature"),
        comment_required=True,
    ),
)
BY_NAME = core_workflow.by_name(TRANSITIONS)


def transitions_from(status: str) -> list[Transition]:
    return core_workflow.transitions_from(TRANSITIONS, status)
