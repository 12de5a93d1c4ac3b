from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.applications.workflow import Audience
from essaim.calls.models import Programme, Wave
from essaim.core.forms import EssaimForm, EssaimModelForm
from essaim.labels.models import Outcome
from essaim.labels.services import DecisionInput


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class WaveForm(EssaimModelForm):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=True
    )

    class Meta:
        model = Wave
        fields = ["programme", "number", "title", "committee_on", "announced_on", "announced_at"]
        widgets = {"committee_on": DateInput(), "announced_on": DateInput()}
        labels = {"announced_at": _("Lieu de l'annonce")}

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("vide : le numéro suivant")
        if self.instance.pk:
            del self.fields["programme"]
        else:
            self.fields["programme"].queryset = programmes
            if programmes is not None and programmes.count() == 1:
                self.fields["programme"].initial = programmes.first()
                self.fields["programme"].widget = forms.HiddenInput()

    def clean(self):
        # Validation of the dates and numbering happens in the services; skip the model's
        # unique check on (programme, number), which the service words in French.
        return self.cleaned_data

    def validate_unique(self):
        return None


class AddApplicationsForm(EssaimForm):
    applications = forms.ModelMultipleChoiceField(
        label=_("Candidatures proposées au comité"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = queryset
        self.fields["applications"].label_from_instance = lambda a: (
            f"{a.reference} — {a.title} ({a.perimeter})"
        )


OUTCOME_CHOICES = [("", _("— pas encore décidé —")), *Outcome.choices]


class DecisionBatchForm(EssaimForm):
    """One outcome and one motivation per undecided application of the wave. Rows left without
    an outcome are not decided in this batch."""

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = list(applications)
        for application in self.applications:
            # The fieldset's legend names the application; labels stay short.
            self.fields[f"outcome-{application.pk}"] = forms.ChoiceField(
                label=_("Décision"),
                choices=OUTCOME_CHOICES,
                required=False,
            )
            self.fields[f"motivation-{application.pk}"] = forms.CharField(
                label=_("Motivation"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )
            # Absent (a client that does not send it): an internal note, never told.
            self.fields[f"audience-{application.pk}"] = forms.ChoiceField(
                label=_("Destinataire"),
                help_text=_(
                    "Adressée au porteur, elle lui est communiquée à la publication de la vague ; "
                    "une note interne ne l'est jamais."
                ),
                choices=Audience.choices,
                initial=Audience.INTERNAL,
                required=False,
                widget=forms.RadioSelect,
            )

    def rows(self):
        for application in self.applications:
            yield (
                application,
                self[f"outcome-{application.pk}"],
                self[f"motivation-{application.pk}"],
                self[f"audience-{application.pk}"],
            )

    def clean(self):
        cleaned = super().clean()
        chosen = 0
        for application in self.applications:
            outcome = cleaned.get(f"outcome-{application.pk}")
            motivation = (cleaned.get(f"motivation-{application.pk}") or "").strip()
            if outcome:
                chosen += 1
                if not motivation:
                    self.add_error(
                        f"motivation-{application.pk}",
                        _("« %(ref)s » : la motivation est obligatoire.")
                        % {"ref": application.reference},
                    )
            elif motivation:
                self.add_error(
                    f"outcome-{application.pk}",
                    _("« %(ref)s » : choisissez une décision pour cette motivation.")
                    % {"ref": application.reference},
                )
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Choisissez au moins une décision."))
        return cleaned

    def decisions(self):
        return [
            DecisionInput(
                application.pk,
                self.cleaned_data[f"outcome-{application.pk}"],
                self.cleaned_data[f"motivation-{application.pk}"],
                motivation_addressed=(
                    self.cleaned_data.get(f"audience-{application.pk}") == Audience.ADDRESSED
                ),
            )
            for application in self.applications
            if self.cleaned_data.get(f"outcome-{application.pk}")
        ]


class RevokeForm(EssaimForm):
    reason = forms.CharField(
        label=_("Motif de la révocation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("rendu public sur la page de vérification"),
    )


class VerifyForm(EssaimForm):
    code = forms.CharField(
        label=_("Code de vérification"),
        max_length=64,
        strip=True,
        help_text=_(
            "Le code imprimé sous le QR code, par exemple 7KQ2-M9XD-AB3F-0ZRT : majuscules ou "
            "minuscules, avec ou sans tirets ni espaces."
        ),
    )


class TerritoryFilterForm(EssaimForm):
    vague = forms.TypedChoiceField(label=_("Vague"), required=False, coerce=int, empty_value=None)
    region = forms.ChoiceField(label=_("Région"), required=False)

    def __init__(self, *args, waves, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vague"].choices = [("", _("Toutes les vagues"))] + [
            (w.number, str(w)) for w in waves
        ]
        self.fields["region"].choices = [("", _("Toutes les régions"))] + [
            (r.code, r.name) for r in regions
        ]
