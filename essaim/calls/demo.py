"""The French Impact programme, its permanent AMI (launched 2018-07-02, cut-off 2018-10-22 → wave
1), its waves, its published application form (v1) and its scoring grid (the five published
criteria, equal weights, a 0–4 scale)."""

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

PARIS = ZoneInfo("Europe/Paris")
CALL_SLUG = "ami-territoire-french-impact"

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
            "membres se déclarent dans l'onglet « Collectif »).",
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
            "help": "Critère 3 : une stratégie ambitieuse répondant aux défis du territoire. Au "
            "plus trois défis prioritaires ; leurs axes de travail se décrivent dans l'onglet "
            "« Défis ».",
            "fields": [
                {
                    "key": "strategie",
                    "kind": "long_text",
                    "label": "Stratégie de développement de l'innovation sociale",
                    "required": True,
                    "max_length": 4000,
                },
                {
                    "key": "defis",
                    "kind": "repeat",
                    "label": "Défis prioritaires",
                    "item_label": "Défi",
                    "min_count": 1,
                    "max_count": 3,
                    "required": True,
                    "fields": [
                        {
                            "key": "titre",
                            "kind": "short_text",
                            "label": "Intitulé du défi",
                            "required": True,
                            "max_length": 200,
                        },
                        {
                            "key": "enjeu",
                            "kind": "long_text",
                            "label": "Le besoin social du territoire",
                            "required": True,
                            "max_length": 2000,
                        },
                        {
                            "key": "resultats",
                            "kind": "long_text",
                            "label": "Résultats attendus à trois ans",
                            "max_length": 2000,
                        },
                        {
                            "key": "budget",
                            "kind": "number",
                            "label": "Budget estimé",
                            "min": 0,
                            "decimals": 0,
                            "unit": "€",
                        },
                    ],
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
