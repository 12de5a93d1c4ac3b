"""Demo applications: wave 1 (50 received: the 20 labelled territories and 30 fictitious ones, not
labelled), wave 2 (7 labelled), the Nouvelle-Aquitaine application exactly as the seed tells it,
and a few fictitious applications at every other state. Answers of real territories are demo
texts (marked so); fictitious territories, collectives and organisations say "(fictif)".

``load_regional`` adds the six applications of the second, fictitious programme (one per regional
collective): labelled and not labelled in its published wave, proposed for its planned wave, in
review, submitted and draft — in bulk, with their history dated like the French Impact ones."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.text import slugify

from essaim.accounts.models import Role, User
from essaim.accounts.services import membership_grant
from essaim.actors.models import (
    Collective,
    CollectiveMember,
    CollectiveRole,
    Organisation,
    OrganisationKind,
)
from essaim.applications.models import Application, ApplicationPerson, Challenge, Message
from essaim.applications.services import summary
from essaim.applications.workflow import COMMENT_AUDIENCES, Audience, Status
from essaim.core.models import HistoryEvent
from essaim.geo.models import Epci, Perimeter
from essaim.geo.services import Unit, perimeter_ensure

PARIS = ZoneInfo("Europe/Paris")
DEMO_NOTE = " (texte de démonstration)"
NA_SLUG = "region-nouvelle-aquitaine"
NA_MEMBERS = [
    ("Région Nouvelle-Aquitaine", "", OrganisationKind.LOCAL_AUTHORITY, CollectiveRole.LEAD),
    (
        "Agence de développement et d'innovation de Nouvelle-Aquitaine",
        "ADI N-A",
        OrganisationKind.SUPPORT,
        CollectiveRole.MEMBER,
    ),
    ("ATIS", "ATIS", OrganisationKind.SUPPORT, CollectiveRole.MEMBER),
    # The seed's "France Active" of the Nouvelle-Aquitaine collective is its regional association.
    ("France Active Nouvelle-Aquitaine", "", OrganisationKind.ASSOCIATION, CollectiveRole.MEMBER),
    ("Ellyx", "", OrganisationKind.COOPERATIVE, CollectiveRole.MEMBER),
    (
        "Chambre de métiers et de l'artisanat des Deux-Sèvres",
        "CMA79",
        OrganisationKind.PUBLIC_BODY,
        CollectiveRole.MEMBER,
    ),
]
# Fictitious applications at the open states (status, wave number or None, with porteur@).
OTHER_STATES = [
    (Status.DRAFT, None, True),
    (Status.DRAFT, None, False),
    (Status.SUBMITTED, None, False),
    (Status.SUBMITTED, None, False),
    (Status.IN_REVIEW, None, False),
    (Status.IN_REVIEW, None, False),
    (Status.CHANGES_REQUESTED, None, False),
    (Status.PROPOSED, 3, False),
    (Status.PROPOSED, 3, False),
    (Status.WITHDRAWN, None, False),
]
PATHS = {
    Status.DRAFT: [],
    Status.SUBMITTED: ["submit"],
    Status.IN_REVIEW: ["submit", "start_review"],
    Status.CHANGES_REQUESTED: ["submit", "start_review", "request_changes"],
    Status.PROPOSED: ["submit", "start_review", "propose"],
    Status.LABELLED: ["submit", "start_review", "propose", "label"],
    Status.NOT_LABELLED: ["submit", "start_review", "propose", "not_label"],
    Status.WITHDRAWN: ["withdraw"],
}
STEP = {
    "submit": (Status.DRAFT, Status.SUBMITTED),
    "start_review": (Status.SUBMITTED, Status.IN_REVIEW),
    "request_changes": (Status.IN_REVIEW, Status.CHANGES_REQUESTED),
    "propose": (Status.IN_REVIEW, Status.PROPOSED),
    "label": (Status.PROPOSED, Status.LABELLED),
    "not_label": (Status.PROPOSED, Status.NOT_LABELLED),
    "withdraw": (Status.DRAFT, Status.WITHDRAWN),
}
DECISIONS = {"label", "not_label"}
COMMENTS = {
    "request_changes": "Merci de préciser la gouvernance du collectif (demande fictive).",
    "propose": "Dossier solide sur les cinq critères (commentaire fictif).",
    "label": "Labellisé en comité.",
    "not_label": "Écosystème encore émergent ; le comité encourage une nouvelle candidature.",
    "withdraw": "Le collectif préfère candidater à une prochaine vague (fictif).",
}


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=PARIS)


def _answers(name: str, challenges: list[str], fictitious: bool) -> dict:
    note = " (fictif)" if fictitious else DEMO_NOTE
    return {
        "collectif_force": f"Les acteurs de {name} coopèrent depuis plusieurs années{note}.",
        "collectif_diversite": ["collectivites", "associations", "cooperatives", "financeurs"],
        "collectif_taille": 12,
        "contact_email": f"contact@{slugify(name)[:40]}.demo.essaim.fr",
        "perimetre_pertinence": f"{name} est le bassin de vie et de coopération des acteurs{note}.",
        "ecosysteme": f"Un réseau d'entrepreneurs sociaux et de structures d'accompagnement{note}.",
        "ptce": False,
        "strategie": f"Faire de {name} un territoire d'essaimage des innovations sociales{note}.",
        "gouvernance": f"Un comité de pilotage partenarial réuni chaque trimestre{note}.",
        "engagement_partage": True,
        "modalites_partage": f"Participation aux rencontres des territoires labellisés{note}.",
    }


def _organisation(name: str, acronym: str, kind: str, fictitious: bool = False) -> Organisation:
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing is None and acronym:
        existing = Organisation.objects.filter(acronym__iexact=acronym).first()
    if existing is not None:
        return existing
    return Organisation.objects.create(
        name=name, acronym=acronym, kind=kind, is_fictitious=fictitious, is_ess=not fictitious
    )


def _collective(perimeter: Perimeter, name: str, fictitious: bool) -> Collective:
    collective = Collective.objects.filter(perimeter=perimeter).order_by("pk").first()
    if collective is None:
        collective = Collective.objects.create(
            name=name, perimeter=perimeter, is_fictitious=fictitious
        )
    return collective


def _fictitious_perimeters(count: int, taken: set[str]) -> list[Perimeter]:
    """Fictitious territories made of real EPCI, named "(fictif)"."""
    perimeters = []
    for epci in Epci.objects.exclude(name__in=taken).order_by("-population", "siren")[: count * 2]:
        if len(perimeters) == count:
            break
        name = f"{epci.name} (fictif)"
        perimeter = Perimeter.objects.filter(slug=slugify(name)).first() or perimeter_ensure(
            user=None,
            name=name,
            units=[Unit("epci", epci.siren)],
            description="Territoire fictif de démonstration, construit sur un EPCI réel.",
        )
        perimeters.append(perimeter)
    return perimeters


def load(ctx) -> None:
    call = ctx.objects["call"]
    form = ctx.objects["form_version"]
    waves = ctx.objects["waves"]
    cutoffs = ctx.objects["cutoffs"]
    admin = User.objects.get(email="admin@demo.essaim.fr")
    instructor = User.objects.get(email="instructeur@demo.essaim.fr")
    porteur = User.objects.get(email="porteur@demo.essaim.fr")
    perimeters = ctx.objects.get("perimeters") or {}

    rows = []  # (reference, name, perimeter, collective_name, status, wave, challenges, fictitious)
    reference_waves = {w["number"]: w for w in ctx.reference["waves"]}
    index = 0
    for number in (1, 2):
        for item in reference_waves[number]["labelled"]:
            index += 1
            name = item["name"]
            perimeter = perimeters.get(name) or Perimeter.objects.filter(slug=slugify(name)).first()
            if perimeter is None:
                perimeter, _ = Perimeter.objects.get_or_create(
                    slug=slugify(name), defaults={"name": name}
                )
            challenges = [
                c if isinstance(c, dict) else {"title": c, "lines": []}
                for c in item.get("challenges", [])
            ]
            rows.append(
                (
                    f"TFI-{2017 + number}-R{index:02d}",
                    name,
                    perimeter,
                    f"Collectif porteur — {name}",
                    Status.LABELLED,
                    number,
                    challenges,
                    False,
                )
            )
    taken = {p.name for p in Perimeter.objects.all()}
    fictitious = _fictitious_perimeters(30 + len(OTHER_STATES), taken)
    for number, perimeter in enumerate(fictitious[:30], start=1):
        rows.append(
            (
                f"TFI-2018-F{number:02d}",
                perimeter.name,
                perimeter,
                f"Collectif (fictif) — {perimeter.name.removesuffix(' (fictif)')}",
                Status.NOT_LABELLED,
                1,
                [{"title": "Insertion et emploi (fictif)", "lines": ["chantiers d'insertion"]}],
                True,
            )
        )
    for number, ((status, wave, _mine), perimeter) in enumerate(
        zip(OTHER_STATES, fictitious[30:], strict=False), start=1
    ):
        rows.append(
            (
                f"TFI-DEMO-{number:02d}",
                perimeter.name,
                perimeter,
                f"Collectif (fictif) — {perimeter.name.removesuffix(' (fictif)')}",
                status,
                wave,
                [
                    {
                        "title": "Transition alimentaire (fictif)",
                        "lines": ["épiceries solidaires", "circuits courts"],
                    }
                ],
                True,
            )
        )

    existing = set(
        Application.objects.filter(reference__in=[r[0] for r in rows]).values_list(
            "reference", flat=True
        )
    )
    new_rows = [r for r in rows if r[0] not in existing]
    collectives = {}
    fictitious_orgs = []
    known = ctx.objects.get("collectives") or {}  # actors' collectives, by territory name
    for ref, name, perimeter, collective_name, _s, _w, _c, is_fict in new_rows:
        collectives[ref] = known.get(name) or _collective(perimeter, collective_name, is_fict)
    # The seed's Nouvelle-Aquitaine collective: six organisations, the Région leading.
    na_row = next((r for r in rows if r[2].slug == NA_SLUG), None)
    if na_row is not None:
        na_collective = collectives.get(na_row[0]) or _collective(na_row[2], na_row[3], False)
        collectives[na_row[0]] = na_collective
        if not na_collective.members.exists():  # actors' loader normally fills it
            for position, (org_name, acronym, kind, role) in enumerate(NA_MEMBERS, start=1):
                CollectiveMember.objects.create(
                    collective=na_collective,
                    organisation=_organisation(org_name, acronym, kind),
                    role=role,
                    position=position,
                )

        if not porteur.memberships.filter(
            role=Role.TERRITORY_LEAD, collective=na_collective
        ).exists():
            membership_grant(
                user=None, member=porteur, role=Role.TERRITORY_LEAD, collective=na_collective
            )
    # Fictitious collectives get one fictitious organisation as lead.
    for ref, name, _p, _cn, _s, _w, _c, is_fict in new_rows:
        collective = collectives[ref]
        if is_fict and not collective.members.exists():
            fictitious_orgs.append(
                (
                    collective,
                    Organisation(
                        name=f"Association {name.removesuffix(' (fictif)')} solidaire (fictive)",
                        kind=OrganisationKind.ASSOCIATION,
                        is_ess=True,
                        is_fictitious=True,
                    ),
                )
            )
    if fictitious_orgs:
        created = Organisation.objects.bulk_create([o for _c, o in fictitious_orgs])
        CollectiveMember.objects.bulk_create(
            [
                CollectiveMember(collective=c, organisation=o, role=CollectiveRole.LEAD)
                for (c, _o), o in zip(fictitious_orgs, created, strict=True)
            ]
        )

    applications = []
    for ref, name, perimeter, _cn, status, wave, challenges, is_fict in new_rows:
        cutoff = cutoffs.get(wave) if wave else (cutoffs[3] if status != Status.DRAFT else None)
        submitted = None
        if status not in {Status.DRAFT, Status.WITHDRAWN}:
            if wave in (1, 2):
                submitted = _at(cutoff.date - timedelta(days=5))
            else:
                # Open applications were sent recently, whatever their (future) cut-off, and
                # leave room for the later demo steps, which are spaced 15 days apart.
                submitted = _at(timezone.localdate() - timedelta(days=60))
        applications.append(
            Application(
                call=call,
                form_version=form,
                reference=ref,
                title=f"Territoire French Impact — {name}",
                perimeter=perimeter,
                collective=collectives[ref],
                status=status,
                answers=_answers(
                    name.removesuffix(" (fictif)"),
                    [c["title"] for c in challenges] or ["Innovation sociale"],
                    is_fict,
                ),
                cutoff=cutoff if status != Status.DRAFT else None,
                wave=waves[wave] if wave else None,
                created_by=porteur if perimeter.slug == NA_SLUG else admin,
                submitted_at=submitted,
                assignee=instructor if status in {Status.IN_REVIEW, Status.PROPOSED} else None,
                is_fictitious=is_fict,
            )
        )
    Application.objects.bulk_create(applications)
    created = {
        a.reference: a for a in Application.objects.filter(reference__in=[r[0] for r in new_rows])
    }

    Challenge.objects.bulk_create(
        [
            Challenge(
                application=created[ref],
                position=position,
                title=challenge["title"],
                lines=list(challenge.get("lines", [])),
            )
            for ref, *_rest, challenges, _f in new_rows
            for position, challenge in enumerate(challenges, start=1)
        ]
    )

    # porteur@ on the Nouvelle-Aquitaine application and on one fictitious draft.
    people = []
    mine = {f"TFI-DEMO-{n:02d}" for n, (_s, _w, m) in enumerate(OTHER_STATES, start=1) if m}
    for ref, application in created.items():
        if application.perimeter.slug == NA_SLUG or ref in mine:
            people.append(
                ApplicationPerson(
                    application=application,
                    user=porteur,
                    email=porteur.email,
                    is_lead=True,
                    can_edit=True,
                    is_signatory=True,
                    accepted_at=application.submitted_at or _at(date(2026, 11, 2)),
                )
            )
    ApplicationPerson.objects.bulk_create(people)

    messages = []
    for application in created.values():
        if application.status == Status.CHANGES_REQUESTED:
            messages.append(
                Message(
                    application=application,
                    author=instructor,
                    from_staff=True,
                    body=COMMENTS["request_changes"],
                )
            )
    Message.objects.bulk_create(messages)

    _history(created.values(), admin, instructor, porteur)
    ctx.objects["applications"] = {
        a.reference: a for a in Application.objects.filter(reference__in=[r[0] for r in rows])
    }
    ctx.say(f"  applications: {len(created)} créées, {len(existing)} déjà là")


def _history(applications, admin, instructor, porteur, applicants=None) -> None:
    """The demo transitions as history rows, dated in the programme's story (bulk).
    ``applicants`` maps an application's creator id to the user who applied (default: porteur@
    for their applications, the admin for the others)."""
    content_type = ContentType.objects.get_for_model(Application)
    events = []
    for application in applications:
        start = application.submitted_at or _at(date(2026, 11, 2))
        applicant = (applicants or {}).get(application.created_by_id) or (
            porteur if application.created_by_id == porteur.pk else admin
        )
        events.append(
            HistoryEvent(
                content_type=content_type,
                object_id=str(application.pk),
                actor=applicant,
                at=start - timedelta(days=20),
                action="create",
                to_state=Status.DRAFT,
            )
        )
        for step, name in enumerate(PATHS[Status(application.status)], start=1):
            source, target = STEP[name]
            actor = {"submit": applicant, "withdraw": applicant, "label": admin, "not_label": admin}
            at = start + timedelta(days=step * 15)
            if (
                name in {"label", "not_label"}
                and application.wave
                and application.wave.announced_on
            ):
                at = _at(application.wave.announced_on, 11)
            if name == "submit":
                at = start
            events.append(
                HistoryEvent(
                    content_type=content_type,
                    object_id=str(application.pk),
                    actor=actor.get(name, instructor),
                    at=at,
                    action=name,
                    from_state=source,
                    to_state=target,
                    comment=COMMENTS.get(name, ""),
                    # The instructors' comments are internal notes (their default); the demo's
                    # decisions are motivated to the applicants (``essaim.demo.labels``).
                    comment_internal=name not in DECISIONS
                    and COMMENT_AUDIENCES[name][0] == Audience.INTERNAL,
                    payload={"wave": application.wave_id} if name in DECISIONS else {},
                )
            )
    field = HistoryEvent._meta.get_field("at")
    field.auto_now_add = False  # keep the story's dates; restored right after
    try:
        HistoryEvent.objects.bulk_create(events)
    finally:
        field.auto_now_add = True
    summary.refresh(Application.objects.filter(pk__in=[a.pk for a in applications]))


# --- The fictitious regional programme ------------------------------------------------------------

# reference, territory, title, status, wave number, challenges (title, lines)
REGIONAL_APPLICATIONS = [
    (
        "ISNA-2026-01",
        "Creuse",
        "Creuse solidaire : tiers-lieux, réemploi et mobilité (fictif)",
        Status.LABELLED,
        1,
        [
            ("Tiers-lieux ruraux (fictif)", ["tiers-lieux de village", "services itinérants"]),
            ("Réemploi et économie circulaire (fictif)", ["recyclerie", "ateliers de réparation"]),
        ],
    ),
    (
        "ISNA-2026-02",
        "Grand Angoulême",
        "Angoumois coopératif : l'image au service de l'emploi des jeunes (fictif)",
        Status.NOT_LABELLED,
        1,
        [("Emploi des jeunes (fictif)", ["ateliers d'image", "chantiers d'insertion"])],
    ),
    (
        "ISNA-2026-03",
        "Limoges Métropole",
        "Limoges Métropole : réemploi et alimentation durable (fictif)",
        Status.PROPOSED,
        2,
        [("Alimentation durable (fictif)", ["légumerie d'insertion", "épiceries solidaires"])],
    ),
    (
        "ISNA-2026-04",
        "Pau Béarn Pyrénées",
        "Béarn en commun : mobilités solidaires (fictif)",
        Status.IN_REVIEW,
        None,
        [("Mobilités solidaires (fictif)", ["garage solidaire", "transport à la demande"])],
    ),
    (
        "ISNA-2026-05",
        "Agglomération de La Rochelle",
        "Rochelais solidaires : un littoral en transition (fictif)",
        Status.SUBMITTED,
        None,
        [("Transition écologique du littoral (fictif)", ["atelier vélo", "compostage partagé"])],
    ),
    (
        "ISNA-2026-06",
        "Landes",
        "Landes solidaires : les métiers de la forêt pour l'insertion (fictif)",
        Status.DRAFT,
        None,
        [("Insertion par la forêt (fictif)", ["chantiers forestiers"])],
    ),
]
REGIONAL_MESSAGES = [  # on the application in review: (from staff, days before today, body)
    (
        True,
        20,
        "Pouvez-vous préciser quelles communes le transport à la demande desservira la "
        "première année ? (message fictif)",
    ),
    (
        False,
        17,
        "Les douze communes du nord de l'agglomération, puis l'ensemble du territoire la "
        "deuxième année. (message fictif)",
    ),
]


def _regional_answers(territory: str, complete: bool) -> dict:
    answers = {
        "presentation": f"Le collectif réunit les acteurs de l'innovation sociale de {territory} "
        "autour d'un projet de territoire commun (texte fictif).",
        "contact_email": f"contact@{slugify(territory)}.collectifs-na.example",
    }
    if complete:
        answers.update(
            budget=180000,
            cofinancement=True,
            indicateurs="Nombre de personnes accompagnées, emplois créés, tonnes réemployées "
            "(texte fictif).",
        )
    return answers


def load_regional(ctx) -> None:
    """The regional programme's six applications, one per collective (idempotent: by
    reference; a second load creates nothing)."""
    regional = ctx.objects["regional"]
    call, form = regional["call"], regional["form_version"]
    waves, cutoffs = regional["waves"], regional["cutoffs"]
    admin, instructor = regional["admin"], regional["instructor"]
    referents = regional["referents"]
    collectives = ctx.objects.get("regional_collectives") or {
        c.perimeter.name: c
        for c in Collective.objects.filter(is_fictitious=True, perimeter__name__in=list(referents))
        .select_related("perimeter")
        .order_by("pk")
    }
    references = [row[0] for row in REGIONAL_APPLICATIONS]
    existing = set(
        Application.objects.filter(reference__in=references).values_list("reference", flat=True)
    )
    rows = [
        row
        for row in REGIONAL_APPLICATIONS
        if row[0] not in existing and row[1] in collectives and row[1] in referents
    ]
    today = timezone.localdate()
    applications = []
    for reference, territory, title, status, wave, _challenges in rows:
        collective = collectives[territory]
        cutoff = None
        submitted = None
        if status != Status.DRAFT:
            cutoff = cutoffs[1] if wave == 1 else cutoffs[2]
            # The story's steps are 15 days apart (see ``_history``): the wave's applications
            # were sent early enough to be proposed before its committee.
            submitted = (
                _at(cutoff.date - timedelta(days=40))
                if wave == 1
                else _at(today - timedelta(days=60))
            )
        applications.append(
            Application(
                call=call,
                form_version=form,
                reference=reference,
                title=title,
                perimeter=collective.perimeter,
                collective=collective,
                status=status,
                answers=_regional_answers(territory, complete=status != Status.DRAFT),
                cutoff=cutoff,
                wave=waves[wave] if wave else None,
                created_by=referents[territory],
                submitted_at=submitted,
                assignee=instructor if status in {Status.IN_REVIEW, Status.PROPOSED} else None,
                is_fictitious=True,
            )
        )
    Application.objects.bulk_create(applications)
    created = {
        a.reference: a
        for a in Application.objects.filter(reference__in=[r[0] for r in rows]).select_related(
            "wave"
        )
    }
    Challenge.objects.bulk_create(
        [
            Challenge(
                application=created[reference],
                position=position,
                title=challenge_title,
                lines=lines,
            )
            for reference, *_rest, challenges in rows
            for position, (challenge_title, lines) in enumerate(challenges, start=1)
        ]
    )
    ApplicationPerson.objects.bulk_create(
        [
            ApplicationPerson(
                application=created[reference],
                user=referents[territory],
                email=referents[territory].email,
                is_lead=True,
                can_edit=True,
                is_signatory=True,
                accepted_at=created[reference].submitted_at or _at(date(2026, 11, 2)),
            )
            for reference, territory, *_rest in rows
        ]
    )
    in_review = next((a for a in created.values() if a.status == Status.IN_REVIEW), None)
    if in_review is not None:
        referent = next(u for u in referents.values() if u.pk == in_review.created_by_id)
        messages = Message.objects.bulk_create(
            [
                Message(
                    application=in_review,
                    author=instructor if from_staff else referent,
                    from_staff=from_staff,
                    body=body,
                )
                for from_staff, _days, body in REGIONAL_MESSAGES
            ]
        )
        for message, (_s, days, _b) in zip(messages, REGIONAL_MESSAGES, strict=True):
            Message.objects.filter(pk=message.pk).update(
                created_at=_at(today - timedelta(days=days), 15)
            )
    _history(
        created.values(),
        admin,
        instructor,
        admin,
        applicants={user.pk: user for user in referents.values()},
    )
    regional["applications"] = {
        a.reference: a
        for a in Application.objects.filter(reference__in=references).select_related(
            "wave", "perimeter", "collective"
        )
    }
    ctx.say(f"  applications: {len(created)} candidatures régionales créées")
