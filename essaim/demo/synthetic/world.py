"""The programme, its calls and waves, its staff, the territories and the organisations."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db.models import Count, Sum

from essaim.accounts.models import Membership, Role, User
from essaim.actors.models import (
    Collective,
    CollectiveMember,
    CollectiveRole,
    Organisation,
    OrganisationKind,
)
from essaim.calls.models import Call, CallKind, CallStatus, CutOff, FormVersion, Programme, Wave
from essaim.core.text import normalise
from essaim.demo.synthetic.base import EPOCH, PROGRAMME_NAME, PROGRAMME_SLUG, Run, bulk, moment
from essaim.demo.synthetic.words import ORG_HEADS, ORG_TOPICS, PLACES
from essaim.geo.models import (
    Commune,
    Departement,
    Epci,
    Perimeter,
    PerimeterCommune,
    PerimeterUnit,
    Region,
    UnitKind,
)

WAVES = 8
CALLS = 6
SCHEMA = {
    "sections": [
        {
            "key": "territoire",
            "title": "Le territoire",
            "fields": [
                {"key": "pitch", "kind": "short_text", "label": "Accroche", "max_length": 200},
                {"key": "story", "kind": "long_text", "label": "Histoire du collectif"},
                {"key": "size", "kind": "number", "label": "Structures engagées"},
                {"key": "ptce", "kind": "yes_no", "label": "Un PTCE existe-t-il ?"},
            ],
        }
    ]
}
STAFF = [
    ("admin@synthetique.invalid", Role.PROGRAMME_ADMIN),
    ("instructeur@synthetique.invalid", Role.INSTRUCTOR),
    ("guichet@synthetique.invalid", Role.SINGLE_WINDOW_OFFICER),
]


def programme(run: Run) -> int:
    """The fictitious programme, its staff (no usable password), calls, forms and waves."""
    made = run.made
    made["programme"] = prog = Programme.objects.create(
        name=PROGRAMME_NAME,
        short_name="Synthétique",
        slug=PROGRAMME_SLUG,
        label_name="Territoire synthétique",
        description="Données fictives générées pour les mesures de performance.",
    )
    users = bulk(User, [User(email=email, password=make_password(None)) for email, _r in STAFF])
    bulk(
        Membership,
        [
            Membership(user=user, role=role, programme=prog)
            for user, (_e, role) in zip(users, STAFF, strict=True)
        ],
    )
    made["admin"], made["staff"] = users[0], users[1]
    made["officer"] = users[2]
    waves = bulk(
        Wave,
        [
            Wave(
                programme=prog,
                number=n + 1,
                title=f"Vague {n + 1}",
                committee_on=EPOCH + timedelta(days=120 * n + 40),
                announced_on=EPOCH + timedelta(days=120 * n + 55),
                status="published" if n < WAVES - 1 else "planned",
                published_at=moment(EPOCH + timedelta(days=120 * n + 55)),
            )
            for n in range(WAVES)
        ],
    )
    made["waves"] = waves
    calls = bulk(
        Call,
        [
            Call(
                programme=prog,
                title="AMI permanent des territoires" if n == 0 else f"Appel à projets n° {n}",
                slug="ami" if n == 0 else f"appel-{n}",
                kind=CallKind.PERMANENT_AMI if n == 0 else CallKind.CALL_FOR_PROJECTS,
                status=CallStatus.OPEN if n in (0, CALLS - 1) else CallStatus.CLOSED,
                opens_on=EPOCH + timedelta(days=150 * n),
                closes_on=None if n == 0 else EPOCH + timedelta(days=150 * n + 90),
            )
            for n in range(CALLS)
        ],
    )
    made["calls"] = calls
    made["forms"] = bulk(
        FormVersion,
        [
            FormVersion(call=call, number=1, schema=SCHEMA, published_at=moment(EPOCH))
            for call in calls
        ],
    )
    made["cutoffs"] = bulk(
        CutOff,
        [
            CutOff(call=call, date=EPOCH + timedelta(days=120 * n + 20), wave=wave)
            for call in calls
            for n, wave in enumerate(waves)
        ],
    )
    return 1 + len(users) + len(waves) + len(calls) * (2 + len(waves))


def territories(run: Run) -> int:
    """Territories on the official geography when it is loaded (one EPCI each), else on
    synthetic communes (INSEE region and département ``99``, which France does not use)."""
    wanted = run.counts["territories"]
    epcis = list(
        Epci.objects.annotate(n=Count("communes"), people=Sum("communes__population"))
        .filter(n__gt=0)
        .order_by("siren")
        .values_list("siren", "name", "n", "people")[:wanted]
    )
    if len(epcis) < wanted:
        return _synthetic_geography(run, wanted)
    perimeters = bulk(
        Perimeter,
        [
            Perimeter(
                name=f"{name} (synthétique)",
                slug=f"synthetique-{siren}",
                population=people or 0,
                commune_count=n,
            )
            for siren, name, n, people in epcis
        ],
    )
    bulk(
        PerimeterUnit,
        [
            PerimeterUnit(perimeter=p, kind=UnitKind.EPCI, code=siren)
            for p, (siren, *_rest) in zip(perimeters, epcis, strict=True)
        ],
    )
    by_siren = {siren: p for p, (siren, *_rest) in zip(perimeters, epcis, strict=True)}
    links = Commune.objects.filter(epci__siren__in=by_siren).values_list("pk", "epci__siren")
    bulk(
        PerimeterCommune, [PerimeterCommune(perimeter=by_siren[s], commune_id=c) for c, s in links]
    )
    run.made["perimeters"] = perimeters
    run.made["communes"] = list(Commune.objects.values_list("pk", flat=True).order_by("pk")[:5000])
    return len(perimeters)


def _synthetic_geography(run: Run, wanted: int) -> int:
    region, _c = Region.objects.get_or_create(code="99", defaults={"name": "Région synthétique"})
    departement, _c = Departement.objects.get_or_create(
        code="99", defaults={"name": "Département synthétique", "region": region}
    )
    communes = bulk(
        Commune,
        [
            Commune(
                insee=f"99{i:03d}",
                name=f"{PLACES[i % len(PLACES)]} {i // len(PLACES) + 1}",
                departement=departement,
                region=region,
                population=1000 + run.rng.randrange(40_000),
            )
            for i in range(wanted)
        ],
    )
    perimeters = bulk(
        Perimeter,
        [
            Perimeter(
                name=f"Territoire synthétique de {c.name}",
                slug=f"synthetique-{c.insee}",
                population=c.population,
                commune_count=1,
            )
            for c in communes
        ],
    )
    bulk(
        PerimeterUnit,
        [
            PerimeterUnit(perimeter=p, kind=UnitKind.COMMUNE, code=c.insee)
            for p, c in zip(perimeters, communes, strict=True)
        ],
    )
    bulk(
        PerimeterCommune,
        [
            PerimeterCommune(perimeter=p, commune=c)
            for p, c in zip(perimeters, communes, strict=True)
        ],
    )
    run.made["perimeters"] = perimeters
    run.made["communes"] = [c.pk for c in communes]
    return len(perimeters)


KINDS = [
    OrganisationKind.ASSOCIATION,
    OrganisationKind.ASSOCIATION,
    OrganisationKind.ASSOCIATION,
    OrganisationKind.COOPERATIVE,
    OrganisationKind.COMPANY,
    OrganisationKind.LOCAL_AUTHORITY,
    OrganisationKind.NETWORK,
    OrganisationKind.SUPPORT,
]


def organisations(run: Run) -> int:
    rng, communes = run.rng, run.made["communes"]
    rows = []
    for i in range(run.counts["organisations"]):
        name = f"{rng.choice(ORG_HEADS)} {rng.choice(ORG_TOPICS)} {rng.choice(PLACES)} {i + 1}"
        description = f"Structure fictive {rng.choice(ORG_TOPICS)}, créée pour les mesures."
        rows.append(
            Organisation(
                name=name,
                kind=rng.choice(KINDS),
                is_ess=rng.random() < 0.7,
                commune_id=rng.choice(communes),
                description=description,
                is_fictitious=True,
                search_text=normalise(f"{name} {description}"),
            )
        )
    run.made["organisations"] = [o.pk for o in bulk(Organisation, rows)]
    return len(rows)


def collectives(run: Run) -> int:
    """One carrier collective per territory: a lead and two to five other members."""
    rng, orgs = run.rng, run.made["organisations"]
    found = bulk(
        Collective,
        [
            Collective(name=f"Collectif {p.name}", perimeter=p, is_fictitious=True)
            for p in run.made["perimeters"]
        ],
    )
    members = []
    for collective in found:
        for position, org in enumerate(rng.sample(orgs, min(len(orgs), rng.randint(3, 6)))):
            role = CollectiveRole.LEAD if position == 0 else CollectiveRole.MEMBER
            members.append(
                CollectiveMember(
                    collective=collective, organisation_id=org, role=role, position=position
                )
            )
    bulk(CollectiveMember, members)
    run.made["collectives"] = found
    return len(found) + len(members)
