"""The open data sets of figures: the published impact aggregates (the impact app's own rows,
``essaim.impact.opendata``) and the single window's counts of tickets (``opendata``)."""

from essaim.impact.opendata import COLUMNS as IMPACT_COLUMNS
from essaim.portal import opendata_rows as rows
from essaim.portal.opendata_fields import PROGRAMME, Dataset, Text, column

_IMPACT_FIELDS = {
    "programme": PROGRAMME,
    "territory": column(
        "territory",
        "string",
        "Territoire",
        "Territory",
        "Nom du territoire (vide au niveau du programme).",
        "Territory name (empty at programme level).",
    ),
    "territory_slug": column(
        "territory_slug",
        "string",
        "Identifiant du territoire",
        "Territory identifier",
        "Identifiant (slug) du périmètre (vide au niveau du programme).",
        "Identifier (slug) of the perimeter (empty at programme level).",
    ),
    "indicator": column(
        "indicator",
        "string",
        "Indicateur",
        "Indicator",
        "Code de l'indicateur.",
        "Indicator code.",
        required=True,
    ),
    "indicator_name": column(
        "indicator_name", "string", "Nom", "Name", "Nom de l'indicateur.", "Indicator name."
    ),
    "unit": column("unit", "string", "Unité", "Unit", "Unité de la valeur.", "Unit of the value."),
    "aggregation": column(
        "aggregation",
        "string",
        "Règle",
        "Rule",
        "Règle d'agrégation : sum, mean, weighted_mean, ratio ou last.",
        "Aggregation rule: sum, mean, weighted_mean, ratio or last.",
    ),
    "year": column("year", "year", "Année", "Year", "Année.", "Year.", required=True),
    "value": column(
        "value",
        "number",
        "Valeur",
        "Value",
        "Valeur agrégée des mesures publiées, selon la règle de l'indicateur.",
        "Value aggregated from the published measurements, by the indicator's rule.",
    ),
    "values_counted": column(
        "values_counted",
        "integer",
        "Valeurs comptées",
        "Values counted",
        "Nombre de valeurs publiées comptées.",
        "Number of published values counted.",
    ),
}
# The impact app's columns, in its order: a column it adds fails here, not in a download.
IMPACT_FIELDS = tuple(_IMPACT_FIELDS[name] for name in IMPACT_COLUMNS)

IMPACT_PROGRAMMES = Dataset(
    id="impact-programmes",
    title=Text("Chiffres d'impact par programme", "Impact figures by programme"),
    description=Text(
        "Les agrégats annuels des valeurs d'impact vérifiées et publiées, par programme et "
        "indicateur ; chaque indicateur suit sa règle (un ratio est le rapport des sommes).",
        "The yearly aggregates of the verified, published impact values, by programme and "
        "indicator; each indicator follows its rule (a ratio is the ratio of the sums).",
    ),
    keywords=("impact", "indicateur", "évaluation"),
    fields=IMPACT_FIELDS,
    primary_key=("programme", "indicator", "year"),
    rows=rows.impact_programme_rows,
    modified=rows.impact_modified,
)

IMPACT_TERRITORIES = Dataset(
    id="impact-territoires",
    title=Text("Chiffres d'impact par territoire", "Impact figures by territory"),
    description=Text(
        "Les agrégats annuels des valeurs d'impact vérifiées et publiées, par territoire "
        "labellisé et indicateur.",
        "The yearly aggregates of the verified, published impact values, by labelled territory "
        "and indicator.",
    ),
    keywords=("impact", "indicateur", "territoire"),
    fields=IMPACT_FIELDS,
    primary_key=("programme", "territory_slug", "indicator", "year"),
    rows=rows.impact_territory_rows,
    modified=rows.impact_modified,
)

SINGLE_WINDOW = Dataset(
    id="guichet-unique-saisines",
    title=Text("Saisines du guichet unique", "Single-window tickets"),
    description=Text(
        "Le nombre de saisines reçues par le guichet unique réglementaire, par programme, mois "
        "de réception, thème, état et issue. Des comptes seulement : aucune saisine, aucune "
        "personne ni organisation n'y figure.",
        "The number of tickets the regulatory single window received, by programme, month "
        "received, theme, state and outcome. Counts only: no ticket, person or organisation "
        "appears.",
    ),
    keywords=("guichet unique", "réglementation", "expérimentation"),
    fields=(
        PROGRAMME,
        column(
            "month",
            "yearmonth",
            "Mois",
            "Month",
            "Mois de réception (AAAA-MM).",
            "Month received (YYYY-MM).",
            required=True,
        ),
        column(
            "theme",
            "string",
            "Thème",
            "Theme",
            "Code du thème (vide : pas encore qualifiée).",
            "Theme code (empty: not triaged yet).",
        ),
        column("theme_label", "string", "Libellé du thème", "Theme label", "Thème.", "Theme."),
        column(
            "state",
            "string",
            "État",
            "State",
            "new, triaged, routed, in_progress, answered ou closed.",
            "new, triaged, routed, in_progress, answered or closed.",
            required=True,
        ),
        column("state_label", "string", "Libellé de l'état", "State label", "État.", "State."),
        column(
            "outcome",
            "string",
            "Issue",
            "Outcome",
            "Code de l'issue (vide : pas encore close).",
            "Outcome code (empty: not closed yet).",
        ),
        column(
            "outcome_label", "string", "Libellé de l'issue", "Outcome label", "Issue.", "Outcome."
        ),
        column(
            "tickets",
            "integer",
            "Saisines",
            "Tickets",
            "Nombre de saisines.",
            "Number of tickets.",
            required=True,
        ),
    ),
    primary_key=("programme", "month", "theme", "state", "outcome"),
    rows=rows.ticket_rows,
    modified=rows.tickets_modified,
)
