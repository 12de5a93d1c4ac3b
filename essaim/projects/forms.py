from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.applications.models import Challenge
from essaim.core.forms import EssaimForm, EssaimModelForm
from essaim.core.money import MoneyFormField
from essaim.geo.models import Perimeter, Region
from essaim.projects.models import Domain, NeedKind, Project, Stage
from essaim.projects.rules import linkable_challenges


class DirectoryForm(EssaimForm):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200)
    territory = forms.ModelChoiceField(
        label=_("Territoire"),
        queryset=Perimeter.objects.filter(projects__isnull=False).distinct().order_by("name"),
        required=False,
        to_field_name="slug",
    )
    region = forms.ModelChoiceField(
        label=_("Région"),
        queryset=Region.objects.order_by("name"),
        required=False,
        to_field_name="code",
    )
    stage = forms.ChoiceField(
        label=_("Stade"), choices=[("", _("Tous"))] + Stage.choices, required=False
    )
    domain = forms.ChoiceField(
        label=_("Domaine"), choices=[("", _("Tous"))] + Domain.choices, required=False
    )
    need = forms.ChoiceField(
        label=_("Besoin ouvert"), choices=[("", _("Tous"))] + NeedKind.choices, required=False
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data["q"],
            "territory": data["territory"].slug if data["territory"] else "",
            "region": data["region"].code if data["region"] else "",
            "stage": data["stage"],
            "domain": data["domain"],
            "need": data["need"],
        }


class TerritorySelect(forms.Select):
    """A select whose options carry their territory (``data-territory``), so that
    projects/territory-lists.js keeps only the chosen territory's collectives and challenges.
    ``territory_of(instance)`` names it; the queryset selects what it reads."""

    def __init__(self, *args, territory_of, **kwargs):
        super().__init__(*args, **kwargs)
        self.territory_of = territory_of

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-territory"] = self.territory_of(instance) or ""
        return option


class ProjectForm(EssaimModelForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "summary",
            "holder",
            "perimeter",
            "collective",
            "challenge",
            "stage",
            "domains",
            "publics",
            "methods",
            "founded_year",
            "yearly_budget",
            "jobs",
            "website",
            "is_published",
        ]
        help_texts = {
            "collective": _("la liste suit le territoire choisi"),
            "challenge": _("les défis de la candidature du territoire choisi"),
        }

    def __init__(self, *args, user, holders=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The collective and challenge lists depend on the territory (data-territory on each
        # option; projects/territory-lists.js narrows them, the service refuses a mismatch).
        collective, challenge = self.fields["collective"], self.fields["challenge"]
        collective.queryset = collective.queryset.order_by("name")
        attrs = dict(collective.widget.attrs)  # the DSFR class the base form gave it
        collective.widget = TerritorySelect(attrs=attrs, territory_of=lambda c: c.perimeter_id)
        # Only the challenges the reader may link to (a draft's are not shown to others), and
        # the project's own (linked earlier by someone else).
        challenge.queryset = (
            (linkable_challenges(user) | Challenge.objects.filter(pk=self.instance.challenge_id))
            .select_related("application")
            .order_by("application__perimeter__name", "position", "pk")
        )
        challenge.widget = TerritorySelect(
            attrs=dict(attrs), territory_of=lambda c: c.application.perimeter_id
        )
        challenge.label_from_instance = lambda c: c.title
        for field in (collective, challenge):
            field.widget.choices = field.choices
            field.widget.attrs["data-territory-list"] = "id_perimeter"
        if holders is not None:
            self.fields["holder"].queryset = holders
        if self.instance.pk:
            self.fields["holder"].disabled = True


class NeedForm(EssaimForm):
    kind = forms.ChoiceField(label=_("Nature"), choices=NeedKind.choices)
    amount = MoneyFormField(
        label=_("Montant (€)"), required=False, min_value=1, help_text=_("pour un financement")
    )
    purpose = forms.CharField(label=_("Objet"), max_length=500)
