"""The French Impact programme, its permanent AMI (launched 2018-07-02, cut-off 2018-10-22 → wave
1), its waves, its published application form (v1) and its scoring grid (the five published
criteria, equal weights, a 0–4 scale).

``load_regional`` adds a second, fictitious programme, so that the demo always runs two programmes
side by side: "Innovation sociale en Nouvelle-Aquitaine (fictif)", its own single-window address,
one dated call for projects with two sessions (cut-offs), a short form, a weighted 1–5 grid, a
published wave and a planned one."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from essaim.actors.models import Organisation, OrganisationKind
from essaim.calls.formschema import schema_errors
from essaim.calls.models import (
    Call,
    CallKind,
    CallStatus,
    Criterion,
    CutOff,
    FormVersion,
    Programme,
    ScoringGrid,
    Wave,
    WaveStatus,
)
from essaim.demo.actors import REGIONAL_OWNER
from essaim.geo.models import Region

PARIS = ZoneInfo("Europe/Paris")
CALL_SLUG = "ami-territoire-french-impact"
NOUVELLE_AQUITAINE = "75"  # INSEE code of the regional programme's zone

# The five published criteria (reference file ``call.criteria``), in French.
CRITERIA = [
    (
        "Un périmètre territorial qui a du sens pour les acteurs locaux",
        "Le périmètre correspond-il à un bassin de vie, de coopération ou d'emploi reconnu par "
        "les acteurs ?",
    ),
    (
        "Un écosystème d'innovation sociale existant, porté par un leadership entrepreneurial",
        "Acteurs déjà actifs, projets emblématiques, dynamique entrepreneuriale.",
    ),
    (
        "Une stratégie ambitieuse répondant aux défis sociaux propres au territoire",
        "Les défis retenus partent-ils des besoins du territoire ? Les axes de travail sont-ils "
        "concrets ?",
    ),
    (
        "Une gouvernance claire et des synergies entre acteurs de l'accompagnement",
        "Qui décide, comment, avec quels moyens ; coordination entre réseaux d'accompagnement.",
    ),
    (
        "L'engagement à partager ses pratiques avec les autres territoires labellisés",
        "Participation aux rencontres, documentation et essaimage des pratiques.",
    ),
]
SCALE = {
    "0": "absent : le critère n'est pas traité",
    "1": "insuffisant : des intentions sans éléments concrets",
    "2": "partiel : des éléments concrets mais incomplets",
    "3": "satisfaisant : le critère est rempli",
    "4": "excellent : le critère est rempli de façon exemplaire",
}

FORM_V1 = {
    "title": "Candidature Territoire French Impact",
    "intro": "Présentez votre collectif, votre territoire et au plus trois défis prioritaires.",
    "sections": [
        {
            "key": "collectif",
            "title": "Le collectif porteur",
            "help": "Qui porte la candidature : sa force et sa diversité (les organisations "
            "membres se déclarent sur la page « Le collectif porteur » : lien en bas du "
            "formulaire).",
            "fields": [
                {
                    "key": "collectif_force",
                    "kind": "long_text",
                    "label": "Force du collectif",
                    "help": "Histoire commune, projets déjà menés ensemble, moyens mis en commun.",
                    "required": True,
                    "max_length": 3000,
                },
                {
                    "key": "collectif_diversite",
                    "kind": "multiple_choice",
                    "label": "Diversité des acteurs réunis",
                    "required": True,
                    "min_count": 2,
                    "choices": [
                        {"value": "collectivites", "label": "Collectivités territoriales"},
                        {"value": "associations", "label": "Associations"},
                        {"value": "cooperatives", "label": "Coopératives (SCOP, SCIC)"},
                        {"value": "entreprises", "label": "Entreprises engagées"},
                        {"value": "financeurs", "label": "Financeurs"},
                        {"value": "reseaux", "label": "Réseaux d'accompagnement"},
                        {"value": "recherche", "label": "Recherche et enseignement"},
                    ],
                },
                {
                    "key": "collectif_taille",
                    "kind": "number",
                    "label": "Nombre d'organisations engagées",
                    "min": 2,
                    "max": 500,
                    "decimals": 0,
                    "unit": "organisations",
                },
                {
                    "key": "contact_email",
                    "kind": "email",
                    "label": "Adresse de contact du collectif",
                    "required": True,
                },
                {"key": "site_web", "kind": "url", "label": "Site web du collectif"},
            ],
        },
        {
            "key": "perimetre",
            "title": "Le périmètre",
            "help": "Critère 1 : un périmètre qui a du sens pour les acteurs locaux.",
            "fields": [
                {
                    "key": "perimetre_unite",
                    "kind": "territory",
                    "label": "Unité administrative principale",
                    "help": "La région, le département, l'EPCI ou la commune qui structure le "
                    "périmètre.",
                },
                {
                    "key": "perimetre_pertinence",
                    "kind": "long_text",
                    "label": "Pourquoi ce périmètre ?",
                    "required": True,
                    "max_length": 2000,
                },
            ],
        },
        {
            "key": "ecosysteme",
            "title": "L'écosystème d'innovation sociale",
            "help": "Critère 2 : un écosystème existant, porté par un leadership entrepreneurial.",
            "fields": [
                {
                    "key": "ecosysteme",
                    "kind": "long_text",
                    "label": "Acteurs, projets emblématiques et dynamique entrepreneuriale",
                    "required": True,
                    "max_length": 4000,
                },
                {
                    "key": "ptce",
                    "kind": "yes_no",
                    "label": "Un pôle territorial de coopération économique (PTCE) existe-t-il ?",
                },
                {
                    "key": "ptce_nom",
                    "kind": "short_text",
                    "label": "Nom du PTCE",
                    "max_length": 200,
                    "required": True,
                    "show_if": {"field": "ptce", "equals": True},
                },
            ],
        },
        {
            "key": "strategie",
            "title": "La stratégie et les défis",
            "help": "Critère 3 : une stratégie ambitieuse répondant aux défis du territoire. Les "
            "défis prioritaires (au plus trois) et leurs axes de travail se décrivent une seule "
            "fois, sur la page « Défis et axes de travail » (lien en bas du formulaire).",
            "fields": [
                {
                    "key": "strategie",
                    "kind": "long_text",
                    "label": "Stratégie de développement de l'innovation sociale",
                    "required": True,
                    "max_length": 4000,
                },
            ],
        },
        {
            "key": "gouvernance",
            "title": "La gouvernance",
            "help": "Critère 4 : une gouvernance claire et des synergies entre acteurs de "
            "l'accompagnement.",
            "fields": [
                {
                    "key": "gouvernance",
                    "kind": "long_text",
                    "label": "Instances, décisions et moyens de coordination",
                    "required": True,
                    "max_length": 3000,
                },
                {
                    "key": "coordinateur",
                    "kind": "organisation",
                    "label": "Organisation chargée de la coordination",
                },
                {
                    "key": "comite_date",
                    "kind": "date",
                    "label": "Date du premier comité de pilotage",
                    "min": "2018-01-01",
                },
            ],
        },
        {
            "key": "partage",
            "title": "Le partage",
            "help": "Critère 5 : l'engagement à partager ses pratiques avec les autres "
            "territoires labellisés.",
            "fields": [
                {
                    "key": "engagement_partage",
                    "kind": "yes_no",
                    "label": "Le collectif s'engage à partager ses pratiques",
                    "required": True,
                },
                {
                    "key": "modalites_partage",
                    "kind": "long_text",
                    "label": "Comment ?",
                    "required": True,
                    "max_length": 2000,
                    "show_if": {"field": "engagement_partage", "equals": True},
                },
                {
                    "key": "lettre_soutien",
                    "kind": "file",
                    "label": "Lettre de soutien des collectivités",
                    "accept": ["pdf"],
                    "max_size_mb": 5,
                },
            ],
        },
    ],
}
assert not schema_errors(FORM_V1), schema_errors(FORM_V1)  # noqa: S101 - a broken demo form fails loudly

CALL_DESCRIPTION = (
    "Appel à manifestation d'intérêt permanent pour labelliser les territoires qui souhaitent "
    "renforcer leur écosystème de l'innovation sociale, mettre en synergie leurs acteurs, "
    "favoriser l'émergence, le développement et l'essaimage des innovations sociales.\n\n"
    "Qui candidate : un collectif d'acteurs de l'innovation sociale, soutenu par les "
    "collectivités et des acteurs privés. La candidature présente le collectif (sa force, sa "
    "diversité) et au plus trois défis prioritaires.\n\n"
    "Les candidatures reçues avant une date limite sont examinées dans la vague suivante."
)


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=PARIS)


def load(ctx) -> None:
    ref = ctx.reference["programme"]
    owner, _ = Organisation.objects.get_or_create(
        name=ref["owner"], defaults={"kind": OrganisationKind.PUBLIC_BODY}
    )
    partner, _ = Organisation.objects.get_or_create(
        name=ref["expert_partner"], defaults={"kind": OrganisationKind.SUPPORT, "is_ess": True}
    )
    programme, _ = Programme.objects.update_or_create(
        slug="french-impact-territoires",
        defaults={
            "name": ref["name"],
            "label_name": ref["label_name"],
            "owner": owner,
            "expert_partner": partner,
            "short_name": "French Impact",
            "description": (
                "Le label « Territoire French Impact » distingue les territoires qui renforcent "
                "leur écosystème d'innovation sociale, mettent leurs acteurs en synergie et "
                "favorisent l'émergence, le développement et l'essaimage des innovations "
                "sociales ; chacun reçoit un plan d'accompagnement sur mesure en six axes."
            ),
            "website": ref["website"],
            "single_window_email": ref["single_window_address"],
        },
    )
    ctx.objects["programme"] = programme

    call_ref = ctx.reference["call"]
    call, _ = Call.objects.update_or_create(
        slug=CALL_SLUG,
        defaults={
            "programme": programme,
            "title": "AMI permanent « Territoire French Impact »",
            "kind": CallKind.PERMANENT_AMI,
            "status": CallStatus.OPEN,
            "description": CALL_DESCRIPTION,
            "opens_on": call_ref["launched_on"],
            "closes_on": None,
        },
    )
    ctx.objects["call"] = call

    waves = {}
    for wave_ref in ctx.reference["waves"]:
        announced = wave_ref["announced_on"]
        waves[wave_ref["number"]], _ = Wave.objects.update_or_create(
            programme=programme,
            number=wave_ref["number"],
            defaults={
                "title": f"Vague {wave_ref['number']}",
                "announced_on": announced,
                "announced_at": wave_ref.get("announced_at", ""),
                "status": WaveStatus.PUBLISHED,
                "published_at": _noon(announced),
            },
        )
    waves[3], _ = Wave.objects.update_or_create(
        programme=programme,
        number=3,
        defaults={
            "title": "Vague 3 (fictive, démonstration)",
            "committee_on": date(2027, 4, 15),
            "announced_on": date(2027, 4, 30),
            "status": WaveStatus.PLANNED,
            "published_at": None,
        },
    )
    ctx.objects["waves"] = waves

    cutoffs = {}
    # The real first cut-off; the next two are demo assumptions (the reference file has none).
    for number, day in (
        (1, call_ref["first_cutoff"]),
        (2, date(2019, 10, 31)),
        (3, date(2027, 3, 31)),
    ):
        cutoffs[number], _ = CutOff.objects.update_or_create(
            call=call, date=day, defaults={"wave": waves[number]}
        )
    ctx.objects["cutoffs"] = cutoffs

    form, _ = FormVersion.objects.update_or_create(
        call=call,
        number=1,
        defaults={"schema": FORM_V1, "published_at": _noon(call_ref["launched_on"])},
    )
    ctx.objects["form_version"] = form

    grid, _ = ScoringGrid.objects.update_or_create(
        call=call,
        defaults={
            "scale_min": 0,
            "scale_max": 4,
            "scale_labels": SCALE,
            "comment_required_below": 2,
            "disagreement_threshold": 2,
        },
    )
    existing = {c.position: c for c in grid.criteria.all()}
    for position, (title, help_text) in enumerate(CRITERIA):
        criterion = existing.get(position) or Criterion(grid=grid, position=position)
        criterion.title, criterion.help_text, criterion.weight = title, help_text, 1
        criterion.save()
    ctx.objects["grid"] = grid
    ctx.objects["criteria"] = list(grid.criteria.all())


# --- The fictitious regional programme ------------------------------------------------------------

REGIONAL_SLUG = "innovation-sociale-nouvelle-aquitaine"
REGIONAL_CALL_SLUG = "aap-innovation-sociale-nouvelle-aquitaine-2026"
REGIONAL_SINGLE_WINDOW = "guichet@innovation-sociale-na.example"
REGIONAL_DESCRIPTION = (
    "Programme fictif de démonstration : un appel à projets régional inventé, porté par une "
    "agence régionale elle aussi fictive, pour montrer deux programmes sur la même instance. Il "
    "n'existe pas ; les territoires de ses candidatures sont des unités officielles réelles de "
    "Nouvelle-Aquitaine, leurs collectifs, personnes et chiffres sont inventés."
)
REGIONAL_CALL_DESCRIPTION = (
    "Appel à projets fictif de démonstration. Il soutient les collectifs qui développent "
    "l'innovation sociale à l'échelle d'un département ou d'une intercommunalité de "
    "Nouvelle-Aquitaine.\n\n"
    "Deux sessions : les dossiers déposés avant le 29 mai 2026 sont examinés par le comité de "
    "juin 2026, ceux déposés avant le 29 janvier 2027 par le comité de février 2027."
)
# (number, title, committee, announcement, place, published)
REGIONAL_WAVES = [
    (
        1,
        "Session de printemps 2026 (fictive)",
        date(2026, 6, 25),
        date(2026, 7, 3),
        "Poitiers",
        True,
    ),
    (2, "Session d'hiver 2027 (fictive)", date(2027, 2, 25), date(2027, 3, 5), "", False),
]
REGIONAL_CUTOFFS = [(date(2026, 5, 29), 1), (date(2027, 1, 29), 2)]
REGIONAL_CRITERIA = [
    (
        "Ancrage territorial du collectif",
        "Le collectif réunit-il les acteurs qui comptent sur le territoire ?",
        2,
    ),
    (
        "Réponse aux besoins sociaux du territoire",
        "Les défis partent-ils d'un diagnostic partagé ?",
        2,
    ),
    ("Coopération et gouvernance", "Qui décide, avec quels moyens, à quel rythme ?", 1),
    ("Mesure de l'impact", "Des indicateurs simples, suivis dans le temps.", 1),
]
REGIONAL_SCALE = {
    "1": "très insuffisant",
    "2": "insuffisant",
    "3": "correct",
    "4": "bon",
    "5": "excellent",
}
REGIONAL_FORM = {
    "title": "Candidature à l'appel à projets « Innovation sociale en Nouvelle-Aquitaine »",
    "intro": "Un formulaire court (appel fictif de démonstration).",
    "sections": [
        {
            "key": "projet",
            "title": "Le projet de territoire",
            "fields": [
                {
                    "key": "presentation",
                    "kind": "long_text",
                    "label": "Le collectif et son projet",
                    "required": True,
                    "max_length": 3000,
                },
                {
                    "key": "contact_email",
                    "kind": "email",
                    "label": "Adresse de contact du collectif",
                    "required": True,
                },
                {
                    "key": "unite",
                    "kind": "territory",
                    "label": "Département ou intercommunalité",
                    "unit_kinds": ["departement", "epci"],
                },
            ],
        },
        {
            "key": "moyens",
            "title": "Les moyens",
            "fields": [
                {
                    "key": "budget",
                    "kind": "number",
                    "label": "Budget sur deux ans",
                    "required": True,
                    "min": 0,
                    "decimals": 0,
                    "unit": "€",
                },
                {
                    "key": "cofinancement",
                    "kind": "yes_no",
                    "label": "Des collectivités cofinancent-elles le projet ?",
                    "required": True,
                },
                {
                    "key": "indicateurs",
                    "kind": "long_text",
                    "label": "Indicateurs d'impact suivis",
                    "required": True,
                    "max_length": 2000,
                },
            ],
        },
    ],
}
assert not schema_errors(REGIONAL_FORM), schema_errors(REGIONAL_FORM)  # noqa: S101 - fails loudly


def load_regional(ctx) -> None:
    """The fictitious regional programme, its call, form, grid and waves (idempotent: every row
    keyed by its natural key)."""
    owner = ctx.objects.get("regional_owner")
    if owner is None:
        owner = Organisation.objects.filter(name=REGIONAL_OWNER.name).first()
    programme, _ = Programme.objects.update_or_create(
        slug=REGIONAL_SLUG,
        defaults={
            "name": "Innovation sociale en Nouvelle-Aquitaine (fictif)",
            "label_name": "Territoire d'innovation sociale de Nouvelle-Aquitaine (fictif)",
            "owner": owner,
            "expert_partner": None,
            "description": REGIONAL_DESCRIPTION,
            "website": "",
            "single_window_email": REGIONAL_SINGLE_WINDOW,
        },
    )
    programme.regions.set(Region.objects.filter(code=NOUVELLE_AQUITAINE))
    opens_on, closes_on = date(2026, 2, 2), date(2027, 1, 29)
    call, _ = Call.objects.update_or_create(
        slug=REGIONAL_CALL_SLUG,
        defaults={
            "programme": programme,
            "title": "Appel à projets 2026 « Territoires d'innovation sociale » (fictif)",
            "kind": CallKind.CALL_FOR_PROJECTS,
            "status": CallStatus.OPEN,
            "description": REGIONAL_CALL_DESCRIPTION,
            "opens_on": opens_on,
            "closes_on": closes_on,
        },
    )
    waves = {}
    for number, title, committee, announced, place, published in REGIONAL_WAVES:
        waves[number], _ = Wave.objects.update_or_create(
            programme=programme,
            number=number,
            defaults={
                "title": title,
                "committee_on": committee,
                "announced_on": announced,
                "announced_at": place,
                "status": WaveStatus.PUBLISHED if published else WaveStatus.PLANNED,
                "published_at": _noon(announced) if published else None,
            },
        )
    cutoffs = {}
    for day, number in REGIONAL_CUTOFFS:
        cutoffs[number], _ = CutOff.objects.update_or_create(
            call=call, date=day, defaults={"wave": waves[number]}
        )
    form, _ = FormVersion.objects.update_or_create(
        call=call,
        number=1,
        defaults={"schema": REGIONAL_FORM, "published_at": _noon(opens_on)},
    )
    grid, _ = ScoringGrid.objects.update_or_create(
        call=call,
        defaults={
            "scale_min": 1,
            "scale_max": 5,
            "scale_labels": REGIONAL_SCALE,
            "comment_required_below": 3,
            "disagreement_threshold": 2,
        },
    )
    existing = {c.position: c for c in grid.criteria.all()}
    for position, (title, help_text, weight) in enumerate(REGIONAL_CRITERIA):
        criterion = existing.get(position) or Criterion(grid=grid, position=position)
        criterion.title, criterion.help_text, criterion.weight = title, help_text, weight
        criterion.save()
    ctx.objects["regional"] = {
        "programme": programme,
        "call": call,
        "waves": waves,
        "cutoffs": cutoffs,
        "form_version": form,
        "grid": grid,
    }
    ctx.say(f"  calls: programme « {programme.name} », {len(waves)} vagues")
