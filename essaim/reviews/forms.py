import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from essaim.core.forms import EssaimForm
from essaim.reviews.models import Recommendation


class ConflictForm(EssaimForm):
    has_conflict = forms.TypedChoiceField(
        label=_("Avez-vous un conflit d'intérêts avec ce territoire ou son collectif ?"),
        help_text=_(
            "Un lien personnel, professionnel ou financier avec une organisation du collectif, "
            "un rôle dans le projet, un intérêt à la décision."
        ),
        choices=[
            ("no", _("Non, je n'ai aucun conflit d'intérêts")),
            ("yes", _("Oui, j'ai un conflit d'intérêts")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=_("Nature du conflit"),
        help_text=_("Obligatoire si vous déclarez un conflit."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean(self):
        data = super().clean()
        if data.get("has_conflict") and not data.get("details", "").strip():
            self.add_error(
                "details", _("Décrivez la nature du conflit d'intérêts (lien, intérêt, rôle).")
            )
        return data


class OpinionForm(EssaimForm):
    """One mark (with the scale's meanings) and one comment per criterion of the grid, then the
    recommendation and the general comment. Nothing is required here: the service says what is
    missing when the opinion is given, and a draft may be partial."""

    def __init__(self, *args, grid, review=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if review is not None:
            for mark in review.marks.all():
                initial[f"mark_{mark.criterion_id}"] = str(mark.mark)
                initial[f"comment_{mark.criterion_id}"] = mark.comment
            initial.setdefault("recommendation", review.recommendation)
            initial.setdefault("comment", review.comment)
        super().__init__(*args, **kwargs)
        self.grid = grid
        labels = grid.scale_labels or {}
        choices = [
            (str(m), f"{m} — {labels[str(m)]}" if labels.get(str(m)) else str(m))
            for m in range(grid.scale_min, grid.scale_max + 1)
        ]
        self.criteria = list(grid.criteria.all())
        threshold = grid.comment_required_below
        for criterion in self.criteria:
            # The criterion's title and weight are the legend of its fieldset
            # (request_detail.html): the fields' labels do not repeat them.
            self.fields[f"mark_{criterion.pk}"] = forms.ChoiceField(
                # With a context: Django's own catalogue translates "Note" as "Remarque".
                label=pgettext_lazy("mark", "Note"),
                help_text=criterion.help_text,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Commentaire"),
                help_text=(
                    _("Obligatoire pour une note inférieure à %(threshold)s.")
                    % {"threshold": threshold}
                    if threshold is not None
                    else ""
                ),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["recommendation"] = forms.ChoiceField(
            label=_("Recommandation"),
            choices=[("", _("— choisir —")), *Recommendation.choices],
            required=False,
        )
        self.fields["comment"] = forms.CharField(
            label=_("Avis général"), required=False, widget=forms.Textarea(attrs={"rows": 5})
        )

    def marks(self) -> dict[int, tuple[int | None, str]]:
        data = self.cleaned_data
        return {
            c.pk: (
                int(data[f"mark_{c.pk}"]) if data.get(f"mark_{c.pk}") not in (None, "") else None,
                data.get(f"comment_{c.pk}", ""),
            )
            for c in self.criteria
        }

    def criterion_rows(self):
        """(criterion, mark field, comment field) for the template."""
        return [(c, self[f"mark_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]


class ReviewRequestForm(EssaimForm):
    experts = forms.ModelMultipleChoiceField(
        label=_("Experts sollicités"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un expert.")},
    )
    deadline = forms.DateField(
        label=_("Date limite de l'avis"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, experts, **kwargs):
        kwargs.setdefault("initial", {}).setdefault(
            "deadline", timezone.localdate() + datetime.timedelta(days=21)
        )
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = experts
        self.fields["experts"].label_from_instance = lambda u: f"{u} ({u.email})"
