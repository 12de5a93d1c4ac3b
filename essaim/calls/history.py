"""What the history of a call records (``essaim.core.history``; described in ``CallsConfig``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallAction(models.TextChoices):
    CREATE = "create", _("appel créé")
    UPDATE = "update", _("appel modifié")
    STATUS = "status", _("état de l'appel changé")
    CUTOFF_ADD = "cutoff_add", _("date limite de dépôt ajoutée")
    CUTOFF_REMOVE = "cutoff_remove", _("date limite de dépôt retirée")
    FORM_DRAFT = "form_draft", _("nouvelle version du formulaire en préparation")
    FORM_PUBLISH = "form_publish", _("version du formulaire publiée")
    GRID_SAVE = "grid_save", _("grille de notation enregistrée")


class PartnerAction(models.TextChoices):
    ADDED = "added", _("partenaire ajouté")
    ENDED = "ended", _("partenariat terminé")


class ProgrammeAction(models.TextChoices):
    """What can happen to a programme's settings (its admins' settings page, a configuration
    file imported from the pages)."""

    SETTINGS = "settings", _("paramètres du programme modifiés")
    LOGO = "logo", _("logo du programme changé")
    LOGO_REMOVE = "logo_remove", _("logo du programme retiré")
    IMPORT = "import", _("configuration du programme importée")
    AXIS_DELETE = "axis_delete", _("axe d'accompagnement supprimé")
    CATEGORY_ADD = "category_add", _("catégorie de la base de connaissances ajoutée")
    CATEGORY_UPDATE = "category_update", _("catégorie de la base de connaissances modifiée")
    CATEGORY_DELETE = "category_delete", _("catégorie de la base de connaissances supprimée")
    INSTRUMENT_ADD = "instrument_add", _("outil de financement référencé")
    INSTRUMENT_REMOVE = "instrument_remove", _("outil de financement retiré")
