"""The application workflow: one table of states and allowed transitions, who reads each
transition's comment, and what the applicants see of each state.

Pages and API ask ``allowed_transitions(application, user)``; the services in
``essaim.applications.services`` perform a transition only if this table allows it, and record it
in the history in the same transaction. What a given user sees (state, history, decision) is
answered by ``essaim.applications.queries`` from the tables below.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from essaim.calls.models import WaveStatus
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


# What the confirmation says once a transition is done: what happened, with the target state's
# one word (``%(status)s``: the ``Status`` label).
DONE: dict[str, str] = {
    "submit": _(
        "La candidature est « %(status)s » : l'équipe du programme est prévenue et un accusé de "
        "réception a été envoyé par courriel au collectif."
    ),
    "resubmit": _(
        "Vos compléments ont été transmis : la candidature est de nouveau « %(status)s » et "
        "l'équipe du programme est prévenue."
    ),
    "start_review": _("L'instruction a commencé : la candidature est « %(status)s »."),
    "request_changes": _(
        "Votre demande de compléments a été envoyée au collectif (message et courriel) : la "
        "candidature est « %(status)s »."
    ),
    "propose": _(
        "La candidature est « %(status)s » : ajoutez-la à une vague pour que le comité décide."
    ),
    "reopen": _("L'instruction a repris : la candidature est de nouveau « %(status)s »."),
    "label": _(
        "Décision enregistrée (« %(status)s ») : les candidats la recevront à la publication "
        "de la vague."
    ),
    "not_label": _(
        "Décision enregistrée (« %(status)s ») : les candidats la recevront à la publication "
        "de la vague."
    ),
    "withdraw": _("La candidature est « %(status)s » : elle ne sera plus instruite."),
}


def done_message(name: str) -> str:
    """The confirmation of transition ``name``, in words."""
    return str(DONE[name]) % {"status": Status(BY_NAME[name].target).label}


# --- Who reads a transition's comment ----------------------------------------------------------


class Audience(models.TextChoices):
    """A comment is either addressed to the applicant — then it is also a message of the
    application's thread, seen by both sides — or an internal note that only the programme's
    staff ever see (in the history)."""

    ADDRESSED = "addressed", _("Adressé au porteur")
    INTERNAL = "internal", _("Note interne")


# The audiences each transition's comment may have; the first one is the default, a single one
# leaves no choice. The applicants' own comments are read by both sides. A decision's motivation
# (label / not_label), when addressed, reaches the applicant only when the wave is published.
COMMENT_AUDIENCES: dict[str, tuple[str, ...]] = {
    "submit": (Audience.ADDRESSED,),
    "resubmit": (Audience.ADDRESSED,),
    "withdraw": (Audience.ADDRESSED,),
    "start_review": (Audience.INTERNAL, Audience.ADDRESSED),
    "request_changes": (Audience.ADDRESSED,),
    "propose": (Audience.INTERNAL, Audience.ADDRESSED),
    "reopen": (Audience.INTERNAL, Audience.ADDRESSED),
    "label": (Audience.INTERNAL, Audience.ADDRESSED),
    "not_label": (Audience.INTERNAL, Audience.ADDRESSED),
}

# Closed to the applicants once the application is in a wave: whether the committee has decided
# is confidential until the wave is published, so what they may do must not change with it
# (a withdrawal then goes through a message to the programme team).
CLOSED_IN_A_WAVE = {"withdraw"}


# --- What the applicants see -------------------------------------------------------------------


class ApplicantStatus(models.TextChoices):
    """The states as the applicants (the collective's lead and members, invited people) see
    them: nothing of a decision before its wave is published."""

    # The states they share with ``Status`` keep its words: one word per state everywhere.
    DRAFT = "draft", Status.DRAFT.label
    SUBMITTED = "submitted", Status.SUBMITTED.label
    IN_REVIEW = "in_review", Status.IN_REVIEW.label
    CHANGES_REQUESTED = "changes_requested", Status.CHANGES_REQUESTED.label
    IN_COMMITTEE = "in_committee", _("en comité")
    LABELLED = "labelled", Status.LABELLED.label
    NOT_LABELLED = "not_labelled", Status.NOT_LABELLED.label
    WITHDRAWN = "withdrawn", Status.WITHDRAWN.label


NO_WAVE, WAVE_NOT_PUBLISHED, WAVE_PUBLISHED = 0, 1, 2
_A = ApplicantStatus

# What the applicants see of each state, by where the application stands. The programme's staff
# see the state itself. A decision is only taken inside a wave, so "labelled" out of a wave does
# not happen (the database refuses it, as a draft in a wave: ``Application.Meta.constraints``);
# should it, nothing is told (fail closed).
#
#   state               no wave              wave not published    wave published
APPLICANT_VIEW: dict[str, tuple[str, str, str]] = {
    Status.DRAFT: (_A.DRAFT, _A.DRAFT, _A.DRAFT),
    Status.SUBMITTED: (_A.SUBMITTED, _A.SUBMITTED, _A.SUBMITTED),
    Status.IN_REVIEW: (_A.IN_REVIEW, _A.IN_COMMITTEE, _A.IN_REVIEW),
    Status.CHANGES_REQUESTED: (
        _A.CHANGES_REQUESTED,
        _A.CHANGES_REQUESTED,
        _A.CHANGES_REQUESTED,
    ),
    Status.PROPOSED: (_A.IN_COMMITTEE, _A.IN_COMMITTEE, _A.IN_COMMITTEE),
    Status.LABELLED: (_A.IN_COMMITTEE, _A.IN_COMMITTEE, _A.LABELLED),
    Status.NOT_LABELLED: (_A.IN_COMMITTEE, _A.IN_COMMITTEE, _A.NOT_LABELLED),
    Status.WITHDRAWN: (_A.WITHDRAWN, _A.WITHDRAWN, _A.WITHDRAWN),
}


def wave_column(wave_status: str | None) -> int:
    """The column of ``APPLICANT_VIEW`` for an application whose wave has ``wave_status``
    (``None``: in no wave)."""
    if wave_status is None:
        return NO_WAVE
    return WAVE_PUBLISHED if wave_status == WaveStatus.PUBLISHED else WAVE_NOT_PUBLISHED


def applicant_status(status: str, wave_status: str | None) -> str:
    """What the applicants see of ``status`` for an application whose wave has ``wave_status``."""
    return APPLICANT_VIEW[status][wave_column(wave_status)]
