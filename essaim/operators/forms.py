from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.accounts.models import Role
from essaim.accounts.services import TEAM_ROLES
from essaim.actors.models import Collective, Organisation
from essaim.core.forms import EssaimForm
from essaim.operators.services import PARTNER_ROLES, programme_collectives


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


class PartnerInviteForm(EssaimForm):
    """Invite someone into a collective of the programme or an organisation of the directory."""

    prefix = "partner"

    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        help_text=_("l'invitation ne pourra être acceptée qu'avec cette adresse, confirmée"),
    )
    role = forms.ChoiceField(
        label=_("Rôle"), choices=[(role.value, Role(role).label) for role in PARTNER_ROLES]
    )
    collective = forms.ModelChoiceField(
        label=_("Collectif porteur"),
        queryset=Collective.objects.none(),
        required=False,
        help_text=_("pour un référent ou un membre : un collectif qui a candidaté au programme"),
    )
    organisation = forms.CharField(
        label=_("SIRET ou SIREN de l'organisation"),
        max_length=20,
        required=False,
        help_text=_("pour un financeur, une entreprise engagée ou un porteur de projet"),
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collective"].queryset = programme_collectives(programme)

    def clean_organisation(self):
        number = "".join(self.cleaned_data["organisation"].split())
        if not number:
            return None
        if not number.isdigit() or len(number) not in (9, 14):
            raise forms.ValidationError(_("Un SIREN a 9 chiffres, un SIRET 14."))
        lookup = {"siret": number} if len(number) == 14 else {"siren": number}
        organisation = Organisation.objects.filter(**lookup).first()
        if organisation is None and len(number) == 14:
            organisation = Organisation.objects.filter(siren=number[:9]).first()
        if organisation is None:
            raise forms.ValidationError(
                _(
                    "Aucune organisation de l'annuaire n'a ce numéro : "
                    "ajoutez-la d'abord à l'annuaire."
                )
            )
        return organisation
