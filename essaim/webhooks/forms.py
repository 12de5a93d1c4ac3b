from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.core.forms import EssaimForm
from essaim.webhooks.events import EventType


class SubscriptionForm(EssaimForm):
    name = forms.CharField(
        label=_("Nom"),
        max_length=100,
        required=False,
        help_text=_("Pour le reconnaître, par exemple « tableau de bord régional »."),
    )
    url = forms.URLField(
        label=_("Adresse de réception"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Une URL https ; Essaim y envoie chaque événement en POST, signé."),
    )
    events = forms.MultipleChoiceField(
        label=_("Événements"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class SubscriptionCreateForm(SubscriptionForm):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, empty_label=None)
    field_order = ["programme", "name", "url", "events"]

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes


class SubscriptionEditForm(SubscriptionForm):
    active = forms.BooleanField(
        label=_("Actif"),
        required=False,
        help_text=_("Décochez pour ne plus rien recevoir, sans perdre l'abonnement."),
    )
