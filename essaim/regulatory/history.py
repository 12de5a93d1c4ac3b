"""What the single window records in the history of its objects, in words.

One ``TextChoices`` per model that keeps a history (codes = the strings stored in
``HistoryEvent.action``): tickets, experimentation requests and held mail (quarantine, messages to
confirm). Published answers have no history of their own: publishing is recorded on the ticket.
Registered with ``essaim.core.history`` in ``RegulatoryConfig.ready``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketAction(models.TextChoices):
    # Workflow transitions (``workflow.TICKET_TRANSITIONS``).
    TRIAGE = "triage", _("Qualification")
    ROUTE = "route", _("Transmission à l'administration")
    START = "start", _("Prise en charge")
    ANSWER = "answer", _("Réponse à l'auteur")
    CLOSE = "close", _("Clôture avec une issue")
    TO_EXPERIMENTATION = "to_experimentation", _("Transformée en demande d'expérimentation")
    WITHDRAW = "withdraw", _("Retrait par l'auteur")
    REOPEN = "reopen", _("Réouverture")
    REOPEN_ON_MESSAGE = "reopen_on_message", _("Réouverture par un nouveau message")
    # Other events.
    CREATE = "create", _("Réception")
    MESSAGE = "message", _("Nouveau message")
    REMINDER = "reminder", _("Relance (délai dépassé)")
    PUBLISH = "publish", _("Publication dans la base de connaissances")
    PUBLISH_UPDATE = "publish_update", _("Mise à jour de la réponse publiée")
    UNPUBLISH = "unpublish", _("Retrait de la base de connaissances")
    # Mail intake.
    FOLLOW_UP = "follow_up", _("Saisine de suite ouverte par un courriel")
    SENDER_CONFIRM = "sender_confirm", _("Adresse de l'auteur confirmée")
    MAIL_ATTACH = "mail_attach", _("Courriel rattaché par un agent")
    MAIL_FILE = "mail_file", _("Enregistrée à partir d'un courriel à confirmer")


class ExperimentationAction(models.TextChoices):
    SUBMIT = "submit", _("Dépôt")
    # Workflow transitions (``workflow.EXPERIMENTATION_TRANSITIONS``).
    REVIEW = "review", _("Mise en instruction")
    GRANT = "grant", _("Dérogation accordée")
    REFUSE = "refuse", _("Refus")
    EVALUATE = "evaluate", _("Évaluation enregistrée")
    GENERALISE = "generalise", _("Généralisation")
    ABANDON = "abandon", _("Projet abandonné")


class HeldMailAction(models.TextChoices):
    REPROCESS = "reprocess", _("Retraité")
    ATTACH = "attach", _("Rattaché à une saisine")
    FILE = "file", _("Enregistré comme nouvelle saisine")
    DISCARD = "discard", _("Écarté")
    ASSIGN = "assign", _("Confié à un programme")
