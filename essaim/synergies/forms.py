from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.core.forms import EssaimForm, EssaimModelForm
from essaim.core.money import MoneyFormField
from essaim.geo.models import Perimeter, Region
from essaim.synergies.models import MAX_CAPACITY, MAX_HOURS, Event, Offer


class OfferForm(EssaimModelForm):
    regions = forms.ModelMultipleChoiceField(
        label=_("Régions couvertes"),
        queryset=Region.objects.order_by("name"),
        required=False,
        help_text=_("plusieurs choix possibles (Ctrl ou Cmd)"),
    )
    perimeters = forms.ModelMultipleChoiceField(
        label=_("Territoires couverts"),
        queryset=Perimeter.objects.order_by("name"),
        required=False,
        help_text=_("un territoire labellisé, une intercommunalité… (plusieurs choix possibles)"),
    )

    class Meta:
        model = Offer
        fields = [
            "kind",
            "title",
            "description",
            "conditions",
            "is_national",
            "regions",
            "perimeters",
            "starts_on",
            "ends_on",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class ProposeForm(EssaimForm):
    company = forms.ModelChoiceField(label=_("Entreprise"), queryset=None, empty_label=None)
    offer = forms.ModelChoiceField(
        label=_("Offre concernée"),
        queryset=None,
        required=False,
        empty_label=_("— sans offre particulière —"),
    )
    message = forms.CharField(
        label=_("Message au porteur du projet"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("ce que vous proposez, comment vous joindre (2 000 caractères au plus)"),
    )

    def __init__(self, *args, companies, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies
        self.fields["offer"].queryset = offers
        if companies.count() == 1:
            self.fields["company"].widget = forms.HiddenInput()
            self.fields["company"].initial = companies.first().pk


class TransitionForm(EssaimForm):
    name = forms.CharField(max_length=32, widget=forms.HiddenInput())
    comment = forms.CharField(
        label=_("Motif"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReportForm(EssaimForm):
    hours = forms.IntegerField(
        label=_("Heures données"), min_value=0, max_value=MAX_HOURS, required=False
    )
    purchases = MoneyFormField(label=_("Achats auprès du projet (€)"), required=False)
    invested = MoneyFormField(label=_("Montants investis (€)"), required=False)
    result = forms.CharField(
        label=_("Ce que l'aide a produit"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EventForm(EssaimModelForm):
    capacity = forms.IntegerField(label=_("Nombre de places"), min_value=1, max_value=MAX_CAPACITY)

    class Meta:
        model = Event
        fields = ["title", "starts_at", "is_online", "place", "capacity", "description"]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            )
        }


class ProgrammeChoiceForm(EssaimForm):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, empty_label=None)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
