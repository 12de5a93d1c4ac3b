"""Demo geography: the official reference (loaded once) and the 27 labelled territories of the
French Impact programme (waves 1 and 2) as perimeters made of official units.

Each territory is built from the units public facts point to. Where the exact boundary of the
label is not public (most collectives described "their" territory without a list of communes),
the perimeter is the closest official unit(s) and its description says it is an approximation.
Slugs are ``slugify(name)``; other apps rely on e.g. ``region-nouvelle-aquitaine``.

``load_regional`` adds the territories of the second, fictitious programme's applications
(``REGIONAL_TERRITORIES``): real official units of Nouvelle-Aquitaine (départements, EPCI), whose
collectives and applications are invented.
"""

from dataclasses import dataclass, field

from essaim.geo.models import Commune, Departement, Epci, Region
from essaim.geo.reference import ept_communes
from essaim.geo.services import (
    Unit,
    geo_load_reference,
    geo_reference_is_loaded,
    perimeter_ensure,
)

SOURCE = "Limites des communes et intercommunalités au 1er janvier 2026 (INSEE)."
APPROXIMATION = (
    "Approximation : le périmètre exact retenu par le collectif n'est pas public ; "
    "il est représenté par les unités officielles les plus proches."
)


@dataclass
class Territory:
    note: str
    regions: list[str] = field(default_factory=list)
    departements: list[str] = field(default_factory=list)
    epci: list[str] = field(default_factory=list)  # exact EPCI names in the COG data
    ept: list[str] = field(default_factory=list)  # Grand Paris EPT names: their communes
    communes: list[str] = field(default_factory=list)
    approximate: bool = False


def _metropole(kind: str) -> str:
    return f"Le territoire de la {kind}, tel qu'il est défini par ses communes membres."


# Keyed by the reference YAML's names (waves 1 and 2).
TERRITORIES: dict[str, Territory] = {
    "Aix-Marseille-Provence": Territory(
        _metropole("métropole d'Aix-Marseille-Provence"),
        epci=["Métropole d'Aix-Marseille-Provence"],
    ),
    "Clermont-Ferrand": Territory(
        "Le collectif CISCA porte la candidature avec Clermont Auvergne Métropole : le "
        "périmètre est celui de la métropole.",
        epci=["Clermont Auvergne Métropole"],
        approximate=True,
    ),
    "Est Ensemble": Territory(
        "Est Ensemble est un établissement public territorial (EPT) de la Métropole du Grand "
        "Paris, sans fiscalité propre : le périmètre reprend ses communes une à une.",
        ept=["Est Ensemble"],
    ),
    "Figeac": Territory(
        "Le cluster Figeacteurs agit sur le Grand-Figeac : le périmètre est la communauté de "
        "communes Grand-Figeac (Lot et Aveyron).",
        epci=["CC Grand-Figeac"],
        approximate=True,
    ),
    # "Le Mans – Sarthe": the name spans the city and the département, and the press coverage
    # of the first wave (Recma, février 2019) counts "un département" among the twenty
    # territories, which can only be the Sarthe (Mayotte is counted as the overseas one). Le
    # Mans Métropole lies wholly inside it, so the Sarthe département covers both names.
    "Le Mans – Sarthe": Territory(
        "Le label porte sur Le Mans et la Sarthe : le périmètre est le département de la "
        "Sarthe (72), qui contient Le Mans Métropole.",
        departements=["72"],
    ),
    "Lyon Métropole": Territory(
        _metropole("Métropole de Lyon (collectivité à statut particulier)"),
        epci=["Métropole de Lyon"],
    ),
    "Mayotte": Territory("Le département de Mayotte (976).", departements=["976"]),
    # "Montreuillois" is read as the Pays du Montreuillois (Pas-de-Calais): Montreuil in
    # Seine-Saint-Denis is already part of Est Ensemble, labelled separately, and the press
    # counts four rural territories in the first wave. The three EPCI form the Pays.
    "Montreuillois": Territory(
        "Le Pays du Montreuillois (Pas-de-Calais) : communauté d'agglomération des Deux Baies "
        "en Montreuillois, communautés de communes des 7 Vallées et du Haut Pays du "
        "Montreuillois. Lecture prudente du nom du territoire labellisé.",
        epci=[
            "CA des Deux Baies en Montreuillois",
            "CC des 7 Vallées",
            "CC du Haut Pays du Montreuillois",
        ],
        approximate=True,
    ),
    "Nantes Métropole": Territory(_metropole("métropole de Nantes"), epci=["Nantes Métropole"]),
    "Pays de Grasse": Territory(
        "La communauté d'agglomération du Pays de Grasse.", epci=["CA du Pays de Grasse"]
    ),
    "Région Bretagne": Territory("La région Bretagne (53).", regions=["53"]),
    "Région Normandie": Territory("La région Normandie (28).", regions=["28"]),
    "Région Nouvelle-Aquitaine": Territory("La région Nouvelle-Aquitaine (75).", regions=["75"]),
    "Roissy Pays de France": Territory(
        "La communauté d'agglomération Roissy Pays de France (Val-d'Oise et Seine-et-Marne).",
        epci=["CA Roissy Pays de France"],
    ),
    # Roubaix: the label names the city, not the Métropole Européenne de Lille (95 communes,
    # which would have been labelled "Lille Métropole"); the commune alone is the perimeter.
    "Roubaix": Territory(
        "La commune de Roubaix (59512). Le label nomme la ville, non la Métropole Européenne "
        "de Lille dont elle est membre.",
        communes=["59512"],
    ),
    "Strasbourg Eurométropole": Territory(
        _metropole("Eurométropole de Strasbourg"), epci=["Eurométropole de Strasbourg"]
    ),
    "Territoire Lédonien – Cluster'Jura": Territory(
        "Le Territoire lédonien : la communauté d'agglomération ECLA (Espace Communautaire "
        "Lons Agglomération), autour de Lons-le-Saunier.",
        epci=["CA ECLA (Espace Communautaire Lons Agglomération)"],
        approximate=True,
    ),
    "Territoire Olympique 2024": Territory(
        "Le territoire olympique de Seine-Saint-Denis, représenté par les communes de l'EPT "
        "Plaine Commune (Saint-Denis : Stade de France, village des athlètes). Les autres "
        "sites olympiques (Le Bourget, Dugny) n'y sont pas.",
        ept=["Plaine Commune"],
        approximate=True,
    ),
    "Valence-Romans": Territory(
        "La communauté d'agglomération Valence Romans Agglo.", epci=["CA Valence Romans Agglo"]
    ),
    "Vallée de la Marne": Territory(
        "La communauté d'agglomération Paris - Vallée de la Marne (Seine-et-Marne).",
        epci=["CA Paris - Vallée de la Marne"],
        approximate=True,
    ),
    "Toulouse Métropole": Territory(_metropole("Toulouse Métropole"), epci=["Toulouse Métropole"]),
    "Grand Narbonne": Territory(
        "La communauté d'agglomération Le Grand Narbonne.", epci=["CA Le Grand Narbonne"]
    ),
    # Occitanie Est: the collective is led by URSCOP Occitanie's "pôle Méditerranée", i.e. the
    # former Languedoc-Roussillon: Aude, Gard, Hérault, Lozère, Pyrénées-Orientales.
    "Occitanie Est": Territory(
        "L'est de l'Occitanie (ancien Languedoc-Roussillon) : Aude, Gard, Hérault, Lozère et "
        "Pyrénées-Orientales, aire du pôle Méditerranée de l'URSCOP Occitanie.",
        departements=["11", "30", "34", "48", "66"],
        approximate=True,
    ),
    "Grenoble Alpes Métropole": Territory(
        _metropole("métropole Grenoble-Alpes-Métropole"), epci=["Grenoble-Alpes-Métropole"]
    ),
    "Grand Chambéry": Territory(
        "La communauté d'agglomération du Grand Chambéry, qui porte la candidature.",
        epci=["CA du Grand Chambéry"],
    ),
    # Genevois – InnoVales: the French side of Greater Geneva, i.e. the eight EPCI of the Pôle
    # métropolitain du Genevois français.
    "Genevois – InnoVales": Territory(
        "Le Genevois français : les huit intercommunalités du Pôle métropolitain du Genevois "
        "français (Ain et Haute-Savoie).",
        epci=[
            "CA Annemasse-Les Voirons-Agglomération",
            "CA du Pays de Gex",
            "CA Thonon Agglomération",
            "CC Arve et Salève",
            "CC du Genevois",
            "CC Faucigny - Glières",
            "CC du Pays Rochois",
            "CC Terre Valserhône (CCTV)",
        ],
        approximate=True,
    ),
    "Grand Poitiers": Territory(
        "La communauté urbaine du Grand Poitiers.", epci=["CU du Grand Poitiers"]
    ),
}


def labelled_names(reference: dict) -> list[str]:
    return [t["name"] for wave in reference["waves"] for t in wave["labelled"]]


def _resolve(territory: Territory, sirens: dict[str, str]) -> tuple[list[Unit], list[str]]:
    """The units of a territory and a French description of them."""
    units, described = [], []
    if territory.regions:
        names = dict(Region.objects.filter(code__in=territory.regions).values_list("code", "name"))
        for code in territory.regions:
            units.append(Unit("region", code))
            described.append(f"la région {names.get(code, code)}")
    if territory.departements:
        names = dict(
            Departement.objects.filter(code__in=territory.departements).values_list("code", "name")
        )
        for code in territory.departements:
            units.append(Unit("departement", code))
            described.append(f"le département {names.get(code, code)} ({code})")
    for name in territory.epci:
        if name not in sirens:
            raise LookupError(f"EPCI {name!r} is not in the loaded geography")
        units.append(Unit("epci", sirens[name]))
        described.append(f"l'intercommunalité {name}")
    for name in territory.ept:
        codes = ept_communes(name)
        units.extend(Unit("commune", code) for code in codes)
        described.append(f"les {len(codes)} communes de {name}")
    communes = dict(
        Commune.objects.filter(insee__in=territory.communes).values_list("insee", "name")
    )
    for code in territory.communes:
        units.append(Unit("commune", code))
        described.append(f"la commune de {communes.get(code, code)}")
    return units, described


def load(ctx) -> None:
    if geo_reference_is_loaded():
        ctx.say("  geo: référentiel géographique déjà chargé")
    else:
        report = geo_load_reference(user=None)
        ctx.say(f"  geo: {report.summary()}")

    names = labelled_names(ctx.reference)
    missing = [name for name in names if name not in TERRITORIES]
    if missing:
        raise LookupError(f"no perimeter definition for {missing}")
    wanted_epci = {name for name in names for name in TERRITORIES[name].epci}
    sirens = dict(Epci.objects.filter(name__in=wanted_epci).values_list("name", "siren"))

    perimeters = {}
    for name in names:
        territory = TERRITORIES[name]
        units, described = _resolve(territory, sirens)
        description = "\n\n".join(
            part
            for part in (
                territory.note,
                "Le territoire réunit : " + ", ".join(described) + ".",
                APPROXIMATION if territory.approximate else "",
                SOURCE,
            )
            if part
        )
        perimeters[name] = perimeter_ensure(
            user=None, name=name, units=units, description=description
        )
    ctx.objects["perimeters"] = perimeters
    ctx.say(f"  geo: {len(perimeters)} périmètres de territoires labellisés")


# The territories of the fictitious regional programme's applications: real units of
# Nouvelle-Aquitaine (none of them a French Impact territory, labelled or fictitious). Their names
# are not EPCI names, so that the French Impact loader's choice of EPCI never shifts.
REGIONAL_TERRITORIES: dict[str, Territory] = {
    "Creuse": Territory("Le département de la Creuse (23).", departements=["23"]),
    "Landes": Territory("Le département des Landes (40).", departements=["40"]),
    "Grand Angoulême": Territory(
        "La communauté d'agglomération du Grand Angoulême.", epci=["CA du Grand Angoulême"]
    ),
    "Limoges Métropole": Territory(
        "La communauté urbaine Limoges Métropole.", epci=["CU Limoges Métropole"]
    ),
    "Pau Béarn Pyrénées": Territory(
        "La communauté d'agglomération Pau Béarn Pyrénées.", epci=["CA Pau Béarn Pyrénées"]
    ),
    "Agglomération de La Rochelle": Territory(
        "La communauté d'agglomération de La Rochelle.", epci=["CA de La Rochelle"]
    ),
}
REGIONAL_NOTE = (
    "Territoire d'une candidature fictive au programme de démonstration « Innovation sociale en "
    "Nouvelle-Aquitaine (fictif) » : l'unité officielle est réelle, le collectif est inventé."
)


def load_regional(ctx) -> None:
    """The regional programme's territories, as perimeters of official units (idempotent)."""
    wanted_epci = {name for t in REGIONAL_TERRITORIES.values() for name in t.epci}
    sirens = dict(Epci.objects.filter(name__in=wanted_epci).values_list("name", "siren"))
    perimeters = {}
    for name, territory in REGIONAL_TERRITORIES.items():
        units, described = _resolve(territory, sirens)
        description = "\n\n".join(
            (
                territory.note,
                "Le territoire réunit : " + ", ".join(described) + ".",
                REGIONAL_NOTE,
                SOURCE,
            )
        )
        perimeters[name] = perimeter_ensure(
            user=None, name=name, units=units, description=description
        )
    ctx.objects["regional_perimeters"] = perimeters
    ctx.say(f"  geo: {len(perimeters)} périmètres du programme régional (fictif)")
