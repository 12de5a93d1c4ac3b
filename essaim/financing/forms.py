from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.core.forms import EssaimForm, EssaimModelForm
from essaim.core.money import MoneyFormField
from essaim.financing.models import Instrument
from essaim.projects.models import Stage


class InstrumentForm(EssaimModelForm):
    class Meta:
        model = Instrument
        fields = [
            "short_name",
            "description",
            "kinds",
            "share_of_costs_max",
            "legal_families",
            "legal_categories",
            "requires_ess",
            "requires_esus",
            "min_age_years",
            "max_age_years",
            "max_yearly_budget",
            "is_national",
            "regions",
            "perimeters",
            "excluded_regions",
            "excluded_perimeters",
            "themes",
            "opens_on",
            "closes_on",
            "conditions",
            "url",
            "is_published",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
        }


class BandForm(EssaimForm):
    stage = forms.ChoiceField(
        label=_("Stade"), choices=[("", _("tous stades"))] + Stage.choices, required=False
    )
    min_amount = MoneyFormField(label=_("Minimum (€)"), required=False)
    max_amount = MoneyFormField(label=_("Maximum (€)"), required=False)

    def clean(self):
        data = super().clean()
        low, high = data.get("min_amount"), data.get("max_amount")
        if low is not None and high is not None and low > high:
            self.add_error(
                "min_amount",
                _("Le minimum (%(min)s €) dépasse le maximum (%(max)s €).")
                % {"min": low, "max": high},
            )
        return data


BandFormSet = forms.formset_factory(BandForm, extra=1, can_delete=True)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class RequestForm(EssaimForm):
    need = forms.ModelChoiceField(label=_("Besoin"), queryset=None, required=False)
    amount = MoneyFormField(label=_("Montant demandé (€)"), min_value=1)
    purpose = forms.CharField(label=_("Objet de la demande"), widget=forms.Textarea)
    documents = MultipleFileField(label=_("Documents"), required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = project.needs.filter(kind="financing")


class TransitionForm(EssaimForm):
    name = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Commentaire ou motif"), required=False, widget=forms.Textarea
    )
    amount = MoneyFormField(label=_("Montant accordé (€)"), required=False, min_value=1)


class GrantForm(EssaimForm):
    """The grant page's fields; the checks (amount ≤ request, reason when partial) are the
    service's (``services.check_grant``)."""

    amount = MoneyFormField(label=_("Montant accordé (€)"), min_value=1)
    conditions = forms.CharField(
        label=_("Conditions de l'accord"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("ce que le porteur doit respecter (pièces, échéances, affectation des fonds)"),
    )
    partial_reason = forms.CharField(
        label=_("Motif du montant partiel"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("obligatoire si le montant accordé est inférieur au montant demandé"),
    )


class InstrumentCreateForm(InstrumentForm):
    class Meta(InstrumentForm.Meta):
        fields = ["provider", "name", *InstrumentForm.Meta.fields]

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if providers is not None:
            self.fields["provider"].queryset = providers
