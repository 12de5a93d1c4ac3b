"""What the history of an organisation records (``essaim.core.history``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationAction(models.TextChoices):
    CREATED = "organisation_created", _("création")
    REGISTERED = "organisation_registered", _("enregistrement par un dossier")
    VERIFIED = "organisation_verified", _("confirmation")
    UPDATED = "organisation_updated", _("modification")
    PERSON_ADDED = "person_added", _("personne ajoutée")
    PARTNERSHIP_ADDED = "partnership_added", _("partenariat déclaré")
    PARTNERSHIP_ENDED = "partnership_ended", _("fin de partenariat")
    MEMBERSHIP_DATED = "membership_dated", _("dates d'appartenance à un collectif")


def organisation_details(event) -> str:
    """The person added (the history is shown only to those who may see private people)."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    if event.action == OrganisationAction.PERSON_ADDED:
        return payload.get("name", "")
    return ""
