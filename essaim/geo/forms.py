"""The programme team's perimeter form: a name, a description and the official units, one per
line (``region 75``, ``epci 200041317``, ``sauf commune 79191``), filled with the unit picker."""

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from essaim.core.forms import EssaimForm
from essaim.geo.models import UnitKind
from essaim.geo.reference import fold
from essaim.geo.services import Unit

EXCLUDE_WORD = "sauf"
_LINE = re.compile(r"^(?:(?P<exclude>sauf)\s+)?(?P<kind>[a-z]+)\s+(?P<code>[0-9a-z]{2,9})$")


def units_to_text(units: list[dict]) -> str:
    """The text of the units field for ``units_with_names(perimeter)``."""
    lines = []
    for unit in units:
        line = f"{unit['kind']} {unit['code']}"
        if unit.get("name"):
            line += f" — {unit['name']}"
        lines.append(f"{EXCLUDE_WORD} {line}" if unit["excluded"] else line)
    return "\n".join(lines)


class PerimeterForm(EssaimForm):
    name = forms.CharField(label=gettext_lazy("Nom"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Les unités utilisées et, le cas échéant, les approximations."),
    )
    units = forms.CharField(
        label=gettext_lazy("Unités officielles"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "Une unité par ligne : « region 75 », « departement 79 », « epci 200041317 » "
            "(SIREN) ou « commune 79191 » (code INSEE) ; « sauf » en tête de ligne exclut "
            "l'unité. Le texte après « — » est ignoré."
        ),
    )

    def clean_units(self) -> list[Unit]:
        units, errors = [], []
        for number, raw in enumerate(self.cleaned_data["units"].splitlines(), start=1):
            text = raw.split("—", 1)[0].split("#", 1)[0]
            if not text.strip():
                continue
            match = _LINE.match(fold(text))
            if match is None or match["kind"] not in UnitKind.values:
                errors.append(
                    _(
                        "Ligne %(number)s : « %(line)s » n'est pas de la forme « type code » "
                        "(types : %(kinds)s)."
                    )
                    % {"number": number, "line": raw.strip(), "kinds": ", ".join(UnitKind.values)}
                )
                continue
            units.append(Unit(match["kind"], match["code"].upper(), bool(match["exclude"])))
        if errors:
            raise forms.ValidationError(errors)
        if not units:
            raise forms.ValidationError(_("Indiquez au moins une unité officielle."))
        return units
