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
