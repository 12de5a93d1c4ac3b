"""The instruction queue's bulk actions: their form and what their confirmation says
(``views_instruction.bulk_action`` applies them through ``services.applications_bulk_action``)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from essaim.applications import rules
from essaim.applications.workflow import Status
from essaim.calls.models import Programme
from essaim.core.forms import EssaimForm
from essaim.reviews import rules as review_rules


def bulk_done(action: str, data: dict, count: int) -> str:
    """What the confirmation of a bulk action says it did."""
    params = {"count": count, "name": data.get("assignee") or "", "status": Status.IN_REVIEW.label}
    if action == "assign_me":
        text = ngettext(
            "%(count)s candidature vous est attribuée.",
            "%(count)s candidatures vous sont attribuées.",
            count,
        )
    elif action == "assign":
        text = ngettext(
            "%(count)s candidature est attribuée à %(name)s.",
            "%(count)s candidatures sont attribuées à %(name)s.",
            count,
        )
    elif action == "start_review":
        text = ngettext(
            "%(count)s candidature est passée %(status)s.",
            "%(count)s candidatures sont passées %(status)s.",
            count,
        )
    else:
        text = ngettext(
            "Demandes d'avis envoyées aux experts choisis pour %(count)s candidature.",
            "Demandes d'avis envoyées aux experts choisis pour %(count)s candidatures.",
            count,
        )
    return text % params


class BulkForm(EssaimForm):
    ACTIONS = [
        ("assign_me", gettext_lazy("M'attribuer")),
        ("assign", gettext_lazy("Attribuer à un instructeur")),
        ("start_review", gettext_lazy("Passer en instruction")),
        ("request_review", gettext_lazy("Demander un avis d'expert")),
    ]
    action = forms.ChoiceField(label=gettext_lazy("Action"), choices=ACTIONS)
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Instructeur (pour « attribuer »)"), queryset=None, required=False
    )
    experts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Experts (pour « demander un avis »)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(
        label=gettext_lazy("Date limite de l'avis"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = rules.assignable_staff(programmes)
        self.fields["experts"].queryset = review_rules.experts_of(
            programmes.filter(Programme.objects.all(), "pk")
        )
        self.fields["experts"].label_from_instance = lambda u: f"{u} ({u.email})"

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choisissez l'instructeur à qui attribuer."))
        if action == "request_review":
            if not data.get("experts"):
                self.add_error("experts", _("Choisissez au moins un expert."))
            if not data.get("deadline"):
                self.add_error("deadline", _("Indiquez la date limite de l'avis."))
        return data
