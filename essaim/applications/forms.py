from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.actors.models import CollectiveRole
from essaim.core.forms import EssaimForm
from essaim.geo.models import Perimeter, UnitKind


class ApplicationCreateForm(EssaimForm):
    title = forms.CharField(label=_("Titre de la candidature"), max_length=255)
    perimeter = forms.ModelChoiceField(
        label=_("Territoire existant"),
        queryset=Perimeter.objects.order_by("name"),
        required=False,
        help_text=_("Choisissez un périmètre déjà défini…"),
    )
    collective = forms.ModelChoiceField(
        label=_("Collectif porteur"),
        queryset=None,
        required=False,
        empty_label=_("Un nouveau collectif"),
        help_text=_("Un collectif dont vous êtes référent, ou un nouveau collectif."),
    )

    def __init__(self, *args, collectives=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collective"].queryset = collectives
        if not collectives.exists():
            del self.fields["collective"]

    def clean(self):
        data = super().clean()
        # The unit comes from geo's picker (hidden inputs unit_kind and unit_code).
        data["unit_kind"] = str(self.data.get("unit_kind", "")).strip()
        data["unit_code"] = str(self.data.get("unit_code", "")).strip()
        if not data.get("perimeter") and not data.get("unit_code"):
            self.add_error("perimeter", _("Choisissez un territoire ou une unité officielle."))
        return data

    def resolved_perimeter(self):
        from essaim.applications.applying import perimeter_for_unit

        if self.cleaned_data.get("perimeter"):
            return self.cleaned_data["perimeter"]
        kind, code = self.cleaned_data["unit_kind"], self.cleaned_data["unit_code"]
        if kind not in UnitKind.values:
            from django.core.exceptions import ValidationError

            raise ValidationError({"perimeter": _("Choisissez une unité dans la liste.")})
        return perimeter_for_unit(kind=kind, code=code)


class ApplicationMetaForm(EssaimForm):
    title = forms.CharField(label=_("Titre de la candidature"), max_length=255)
    summary = forms.CharField(
        label=_("Résumé"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OrganisationSiretForm(EssaimForm):
    siret = forms.CharField(label=_("SIRET"), max_length=20)
    name = forms.CharField(
        label=_("Nom (si l'organisation n'est pas encore connue)"), max_length=255, required=False
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=CollectiveRole.choices)


class OrganisationPickForm(EssaimForm):
    organisation = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Rôle"), choices=CollectiveRole.choices)


class RoleForm(EssaimForm):
    role = forms.ChoiceField(label=_("Rôle"), choices=CollectiveRole.choices)


class PersonInviteForm(EssaimForm):
    email = forms.EmailField(label=_("Adresse électronique"))
    can_edit = forms.BooleanField(
        label=_("Peut modifier la candidature"), required=False, initial=True
    )
    is_signatory = forms.BooleanField(label=_("Signataire (peut déposer)"), required=False)


class PersonRightsForm(EssaimForm):
    can_edit = forms.BooleanField(label=_("Peut modifier"), required=False)
    is_signatory = forms.BooleanField(label=_("Signataire"), required=False)


class ChallengeForm(EssaimForm):
    title = forms.CharField(label=_("Intitulé du défi"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lines = forms.CharField(
        label=_("Axes de travail"),
        required=False,
        help_text=_("Un axe par ligne (10 au plus)."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MessageForm(EssaimForm):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(
        label=_("Pièce jointe"),
        required=False,
        help_text=_("PDF, bureautique ou image ; 10 Mo au maximum."),
    )


class TransitionForm(EssaimForm):
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
