from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.accounts.models import Role
from essaim.accounts.services import TEAM_ROLES
from essaim.core.forms import EssaimForm


class InviteForm(EssaimForm):
    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        help_text=_("l'invitation ne pourra être acceptée qu'avec cette adresse, confirmée"),
    )
    role = forms.ChoiceField(
        label=_("Rôle"), choices=[(role.value, Role(role).label) for role in TEAM_ROLES]
    )


class ProgrammeCreateForm(EssaimForm):
    name = forms.CharField(label=_("Nom du programme"), max_length=200)
    slug = forms.SlugField(
        label=_("Identifiant"),
        max_length=50,
        help_text=_("lettres minuscules, chiffres et tirets ; il apparaît dans les adresses"),
    )
    label_name = forms.CharField(
        label=_("Nom du label"),
        max_length=200,
        required=False,
        help_text=_("vide : le nom du programme"),
    )
    template = forms.ChoiceField(
        label=_("Configuration de départ"),
        help_text=_("axes d'accompagnement, appels, formulaires et grilles de notation copiés"),
    )

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(name, name) for name in templates]
