"""Forms of the directory and of the organisation pages. They validate input and name the field
in error; the writes themselves are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.actors.legal_categories import legal_category_choices
from essaim.actors.models import (
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipKind,
    Person,
)
from essaim.core.forms import EssaimForm, EssaimModelForm
from essaim.geo.models import Commune, Region

YES_NO = [("", _("Indifférent")), ("1", _("Oui")), ("0", _("Non"))]


def _yes_no(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


class DirectoryFilterForm(EssaimForm):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=200,
        help_text=_("nom, sigle, SIREN, commune ou mots de la présentation"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    region = forms.ChoiceField(label=_("Région"), required=False)
    kind = forms.ChoiceField(
        label=_("Type d'organisation"),
        required=False,
        choices=[("", _("Tous les types")), *OrganisationKind.choices],
    )
    ess = forms.ChoiceField(label=_("Membre de l'ESS"), required=False, choices=YES_NO)
    esus = forms.ChoiceField(label=_("Agrément ESUS"), required=False, choices=YES_NO)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = regions if regions is not None else Region.objects.order_by("name")
        self.fields["region"].choices = [("", _("Toutes les régions"))] + [
            (region.code, region.name) for region in regions
        ]

    def filters(self) -> dict:
        """The valid filters (an invalid value filters nothing and is reported on its field)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "region": data.get("region", ""),
            "kind": data.get("kind", ""),
            "ess": _yes_no(data.get("ess", "")),
            "esus": _yes_no(data.get("esus", "")),
        }


class OrganisationForm(EssaimModelForm):
    """Identity of an organisation. The commune is typed as its INSEE code (35,000 communes do
    not fit a list)."""

    commune_insee = forms.CharField(
        label=_("Commune du siège (code INSEE)"),
        required=False,
        max_length=5,
        help_text=_("5 caractères, par exemple 79191 pour Niort ou 2A004 pour Ajaccio"),
    )
    legal_category = forms.ChoiceField(
        label=_("Catégorie juridique (INSEE)"),
        required=False,
        choices=[("", _("Non renseignée")), *legal_category_choices()],
        error_messages={
            "invalid_choice": _(
                "Catégorie juridique inconnue : « %(value)s ». Choisissez un code de la liste."
            )
        },
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "acronym",
            "kind",
            "siren",
            "siret",
            "legal_category",
            "is_ess",
            "esus_approved",
            "website",
            "description",
        ]
        help_texts = {
            "siren": _("9 chiffres ; laissé vide, il est tiré du SIRET"),
            "siret": _("14 chiffres : le SIREN suivi du numéro d'établissement"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    field_order = [
        "name",
        "acronym",
        "kind",
        "siren",
        "siret",
        "legal_category",
        "is_ess",
        "esus_approved",
        "commune_insee",
        "website",
        "description",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.commune_id and not self.is_bound:
            self.initial["commune_insee"] = self.instance.commune.insee

    def _digits(self, field: str) -> str:
        return "".join((self.cleaned_data.get(field) or "").split())

    def clean_siren(self) -> str:
        return self._digits("siren")

    def clean_siret(self) -> str:
        return self._digits("siret")

    def clean_commune_insee(self):
        code = (self.cleaned_data.get("commune_insee") or "").strip().upper()
        if not code:
            return None
        commune = Commune.objects.filter(insee=code).first()
        if commune is None:
            raise forms.ValidationError(
                _("Aucune commune n'a le code INSEE « %(code)s »."), params={"code": code}
            )
        return commune

    def _post_clean(self):
        # The SIREN may come from the SIRET (as the service does), so that the model's check
        # "the SIRET starts with the SIREN" sees what will be saved.
        if self.cleaned_data.get("siret") and not self.cleaned_data.get("siren"):
            if len(self.cleaned_data["siret"]) == 14:
                self.cleaned_data["siren"] = self.cleaned_data["siret"][:9]
        super()._post_clean()

    def service_data(self) -> dict:
        data = {field: self.cleaned_data[field] for field in self.Meta.fields}
        data["commune"] = self.cleaned_data.get("commune_insee")
        return data


class PersonForm(EssaimModelForm):
    class Meta:
        model = Person
        fields = ["first_name", "last_name", "job_title", "email", "is_public"]
        help_texts = {
            "is_public": _(
                "ses nom et fonction apparaissent sur la page publique de l'organisation"
            )
        }


class PartnershipForm(EssaimModelForm):
    """Declared from the page of one organisation: it is the source or the target."""

    direction = forms.ChoiceField(
        label=_("Sens"),
        choices=[
            ("out", _("cette organisation … l'autre")),
            ("in", _("l'autre organisation … celle-ci")),
        ],
        initial="out",
    )
    other = forms.ModelChoiceField(
        label=_("Autre organisation"), queryset=Organisation.objects.order_by("name")
    )
    person = forms.ModelChoiceField(
        label=_("Personne qui tient la relation (facultatif)"),
        help_text=_(
            "Une personne de cette organisation, par exemple le ou la mentor ; seuls l'équipe du "
            "programme et le collectif du territoire voient son nom."
        ),
        queryset=Person.objects.none(),
        required=False,
    )

    class Meta:
        model = Partnership
        fields = ["kind", "started_on", "ended_on", "description"]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ended_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    field_order = ["direction", "kind", "other", "person", "started_on", "ended_on", "description"]

    def __init__(self, *args, organisation: Organisation, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["other"].queryset = (
            Organisation.objects.visible_to(user).exclude(pk=organisation.pk).order_by("name")
        )
        self.fields["kind"].choices = PartnershipKind.choices
        self.fields["person"].queryset = organisation.people.order_by("last_name", "first_name")

    def clean(self):
        data = super().clean()
        if data.get("person") and data.get("direction") == "in":
            self.add_error(
                "person",
                _(
                    "La personne doit appartenir à l'organisation source : choisissez le sens "
                    "« cette organisation … l'autre »."
                ),
            )
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("La date de fin précède la date de début."))
        return data

    def _post_clean(self):
        # Source and target are chosen through "direction" and "other"; the service checks them.
        pass

    def service_data(self) -> dict:
        data = self.cleaned_data
        other = data["other"]
        source, target = (
            (self.organisation, other) if data["direction"] == "out" else (other, self.organisation)
        )
        return {
            "source": source,
            "target": target,
            "kind": data["kind"],
            "started_on": data.get("started_on"),
            "ended_on": data.get("ended_on"),
            "description": data.get("description", ""),
            "person": data.get("person"),
        }
