"""The open data sets of the labelled territories and their perimeters (``opendata``)."""

from essaim.portal import opendata_rows as rows
from essaim.portal.opendata_fields import (
    PAGE_URL,
    PROGRAMME,
    TERRITORY,
    TERRITORY_NAME,
    Dataset,
    Text,
    column,
)

TERRITORIES = Dataset(
    id="territoires-labellises",
    title=Text("Territoires labellisés", "Labelled territories"),
    description=Text(
        "Les labels des vagues publiées (valides, expirés ou révoqués) et le périmètre de chaque "
        "territoire : les unités qui le composent, les régions et départements qu'il touche.",
        "The labels of published waves (valid, expired or revoked) and each territory's "
        "perimeter: the units it is made of, the regions and departments it touches.",
    ),
    keywords=("label", "territoire", "innovation sociale", "périmètre"),
    fields=(
        PROGRAMME,
        TERRITORY,
        TERRITORY_NAME,
        column("wave", "integer", "Vague", "Wave", "Numéro de la vague.", "Wave number."),
        column(
            "granted_on",
            "date",
            "Attribué le",
            "Granted on",
            "Date d'attribution du label.",
            "Date the label was granted.",
        ),
        column(
            "valid_until",
            "date",
            "Valable jusqu'au",
            "Valid until",
            "Fin de validité (vide : sans fin).",
            "End of validity (empty: none).",
        ),
        column(
            "state",
            "string",
            "État",
            "State",
            "valid, expired ou revoked.",
            "valid, expired or revoked.",
            required=True,
        ),
        column(
            "revoked_on",
            "date",
            "Révoqué le",
            "Revoked on",
            "Date de révocation, le cas échéant.",
            "Date of revocation, if any.",
        ),
        column(
            "population",
            "integer",
            "Population",
            "Population",
            "Population municipale du périmètre.",
            "Municipal population of the perimeter.",
        ),
        column(
            "commune_count",
            "integer",
            "Communes",
            "Communes",
            "Nombre de communes du périmètre.",
            "Number of communes in the perimeter.",
        ),
        column(
            "regions",
            "string",
            "Régions",
            "Regions",
            "Codes INSEE des régions touchées, séparés par une espace.",
            "INSEE codes of the regions touched, separated by a space.",
            is_list=True,
        ),
        column(
            "departements",
            "string",
            "Départements",
            "Departments",
            "Codes INSEE des départements touchés, séparés par une espace.",
            "INSEE codes of the departments touched, separated by a space.",
            is_list=True,
        ),
        column(
            "units",
            "string",
            "Unités",
            "Units",
            "Unités qui définissent le périmètre, « type:code » séparées par une espace "
            "(type : region, departement, epci, commune ; « - » en tête : unité exclue). "
            "Les communes : jeu « communes des territoires labellisés ».",
            "Units defining the perimeter, 'kind:code' separated by a space (kind: region, "
            "departement, epci, commune; a leading '-': excluded unit). The communes: data set "
            "'communes of the labelled territories'.",
            is_list=True,
        ),
        PAGE_URL,
    ),
    primary_key=("programme", "territory", "wave"),
    rows=rows.territory_rows,
    modified=rows.territories_modified,
)

TERRITORY_COMMUNES = Dataset(
    id="communes-des-territoires",
    title=Text("Communes des territoires labellisés", "Communes of the labelled territories"),
    description=Text(
        "Chaque commune de chaque territoire labellisé (vagues publiées), avec son département, "
        "sa région et son EPCI (Code officiel géographique de l'INSEE).",
        "Every commune of every labelled territory (published waves), with its department, "
        "region and EPCI (INSEE's official geographic code).",
    ),
    keywords=("territoire", "commune", "périmètre", "COG"),
    fields=(
        TERRITORY,
        TERRITORY_NAME,
        column(
            "commune",
            "string",
            "Commune",
            "Commune",
            "Code INSEE de la commune.",
            "INSEE code of the commune.",
            required=True,
        ),
        column("commune_name", "string", "Nom", "Name", "Nom de la commune.", "Commune name."),
        column(
            "departement",
            "string",
            "Département",
            "Department",
            "Code INSEE du département.",
            "INSEE code of the department.",
        ),
        column("region", "string", "Région", "Region", "Code INSEE de la région.", "INSEE region."),
        column("epci", "string", "EPCI", "EPCI", "SIREN de l'EPCI.", "SIREN of the EPCI."),
    ),
    primary_key=("territory", "commune"),
    rows=rows.territory_commune_rows,
    modified=rows.territories_modified,
)
