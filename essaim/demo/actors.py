"""Demo organisations and collectives of the French Impact programme.

Real facts only: the organisations named by the reference file (the carriers of the labelled
territories, the financers and partners of the instruments, the programme's owner and expert
partner), with their kind, ESS status and head-office commune where they are certain. SIREN and
SIRET are given only where checked against public registers (the EPCI's come from the loaded
official geography). The people are fictitious, flagged so, and not public.

Idempotent: organisations are keyed by name, collectives by perimeter, members by (collective,
organisation), partnerships by (source, target, kind), people by (organisation, name).

``load_regional`` adds the second, fictitious programme's actors: its owner (a fictitious regional
agency) and one fictitious collective per territory of ``essaim.demo.geo.REGIONAL_TERRITORIES``,
each with two or three fictitious organisations, all marked "(fictif)" and ``is_fictitious``.
"""

from dataclasses import dataclass, field

from essaim.actors.models import (
    Collective,
    CollectiveMember,
    CollectiveRole,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipKind,
    Person,
)
from essaim.actors.search import organisation_index
from essaim.geo.models import Commune, Epci, Perimeter

K = OrganisationKind


@dataclass
class Org:
    name: str
    kind: str
    acronym: str = ""
    is_ess: bool = False
    legal_category: str = ""
    commune: tuple[str, str] | None = None  # (INSEE code, name): set only if both match
    siren: str = ""
    siret: str = ""
    epci: str = ""  # name of the EPCI in the official geography: its SIREN is the organisation's
    website: str = ""
    description: str = ""


PARIS = ("75056", "Paris")
BORDEAUX = ("33063", "Bordeaux")

ORGANISATIONS = [
    # The programme
    Org(
        "Haut-Commissariat à l'économie sociale et solidaire et à l'innovation sociale",
        K.PUBLIC_BODY,
        commune=PARIS,
        description="Service de l'État qui a lancé et instruit l'appel à manifestation d'intérêt "
        "permanent « Territoire French Impact » (2018).",
    ),
    Org(
        "Avise",
        K.SUPPORT,
        is_ess=True,
        legal_category="9220",
        commune=PARIS,
        website="https://www.avise.org",
        description="Agence d'ingénierie pour développer l'économie sociale et solidaire ; a "
        "contribué à l'instruction des candidatures French Impact. Anime HubESS.",
    ),
    # Financers and partners of the instruments
    Org(
        "Bpifrance",
        K.FINANCER,
        siren="320252489",
        commune=("94046", "Maisons-Alfort"),
        website="https://www.bpifrance.fr",
        description="Banque publique d'investissement : FISO #2 (fonds d'innovation sociale, "
        "cofinancé avec les Régions) et prêt économie sociale et solidaire.",
    ),
    Org(
        "Caisse des Dépôts",
        K.FINANCER,
        acronym="CDC",
        siren="180020026",
        commune=PARIS,
        website="https://www.caissedesdepots.fr",
        description="Institution financière publique ; le fonds NovESS est le sien.",
    ),
    Org(
        "Banque des Territoires",
        K.FINANCER,
        commune=PARIS,
        website="https://www.banquedesterritoires.fr",
        description="Direction de la Caisse des Dépôts au service des territoires : NovESS.",
    ),
    Org(
        "Mandarine Gestion",
        K.FINANCER,
        commune=PARIS,
        description="Société de gestion ; gère le fonds NovESS avec le Comptoir de l'Innovation.",
    ),
    Org(
        "Comptoir de l'Innovation",
        K.FINANCER,
        commune=PARIS,
        description="Société d'investissement à impact ; gère le fonds NovESS avec Mandarine "
        "Gestion.",
    ),
    Org(
        "France Active",
        K.NETWORK,
        is_ess=True,
        website="https://www.franceactive.org",
        description="Réseau de financement des entreprises de l'économie sociale et solidaire "
        "(42 associations territoriales) : contrat d'apport associatif, garantie, pacte "
        "Émergence.",
    ),
    Org(
        "INCO",
        K.FINANCER,
        commune=PARIS,
        description="Accélérateur et investisseur de l'innovation sociale : fonds d'amorçage "
        "French Impact.",
    ),
    Org(
        "Direction générale des Entreprises",
        K.PUBLIC_BODY,
        acronym="DGE",
        commune=PARIS,
        description="Direction du ministère de l'Économie ; conduit France Expérimentation avec "
        "la DITP.",
    ),
    Org(
        "Direction interministérielle de la transformation publique",
        K.PUBLIC_BODY,
        acronym="DITP",
        commune=PARIS,
        description="Conduit France Expérimentation avec la DGE.",
    ),
    # Région Nouvelle-Aquitaine (the seed)
    Org(
        "Région Nouvelle-Aquitaine",
        K.LOCAL_AUTHORITY,
        legal_category="7230",
        siren="200053759",
        siret="20005375900011",
        commune=BORDEAUX,
        website="https://www.nouvelle-aquitaine.fr",
    ),
    Org(
        "ADI Nouvelle-Aquitaine",
        K.SUPPORT,
        acronym="ADI N-A",
        description="Agence de développement et d'innovation de la Nouvelle-Aquitaine.",
    ),
    Org(
        "ATIS",
        K.SUPPORT,
        is_ess=True,
        description="Association d'accompagnement des projets d'innovation sociale en "
        "Nouvelle-Aquitaine (incubateur).",
    ),
    Org("France Active Nouvelle-Aquitaine", K.ASSOCIATION, is_ess=True),
    Org(
        "Ellyx",
        K.SUPPORT,
        is_ess=True,
        commune=("86194", "Poitiers"),
        description="Agence d'innovation sociale.",
    ),
    Org(
        "Chambre de métiers et de l'artisanat des Deux-Sèvres",
        K.PUBLIC_BODY,
        acronym="CMA79",
        legal_category="7381",
        commune=("79191", "Niort"),
    ),
    # Région Normandie
    Org(
        "Région Normandie",
        K.LOCAL_AUTHORITY,
        legal_category="7230",
        siren="200053403",
        siret="20005340300057",
        commune=("14118", "Caen"),
        website="https://www.normandie.fr",
    ),
    Org(
        "CRESS Normandie",
        K.NETWORK,
        is_ess=True,
        description="Chambre régionale de l'économie sociale et solidaire de Normandie.",
    ),
    Org(
        "ADRESS",
        K.SUPPORT,
        is_ess=True,
        description="Agence de développement de l'ESS en Normandie.",
    ),
    Org("France Active Normandie", K.ASSOCIATION, is_ess=True),
    Org("Caux Seine Développement", K.SUPPORT, description="Agence de développement économique."),
    # Nantes Métropole
    Org(
        "Les Ecossolies",
        K.NETWORK,
        is_ess=True,
        commune=("44109", "Nantes"),
        website="https://www.ecossolies.fr",
        description="Réseau des acteurs de l'économie sociale et solidaire de la métropole "
        "nantaise.",
    ),
    Org(
        "Coopérer pour entreprendre",
        K.NETWORK,
        is_ess=True,
        description="Réseau de coopératives d'activité et d'emploi.",
    ),
    Org("Envie 44", K.ASSOCIATION, is_ess=True, description="Entreprise d'insertion."),
    Org("France Active Pays de la Loire", K.ASSOCIATION, is_ess=True),
    Org(
        "URSCOP Ouest",
        K.NETWORK,
        is_ess=True,
        description="Union régionale des Scop et des Scic de l'Ouest.",
    ),
    # Lyon Métropole
    Org(
        "Métropole de Lyon",
        K.LOCAL_AUTHORITY,
        epci="Métropole de Lyon",
        commune=("69123", "Lyon"),
        website="https://www.grandlyon.com",
    ),
    Org("Alter'Incub", K.SUPPORT, is_ess=True, description="Incubateur d'entreprises sociales."),
    Org(
        "CRESS Auvergne-Rhône-Alpes",
        K.NETWORK,
        is_ess=True,
        description="Chambre régionale de l'économie sociale et solidaire.",
    ),
    Org(
        "Ronalpia",
        K.SUPPORT,
        is_ess=True,
        commune=("69123", "Lyon"),
        description="Incubateur d'entrepreneurs sociaux.",
    ),
    Org(
        "Mouves",
        K.NETWORK,
        is_ess=True,
        description="Mouvement des entrepreneurs sociaux.",
    ),
    Org(
        "Sport dans la ville",
        K.ASSOCIATION,
        is_ess=True,
        description="Insertion des jeunes par le sport.",
    ),
    # Clermont-Ferrand
    Org(
        "CISCA",
        K.NETWORK,
        is_ess=True,
        commune=("63113", "Clermont-Ferrand"),
        description="Collectif clermontois de l'innovation sociale.",
    ),
    Org(
        "Clermont Auvergne Métropole",
        K.LOCAL_AUTHORITY,
        legal_category="7344",
        epci="Clermont Auvergne Métropole",
        commune=("63113", "Clermont-Ferrand"),
    ),
    # Figeac
    Org(
        "Figeacteurs",
        K.NETWORK,
        is_ess=True,
        commune=("46102", "Figeac"),
        description="Pôle territorial de coopération économique (PTCE) du Figeacois.",
    ),
    Org("ADEFPAT", K.SUPPORT),
    Org("Regain", K.ASSOCIATION),
    Org("Fermes de Figeac", K.COOPERATIVE, is_ess=True, description="Coopérative agricole."),
    Org(
        "CRESS Occitanie",
        K.NETWORK,
        is_ess=True,
        description="Chambre régionale de l'économie sociale et solidaire.",
    ),
    Org("AD'OCC", K.SUPPORT, description="Agence de développement économique de l'Occitanie."),
    # Mayotte
    Org(
        "Conseil départemental de Mayotte",
        K.LOCAL_AUTHORITY,
        siren="229850003",
        commune=("97611", "Mamoudzou"),
    ),
    Org("BGE Mayotte", K.SUPPORT, is_ess=True, description="Accompagnement des créateurs."),
    Org(
        "CRESS Mayotte",
        K.NETWORK,
        is_ess=True,
        description="Chambre régionale de l'économie sociale et solidaire.",
    ),
    # Occitanie Est
    Org(
        "URSCOP Occitanie",
        K.NETWORK,
        is_ess=True,
        description="Union régionale des Scop et des Scic d'Occitanie ; son pôle Méditerranée "
        "mène le collectif Occitanie Est (17 acteurs de l'ESS).",
    ),
    # Grand Chambéry
    Org(
        "Grand Chambéry",
        K.LOCAL_AUTHORITY,
        legal_category="7348",
        epci="CA du Grand Chambéry",
        commune=("73065", "Chambéry"),
        description="Communauté d'agglomération.",
    ),
]


@dataclass
class Carrier:
    members: list[str]
    lead: str = ""  # named lead, from the reference file
    note: str = ""
    supporters: list[str] = field(default_factory=list)


# Keyed by the reference file's territory names; the members are those it names.
CARRIERS = {
    "Région Nouvelle-Aquitaine": Carrier(
        [
            "Région Nouvelle-Aquitaine",
            "ADI Nouvelle-Aquitaine",
            "ATIS",
            "France Active Nouvelle-Aquitaine",
            "Ellyx",
            "Chambre de métiers et de l'artisanat des Deux-Sèvres",
        ],
        lead="Région Nouvelle-Aquitaine",
    ),
    "Région Normandie": Carrier(
        [
            "Région Normandie",
            "CRESS Normandie",
            "ADRESS",
            "France Active Normandie",
            "Caux Seine Développement",
        ],
        lead="Région Normandie",
        note="La CRESS Normandie assure la coordination.",
    ),
    "Nantes Métropole": Carrier(
        [
            "Les Ecossolies",
            "Coopérer pour entreprendre",
            "Envie 44",
            "France Active Pays de la Loire",
            "URSCOP Ouest",
        ]
    ),
    "Lyon Métropole": Carrier(
        [
            "Alter'Incub",
            "Banque des Territoires",
            "CRESS Auvergne-Rhône-Alpes",
            "Ronalpia",
            "Métropole de Lyon",
            "Mouves",
            "Sport dans la ville",
        ],
        note="Le collectif compte 16 partenaires ; sept sont connus.",
    ),
    "Clermont-Ferrand": Carrier(["CISCA", "Clermont Auvergne Métropole"], lead="CISCA"),
    "Figeac": Carrier(
        ["Figeacteurs", "ADEFPAT", "Regain", "Fermes de Figeac", "CRESS Occitanie", "AD'OCC"],
        lead="Figeacteurs",
    ),
    "Mayotte": Carrier(
        ["Conseil départemental de Mayotte", "BGE Mayotte", "CRESS Mayotte"],
        lead="Conseil départemental de Mayotte",
    ),
    "Occitanie Est": Carrier(
        ["URSCOP Occitanie"],
        lead="URSCOP Occitanie",
        note="17 acteurs de l'ESS menés par le pôle Méditerranée de l'URSCOP Occitanie.",
    ),
    "Grand Chambéry": Carrier(["Grand Chambéry"], lead="Grand Chambéry"),
}

PARTNERSHIPS = [
    ("France Active Nouvelle-Aquitaine", PartnershipKind.MEMBER_OF, "France Active", ""),
    ("France Active Normandie", PartnershipKind.MEMBER_OF, "France Active", ""),
    ("France Active Pays de la Loire", PartnershipKind.MEMBER_OF, "France Active", ""),
    (
        "Banque des Territoires",
        PartnershipKind.SUBSIDIARY_OF,
        "Caisse des Dépôts",
        "direction de la Caisse des Dépôts",
    ),
    ("Mandarine Gestion", PartnershipKind.COOPERATES, "Comptoir de l'Innovation", "fonds NovESS"),
    (
        "Avise",
        PartnershipKind.SUPPORTS,
        "Haut-Commissariat à l'économie sociale et solidaire et à l'innovation sociale",
        "contribution à l'instruction des candidatures French Impact",
    ),
    (
        "Direction générale des Entreprises",
        PartnershipKind.COOPERATES,
        "Direction interministérielle de la transformation publique",
        "France Expérimentation",
    ),
]

# Fictitious people (invented for the demo, never public).
PEOPLE = [
    ("Région Nouvelle-Aquitaine", "Sophie", "Garnier", "chargée de mission ESS (fictive)"),
    ("ATIS", "Julien", "Roux", "chargé d'incubation (fictif)"),
    ("France Active", "Claire", "Fontaine", "responsable des partenariats (fictive)"),
    ("Bpifrance", "Marc", "Lemoine", "chargé d'affaires innovation sociale (fictif)"),
    ("Avise", "Élodie", "Chevalier", "chargée de mission (fictive)"),
    ("Les Ecossolies", "Thomas", "Perrin", "coordinateur (fictif)"),
]


def _communes() -> dict[str, Commune]:
    wanted = {org.commune for org in ORGANISATIONS if org.commune}
    found = Commune.objects.filter(insee__in=[code for code, _name in wanted])
    # A commune is used only when its code and its name both match: no wrong head office.
    names = dict(wanted)
    return {c.insee: c for c in found if c.name == names[c.insee]}


def load(ctx) -> None:
    communes = _communes()
    epci_sirens = dict(
        Epci.objects.filter(name__in=[o.epci for o in ORGANISATIONS if o.epci]).values_list(
            "name", "siren"
        )
    )
    organisations: dict[str, Organisation] = {}
    for org in ORGANISATIONS:
        siren = org.siren or epci_sirens.get(org.epci, "")
        organisation, _created = Organisation.objects.update_or_create(
            name=org.name,
            defaults={
                "kind": org.kind,
                "acronym": org.acronym,
                "is_ess": org.is_ess,
                "legal_category": org.legal_category,
                "commune": communes.get(org.commune[0]) if org.commune else None,
                "siren": siren,
                "siret": org.siret,
                "website": org.website,
                "description": org.description,
            },
        )
        organisation.full_clean()  # the demo obeys the same rules as people's input
        organisations[org.name] = organisation
    organisation_index(organisations.values())

    for source, kind, target, description in PARTNERSHIPS:
        Partnership.objects.update_or_create(
            source=organisations[source],
            target=organisations[target],
            kind=kind,
            defaults={"description": description},
        )

    for org_name, first, last, job in PEOPLE:
        Person.objects.update_or_create(
            organisation=organisations[org_name],
            first_name=first,
            last_name=last,
            defaults={
                "job_title": job,
                "email": f"{first[0]}.{last}@demo.essaim.fr".lower().replace("é", "e"),
                "is_public": False,
                "is_fictitious": True,
            },
        )

    perimeters = ctx.objects.get("perimeters") or {}
    names = [t["name"] for wave in ctx.reference["waves"] for t in wave["labelled"]]
    collectives: dict[str, Collective] = {}
    for name in names:
        perimeter = perimeters.get(name) or Perimeter.objects.filter(name=name).first()
        if perimeter is None:
            ctx.say(f"  actors: pas de périmètre « {name} », collectif non créé")
            continue
        carrier = CARRIERS.get(name)
        reference_carrier = next(
            t.get("carrier", "")
            for w in ctx.reference["waves"]
            for t in w["labelled"]
            if t["name"] == name
        )
        description = " ".join(
            part
            for part in (
                f"Collectif porteur selon les sources publiques : {reference_carrier}."
                if reference_carrier
                else "Les membres du collectif porteur ne sont pas connus des sources publiques.",
                carrier.note if carrier else "",
            )
            if part
        )
        collective, _created = Collective.objects.update_or_create(
            perimeter=perimeter,
            defaults={"name": f"Collectif {name}", "description": description},
        )
        collectives[name] = collective
        if carrier is None:
            continue
        members = [carrier.lead] + [m for m in carrier.members if m != carrier.lead]
        for position, member in enumerate(m for m in members if m):
            role = CollectiveRole.LEAD if member == carrier.lead else CollectiveRole.MEMBER
            CollectiveMember.objects.update_or_create(
                collective=collective,
                organisation=organisations[member],
                defaults={"role": role, "position": position},
            )

    ctx.objects["organisations"] = organisations
    ctx.objects["collectives"] = collectives
    ctx.say(f"  actors: {len(organisations)} organisations, {len(collectives)} collectifs porteurs")


# --- The fictitious regional programme ------------------------------------------------------------

REGIONAL_OWNER = Org(
    "Agence régionale de l'innovation sociale Nouvelle-Aquitaine (fictive)",
    K.PUBLIC_BODY,
    commune=BORDEAUX,
    description="Organisation fictive de démonstration : elle porte le programme fictif "
    "« Innovation sociale en Nouvelle-Aquitaine », un appel à projets régional inventé pour "
    "montrer deux programmes sur la même instance.",
)


@dataclass
class RegionalCollective:
    name: str
    head_office: tuple[str, str]  # (INSEE code, name) of the lead's commune
    lead: tuple[str, str]  # (name, kind)
    members: list[tuple[str, str]]
    focus: str


# Keyed by the territory names of ``essaim.demo.geo.REGIONAL_TERRITORIES``.
REGIONAL_COLLECTIVES = {
    "Creuse": RegionalCollective(
        "Collectif Creuse solidaire (fictif)",
        ("23096", "Guéret"),
        ("Association Creuse en transition (fictive)", K.ASSOCIATION),
        [
            ("Coopérative des tiers-lieux creusois (fictive)", K.COOPERATIVE),
            ("Recyclerie de la Marche (association fictive)", K.ASSOCIATION),
        ],
        "tiers-lieux ruraux, réemploi et mobilité",
    ),
    "Landes": RegionalCollective(
        "Collectif Landes solidaires (fictif)",
        ("40192", "Mont-de-Marsan"),
        ("Association Landes solidaires (fictive)", K.ASSOCIATION),
        [("Forêt et insertion landaises (coopérative fictive)", K.COOPERATIVE)],
        "insertion par les métiers de la forêt",
    ),
    "Grand Angoulême": RegionalCollective(
        "Collectif Angoumois coopératif (fictif)",
        ("16015", "Angoulême"),
        ("Association Angoumois coopératif (fictive)", K.ASSOCIATION),
        [("Atelier solidaire de Charente (association fictive)", K.ASSOCIATION)],
        "image, culture et emploi des jeunes",
    ),
    "Limoges Métropole": RegionalCollective(
        "Collectif Limousin innovation sociale (fictif)",
        ("87085", "Limoges"),
        ("Association Limousin innovation sociale (fictive)", K.ASSOCIATION),
        [("Coopérative alimentaire limougeaude (fictive)", K.COOPERATIVE)],
        "réemploi et alimentation durable",
    ),
    "Pau Béarn Pyrénées": RegionalCollective(
        "Collectif Béarn en commun (fictif)",
        ("64445", "Pau"),
        ("Association Béarn en commun (fictive)", K.ASSOCIATION),
        [("Coopérative des mobilités béarnaises (fictive)", K.COOPERATIVE)],
        "mobilités solidaires et habitat",
    ),
    "Agglomération de La Rochelle": RegionalCollective(
        "Collectif Rochelais solidaires (fictif)",
        ("17300", "La Rochelle"),
        ("Association Rochelais solidaires (fictive)", K.ASSOCIATION),
        [("Atelier vélo de l'Aunis (association fictive)", K.ASSOCIATION)],
        "transition écologique du littoral",
    ),
}


def load_regional(ctx) -> None:
    """The fictitious regional programme's owner and collectives (idempotent: organisations by
    name, collectives by perimeter, members by collective and organisation)."""
    perimeters = ctx.objects.get("regional_perimeters") or {
        p.name: p for p in Perimeter.objects.filter(name__in=list(REGIONAL_COLLECTIVES))
    }
    wanted = {c.head_office for c in REGIONAL_COLLECTIVES.values()} | {REGIONAL_OWNER.commune}
    communes = {
        c.insee: c
        for c in Commune.objects.filter(insee__in=[code for code, _name in wanted])
        if c.name == dict(wanted)[c.insee]
    }
    organisations = []

    def organisation(name: str, kind: str, commune_code: str, description: str) -> Organisation:
        found, _created = Organisation.objects.update_or_create(
            name=name,
            defaults={
                "kind": kind,
                "is_ess": kind != K.PUBLIC_BODY,
                "legal_category": "9220" if kind == K.ASSOCIATION else "",
                "commune": communes.get(commune_code),
                "description": description,
                "is_fictitious": True,
            },
        )
        organisations.append(found)
        return found

    owner = organisation(
        REGIONAL_OWNER.name,
        REGIONAL_OWNER.kind,
        REGIONAL_OWNER.commune[0],
        REGIONAL_OWNER.description,
    )
    collectives: dict[str, Collective] = {}
    for territory, spec in REGIONAL_COLLECTIVES.items():
        perimeter = perimeters.get(territory)
        if perimeter is None:
            ctx.say(f"  actors: pas de périmètre « {territory} », collectif régional non créé")
            continue
        collective, _created = Collective.objects.update_or_create(
            perimeter=perimeter,
            defaults={
                "name": spec.name,
                "description": f"Collectif fictif de démonstration ({territory}) : {spec.focus}.",
                "is_fictitious": True,
            },
        )
        collectives[territory] = collective
        members = [(spec.lead, CollectiveRole.LEAD)] + [
            (m, CollectiveRole.MEMBER) for m in spec.members
        ]
        for position, ((name, kind), role) in enumerate(members):
            member = organisation(
                name,
                kind,
                spec.head_office[0],
                f"Organisation fictive de démonstration, membre du {spec.name}.",
            )
            CollectiveMember.objects.update_or_create(
                collective=collective,
                organisation=member,
                defaults={"role": role, "position": position},
            )
    organisation_index(organisations)
    ctx.objects["regional_owner"] = owner
    ctx.objects["regional_collectives"] = collectives
    ctx.say(f"  actors: {len(collectives)} collectifs du programme régional (fictif)")
