from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from essaim.accounts.models import Role
from essaim.accounts.services import TEAM_ROLES
from essaim.actors.models import Collective, Organisation, OrganisationKind
from essaim.calls.models import PartnerKind
from essaim.core.forms import EssaimForm
from essaim.operators.partners import ROLES_OF_KIND, programme_collectives
from essaim.operators.services import PARTNER_ROLES


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


def find_organisation(text: str) -> Organisation:
    """An organisation of the (confirmed) directory by its SIRET, SIREN or name (one match),
    or a form error that says what to type."""
    text = " ".join(text.split())
    directory = Organisation.objects.verified()
    number = text.replace(" ", "")
    if number.isdigit():
        if len(number) not in (9, 14):
            raise forms.ValidationError(_("Un SIREN a 9 chiffres, un SIRET 14."))
        lookup = Q(siren=number[:9]) if len(number) == 9 else Q(siret=number)
        found = list(directory.filter(lookup).order_by("pk")[:6])
        if not found and len(number) == 14:
            found = list(directory.filter(siren=number[:9]).order_by("pk")[:6])
    else:
        found = list(directory.filter(name__iexact=text).order_by("pk")[:6])
        if not found:
            found = list(directory.search(text)[:6])
    if not found:
        raise forms.ValidationError(
            _("Aucune organisation de l'annuaire ne correspond : créez-la ci-dessous.")
        )
    if len(found) > 1:
        names = ", ".join(f"{o.name} ({o.siren or _('sans SIREN')})" for o in found[:5])
        raise forms.ValidationError(
            _("Plusieurs organisations correspondent (%(names)s) : indiquez son SIREN.")
            % {"names": names}
        )
    return found[0]


KIND_CHOICES = [(kind.value, kind.label) for kind in PartnerKind]


class PartnerAddForm(EssaimForm):
    """Make an organisation of the directory a partner of the programme."""

    prefix = "add"

    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=255,
        help_text=_("son nom, son SIREN ou son SIRET, tel qu'il figure dans l'annuaire"),
    )
    kind = forms.ChoiceField(label=_("Partenariat"), choices=KIND_CHOICES)
    since = forms.DateField(
        label=_("Depuis le"),
        required=False,
        help_text=_("vide : aujourd'hui"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_organisation(self):
        return find_organisation(self.cleaned_data["organisation"])


class PartnerCreateForm(EssaimForm):
    """Create an organisation in the directory (SIRET checked) and make it a partner."""

    prefix = "new"

    name = forms.CharField(label=_("Nom de l'organisation"), max_length=255)
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        help_text=_("14 chiffres : le SIREN suivi du numéro d'établissement"),
    )
    organisation_kind = forms.ChoiceField(
        label=_("Type d'organisation"),
        choices=OrganisationKind.choices,
        initial=OrganisationKind.FINANCER,
    )
    kind = forms.ChoiceField(label=_("Partenariat"), choices=KIND_CHOICES)

    def clean_siret(self) -> str:
        return "".join(self.cleaned_data["siret"].split())


class OrganisationInviteForm(EssaimForm):
    """Invite someone into one partner organisation, with a role its partnership allows."""

    prefix = "people"

    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        help_text=_("l'invitation ne pourra être acceptée qu'avec cette adresse, confirmée"),
    )
    role = forms.ChoiceField(label=_("Rôle"))

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (role.value, Role(role).label) for role in ROLES_OF_KIND.get(kind, ())
        ]
