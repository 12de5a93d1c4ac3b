"""The form of a project's relation (a funder, a partner, a supplier, a mentor of the project)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.actors.models import Organisation
from essaim.core.forms import EssaimForm
from essaim.synergies.models import PROJECT_RELATION_KINDS
from essaim.synergies.network_services import EARLIEST_END, END_AHEAD_DAYS


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


class ProjectRelationEndForm(EssaimForm):
    """The day a project's relation ended; its bounds (not before the start, not in the far
    future) are ``network_services.project_relation_end``'s, shown here on the date picker."""

    ended_on = forms.DateField(
        label=_("Date de fin"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, relation, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        attrs = self.fields["ended_on"].widget.attrs
        attrs["max"] = (today + datetime.timedelta(days=END_AHEAD_DAYS)).isoformat()
        attrs["min"] = (relation.started_on or EARLIEST_END).isoformat()
        if not self.is_bound:
            self.initial.setdefault("ended_on", today)
