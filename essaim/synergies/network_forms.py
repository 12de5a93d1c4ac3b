"""The form of a project's relation (a funder, a partner, a supplier, a mentor of the project)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.actors.models import Organisation
from essaim.core.forms import EssaimForm
from essaim.synergies.models import PROJECT_RELATION_KINDS


class ProjectRelationForm(EssaimForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    kind = forms.ChoiceField(
        label=_("Relation avec le projet"),
        choices=[(kind.value, kind.label) for kind in PROJECT_RELATION_KINDS],
    )
    started_on = forms.DateField(
        label=_("Début"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ended_on = forms.DateField(
        label=_("Fin"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(label=_("Précision"), max_length=255, required=False)

    def __init__(self, *args, project, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            Organisation.objects.visible_to(user).exclude(pk=project.holder_id).order_by("name")
        )

    def clean(self):
        data = super().clean()
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("La date de fin précède la date de début."))
        return data
