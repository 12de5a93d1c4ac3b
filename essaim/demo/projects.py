"""About 200 fictitious projects over the 27 labelled territories and every stage, among them
the Nouvelle-Aquitaine cooperative supermarket at seed stage needing 40,000 € (held by the demo
project holder's organisation, an association preparing the cooperative).

``load_regional`` adds two projects in the second, fictitious programme's territories (Creuse and
Limoges Métropole), written through the services by their collective's referent, with their
needs."""

import random

from django.utils.text import slugify

from essaim.actors.models import Collective, Organisation, OrganisationKind
from essaim.applications.models import Challenge
from essaim.geo.models import Commune, Perimeter, PerimeterCommune
from essaim.projects.models import Need, NeedKind, Project, Stage
from essaim.projects.services import fold, need_add, project_create

SUPERMARKET_TITLE = "Supermarché coopératif du Marais poitevin"
HOLDER_ORG = "Épicerie coopérative du Marais poitevin"
PROJECTS_PER_TERRITORY = 7

# title, domains, publics, methods, financing purpose
TEMPLATES = [
    ("Tiers-lieu nourricier", ["food"], ["everyone"], ["third_place"], "aménagement du lieu"),
    ("Garage solidaire", ["mobility"], ["jobseekers"], ["peer_support"], "outillage"),
    ("Conciergerie de quartier", ["social_link"], ["families"], ["mutualisation"], "lancement"),
    ("Ressourcerie", ["environment"], ["everyone"], ["short_circuit"], "local et véhicule"),
    ("Habitat inclusif", ["housing", "health"], ["elderly"], ["participation"], "travaux"),
    (
        "Plateforme de covoiturage rural",
        ["mobility", "digital"],
        ["rural"],
        ["digital_tool"],
        "développement de l'application",
    ),
    (
        "Légumerie d'insertion",
        ["food", "employment"],
        ["jobseekers"],
        ["short_circuit"],
        "équipement de la légumerie",
    ),
    (
        "Café des aidants",
        ["health", "social_link"],
        ["elderly", "families"],
        ["peer_support"],
        "animation et local",
    ),
    (
        "Atelier numérique pour tous",
        ["digital", "education"],
        ["precarious"],
        ["digital_tool"],
        "matériel",
    ),
    (
        "Coopérative de livraison à vélo",
        ["mobility", "environment"],
        ["organisations"],
        ["cooperation"],
        "vélos cargos",
    ),
    (
        "École de production",
        ["education", "employment"],
        ["youth"],
        ["experimentation"],
        "équipement des ateliers",
    ),
    (
        "Épicerie solidaire itinérante",
        ["food", "social_link"],
        ["precarious", "rural"],
        ["short_circuit"],
        "camion aménagé",
    ),
    (
        "Fabrique culturelle de territoire",
        ["culture"],
        ["youth"],
        ["participation"],
        "programmation",
    ),
    (
        "Groupement d'employeurs de l'ESS",
        ["employment", "local_economy"],
        ["organisations"],
        ["mutualisation"],
        "fonds de roulement",
    ),
]

# INSEE legal category, organisation kind, is_ess, esus
LEGAL_FORMS = [
    ("9220", OrganisationKind.ASSOCIATION, True, False),
    ("9220", OrganisationKind.ASSOCIATION, True, False),
    ("9220", OrganisationKind.ASSOCIATION, True, True),
    ("5458", OrganisationKind.COOPERATIVE, True, False),
    ("5560", OrganisationKind.COOPERATIVE, True, True),
    ("5710", OrganisationKind.COMPANY, False, False),
    ("5710", OrganisationKind.COMPANY, True, True),
]

# stage → (founded years ago range, budget range, need range)
STAGE_PROFILE = {
    Stage.EMERGENCE: ((0, 1), (0, 40_000), (3_000, 25_000)),
    Stage.SEED: ((0, 3), (20_000, 300_000), (15_000, 150_000)),
    Stage.DEVELOPMENT: ((2, 8), (150_000, 1_500_000), (20_000, 600_000)),
    Stage.SCALE_UP: ((5, 15), (800_000, 8_000_000), (300_000, 6_000_000)),
    Stage.SPREADING: ((4, 20), (300_000, 3_000_000), (50_000, 1_500_000)),
}
STAGES = list(STAGE_PROFILE)


def territory_names(reference: dict) -> list[str]:
    return [t["name"] for wave in reference.get("waves", []) for t in wave.get("labelled", [])]


def _perimeters(names: list[str]) -> dict[str, Perimeter]:
    found = {p.slug: p for p in Perimeter.objects.filter(slug__in=[slugify(n) for n in names])}
    result = {}
    for name in names:
        slug = slugify(name)
        perimeter = found.get(slug)
        if perimeter is None:  # the geo demo did not build it: a bare perimeter, no communes
            perimeter, _created = Perimeter.objects.get_or_create(
                slug=slug, defaults={"name": name}
            )
        result[name] = perimeter
    return result


def _round(value: int) -> int:
    step = 1000 if value < 100_000 else 10_000
    return max(step, value // step * step)


def load(ctx) -> None:
    from django.utils import timezone

    names = territory_names(ctx.reference)
    perimeters = _perimeters(names)
    collectives = {
        c.perimeter_id: c
        for c in Collective.objects.filter(perimeter__in=perimeters.values()).order_by("pk")
    }
    communes_of: dict[int, list[int]] = {}
    for perimeter_id, commune_id in (
        PerimeterCommune.objects.filter(perimeter__in=perimeters.values())
        .order_by("perimeter_id", "commune_id")
        .values_list("perimeter_id", "commune_id")
    ):
        communes_of.setdefault(perimeter_id, []).append(commune_id)

    supermarket = _supermarket(ctx, perimeters, collectives, communes_of)

    existing = set(Project.objects.filter(is_fictitious=True).values_list("title", flat=True))
    rng = random.Random(2019)  # noqa: S311 - demo data, not security
    year = timezone.localdate().year
    specs = []
    counter = 0
    for t_index, name in enumerate(names):
        perimeter = perimeters[name]
        extra = 12 if perimeter.slug == "region-nouvelle-aquitaine" else 0
        for n in range(PROJECTS_PER_TERRITORY + extra):
            template = TEMPLATES[(t_index * 3 + n) % len(TEMPLATES)]
            stage = STAGES[(t_index + n) % len(STAGES)]
            title = f"{template[0]} — {name}"
            if n >= len(TEMPLATES):
                title = f"{template[0]} ({n}) — {name}"
            counter += 1
            specs.append((title, template, stage, perimeter, counter))
    to_create = [s for s in specs if s[0] not in existing]
    if not to_create:
        ctx.objects["supermarket"] = supermarket
        return
    # Holder organisations: one fictitious organisation per project (bulk).
    org_names = {s[0]: f"{s[0].split(' — ')[0]} (structure fictive n° {s[4]})" for s in to_create}
    known = {o.name: o for o in Organisation.objects.filter(name__in=list(org_names.values()))}
    new_orgs = []
    for title, _template, _stage, perimeter, number in to_create:
        org_name = org_names[title]
        if org_name in known:
            continue
        category, kind, is_ess, esus = LEGAL_FORMS[number % len(LEGAL_FORMS)]
        commune_ids = communes_of.get(perimeter.pk) or [None]
        new_orgs.append(
            Organisation(
                name=org_name,
                kind=kind,
                legal_category=category,
                is_ess=is_ess,
                esus_approved=esus,
                commune_id=commune_ids[number % len(commune_ids)],
                is_fictitious=True,
                description="Structure fictive de démonstration.",
                search_text=fold(org_name),
            )
        )
    Organisation.objects.bulk_create(new_orgs)
    known = {o.name: o for o in Organisation.objects.filter(name__in=list(org_names.values()))}
    projects = []
    needs_spec = []
    for title, template, stage, perimeter, _number in to_create:
        years, budgets, amounts = STAGE_PROFILE[stage]
        summary = (
            f"{template[0]} porté par une structure locale de {perimeter.name}, pour "
            f"{template[4]}. Projet fictif de démonstration."
        )
        projects.append(
            Project(
                title=title,
                summary=summary,
                holder=known[org_names[title]],
                perimeter=perimeter,
                collective=collectives.get(perimeter.pk),
                domains=template[1],
                publics=template[2],
                methods=template[3],
                stage=stage,
                founded_year=year - rng.randint(*years),
                yearly_budget=_round(rng.randint(*budgets)) if budgets[1] else None,
                jobs=rng.randint(0, 3 + 10 * STAGES.index(stage)),
                is_fictitious=True,
                search_text=fold(f"{title} {summary}"),
            )
        )
        needs_spec.append((title, template, amounts))
    Project.objects.bulk_create(projects)
    by_title = {
        p.title: p
        for p in Project.objects.filter(title__in=[p.title for p in projects], is_fictitious=True)
    }
    needs = []
    links = []
    for title, template, amounts in needs_spec:
        project = by_title[title]
        needs.append(
            Need(
                project=project,
                kind=NeedKind.FINANCING,
                amount=_round(rng.randint(*amounts)),
                purpose=template[4].capitalize(),
            )
        )
        if rng.random() < 0.5:
            needs.append(
                Need(
                    project=project,
                    kind=rng.choice([NeedKind.PARTNERS, NeedKind.SKILLS, NeedKind.REGULATORY]),
                    purpose="Trouver des partenaires et des compétences locales (fictif)",
                )
            )
        commune_ids = communes_of.get(project.perimeter_id) or []
        if commune_ids:
            for commune_id in rng.sample(commune_ids, min(2, len(commune_ids))):
                links.append(Project.communes.through(project_id=project.pk, commune_id=commune_id))
    Need.objects.bulk_create(needs)
    Project.communes.through.objects.bulk_create(links, ignore_conflicts=True)
    ctx.objects["supermarket"] = supermarket
    ctx.say(f"    {len(projects) + 1} projects, {len(needs) + 1} needs")


def _supermarket(ctx, perimeters, collectives, communes_of) -> Project:
    """The seed-stage cooperative supermarket of Nouvelle-Aquitaine needing 40,000 €."""
    perimeter = perimeters.get("Région Nouvelle-Aquitaine")
    if perimeter is None:
        perimeter, _created = Perimeter.objects.get_or_create(
            slug="region-nouvelle-aquitaine", defaults={"name": "Région Nouvelle-Aquitaine"}
        )
    holder, _created = Organisation.objects.get_or_create(
        name=HOLDER_ORG,
        defaults={"kind": OrganisationKind.ASSOCIATION, "is_ess": True, "is_fictitious": True},
    )
    # An association (loi 1901) that prepares the cooperative: the form the matching reads.
    if holder.legal_category != "9220" or holder.kind != OrganisationKind.ASSOCIATION:
        holder.legal_category = "9220"
        holder.kind = OrganisationKind.ASSOCIATION
        holder.is_ess = True
        holder.description = (
            "Association de préfiguration d'un supermarché coopératif (organisation fictive de "
            "démonstration)."
        )
        holder.save(update_fields=["legal_category", "kind", "is_ess", "description"])
    existing = Project.objects.filter(title=SUPERMARKET_TITLE, holder=holder).first()
    if existing is not None:
        return existing
    challenge = (
        Challenge.objects.filter(
            application__perimeter=perimeter, title="Alimentation et consommation"
        )
        .order_by("pk")
        .first()
    )
    from django.utils import timezone

    summary = (
        "Un supermarché coopératif et participatif où les membres, qui donnent trois heures par "
        "mois, achètent des produits locaux et de qualité à prix justes. En amorçage : "
        "aménagement du local et stock de départ. Projet fictif de démonstration."
    )
    project = Project.objects.create(
        title=SUPERMARKET_TITLE,
        summary=summary,
        holder=holder,
        perimeter=perimeter,
        collective=collectives.get(perimeter.pk),
        challenge=challenge,
        domains=["food"],
        publics=["everyone", "precarious"],
        methods=["cooperation", "short_circuit", "participation"],
        stage=Stage.SEED,
        founded_year=timezone.localdate().year - 1,
        yearly_budget=60_000,
        jobs=1,
        is_fictitious=True,
        search_text=fold(f"{SUPERMARKET_TITLE} {summary}"),
    )
    Need.objects.create(
        project=project,
        kind=NeedKind.FINANCING,
        amount=40_000,
        purpose="Aménagement du local et stock de départ",
    )
    Need.objects.create(
        project=project,
        kind=NeedKind.REGULATORY,
        purpose="Vendre aux membres et aux non-membres : quel statut, quelle fiscalité ?",
    )

    # Niort, Coulon and Arçais, in the Marais poitevin (or the région's first communes).
    marais = (
        list(
            Commune.objects.filter(insee__in=["79191", "79100", "79012"]).values_list(
                "pk", flat=True
            )
        )
        or (communes_of.get(perimeter.pk) or [])[:2]
    )
    project.communes.set(marais)
    return project


# --- The fictitious regional programme ------------------------------------------------------------

# (territory, title, holder, challenge prefix, stage, domains, publics, methods, communes, needs)
REGIONAL_PROJECTS = [
    (
        "Creuse",
        "Recyclerie itinérante de la Marche (fictif)",
        "Recyclerie de la Marche (association fictive)",
        "Réemploi",
        Stage.SEED,
        ["environment", "local_economy"],
        ["rural", "everyone"],
        ["short_circuit", "mutualisation"],
        ["23096", "23079"],
        [
            (NeedKind.FINANCING, "Camion de collecte et outillage de l'atelier", 25_000),
            (NeedKind.REGULATORY, "Vendre les objets réparés : quel statut ?", None),
        ],
    ),
    (
        "Limoges Métropole",
        "Légumerie coopérative de Limoges Métropole (fictif)",
        "Coopérative alimentaire limougeaude (fictive)",
        "Alimentation",
        Stage.EMERGENCE,
        ["food", "employment"],
        ["jobseekers"],
        ["cooperation", "short_circuit"],
        ["87085"],
        [(NeedKind.PARTNERS, "Trouver des maraîchers partenaires (fictif)", None)],
    ),
]  # fmt: skip


def load_regional(ctx) -> None:
    """The regional projects and their needs (idempotent: a project is created once, by title)."""
    from django.utils import timezone

    regional = ctx.objects["regional"]
    referents = regional["referents"]
    collectives = ctx.objects.get("regional_collectives") or {
        c.perimeter.name: c
        for c in Collective.objects.filter(is_fictitious=True, perimeter__name__in=list(referents))
        .select_related("perimeter")
        .order_by("pk")
    }
    existing = set(
        Project.objects.filter(title__in=[p[1] for p in REGIONAL_PROJECTS]).values_list(
            "title", flat=True
        )
    )
    projects = {}
    for spec in REGIONAL_PROJECTS:
        territory, title, holder_name, prefix, stage, domains, publics, methods, insee, needs = spec
        collective = collectives.get(territory)
        holder = Organisation.objects.filter(name=holder_name).first()
        if title in existing or not (collective and holder and territory in referents):
            continue
        referent = referents[territory]
        challenge = (
            Challenge.objects.filter(application__collective=collective, title__startswith=prefix)
            .order_by("pk")
            .first()
        )
        summary = (
            f"{title.removesuffix(' (fictif)')} : un projet porté par un membre du "
            f"{collective.name}. Projet fictif de démonstration."
        )
        project = project_create(
            user=referent,
            holder=holder,
            data={
                "title": title,
                "summary": summary,
                "perimeter": collective.perimeter,
                "collective": collective,
                "challenge": challenge,
                "domains": domains,
                "publics": publics,
                "methods": methods,
                "stage": stage,
                "founded_year": timezone.localdate().year - 1,
                "jobs": 1,
            },
            communes=list(Commune.objects.filter(insee__in=insee)),
        )
        Project.objects.filter(pk=project.pk).update(is_fictitious=True)
        for kind, purpose, amount in needs:
            need_add(user=referent, project=project, kind=kind, purpose=purpose, amount=amount)
        projects[title] = project
    regional["projects"] = {
        p.title: p for p in Project.objects.filter(title__in=[s[1] for s in REGIONAL_PROJECTS])
    }
    ctx.say(f"    {len(projects)} projets du programme régional créés")
