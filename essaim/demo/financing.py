"""The eight instruments of the reference file with their real parameters, and fictitious
financing requests in every state of the pipeline (financeur@ is a Bpifrance person).

``load_regional`` adds the second, fictitious programme's own instrument — a regional seed fund of
its fictitious agency, open in Nouvelle-Aquitaine only — and the request a regional project sends
to it, through ``financing_request_send`` (as the collective's referent)."""

import datetime
import random

from django.utils import timezone

from essaim.accounts.models import User
from essaim.actors.models import Organisation, OrganisationKind
from essaim.core.models import HistoryEvent
from essaim.financing.matching import terms_snapshot
from essaim.financing.models import (
    FinancingRequest,
    Instrument,
    ProgrammeInstrument,
    TicketBand,
)
from essaim.financing.services import financing_request_send
from essaim.financing.workflow import RequestStatus
from essaim.geo.models import Region
from essaim.projects.models import Need, NeedKind, Project
from essaim.support.models import Action

# Providers, looked up by these names (the actors demo creates them), created if missing.
PROVIDERS = {
    "bpifrance": (["Bpifrance"], "Bpifrance"),
    "cdc": (
        [
            "Banque des Territoires",
            "Caisse des Dépôts / Banque des Territoires",
            "Caisse des Dépôts",
            "Caisse des dépôts et consignations",
        ],
        "Caisse des Dépôts / Banque des Territoires",
    ),
    "avise": (["Avise"], "Avise"),
    "france_active": (["France Active"], "France Active"),
    "inco": (["INCO"], "INCO"),
}

# name, short name, provider, fields, bands (stage, min, max). Facts from the reference YAML;
# what it states loosely (participating Régions, matching 1:1) is in the conditions text.
INSTRUMENTS = [
    (
        "FISO #2 — Fonds d'innovation sociale",
        "FISO #2",
        "bpifrance",
        {
            "kinds": ["recoverable_advance", "zero_rate_loan"],
            "share_of_costs_max": "0.5",
            "legal_families": ["association", "cooperative", "company"],
            "description": (
                "Fonds d'innovation sociale de Bpifrance, cofinancé à parts égales avec les "
                "Régions participantes : avances remboursables et prêts à taux zéro pour "
                "l'amorçage de projets socialement innovants."
            ),
            "conditions": (
                "PME au sens européen dans une Région participante, y compris associations, "
                "coopératives (SCIC, SCOP) et entreprises agréées ESUS. À partir de 30 000 € "
                "en avance remboursable, 50 000 € en prêt ; ticket moyen d'environ 100 000 €. "
                "Au plus 50 % des dépenses du programme."
            ),
            "url": "https://www.bpifrance.fr",
        },
        [("seed", 30000, None)],
    ),
    (
        "NovESS",
        "NovESS",
        "cdc",
        {
            "kinds": ["equity", "quasi_equity", "loan"],
            "requires_ess": True,
            "description": (
                "Fonds d'investissement de la Caisse des Dépôts pour les entreprises de l'ESS, "
                "géré par Mandarine Gestion et le Comptoir de l'Innovation."
            ),
            "conditions": (
                "Développement : 100 000 à 500 000 € (structures d'environ 3 ans) ; changement "
                "d'échelle : 1 à 5 M€ (structures d'environ 6 ans). Fonds propres, quasi-fonds "
                "propres ou dette."
            ),
            "url": "https://www.banquedesterritoires.fr",
        },
        [("development", 100000, 500000), ("scale_up", 1000000, 5000000)],
    ),
    (
        "HubESS",
        "HubESS",
        "avise",
        {
            "kinds": ["orientation"],
            "requires_ess": True,
            "description": (
                "Plateforme d'information qui oriente les entreprises de l'ESS vers les "
                "accompagnements et financements adaptés ; n'apporte pas de fonds."
            ),
            "url": "https://www.hubess.fr",
        },
        [],
    ),
    (
        "France Active — contrat d'apport associatif",
        "Apport associatif France Active",
        "france_active",
        {
            "kinds": ["associative_contribution"],
            "share_of_costs_max": "0.5",
            "legal_families": ["association"],
            "description": "Prêt sans intérêt aux associations, sur 2 à 5 ans.",
            "conditions": (
                "Réservé aux associations ; doit être complété au moins à parts égales par "
                "d'autres financements. Durée de 2 à 5 ans."
            ),
            "url": "https://www.franceactive.org",
        },
        [("", 5000, 30000)],
    ),
    (
        "France Active — garantie",
        "Garantie France Active",
        "france_active",
        {
            "kinds": ["guarantee"],
            "description": "Garantie des prêts bancaires des entreprises engagées.",
            "conditions": "Garantit jusqu'à 65 % du prêt, dans la limite de 200 000 € garantis.",
            "url": "https://www.franceactive.org",
        },
        [("", None, 200000)],
    ),
    (
        "France Active — pacte Émergence",
        "Pacte Émergence",
        "france_active",
        {
            "kinds": ["grant"],
            "description": "Subvention pour faire émerger un projet d'entreprise engagée.",
            "conditions": "Jusqu'à 20 000 €, au stade de l'émergence.",
            "url": "https://www.franceactive.org",
        },
        [("emergence", None, 20000)],
    ),
    (
        "Bpifrance — Prêt économie sociale et solidaire (PESS)",
        "PESS",
        "bpifrance",
        {
            "kinds": ["loan"],
            "requires_ess": True,
            "min_age_years": 3,
            "share_of_costs_max": "0.5",
            "description": "Prêt de développement pour les entreprises de l'ESS de plus de 3 ans.",
            "conditions": (
                "10 000 à 50 000 € (jusqu'à 100 000 € lorsque la Région s'associe) ; couplé à "
                "parts égales avec un prêt bancaire ou un apport en fonds propres."
            ),
            "url": "https://www.bpifrance.fr",
        },
        [("development", 10000, 50000)],
    ),
    (
        "Fonds d'amorçage French Impact",
        "Amorçage French Impact",
        "inco",
        {
            "kinds": ["equity"],
            "max_age_years": 3,
            "max_yearly_budget": 300000,
            "description": "Fonds d'amorçage en fonds propres, géré par INCO.",
            "conditions": "Structures de moins de 3 ans dont le budget est de 300 000 € au plus.",
            "url": "https://www.inco.co.com",
        },
        [("seed", None, None)],
    ),
]


def provider(key: str) -> Organisation:
    names, default = PROVIDERS[key]
    for name in names:
        found = Organisation.objects.filter(name__iexact=name).order_by("pk").first()
        if found is not None:
            return found
    organisation, _created = Organisation.objects.get_or_create(
        name=default, defaults={"kind": OrganisationKind.FINANCER}
    )
    return organisation


def load_instruments() -> dict[str, Instrument]:
    """Create or refresh the eight reference instruments (by name); return them by short name."""
    providers = {key: provider(key) for key in PROVIDERS}
    result = {}
    for name, short, provider_key, fields, bands in INSTRUMENTS:
        defaults = {
            "short_name": short,
            "provider": providers[provider_key],
            "is_national": True,
            **fields,
        }
        instrument, created = Instrument.objects.get_or_create(name=name, defaults=defaults)
        if created:
            TicketBand.objects.bulk_create(
                [
                    TicketBand(instrument=instrument, stage=stage, min_amount=low, max_amount=high)
                    for stage, low, high in bands
                ]
            )
        result[short] = instrument
    return result


def load(ctx) -> None:
    instruments = load_instruments()
    ctx.objects["instruments"] = instruments
    ctx.say(f"    {len(instruments)} instruments")
    # French Impact references the instruments of the reference file (real ones).
    programme = ctx.objects.get("programme")
    if programme is not None:
        for instrument in instruments.values():
            ProgrammeInstrument.objects.get_or_create(programme=programme, instrument=instrument)
    # The support plans' financing rounds (loaded before the instruments) name the one they use.
    Action.objects.filter(
        axis__code__in=["financing", "financement"], instrument=None, is_fictitious=True
    ).update(instrument=instruments["Apport associatif France Active"])
    if FinancingRequest.objects.filter(is_fictitious=True).exists():
        return
    _requests(ctx, instruments)


def _requests(ctx, instruments) -> None:
    """Requests in every state, most of them to Bpifrance's instruments (financeur@'s)."""
    sender = (
        User.objects.filter(email="projet@demo.essaim.fr").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )
    if sender is None:
        return
    rng = random.Random(2019)  # noqa: S311 - demo data, not security
    plan = [
        # instrument, stage, states
        ("FISO #2", "seed", ["received", "in_review", "granted", "declined", "disbursed"]),
        ("PESS", "development", ["received", "in_review", "granted", "disbursed", "withdrawn"]),
        ("Apport associatif France Active", None, ["received", "granted", "declined"]),
        ("NovESS", "development", ["in_review", "granted"]),
    ]
    used: set[int] = set()
    for short, stage, states in plan:
        instrument = instruments[short]
        terms = terms_snapshot(instrument)
        bands = list(instrument.bands.all())
        high = max((b.max_amount or 0) for b in bands) or 100000
        low = min((b.min_amount or 0) for b in bands)
        needs = Need.objects.filter(
            kind=NeedKind.FINANCING, project__is_fictitious=True
        ).select_related("project")
        if stage:
            needs = needs.filter(project__stage=stage)
        if short == "Apport associatif France Active":
            needs = needs.filter(project__holder__legal_category__startswith="92")
        needs = [n for n in needs.order_by("pk") if n.project_id not in used]
        for state, need in zip(states, needs, strict=False):
            used.add(need.project_id)
            amount = max(low, min(need.amount, high))
            _make_request(ctx, rng, instrument, terms, need, amount, state, sender)
    # The cooperative supermarket's own first request: part of its need, to France Active.
    supermarket = Project.objects.filter(title=SUPERMARKET_TITLE).first()
    if supermarket is not None:
        need = supermarket.needs.filter(kind=NeedKind.FINANCING).first()
        if need is not None:
            _make_request(
                ctx,
                rng,
                instruments["Apport associatif France Active"],
                terms_snapshot(instruments["Apport associatif France Active"]),
                need,
                15000,
                "received",
                sender,
            )


SUPERMARKET_TITLE = "Supermarché coopératif du Marais poitevin"


def _make_request(ctx, rng, instrument, terms, need, amount, state, sender) -> None:
    from django.contrib.contenttypes.models import ContentType

    now = timezone.now()
    granted = None
    if state in ("granted", "disbursed"):
        granted = amount if rng.random() < 0.6 else max(1000, amount * 3 // 4)
    request = FinancingRequest.objects.create(
        project=need.project,
        need=need,
        instrument=instrument,
        amount=amount,
        purpose=f"{need.purpose} (demande fictive)",
        terms=terms,
        status=state,
        granted_amount=granted,
        decline_reason=(
            "Le plan de financement ne montre pas encore le cofinancement exigé (fictif)."
            if state == "declined"
            else ""
        ),
        sent_by=sender,
        decided_at=now if state in ("granted", "declined", "disbursed") else None,
        disbursed_at=now if state == "disbursed" else None,
        is_fictitious=True,
    )
    steps = {
        "received": [],
        "in_review": [("start_review", "received", "in_review")],
        "granted": [("start_review", "received", "in_review"), ("grant", "in_review", "granted")],
        "declined": [
            ("start_review", "received", "in_review"),
            ("decline", "in_review", "declined"),
        ],
        "disbursed": [
            ("start_review", "received", "in_review"),
            ("grant", "in_review", "granted"),
            ("disburse", "granted", "disbursed"),
        ],
        "withdrawn": [("withdraw", "received", "withdrawn")],
    }[state]
    content_type = ContentType.objects.get_for_model(FinancingRequest)
    events = [
        HistoryEvent(
            content_type=content_type,
            object_id=str(request.pk),
            action="sent",
            to_state=RequestStatus.RECEIVED,
            payload={"amount": amount, "instrument": instrument.pk, "fictitious": True},
        )
    ]
    for action, source, target in steps:
        events.append(
            HistoryEvent(
                content_type=content_type,
                object_id=str(request.pk),
                action=action,
                from_state=source,
                to_state=target,
                comment=request.decline_reason if action == "decline" else "",
                payload={"granted_amount": granted} if action == "grant" else {},
            )
        )
    HistoryEvent.objects.bulk_create(events)


# --- The fictitious regional programme ------------------------------------------------------------

REGIONAL_INSTRUMENT = "Fonds régional d'amorçage de l'innovation sociale (fictif)"
# (project title, amount, purpose): the regional project's request to the regional fund.
REGIONAL_REQUESTS = [
    (
        "Recyclerie itinérante de la Marche (fictif)",
        20_000,
        "Camion de collecte et outillage de l'atelier (demande fictive)",
    ),
]


def load_regional(ctx) -> None:
    """The regional instrument and request (idempotent: the instrument by name, a request once
    per project and instrument)."""
    regional = ctx.objects["regional"]
    owner = ctx.objects.get("regional_owner") or regional["programme"].owner
    instrument, created = Instrument.objects.get_or_create(
        name=REGIONAL_INSTRUMENT,
        defaults={
            "short_name": "Amorçage régional (fictif)",
            "provider": owner,
            "kinds": ["grant"],
            "share_of_costs_max": "0.8",
            "is_national": False,
            "description": "Outil fictif de démonstration : la subvention d'amorçage du "
            "programme régional fictif « Innovation sociale en Nouvelle-Aquitaine ».",
            "conditions": "Projets en amorçage situés en Nouvelle-Aquitaine ; de 5 000 à "
            "30 000 € ; au plus 80 % des dépenses (conditions fictives).",
            "opens_on": datetime.date(2026, 2, 2),
            "is_fictitious": True,
        },
    )
    if created:
        TicketBand.objects.create(
            instrument=instrument, stage="seed", min_amount=5000, max_amount=30000
        )
        instrument.regions.set(Region.objects.filter(code="75"))
    made = 0
    referents = regional["referents"]
    for title, amount, purpose in REGIONAL_REQUESTS:
        project = Project.objects.filter(title=title).select_related("perimeter").first()
        referent = referents.get(project.perimeter.name) if project else None
        if (
            referent is None
            or FinancingRequest.objects.filter(project=project, instrument=instrument).exists()
        ):
            continue
        request = financing_request_send(
            user=referent,
            project=project,
            instrument=instrument,
            amount=amount,
            purpose=purpose,
            need=project.needs.filter(kind=NeedKind.FINANCING).first(),
        )
        FinancingRequest.objects.filter(pk=request.pk).update(is_fictitious=True)
        made += 1
    ctx.say(f"    1 outil et {made} demande de financement du programme régional")
