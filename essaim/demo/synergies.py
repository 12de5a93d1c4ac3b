"""Engaged companies and their offers, introductions in every state, events between labelled
territories — all fictitious, marked as such.

- forty fictitious engaged companies (and a few entrepreneurial networks) across the régions,
  each with one or two offers;
- the demo company of ``entreprise@demo.essaim.fr`` (Atelier Boréal) offers skills sponsorship
  in logistics in Nouvelle-Aquitaine, which the cooperative supermarket's open skills need
  (logistics, added here when missing) matches — and Atelier Boréal has not answered it yet, so
  that the demo walk "Je peux aider" can start from the home page;
- introductions proposed, accepted, done (with what the help produced) and declined, on open
  needs of published projects; one proposed to the supermarket by another company, for the
  holder (``projet@``) to accept;
- two French Impact events: one past with attendance, one to come with registrations.

Idempotent: everything is found by its name or title before it is created.
"""

import random
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from essaim.accounts.models import User
from essaim.actors.models import Organisation, OrganisationKind
from essaim.calls.models import Programme
from essaim.core.models import HistoryEvent
from essaim.demo import history_bulk_create
from essaim.demo import network as demo_network
from essaim.demo.accounts import COMPANY_ORG
from essaim.demo.projects import SUPERMARKET_TITLE
from essaim.geo.models import Commune, Region
from essaim.projects.models import Need, NeedKind, Project
from essaim.synergies import matching, network_services, services
from essaim.synergies.history import EventAction, IntroductionAction, OfferAction
from essaim.synergies.models import (
    Event,
    Introduction,
    IntroductionStatus,
    Offer,
    OfferKind,
    Registration,
)

ADMIN_EMAIL = "admin@demo.essaim.fr"
LOGISTICS_NEED = (
    "Logistique : organiser l'approvisionnement auprès des producteurs, la réception et le "
    "stock du magasin (fictif)"
)
BOREAL_OFFER = "Mécénat de compétences en logistique et approvisionnement (fictif)"

# (name, région INSEE code, kind) — invented companies and networks.
COMPANIES = [
    ("Transports Garonne Solidaires", "75", OrganisationKind.COMPANY),
    ("Cabinet Estuaire Conseil", "75", OrganisationKind.COMPANY),
    ("Imprimerie des Charentes", "75", OrganisationKind.COMPANY),
    ("Banque Coopérative de l'Atlantique", "75", OrganisationKind.COMPANY),
    ("Réseau des entreprises engagées d'Aquitaine", "75", OrganisationKind.NETWORK),
    ("Laiterie du Bocage", "28", OrganisationKind.COMPANY),
    ("Normandie Numérique Services", "28", OrganisationKind.COMPANY),
    ("Ateliers Seine Aval", "11", OrganisationKind.COMPANY),
    ("Groupe Parisien de Restauration", "11", OrganisationKind.COMPANY),
    ("Conseil & Territoires Île-de-France", "11", OrganisationKind.COMPANY),
    ("Fondation d'entreprise Lumière Nord", "32", OrganisationKind.COMPANY),
    ("Logistique des Flandres", "32", OrganisationKind.COMPANY),
    ("Club des entreprises inclusives des Hauts-de-France", "32", OrganisationKind.NETWORK),
    ("Aciéries de la Moselle", "44", OrganisationKind.COMPANY),
    ("Vignobles de Champagne Associés", "44", OrganisationKind.COMPANY),
    ("Brasserie des Vosges", "44", OrganisationKind.COMPANY),
    ("Chantiers Navals de l'Ouest", "52", OrganisationKind.COMPANY),
    ("Coopérative Maraîchère Nantaise", "52", OrganisationKind.COMPANY),
    ("Assurances Mutuelles Ligériennes", "52", OrganisationKind.COMPANY),
    ("Armor Agroalimentaire", "53", OrganisationKind.COMPANY),
    ("Breizh Informatique", "53", OrganisationKind.COMPANY),
    ("Réseau Entreprendre Solidaire de Bretagne", "53", OrganisationKind.NETWORK),
    ("Énergies du Val de Loire", "24", OrganisationKind.COMPANY),
    ("Pépinières de Touraine", "24", OrganisationKind.COMPANY),
    ("Fromageries du Jura", "27", OrganisationKind.COMPANY),
    ("Bourgogne Mobilités", "27", OrganisationKind.COMPANY),
    ("Aéro-Services Toulousains", "76", OrganisationKind.COMPANY),
    ("Distribution Méditerranée", "76", OrganisationKind.COMPANY),
    ("Cévennes Bois et Construction", "76", OrganisationKind.COMPANY),
    ("Ingénierie Rhône-Alpes", "84", OrganisationKind.COMPANY),
    ("Textiles de la Loire", "84", OrganisationKind.COMPANY),
    ("Savoie Tourisme Responsable", "84", OrganisationKind.COMPANY),
    ("Alliance des entreprises du Rhône", "84", OrganisationKind.NETWORK),
    ("Provence Logistique", "93", OrganisationKind.COMPANY),
    ("Parfums de Grasse Associés", "93", OrganisationKind.COMPANY),
    ("Marseille Conseil Numérique", "93", OrganisationKind.COMPANY),
    ("Corsica Distribution", "94", OrganisationKind.COMPANY),
    ("Groupe Hôtelier National", "", OrganisationKind.COMPANY),
    ("Cabinet d'Expertise Comptable Solidaire", "", OrganisationKind.COMPANY),
    ("Fonds d'Investissement Impact France", "", OrganisationKind.COMPANY),
]

# (kind, title, description, conditions) — each company gets one or two of these.
OFFER_TEMPLATES = [
    (
        OfferKind.SKILLS_SPONSORSHIP,
        "Mécénat de compétences : gestion et comptabilité",
        "Nos collaborateurs accompagnent la gestion, la comptabilité et le modèle économique "
        "des projets, quelques heures par mois.",
        "Jusqu'à 40 heures par projet et par an.",
    ),
    (
        OfferKind.SKILLS_SPONSORSHIP,
        "Mécénat de compétences : numérique et site web",
        "Aide à la création d'un site, d'un outil de gestion des adhérents ou d'une boutique "
        "en ligne ; formation des équipes aux outils numériques.",
        "",
    ),
    (
        OfferKind.RESPONSIBLE_PURCHASING,
        "Achats responsables auprès des structures de l'ESS",
        "Nous référençons des fournisseurs de l'économie sociale et solidaire : traiteurs, "
        "entretien des espaces verts, impression, recyclage.",
        "Contrats d'un an renouvelables.",
    ),
    (
        OfferKind.INVESTMENT,
        "Investissement en fonds propres dans les projets à impact",
        "Prise de participation minoritaire ou titres associatifs pour financer le "
        "changement d'échelle des entreprises sociales.",
        "Tickets de 20 000 à 150 000 €.",
    ),
    (
        OfferKind.PREMISES,
        "Locaux et entrepôt mis à disposition",
        "Bureaux, salles de réunion et surface de stockage disponibles pour des associations et "
        "des coopératives, à titre gracieux ou à loyer modéré.",
        "Convention d'occupation de six mois à deux ans.",
    ),
    (
        OfferKind.MENTORING,
        "Mentorat de dirigeants de projets",
        "Un dirigeant de l'entreprise accompagne le porteur de projet : stratégie, recrutement, "
        "partenaires et réseau local.",
        "Une rencontre par mois pendant un an.",
    ),
    (
        OfferKind.VOLUNTEERING,
        "Bénévolat de nos salariés",
        "Nos salariés donnent des journées de bénévolat : chantiers, collectes, animation, "
        "logistique d'événements.",
        "Jusqu'à deux journées par salarié et par an.",
    ),
]

# (state, message, decline reason, hours, purchases, invested)
STORY = [
    (IntroductionStatus.PROPOSED, "Nous pouvons aider dès le mois prochain.", "", None, None, None),
    (IntroductionStatus.ACCEPTED, "Deux de nos salariés sont disponibles.", "", None, None, None),
    (IntroductionStatus.DONE, "Proposition d'accompagnement sur six mois.", "", 60, 4_500, None),
    (
        IntroductionStatus.DECLINED,
        "Nous proposons un accompagnement à distance.",
        "Nous avons déjà trouvé un partenaire local pour ce besoin.",
        None,
        None,
        None,
    ),
    (IntroductionStatus.DONE, "Participation au tour de table.", "", 12, None, 30_000),
    (IntroductionStatus.ACCEPTED, "Mise à disposition d'un entrepôt.", "", None, None, None),
    (IntroductionStatus.PROPOSED, "Un mentor est disponible.", "", None, None, None),
]  # fmt: skip


def _communes_by_region() -> dict[str, Commune]:
    """The chef-lieu commune of each région (one query each way)."""
    chefs = dict(Region.objects.values_list("chef_lieu", "code"))
    found = Commune.objects.filter(insee__in=[c for c in chefs if c]).select_related("region")
    return {chefs[c.insee]: c for c in found}


def _companies(ctx) -> list[Organisation]:
    names = [f"{name} (entreprise fictive)" for name, _code, _kind in COMPANIES]
    existing = {o.name: o for o in Organisation.objects.filter(name__in=names)}
    communes = _communes_by_region()
    created = []
    for (_name, code, kind), full in zip(COMPANIES, names, strict=True):
        if full in existing:
            continue
        created.append(
            Organisation(
                name=full,
                kind=kind,
                is_fictitious=True,
                commune=communes.get(code),
                description=(
                    "Entreprise engagée auprès des projets d'innovation sociale des territoires "
                    "(organisation fictive de démonstration)."
                    if kind == OrganisationKind.COMPANY
                    else "Réseau d'entreprises engagées (organisation fictive de démonstration)."
                ),
            )
        )
    Organisation.objects.bulk_create(created)
    by_name = {o.name: o for o in Organisation.objects.filter(name__in=names)}
    return [by_name[n] for n in names]


def _offers(companies: list[Organisation], rng: random.Random) -> list[Offer]:
    """One or two offers per company (found by company and title)."""
    existing = set(Offer.objects.filter(company__in=companies).values_list("company_id", "title"))
    regions = {r.pk: r for r in Region.objects.all()}
    offers, links = [], []
    for position, company in enumerate(companies):
        count = 2 if position % 3 == 0 else 1
        for template in rng.sample(OFFER_TEMPLATES, count):
            kind, title, description, conditions = template
            title = f"{title} (fictif)"
            if (company.pk, title) in existing:
                continue
            region = regions.get(company.commune.region_id) if company.commune_id else None
            offers.append(
                Offer(
                    company=company,
                    kind=kind,
                    title=title,
                    description=description,
                    conditions=conditions,
                    is_national=region is None,
                    is_fictitious=True,
                )
            )
            links.append(region)
    Offer.objects.bulk_create(offers)
    Through = Offer.regions.through
    Through.objects.bulk_create(
        [Through(offer_id=o.pk, region_id=r.pk) for o, r in zip(offers, links, strict=True) if r]
    )
    _history(offers, OfferAction.PUBLISHED, to_state="published")
    return offers


def _history(objects, action, **fields) -> None:
    if not objects:
        return
    content_type = ContentType.objects.get_for_model(type(objects[0]))
    now = timezone.now()
    history_bulk_create(
        [
            HistoryEvent(
                content_type=content_type,
                object_id=str(obj.pk),
                action=action.value,
                at=getattr(obj, "created_at", None) or now,
                **fields,
            )
            for obj in objects
        ]
    )


def _boreal(ctx) -> tuple[Organisation | None, Offer | None, Need | None]:
    """Atelier Boréal's logistics offer in Nouvelle-Aquitaine and the supermarket's open skills
    need (logistics)."""
    boreal = Organisation.objects.filter(name=COMPANY_ORG).first()
    supermarket = Project.objects.filter(title=SUPERMARKET_TITLE).first()
    region = Region.objects.filter(code="75").first()
    need = None
    if supermarket is not None:
        need = supermarket.needs.filter(kind=NeedKind.SKILLS, purpose=LOGISTICS_NEED).first()
        if need is None:
            need = Need.objects.create(
                project=supermarket, kind=NeedKind.SKILLS, purpose=LOGISTICS_NEED
            )
    if boreal is None:
        return None, None, need
    if boreal.commune_id is None:
        niort = Commune.objects.filter(insee="79191").first()
        if niort is not None:
            boreal.commune = niort
            boreal.description = boreal.description or (
                "Entreprise de logistique engagée auprès des projets de l'économie sociale et "
                "solidaire (organisation fictive de démonstration)."
            )
            boreal.save(update_fields=["commune", "description"])
    offer = Offer.objects.filter(company=boreal, title=BOREAL_OFFER).first()
    if offer is None:
        offer = Offer.objects.create(
            company=boreal,
            kind=OfferKind.SKILLS_SPONSORSHIP,
            title=BOREAL_OFFER,
            description=(
                "Nos logisticiens aident les projets à organiser leur logistique : "
                "approvisionnement auprès des producteurs locaux, réception des livraisons, "
                "gestion du stock et des tournées."
            ),
            conditions="Jusqu'à 80 heures par projet, en Nouvelle-Aquitaine.",
            is_fictitious=True,
        )
        if region is not None:
            offer.regions.set([region])
        _history([offer], OfferAction.PUBLISHED, to_state="published")
    return boreal, offer, need


def _introductions(companies, offers, boreal, boreal_offer, logistics_need) -> int:
    """Introductions in every state, on open skills and partners needs of published projects
    (the supermarket's logistics need gets one proposal, from another company)."""
    if Introduction.objects.filter(is_fictitious=True).exists():
        return 0
    # Each company answers the best open need its offers can meet (territory and kind), so
    # that every demo introduction carries a real match.
    by_company: dict[int, list[Offer]] = {}
    for offer in matching.offers_with_coverage(
        Offer.objects.filter(company__in=companies).active().order_by("pk")
    ):
        by_company.setdefault(offer.company_id, []).append(offer)
    taken = {getattr(logistics_need, "pk", None)}
    other = next(
        (
            m.need
            for m in matching.needs_for_offers([boreal_offer] if boreal_offer else [])
            if m.need.pk not in taken and m.need.project.title != SUPERMARKET_TITLE
        ),
        None,
    )
    if other is not None:
        taken.add(other.pk)
    pairs = []
    for company in companies:
        for match in matching.needs_for_offers(by_company.get(company.pk, [])):
            if match.need.pk not in taken:
                taken.add(match.need.pk)
                pairs.append((company, match.need, match.offer))
                break
    offer_of = {pk: group[0] for pk, group in by_company.items()}
    now = timezone.now()
    rows = []
    for position, (company, need, offer) in enumerate(pairs):
        state, message, reason, hours, purchases, invested = STORY[position % len(STORY)]
        rows.append(
            Introduction(
                need=need,
                project_id=need.project_id,
                company=company,
                offer=offer,
                message=message,
                status=state,
                decline_reason=reason,
                company_done=state == IntroductionStatus.DONE,
                project_done=state == IntroductionStatus.DONE,
                hours=hours,
                purchases=purchases,
                invested=invested,
                decided_at=now if state != IntroductionStatus.PROPOSED else None,
                done_at=now if state == IntroductionStatus.DONE else None,
                is_fictitious=True,
            )
        )
    if boreal is not None and other is not None:
        # Atelier Boréal's own story: one accepted introduction on another project.
        rows.append(
            Introduction(
                need=other,
                project_id=other.project_id,
                company=boreal,
                offer=boreal_offer,
                message="Nous pouvons organiser vos tournées de collecte.",
                status=IntroductionStatus.ACCEPTED,
                decided_at=now,
                is_fictitious=True,
            )
        )
    if logistics_need is not None:
        helper = companies[0]
        rows.append(
            Introduction(
                need=logistics_need,
                project_id=logistics_need.project_id,
                company=helper,
                offer=offer_of.get(helper.pk),
                message="Nos chauffeurs peuvent assurer deux tournées de collecte par semaine.",
                is_fictitious=True,
            )
        )
    Introduction.objects.bulk_create(rows)
    for row in rows:
        if row.status == IntroductionStatus.DONE:
            # The cooperation shows in the territory's network, as it does on the pages.
            network_services.relation_from_introduction(user=None, introduction=row)
    _history(rows, IntroductionAction.PROPOSED, to_state=IntroductionStatus.PROPOSED)
    for state, action in (
        (IntroductionStatus.ACCEPTED, IntroductionAction.ACCEPT),
        (IntroductionStatus.DECLINED, IntroductionAction.DECLINE),
    ):
        _history(
            [r for r in rows if r.status == state or (state == "accepted" and r.status == "done")],
            action,
            from_state=IntroductionStatus.PROPOSED,
            to_state=state,
        )
    _history(
        [r for r in rows if r.status == IntroductionStatus.DONE],
        IntroductionAction.MARK_DONE,
        from_state=IntroductionStatus.ACCEPTED,
        to_state=IntroductionStatus.DONE,
    )
    return len(rows)


def _events(ctx) -> int:
    """Two French Impact events: a past exchange with attendance, a meetup to come."""
    programme = (
        ctx.objects.get("programme")
        or Programme.objects.filter(slug="french-impact-territoires").first()
    )
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if programme is None or admin is None:
        return 0
    people = list(
        User.objects.filter(email__in=["porteur@demo.essaim.fr", "projet@demo.essaim.fr"]).order_by(
            "email"
        )
    )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    specs = [
        (
            "Échange de pratiques : supermarchés coopératifs entre territoires (fictif)",
            now - timedelta(days=45),
            "Bordeaux, Hôtel de Région",
            False,
            40,
            "Trois territoires labellisés partagent leurs débuts : statuts, approvisionnement, "
            "participation des membres. Rencontre fictive de démonstration.",
        ),
        (
            "Rencontre des territoires labellisés : coopérer avec les entreprises (fictif)",
            now + timedelta(days=30),
            "",
            True,
            25,
            "En ligne : comment les territoires travaillent avec les entreprises engagées de leur "
            "région (mécénat de compétences, achats responsables). Rencontre fictive.",
        ),
    ]
    made = 0
    for title, starts_at, place, online, capacity, description in specs:
        event = Event.objects.filter(programme=programme, title=title).first()
        if event is not None:
            continue
        event = Event.objects.create(
            programme=programme,
            title=title,
            starts_at=starts_at,
            place=place,
            is_online=online,
            capacity=capacity,
            description=description,
            created_by=admin,
            is_fictitious=True,
        )
        _history([event], EventAction.CREATED)
        made += 1
        if starts_at < now:
            Registration.objects.bulk_create(
                [Registration(event=event, user=u, attended=True) for u in people]
            )
            _history([event], EventAction.ATTENDANCE)
        else:
            for user in people[:1]:  # the territory lead; the holder may register on the demo
                services.event_register(user=user, event=event)
    return made


def load(ctx) -> None:
    rng = random.Random(2019)  # noqa: S311 - reproducible demo data, not security
    companies = _companies(ctx)
    offers = _offers(companies, rng)
    boreal, boreal_offer, need = _boreal(ctx)
    all_offers = list(Offer.objects.filter(company__in=companies).order_by("pk")) or offers
    introductions = _introductions(companies, all_offers, boreal, boreal_offer, need)
    events = _events(ctx)
    # The engaged companies' own networks (kind réseau) get members too.
    demo_network.members_of_lonely_networks()
    ctx.say(
        f"    {len(companies)} companies, {len(offers)} new offers, "
        f"{introductions} introductions, {events} events"
    )
