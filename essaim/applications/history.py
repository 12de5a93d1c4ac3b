"""What the history of an application records (``essaim.core.history``; described in
``ApplicationsConfig``). The steps above (``reviews``, ``labels``) record on applications with
these actions too: an application's history reads in one vocabulary."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationAction(models.TextChoices):
    CREATE = "create", _("Candidature créée")
    # The workflow's transitions (``workflow.TRANSITIONS``: same codes; here in the past tense,
    # as what happened, where the workflow's words are the buttons' verbs).
    SUBMIT = "submit", _("Candidature déposée")
    START_REVIEW = "start_review", _("Instruction commencée")
    REQUEST_CHANGES = "request_changes", _("Compléments demandés")
    RESUBMIT = "resubmit", _("Candidature déposée à nouveau")
    PROPOSE = "propose", _("Proposée au comité")
    REOPEN = "reopen", _("Instruction reprise")
    LABEL = "label", _("Territoire labellisé")
    NOT_LABEL = "not_label", _("Non labellisée")
    WITHDRAW = "withdraw", _("Candidature retirée")
    # The collective and the people.
    COLLECTIVE_ADD = "collective_add", _("Organisation ajoutée au collectif")
    COLLECTIVE_ROLE = "collective_role", _("Rôle d'une organisation du collectif changé")
    COLLECTIVE_REMOVE = "collective_remove", _("Organisation retirée du collectif")
    PERSON_INVITE = "person_invite", _("Personne invitée")
    PERSON_ACCEPT = "person_accept", _("Invitation acceptée")
    PERSON_UPDATE = "person_update", _("Droits d'une personne changés")
    PERSON_REMOVE = "person_remove", _("Personne retirée")
    LEAD_HANDOVER = "lead_handover", _("Référent changé")
    # The challenges.
    CHALLENGES_REORDER = "challenges_reorder", _("Défis remis dans un nouvel ordre")
    # Instruction (``reviews``) and committee (``labels``).
    ASSIGN = "assign", _("Attribution")
    REVIEW_REQUESTED = "review_requested", _("Avis demandé")
    WAVE_ADD = "wave_add", _("Ajout à une vague")
    WAVE_REMOVE = "wave_remove", _("Retrait d'une vague")
