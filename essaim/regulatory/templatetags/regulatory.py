"""Readable labels for the history of tickets and experimentation requests."""

from django import template
from django.utils.translation import gettext_lazy as _

from essaim.regulatory.models import QuarantineStatus
from essaim.regulatory.workflow import (
    EXPERIMENTATION_TRANSITIONS,
    TICKET_TRANSITIONS,
    ExperimentationState,
    TicketState,
)

register = template.Library()

ACTIONS = {
    **{t.name: t.label for t in TICKET_TRANSITIONS if t.label},
    **{t.name: t.label for t in EXPERIMENTATION_TRANSITIONS},
    "create": _("Réception"),
    "submit": _("Dépôt"),
    "message": _("Nouveau message"),
    "reopen_on_message": _("Réouverture par un nouveau message"),
    "reminder": _("Relance (délai dépassé)"),
    "publish": _("Publication dans la base de connaissances"),
    "publish_update": _("Mise à jour de la réponse publiée"),
    "unpublish": _("Retrait de la base de connaissances"),
    # Mail intake
    "follow_up": _("Saisine de suite ouverte par un courriel"),
    "sender_confirm": _("Adresse de l'auteur confirmée"),
    "mail_attach": _("Courriel rattaché par un agent"),
    "mail_file": _("Enregistrée à partir d'un courriel à confirmer"),
    "attach": _("Rattaché à une saisine"),
    "file": _("Enregistré comme nouvelle saisine"),
    "discard": _("Écarté"),
    "assign": _("Confié à un programme"),
    "reprocess": _("Retraité"),
}
STATES = {
    **dict(TicketState.choices),
    **dict(ExperimentationState.choices),
    **dict(QuarantineStatus.choices),
}


@register.filter
def action_label(code: str) -> str:
    return ACTIONS.get(code, code)


@register.filter
def state_label(code: str) -> str:
    return STATES.get(code, code)
