"""Demo ecosystem network: typed, dated relations around every labelled territory.

Everything here is **fictitious** except the collectives' memberships, which come from the
actors loader: those get as start date the day their application was submitted (the collective
carried it then; the demo knows no earlier date). Every other relation is invented, flagged
``is_fictitious`` and described "relation fictive (démo)"; the organisations and people it adds
are named "(fictif)"/"(fictive)" and flagged too. Real organisations of the directory (France
Active, Bpifrance…) appear in invented relations only, never in invented facts about themselves.

Per territory (the 27 labelled of the reference file), with a generator seeded by the territory's
name so every load gives the same network: a local incubator network and a few local companies
and associations; members of networks, funders and partners of the projects, suppliers, a mentor
(a fictitious person); dates before and after the label, some relations ended. Nouvelle-Aquitaine
gets the richest one. One project per territory is left with no relation beyond its holder
(the "isolated project" the page points at).

The relations between organisations are ``actors`` partnerships; the relations of a project
(funder, partner, supplier, mentor) are ``synergies.ProjectRelation`` rows.

Idempotent: organisations keyed by name, people by (organisation, name), partnerships by (source,
target, kind), projects' relations by (organisation, project, kind).
"""

import datetime
import random

from essaim.actors.models import (
    CollectiveMember,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipKind,
    Person,
)
from essaim.labels.models import Label
from essaim.projects.models import Project
from essaim.synergies.models import ProjectRelation

K = OrganisationKind
P = PartnershipKind
FICTITIOUS = "relation fictive (démo)"
RICHEST = "Région Nouvelle-Aquitaine"
LOCAL_DESCRIPTION = "Organisation fictive de démonstration du réseau du territoire."
TODAY = datetime.date(2026, 6, 30)  # the demo's "today"

LOCAL_KINDS = [
    ("Atelier coopératif", K.COOPERATIVE),
    ("Entreprise d'insertion", K.COMPANY),
    ("Association des habitants", K.ASSOCIATION),
    ("Transports solidaires", K.COMPANY),
    ("Ressourcerie", K.ASSOCIATION),
    ("Cabinet d'expertise comptable", K.COMPANY),
    ("Tiers-lieu", K.ASSOCIATION),
    ("Imprimerie", K.COMPANY),
    ("Jardin d'insertion", K.ASSOCIATION),
    ("Bureau d'études", K.COMPANY),
]
NATIONAL_NETWORKS = ["France Active"]
FUNDERS = ["Bpifrance", "Banque des Territoires", "France Active"]
REGIONAL_NETWORKS = [
    ("Réseau des chambres de métiers et de l'artisanat", K.NETWORK),
    ("Réseau des incubateurs d'innovation sociale", K.NETWORK),
]


def _org(name: str, kind: str, description: str) -> Organisation:
    organisation, _created = Organisation.objects.update_or_create(
        name=name,
        defaults={"kind": kind, "is_fictitious": True, "description": description},
    )
    return organisation


def _relation(source, target, kind, started, ended=None) -> None:
    if source.pk == target.pk:
        return
    Partnership.objects.update_or_create(
        source=source,
        target=target,
        kind=kind,
        defaults={
            "started_on": started,
            "ended_on": ended,
            "description": FICTITIOUS,
            "is_fictitious": True,
        },
    )


def _project_relation(organisation, project, kind, started, ended=None, *, person=None) -> None:
    if organisation.pk == project.holder_id:
        return
    ProjectRelation.objects.update_or_create(
        organisation=organisation,
        project=project,
        kind=kind,
        introduction=None,
        defaults={
            "started_on": started,
            "ended_on": ended,
            "person": person,
            "description": FICTITIOUS,
            "is_fictitious": True,
        },
    )


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def members_of_lonely_networks(today: datetime.date = TODAY) -> int:
    """Every entrepreneurial network (kind "réseau") of the directory that still has no member
    gets two or three fictitious local organisations as members (invented relations, flagged):
    the network's page lists its members, the network picture links them. Called at the end of
    this loader and again by the synergies one (whose engaged-company networks come later), so
    a second load finds no network left without members and changes nothing."""
    pool = list(
        Organisation.objects.filter(is_fictitious=True, description=LOCAL_DESCRIPTION).order_by(
            "name"
        )
    )
    if not pool:
        return 0
    networks = (
        Organisation.objects.filter(kind=K.NETWORK)
        .exclude(
            partnerships_in__kind__in=[P.NETWORK_MEMBER, P.MEMBER_OF],
        )
        .order_by("name")
    )
    count = 0
    for network in networks:
        rng = random.Random(f"essaim-network-members-{network.name}")  # noqa: S311 - demo data
        for organisation in rng.sample(pool, min(len(pool), rng.randint(2, 3))):
            started = _day(rng, datetime.date(2015, 1, 1), today)
            _relation(organisation, network, P.NETWORK_MEMBER, started)
            count += 1
    return count


def load(ctx) -> None:
    labels = list(
        Label.objects.filter(programme=ctx.objects["programme"])
        .select_related("perimeter", "application__collective")
        .order_by("granted_on", "perimeter__name")
    )
    known = {o.name: o for o in Organisation.objects.filter(name__in=NATIONAL_NETWORKS + FUNDERS)}
    today = TODAY
    regional = {
        name: _org(
            f"{name} (fictif)",
            kind,
            "Réseau entrepreneurial fictif de démonstration : ses membres sont inventés.",
        )
        for name, kind in REGIONAL_NETWORKS
    }
    relations = 0
    for label in labels:
        territory = label.perimeter.name
        rng = random.Random(f"essaim-network-{territory}")  # noqa: S311 - reproducible demo data
        rich = territory == RICHEST
        collective = label.application.collective
        submitted = label.application.submitted_at
        # Members by the application's submission — and by the label at the latest.
        member_since = min(submitted.date(), label.granted_on) if submitted else label.granted_on
        CollectiveMember.objects.filter(collective=collective, started_on__isnull=True).update(
            started_on=member_since
        )
        members = [
            m.organisation
            for m in CollectiveMember.objects.filter(collective=collective).select_related(
                "organisation"
            )
        ]
        projects = list(
            Project.objects.filter(perimeter=label.perimeter)
            .select_related("holder")
            .order_by("pk")
        )
        granted = label.granted_on
        before = granted - datetime.timedelta(days=3 * 365)
        incubator = _org(
            f"Incubateur social {territory} (fictif)",
            K.NETWORK,
            "Réseau d'accompagnement fictif de démonstration.",
        )
        count = len(LOCAL_KINDS) if rich else rng.randint(3, 5)
        locals_ = [
            _org(
                f"{prefix} {territory} (fictif)",
                kind,
                LOCAL_DESCRIPTION,
            )
            for prefix, kind in rng.sample(LOCAL_KINDS, count)
        ]
        mentor_org = locals_[0]
        mentor, _created = Person.objects.update_or_create(
            organisation=mentor_org,
            first_name="Camille",
            last_name=f"Mentor {territory[:30]}",
            defaults={
                "job_title": "mentor bénévole (fictive)",
                "is_public": False,
                "is_fictitious": True,
            },
        )
        # Networks: the local incubator joins the regional ones; local organisations join it.
        for network in regional.values():
            _relation(incubator, network, P.NETWORK_MEMBER, _day(rng, before, granted))
        for organisation in locals_:
            _relation(organisation, incubator, P.NETWORK_MEMBER, _day(rng, before, today))
            relations += 1
        for organisation in members[:3]:
            _relation(
                organisation,
                rng.choice(list(regional.values())),
                P.NETWORK_MEMBER,
                _day(rng, before, granted),
            )
            relations += 1
        if "France Active" in known:
            _relation(incubator, known["France Active"], P.PARTNER, _day(rng, granted, today))
        # Projects: funders, partners, suppliers, a mentor; the last project stays isolated.
        connected = projects[:-1] if len(projects) > 1 else projects
        for index, project in enumerate(connected):
            holder = project.holder
            funder = known.get(FUNDERS[index % len(FUNDERS)])
            if funder is not None:
                started = _day(rng, before, today)
                ended = _day(rng, started, today) if index % 4 == 3 else None
                _project_relation(funder, project, P.FUNDS, started, ended)
            partner = rng.choice(locals_)
            _project_relation(partner, project, P.PARTNER, _day(rng, granted, today))
            supplier = rng.choice(locals_)
            if supplier != partner:
                _project_relation(supplier, project, P.SUPPLIES, _day(rng, before, today))
            if index == 0:
                _project_relation(
                    mentor_org, project, P.MENTORS, _day(rng, granted, today), person=mentor
                )
            _relation(holder, incubator, P.NETWORK_MEMBER, _day(rng, before, today))
            relations += 4
        # Some cooperation between the collective's members and the local organisations.
        for organisation in members[: 6 if rich else 2]:
            _relation(organisation, rng.choice(locals_), P.COOPERATES, _day(rng, before, today))
            relations += 1
        if rich:
            for a, b in zip(locals_, locals_[1:], strict=False):
                _relation(a, b, P.SUPPLIES, _day(rng, before, today))
                relations += 1
        # The collective's entrepreneurial networks get members among the local organisations.
        for network in (m for m in members if m.kind == K.NETWORK):
            for organisation in rng.sample(locals_, min(2, len(locals_))):
                _relation(organisation, network, P.NETWORK_MEMBER, _day(rng, before, today))
                relations += 1
    relations += members_of_lonely_networks(today)
    ctx.say(f"  network: {len(labels)} territoires, ~{relations} relations fictives")
