"""Forms of the impact pages. Checks live in the services (``measurement_check``,
``plan_save``); views copy their field-named errors onto these forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.core.forms import EssaimForm
from essaim.impact.models import (
    YEAR_MAX,
    YEAR_MIN,
    Aggregation,
    Campaign,
    Direction,
    Indicator,
)


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeasurementForm(EssaimForm):
    indicator = forms.ModelChoiceField(label=_("Indicateur"), queryset=Indicator.objects.none())
    project = forms.ModelChoiceField(
        label=_("Projet"),
        queryset=None,
        required=False,
        help_text=_("vide : une valeur du territoire lui-même, hors projets"),
    )
    period_end = forms.DateField(
        label=_("Fin de la période"), widget=_date_widget(), help_text=_("par exemple 31/12/2025")
    )
    value = forms.CharField(label=_("Valeur"), max_length=40)
    weight = forms.CharField(
        label=_("Poids"),
        max_length=40,
        required=False,
        help_text=_("pour une moyenne pondérée seulement (par exemple le nombre de répondants)"),
    )
    breakdown = forms.CharField(
        label=_("Ventilation"),
        max_length=200,
        required=False,
        help_text=_("vide pour le total ; sinon « sexe=femme;age=moins-26 »"),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campagne"), queryset=Campaign.objects.none(), required=False
    )
    source = forms.CharField(
        label=_("Source"), max_length=200, help_text=_("registre, enquête, comptabilité…")
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, indicators, projects, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators.exclude(aggregation=Aggregation.RATIO)
        self.fields["project"].queryset = projects
        self.fields["campaign"].queryset = campaigns
        if not campaigns.exists():
            del self.fields["campaign"]


class CorrectionForm(EssaimForm):
    value = forms.CharField(label=_("Nouvelle valeur"), max_length=40)
    weight = forms.CharField(label=_("Poids"), max_length=40, required=False)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    comment = forms.CharField(
        label=_("Motif de la correction"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(EssaimForm):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("confirm", _("Confirmer la valeur")), ("reject", _("Écarter la valeur"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CsvImportForm(EssaimForm):
    file = forms.FileField(label=_("Fichier CSV"), help_text=_("1 Mo et 2 000 lignes au plus"))
    source = forms.CharField(
        label=_("Source par défaut"),
        max_length=200,
        required=False,
        help_text=_("pour les lignes dont la colonne « source » est vide"),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campagne"), queryset=Campaign.objects.none(), required=False
    )
    accept_valid = forms.BooleanField(
        label=_("Importer les lignes valides et ignorer les lignes en erreur"), required=False
    )

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns


class PlanForm(EssaimForm):
    baseline = forms.CharField(label=_("Valeur de référence"), max_length=40, required=False)
    baseline_year = forms.IntegerField(
        label=_("Année de référence"), min_value=YEAR_MIN, max_value=YEAR_MAX, required=False
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        for year in self.years:
            self.fields[f"target_{year}"] = forms.CharField(
                label=_("Cible %(year)s") % {"year": year}, max_length=40, required=False
            )

    @staticmethod
    def initial_of(plan) -> dict:
        """The form's initial values from a saved plan (or none)."""
        if plan is None:
            return {}
        initial = {
            "baseline": plan.baseline.normalize() if plan.baseline is not None else "",
            "baseline_year": plan.baseline_year,
        }
        initial.update({f"target_{t.year}": t.value.normalize() for t in plan.targets.all()})
        return initial

    def targets(self) -> dict[int, str]:
        return {
            year: self.cleaned_data[f"target_{year}"]
            for year in self.years
            if self.cleaned_data.get(f"target_{year}")
        }


class CampaignForm(EssaimForm):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    period_start = forms.DateField(label=_("Début de la période"), widget=_date_widget())
    period_end = forms.DateField(label=_("Fin de la période"), widget=_date_widget())
    due_on = forms.DateField(label=_("Date limite"), widget=_date_widget())
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicateurs"),
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    labels = forms.ModelMultipleChoiceField(
        label=_("Territoires"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, indicators, labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = indicators.exclude(aggregation=Aggregation.RATIO)
        self.fields["labels"].queryset = labels
        self.fields["labels"].label_from_instance = lambda label: label.perimeter.name


class ReportForm(EssaimForm):
    label = forms.ModelChoiceField(
        label=_("Territoire"),
        queryset=None,
        required=False,
        empty_label=_("— ensemble du programme —"),
    )
    year = forms.IntegerField(label=_("Année"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    title = forms.CharField(
        label=_("Titre"),
        max_length=200,
        required=False,
        help_text=_("vide : « Rapport d'évaluation <année> — <territoire> »"),
    )

    def __init__(self, *args, labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label"].queryset = labels


class ReportSectionForm(EssaimForm):
    title = forms.CharField(label=_("Titre de la section"), max_length=200)
    body = forms.CharField(
        label=_("Texte"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "texte simple : une ligne vide sépare les paragraphes, une ligne commençant par "
            "« - » fait une liste, **mots** en gras"
        ),
    )
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=1000,
        initial=0,
        help_text=_("les sections sont rangées par position croissante"),
    )


def _text_area(rows: int = 3):
    return forms.Textarea(attrs={"rows": rows})


class IndicatorForm(EssaimForm):
    """An indicator of the library. Breakdowns are typed one per line, "dimension : value, value";
    SDG targets separated by commas. ``services_library`` checks the rest."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("lettres sans accent, chiffres et tirets, unique dans le programme"),
    )
    name = forms.CharField(label=_("Intitulé"), max_length=200)
    definition = forms.CharField(
        label=_("Définition"), max_length=4000, required=False, widget=_text_area(4)
    )
    unit = forms.CharField(label=_("Unité"), max_length=40)
    direction = forms.ChoiceField(label=_("Sens"), choices=Direction.choices)
    aggregation = forms.ChoiceField(label=_("Règle d'agrégation"), choices=Aggregation.choices)
    numerator = forms.ModelChoiceField(
        label=_("Numérateur"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_("pour un ratio seulement"),
    )
    denominator = forms.ModelChoiceField(
        label=_("Dénominateur"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_("pour un ratio seulement"),
    )
    weight = forms.ModelChoiceField(
        label=_("Indicateur de pondération"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_("pour une moyenne pondérée seulement"),
    )
    min_value = forms.CharField(label=_("Valeur minimale admise"), max_length=40, required=False)
    max_value = forms.CharField(label=_("Valeur maximale admise"), max_length=40, required=False)
    breakdowns = forms.CharField(
        label=_("Ventilations"),
        max_length=2000,
        required=False,
        widget=_text_area(3),
        help_text=_("une par ligne : « sexe : femme, homme »"),
    )
    theme = forms.CharField(label=_("Thème"), max_length=80, required=False)
    challenge = forms.CharField(label=_("Défi"), max_length=120, required=False)
    sdg_targets = forms.CharField(
        label=_("Cibles des objectifs de développement durable"),
        max_length=400,
        required=False,
        help_text=_("séparées par des virgules, par exemple « 8.3, 17.17 »"),
    )
    imp_what = forms.CharField(
        label=_("Quoi (IMP)"), max_length=2000, required=False, widget=_text_area(2)
    )
    imp_who = forms.CharField(
        label=_("Qui (IMP)"), max_length=2000, required=False, widget=_text_area(2)
    )
    imp_how_much = forms.CharField(
        label=_("Combien (IMP)"), max_length=2000, required=False, widget=_text_area(2)
    )
    imp_contribution = forms.CharField(
        label=_("Contribution (IMP)"), max_length=2000, required=False, widget=_text_area(2)
    )
    imp_risk = forms.CharField(
        label=_("Risque (IMP)"), max_length=2000, required=False, widget=_text_area(2)
    )
    position = forms.IntegerField(
        label=_("Rang"), min_value=0, max_value=32767, initial=0, required=False
    )

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("numerator", "denominator", "weight"):
            self.fields[name].queryset = terms

    def clean_breakdowns(self) -> list[dict]:
        breakdowns = []
        for line in self.cleaned_data["breakdowns"].splitlines():
            if not line.strip():
                continue
            dimension, sep, values = line.partition(":")
            values = [v.strip() for v in values.split(",") if v.strip()]
            if not sep or not dimension.strip() or not values:
                raise forms.ValidationError(
                    _("« %(line)s » : écrivez « dimension : valeur, valeur ».")
                    % {"line": line.strip()[:60]}
                )
            breakdowns.append({"dimension": dimension.strip(), "values": values})
        return breakdowns

    def clean_sdg_targets(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["sdg_targets"].split(",") if t.strip()]

    def clean_position(self) -> int:
        return self.cleaned_data["position"] or 0

    @staticmethod
    def initial_of(indicator) -> dict:
        initial = {name: getattr(indicator, name) for name in INDICATOR_FORM_FIELDS}
        initial["breakdowns"] = "\n".join(
            f"{b['dimension']} : {', '.join(b['values'])}" for b in indicator.breakdowns or []
        )
        initial["sdg_targets"] = ", ".join(indicator.sdg_targets or [])
        for name in ("min_value", "max_value"):
            value = getattr(indicator, name)
            initial[name] = f"{value.normalize():f}" if value is not None else ""
        return initial


INDICATOR_FORM_FIELDS = tuple(IndicatorForm.base_fields)
