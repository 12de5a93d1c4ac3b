from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.actors.models import Organisation
from essaim.applications.models import Challenge
from essaim.core.forms import EssaimForm, EssaimModelForm
from essaim.support import links
from essaim.support.models import Action, SupportAxis

LINK_FIELDS = links.KINDS


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActionForm(EssaimModelForm):
    """Checks live in ``services.validate_action``; the view copies its field-named errors."""

    class Meta:
        model = Action
        fields = [
            "axis",
            "challenge",
            "title",
            "description",
            "lead_organisation",
            "partners",
            "instrument",
            "starts_on",
            "due_on",
            "budget_planned",
            "budget_committed",
            "budget_spent",
            *LINK_FIELDS,
        ]
        widgets = {
            "starts_on": _date_widget(),
            "due_on": _date_widget(),
            "partners": forms.CheckboxSelectMultiple,
            **{name: forms.CheckboxSelectMultiple for name in LINK_FIELDS},
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        label = plan.label
        self.fields["axis"].queryset = SupportAxis.objects.filter(programme_id=label.programme_id)
        self.fields["challenge"].queryset = Challenge.objects.filter(
            application_id=label.application_id
        )
        organisations = Organisation.objects.filter(
            collective_memberships__collective_id=label.application.collective_id
        )
        # Axis 6: the engaged companies that work with the territory's projects.
        organisations = organisations | Organisation.objects.filter(
            pk__in=links.linkable(plan, "introductions").values("company_id")
        )
        if self.instance.pk:
            organisations = organisations | Organisation.objects.filter(
                pk__in=[self.instance.lead_organisation_id or 0]
            )
        self.fields["lead_organisation"].queryset = organisations.distinct().order_by("name")
        self.fields["partners"].queryset = organisations.distinct().order_by("name")
        # Ticked from a list narrowed by a search box (support/partner-search.js), not ctrl-click.
        self.fields["partners"].template_name = "support/_partners_field.html"
        instruments = self.fields["instrument"].queryset  # financing's, not imported: same layer
        self.fields["instrument"].queryset = instruments.filter(is_published=True).order_by("name")
        for name in ("budget_planned", "budget_committed", "budget_spent"):
            self.fields[name].required = False
        # Axes 4 to 6: only what the plan's territory or programme owns is offered (the service
        # checks it again), and only for an axis that takes links (support/axis-links.js hides
        # the fields for the others; the service refuses them).
        link_axes = [axis.pk for axis in self.fields["axis"].queryset if axis.takes_links]
        if not link_axes:
            for name in LINK_FIELDS:
                del self.fields[name]
            return
        self.fields["axis"].widget.attrs["data-link-axes"] = " ".join(map(str, link_axes))
        for name in LINK_FIELDS:
            self.fields[name].queryset = links.linkable(plan, name)
            self.fields[name].required = False
            self.fields[name].widget.attrs["data-axis-links"] = name

    def links_data(self) -> dict:
        return {
            name: self.cleaned_data.get(name) or [] for name in LINK_FIELDS if name in self.fields
        }

    def clean(self):
        # Let the service decide (due ≥ start, spent ≤ committed ≤ planned) so that the page and
        # the API give the same messages; the model's own checks would duplicate them.
        return self.cleaned_data

    def _post_clean(self):
        pass


class TransitionForm(EssaimForm):
    reason = forms.CharField(label=_("Motif"), required=False, widget=forms.Textarea)


class CommentForm(EssaimForm):
    body = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class MilestoneForm(EssaimForm):
    title = forms.CharField(label=_("Intitulé du jalon"), max_length=255)
    due_on = forms.DateField(label=_("Date prévue"), widget=_date_widget())


class MeetingForm(EssaimForm):
    title = forms.CharField(label=_("Intitulé"), max_length=255)
    held_on = forms.DateField(label=_("Date"), widget=_date_widget())
    participants = forms.CharField(
        label=_("Participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("une personne ou une structure par ligne"),
    )
    agenda = forms.CharField(
        label=_("Ordre du jour"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    minutes = forms.CharField(
        label=_("Compte rendu"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    decisions = forms.CharField(
        label=_("Décisions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("une décision par ligne ; chacune pourra devenir une action"),
    )


class DecisionActionForm(EssaimForm):
    axis = forms.ModelChoiceField(label=_("Axe"), queryset=SupportAxis.objects.none())
    due_on = forms.DateField(label=_("Échéance"), required=False, widget=_date_widget())

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = SupportAxis.objects.filter(
            programme_id=plan.label.programme_id
        )
