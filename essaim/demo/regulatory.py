"""Demo of the single window: the seed's address (hacker@le-frenchimpact.fr), ~60 fictitious
tickets in every state — some arrived by e-mail (the ``.eml`` files of ``essaim/demo/data/mail`` are
imported through the real import code, so a second load creates nothing) —, a few turned into
experimentation requests in the "France Expérimentation" call, and a knowledge base of 15
published answers.

Every question, answer, person and figure here is invented (``is_fictitious``) but follows the
reference facts (``regulatory`` section of the YAML): about one ticket in two resolved, about
40 % feasible without derogation, EU law, local rules and independent regulators out of scope.

``load_regional`` fills the second, fictitious programme's own single window
(``guichet@innovation-sociale-na.example``): five fictitious tickets of its territories, in every
state from new to closed, moved along by its officer through the services; one has a thread (an
answer, the author's reply by e-mail, a second answer).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.text import slugify

from essaim.accounts.models import User
from essaim.actors.models import Organisation, OrganisationKind
from essaim.calls.models import Call, CallKind, CallPurpose, CallStatus, Programme
from essaim.core.models import HistoryEvent
from essaim.demo.calls import REGIONAL_SINGLE_WINDOW
from essaim.geo.models import Perimeter
from essaim.projects.models import Project
from essaim.regulatory import addresses, inbound, services, services_mail
from essaim.regulatory.history import TicketAction
from essaim.regulatory.models import (
    Channel,
    ExperimentationRequest,
    HeldMailKind,
    KnowledgeArticle,
    QuarantinedMail,
    QuarantineStatus,
    Ticket,
    TicketMessage,
)
from essaim.regulatory.workflow import Outcome

MAIL_DIR = Path(__file__).parent / "data" / "mail"
PARIS = ZoneInfo("Europe/Paris")
FICTIVE = " (réponse fictive de démonstration)"

ADMINISTRATIONS = [
    "Direction générale des entreprises (DGE)",
    "Direction interministérielle de la transformation publique (DITP)",
    "Direction générale de la concurrence, de la consommation et de la répression des fraudes",
    "Direction générale de la cohésion sociale (DGCS)",
    "Direction générale de l'alimentation (DGAL)",
    "Direction générale de l'emploi et de la formation professionnelle (DGEFP)",
    "Direction générale de la prévention des risques (DGPR)",
    "Direction de l'habitat, de l'urbanisme et des paysages (DHUP)",
]

PERIMETERS = [
    "region-nouvelle-aquitaine",
    "nantes-metropole",
    "lyon-metropole",
    "figeac",
    "mayotte",
    "roubaix",
    "vallee-de-la-marne",
    "region-bretagne",
    "region-normandie",
    "valence-romans",
]


@dataclass(frozen=True)
class Scenario:
    theme: str
    level: str
    rule: str
    article: str
    title: str
    wants: str
    blocked: str
    administration: int
    answer: str


SCENARIOS = [
    Scenario("food", "decree", "Code de la consommation", "R. 412-1",
             "Vendre des produits alimentaires en vrac",
             "Une épicerie coopérative veut vendre en vrac des produits secs et des fromages.",
             "On nous affirme que tout produit alimentaire doit être préemballé et étiqueté.",
             2, "La vente en vrac est permise : l'information du consommateur se fait par un "
             "affichage près du produit. Seuls quelques produits, pour raisons sanitaires, "
             "restent exclus."),
    Scenario("food", "order", "Arrêté du 21 décembre 2009 (règles sanitaires du commerce de "
             "détail)", "art. 12",
             "Restaurant solidaire dans une cuisine partagée",
             "Servir des repas payants dans la cuisine d'un centre social deux soirs par semaine.",
             "La cuisine n'est déclarée que pour l'aide alimentaire.",
             4, "Une convention de mise à disposition et une déclaration d'activité auprès des "
             "services vétérinaires départementaux suffisent ; aucune dérogation n'est utile."),
    Scenario("employment", "law", "Code du travail", "L. 5132-15",
             "Vente des productions d'un atelier chantier d'insertion",
             "Un atelier chantier d'insertion maraîcher veut vendre ses légumes au marché.",
             "Nous pensions que la commercialisation était interdite aux ateliers chantiers.",
             5, "La commercialisation est possible lorsque les recettes restent accessoires "
             "au regard de l'activité d'insertion ; aucune autorisation supplémentaire."),
    Scenario("health", "decree", "Code de la santé publique", "R. 4311-5",
             "Ateliers de prévention non médicamenteuse pour les personnes âgées",
             "Animer des ateliers d'équilibre et de mémoire par des animateurs formés, non "
             "soignants.",
             "Un établissement craint un exercice illégal de la profession infirmière.",
             3, "Ces ateliers de prévention ne sont pas des actes de soins : des animateurs "
             "formés peuvent les conduire, sans acte infirmier."),
    Scenario("mobility", "order", "Code des transports (transport d'utilité sociale)",
             "R. 3133-1",
             "Transport solidaire par des bénévoles",
             "Conduire des personnes âgées isolées vers les commerces et les soins.",
             "La participation aux frais demandée aux passagers serait assimilée à du "
             "transport payant.",
             0, "Le régime du transport d'utilité sociale couvre en partie ce besoin ; le "
             "plafond de participation proposé dépasse ce qu'il permet : une évolution du texte "
             "a été proposée."),
    Scenario("housing", "law", "Loi n° 2018-1021 (ELAN)", "art. 117",
             "Colocation intergénérationnelle",
             "Loger des étudiants chez des personnes âgées contre de petits services.",
             "Le bail d'habitation classique ne convient pas.",
             7, "Le contrat de cohabitation intergénérationnelle solidaire prévu par la loi "
             "répond à ce besoin, sans bail d'habitation."),
    Scenario("environment", "decree", "Code de l'environnement", "R. 543-172",
             "Collecte d'appareils électriques par une ressourcerie",
             "Collecter, réparer et revendre les petits appareils électriques.",
             "Seuls les prestataires de l'éco-organisme pourraient collecter ces déchets.",
             6, "Un contrat de partenariat avec l'éco-organisme permet à la ressourcerie de "
             "collecter en vue du réemploi : c'est la voie à suivre."),
    Scenario("finance", "law", "Code monétaire et financier", "L. 511-5",
             "Prêts entre membres d'une coopérative",
             "Les sociétaires veulent prêter à la coopérative pour financer un local.",
             "Le monopole bancaire interdirait ces prêts.",
             0, "Les apports en comptes courants d'associés et les titres participatifs "
             "permettent ce financement sans enfreindre le monopole bancaire."),
    Scenario("legal_form", "decree", "Code de la commande publique", "L. 2113-13",
             "Marché réservé aux structures d'insertion",
             "Une commune veut réserver un marché d'entretien d'espaces verts.",
             "Le service achats craint une rupture d'égalité.",
             0, "Les marchés réservés aux structures d'insertion sont prévus par le code : "
             "la commune peut y recourir."),
    Scenario("food", "eu_law", "Règlement (CE) n° 853/2004", "annexe III",
             "Atelier fromager partagé entre plusieurs fermes",
             "Partager un atelier de transformation fromagère entre cinq fermes.",
             "L'agrément sanitaire serait exigé pour un atelier partagé.",
             4, "Les conditions d'agrément relèvent du droit de l'Union européenne : le "
             "guichet ne peut pas proposer de dérogation ; la DDPP accompagne le dossier."),
    Scenario("employment", "circular", "Instruction relative au bénévolat des demandeurs "
             "d'emploi", "",
             "Bénévolat et allocation chômage",
             "Des demandeurs d'emploi veulent s'engager bénévolement dans l'épicerie.",
             "Ils craignent de perdre leur allocation.",
             5, "Le bénévolat est compatible avec l'allocation s'il ne remplace pas un emploi "
             "salarié et laisse la personne disponible pour chercher un emploi."),
    Scenario("mobility", "local_rule", "Arrêté municipal de stationnement", "",
             "Stationnement d'une épicerie mobile",
             "Une épicerie solidaire itinérante veut stationner sur les places de marché.",
             "La commune refuse un emplacement hors jour de marché.",
             0, "Cette règle relève du maire (police du stationnement) : le guichet ne peut pas "
             "y déroger ; il a orienté le projet vers la commune."),
    Scenario("health", "order", "Arrêté relatif à l'activité physique adaptée", "art. 1",
             "Activité physique adaptée encadrée par des éducateurs sportifs",
             "Faire encadrer l'activité physique des malades chroniques par des éducateurs.",
             "Le texte réserve certaines prescriptions à des professionnels de santé.",
             3, "Une expérimentation a été proposée sur le territoire, avec évaluation."),
    Scenario("housing", "decree", "Code de l'urbanisme", "R. 111-51",
             "Habitat réversible pour saisonniers agricoles",
             "Installer des habitats légers pour loger des saisonniers sur une ferme.",
             "Les règles d'urbanisme en zone agricole l'interdiraient.",
             7, "Une demande d'expérimentation a été déposée."),
    Scenario("food", "decree", "Code rural et de la pêche maritime", "D. 343-4",
             "Installation progressive dans un tiers-lieu agricole",
             "Permettre à des porteurs de projet de tester une installation en collectif.",
             "Les aides à l'installation exigent une exploitation individuelle.",
             4, "Une demande d'expérimentation a été déposée."),
    Scenario("environment", "order", "Arrêté relatif aux biodéchets", "art. 3",
             "Compostage de quartier des biodéchets de restaurants",
             "Collecter à vélo les biodéchets de petits restaurants pour des composteurs de "
             "quartier.",
             "Les seuils et exigences sanitaires ne prévoient pas ce cas.",
             6, "Le texte ne prévoit pas le compostage partagé de biodéchets professionnels : "
             "une évolution a été proposée à l'administration."),
    Scenario("employment", "law", "Code du travail", "L. 1253-1",
             "Groupement d'employeurs associatif",
             "Trois associations veulent partager un poste de comptable.",
             "Le prêt de main-d'œuvre à but lucratif est interdit.",
             5, "Le groupement d'employeurs est la forme prévue pour ce partage : il évite le "
             "prêt de main-d'œuvre illicite."),
    Scenario("finance", "order", "Règlement général de l'Autorité des marchés financiers", "",
             "Offre de titres associatifs au public",
             "Une association veut proposer des titres associatifs à ses sympathisants.",
             "Les règles de l'offre au public paraissent s'appliquer.",
             0, "Ces règles sont celles d'une autorité indépendante : hors du champ du guichet."),
    Scenario("legal_form", "law", "Loi n° 2014-856 relative à l'économie sociale et "
             "solidaire", "art. 19 septies",
             "Participation d'une collectivité au capital d'une SCIC",
             "Une communauté de communes veut détenir plus de la moitié du capital d'une SCIC.",
             "La loi plafonne la part des collectivités.",
             0, "Le plafond est législatif : une évolution a été proposée."),
    Scenario("health", "decree", "Code de l'action sociale et des familles", "D. 312-9",
             "Accueil de jour hors établissement",
             "Accueillir des personnes âgées en journée dans un tiers-lieu de village.",
             "L'accueil de jour doit être rattaché à un établissement autorisé.",
             3, "Une demande d'expérimentation a été déposée."),
]  # fmt: skip

# (scenario, outcome) of the closed web tickets: 13 clarified, 6 workarounds, 5
# experimentation requests, 5 legal changes, 3 out of scope, 1 withdrawn (with the e-mail
# tickets: 14 clarified, 4 out of scope, 35 closed out of 60).
CLOSED = [
    (0, Outcome.CLARIFIED), (2, Outcome.CLARIFIED), (3, Outcome.CLARIFIED),
    (5, Outcome.CLARIFIED), (8, Outcome.CLARIFIED), (10, Outcome.CLARIFIED),
    (0, Outcome.CLARIFIED), (2, Outcome.CLARIFIED), (3, Outcome.CLARIFIED),
    (8, Outcome.CLARIFIED), (10, Outcome.CLARIFIED), (5, Outcome.CLARIFIED),
    (2, Outcome.CLARIFIED),
    (1, Outcome.WORKAROUND), (6, Outcome.WORKAROUND), (7, Outcome.WORKAROUND),
    (16, Outcome.WORKAROUND), (1, Outcome.WORKAROUND), (16, Outcome.WORKAROUND),
    (12, Outcome.EXPERIMENTATION), (13, Outcome.EXPERIMENTATION), (14, Outcome.EXPERIMENTATION),
    (19, Outcome.EXPERIMENTATION), (12, Outcome.EXPERIMENTATION),
    (4, Outcome.LEGAL_CHANGE), (15, Outcome.LEGAL_CHANGE), (18, Outcome.LEGAL_CHANGE),
    (4, Outcome.LEGAL_CHANGE), (15, Outcome.LEGAL_CHANGE),
    (9, Outcome.OUT_OF_SCOPE), (11, Outcome.OUT_OF_SCOPE), (17, Outcome.OUT_OF_SCOPE),
    (7, Outcome.WITHDRAWN),
]  # fmt: skip
OUT_OF_SCOPE_REASON = {9: "eu_law", 11: "local_rule", 17: "independent_regulator"}
# Open web tickets by state: 4 new, 4 triaged, 4 routed, 5 in progress, 4 answered.
OPEN = ["new"] * 4 + ["triaged"] * 4 + ["routed"] * 4 + ["in_progress"] * 5 + ["answered"] * 4
# The 15 scenarios published in the knowledge base (first closed ticket of each).
PUBLISHED = [0, 2, 3, 5, 8, 10, 1, 6, 7, 16, 4, 15, 18, 9, 17]
# Experimentation requests: what happened to each (in CLOSED order).
EXPERIMENTATION_FATE = ["generalised", "granted", "in_review", "submitted", "refused"]

PROJECTS = [
    "Épicerie coopérative (fictive)",
    "Tiers-lieu des Deux Rives (fictif)",
    "Mobilité solidaire du canton (fictive)",
    "Ressourcerie du quartier (fictive)",
    "Cantine partagée (fictive)",
    "Habitat solidaire (fictif)",
]
AUTHORS = [
    ("Jeanne", "Roux"), ("Malik", "Haddad"), ("Claire", "Fontaine"), ("Yann", "Le Goff"),
    ("Nadia", "Saïdi"), ("Pierre", "Marchand"), ("Emma", "Blanc"), ("Thomas", "Girard"),
]  # fmt: skip


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def load(ctx) -> None:
    programme = Programme.objects.get(slug="french-impact-territoires")
    address = ctx.reference["programme"]["single_window_address"]
    if programme.single_window_email != address:
        programme.single_window_email = address
        programme.save(update_fields=["single_window_email"])
    fe = ctx.reference.get("regulatory", {}).get("france_experimentation", {})
    call, _ = Call.objects.get_or_create(
        slug="france-experimentation",
        defaults={
            "programme": programme,
            "title": "France Expérimentation — appel à projets d'expérimentation réglementaire",
            "kind": CallKind.CALL_FOR_PROJECTS,
            "purpose": CallPurpose.EXPERIMENTATION,
            "status": CallStatus.OPEN,
            "opens_on": date(2019, 2, 25),
            "description": (
                f"Dispositif piloté par {fe.get('run_by', 'la DGE et la DITP')} : une "
                "dérogation temporaire sur un territoire, évaluée, puis généralisée ou "
                "abandonnée. Blocages de niveau décret ou arrêté : dépôt en ligne à tout "
                "moment ; blocages législatifs : appels thématiques datés. Hors champ : droit "
                "de l'Union européenne, règles propres aux collectivités, règles des autorités "
                "indépendantes."
            ),
        },
    )
    administrations = [
        Organisation.objects.get_or_create(
            name=name, defaults={"kind": OrganisationKind.PUBLIC_BODY}
        )[0]
        for name in ADMINISTRATIONS
    ]
    officer = User.objects.get(email="guichet@demo.essaim.fr")
    holder = User.objects.filter(email="projet@demo.essaim.fr").first()

    holder_project = (
        Project.objects.editable_by(holder).order_by("pk").first() if holder is not None else None
    )
    perimeters = list(Perimeter.objects.filter(slug__in=PERIMETERS).order_by("slug"))
    perimeters = perimeters or list(Perimeter.objects.order_by("pk")[:10])

    mail_tickets = _import_mail(ctx, programme, officer, administrations)
    web = _web_tickets(
        programme, officer, holder, holder_project, administrations, perimeters, call
    )
    date_ticket_history(programme)
    ctx.objects["regulatory_call"] = call
    received = Ticket.objects.filter(programme=programme).count()
    ctx.say(
        f"    {received} saisines ({len(mail_tickets)} par courriel, {web} créées), "
        f"{ExperimentationRequest.objects.filter(call=call).count()} demandes "
        f"d'expérimentation, {KnowledgeArticle.objects.filter(is_published=True).count()} "
        "réponses publiées"
    )


def _import_mail(ctx, programme, officer, administrations) -> list[Ticket]:
    """The shipped e-mails, through the real import code. Only the tickets this run created are
    moved along (a second load finds every Message-ID and changes nothing).

    The demo replays a 2019 mailbox: each message is given the reception time its ``Date:``
    says (the importer itself never trusts that header). As in real life, the replies that only
    *claim* to continue a ticket (they answer the author's own message, not one the single
    window sent) wait for an officer: the demo's officer attaches the épicerie's complement and
    leaves two to confirm; Léa Moreau (``projet@demo.essaim.fr``) confirms she wrote her ticket."""
    created = []
    for path in sorted(MAIL_DIR.glob("*.eml")):
        raw = path.read_bytes()
        result = inbound.mail_ingest(raw, source=f"demo:{path.name}", received_at=_sent_at(raw))
        if result.status == inbound.CREATED:
            created.append(result.ticket)
    Ticket.objects.filter(pk__in=[t.pk for t in created]).update(is_fictitious=True)
    for ticket in created:
        ticket.refresh_from_db()
        _confirm_demo_sender(ticket)
    complement = QuarantinedMail.objects.filter(
        programme=programme,
        kind=HeldMailKind.TO_CONFIRM,
        status=QuarantineStatus.PENDING,
        message_id=COMPLEMENT_ID,
    ).first()
    if complement is not None and complement.ticket is not None:
        services_mail.held_mail_attach(item=complement, user=officer, ticket=complement.ticket)
    for ticket in created:
        ticket.refresh_from_db()
        _advance_mail_ticket(ticket, officer, administrations)
    return list(Ticket.objects.filter(programme=programme, channel="email"))


COMPLEMENT_ID = "<demo-2019-07@porteurs.demo.essaim.fr>"


def _sent_at(raw: bytes) -> datetime | None:
    """The ``Date:`` of a shipped demo message (trusted here only because we wrote it)."""
    from email import message_from_bytes
    from email.utils import parsedate_to_datetime

    value = message_from_bytes(raw).get("Date")
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


def _confirm_demo_sender(ticket: Ticket) -> None:
    """The demo account whose address sent a ticket confirms it (through the same service as
    the link of the acknowledgement)."""
    account = services_mail.sender_account(ticket)
    if account is not None and ticket.awaiting_sender_confirmation:
        services_mail.ticket_sender_confirm(
            token=addresses.sender_confirm_token(ticket), user=account
        )


def _advance_mail_ticket(ticket, officer, administrations) -> None:
    subject = ticket.title.lower()
    received = ticket.received_at
    if "transport solidaire" in subject:  # routed, waiting for the administration
        services.ticket_triage(ticket=ticket, user=officer, category="mobility", priority="high")
        services.ticket_route(ticket=ticket, user=officer, administration=administrations[0])
    elif "colocation" in subject:  # answered
        services.ticket_triage(ticket=ticket, user=officer, category="housing", priority="normal")
        _answer(ticket, officer, SCENARIOS[5].answer, received + timedelta(days=4))
    elif "vrac" in subject:  # clarified
        services.ticket_triage(ticket=ticket, user=officer, category="food", priority="normal")
        _answer(ticket, officer, SCENARIOS[0].answer, received + timedelta(days=3))
        _close(ticket, officer, Outcome.CLARIFIED, received + timedelta(days=9))
    elif "fromag" in subject:  # out of scope: EU law
        services.ticket_triage(ticket=ticket, user=officer, category="food", priority="normal")
        _answer(ticket, officer, SCENARIOS[9].answer, received + timedelta(days=6))
        _close(ticket, officer, Outcome.OUT_OF_SCOPE, received + timedelta(days=8), reason="eu_law")
    # The others stay new: the ressourcerie's and the cantine's mail wait in the queue.


def _answer(ticket, officer, body, when) -> None:
    message = services.ticket_answer(ticket=ticket, user=officer, body=body + FICTIVE)
    TicketMessage.objects.filter(pk=message.pk).update(created_at=when)
    Ticket.objects.filter(pk=ticket.pk).update(first_answered_at=when)


def _close(ticket, officer, outcome, when, reason="") -> None:
    services.ticket_close(
        ticket=ticket,
        user=officer,
        outcome=outcome,
        reason="Issue enregistrée par le guichet (fictive).",
        out_of_scope_reason=reason,
    )
    Ticket.objects.filter(pk=ticket.pk).update(outcome_at=when)


def _ticket_event_times(ticket, events, published_at) -> list[datetime]:
    """When each of ``events`` (one ticket's history, in the order it was recorded) happened in
    the ticket's story: reception at ``received_at``, the first answer at ``first_answered_at``,
    the outcome at ``outcome_at``, publication at the article's date, any other step an hour
    (a message: a day) after the previous one — never earlier than the previous one, never in
    the future."""
    now = timezone.now()
    times: list[datetime] = []
    answered = False
    for event in events:
        previous = times[-1] if times else ticket.received_at
        if event.action in (TicketAction.CREATE, TicketAction.MAIL_FILE):
            when = ticket.received_at
        elif event.action == TicketAction.ANSWER and not answered and ticket.first_answered_at:
            when, answered = ticket.first_answered_at, True
        elif event.action in (
            TicketAction.CLOSE,
            TicketAction.TO_EXPERIMENTATION,
            TicketAction.WITHDRAW,
        ):
            when = ticket.outcome_at or previous + timedelta(hours=1)
        elif event.action == TicketAction.PUBLISH and published_at:
            when = published_at
        elif event.action in (TicketAction.MESSAGE, TicketAction.ANSWER):
            when = previous + timedelta(days=1)
        else:
            when = previous + timedelta(hours=1)
        times.append(min(max(when, previous), now))
    return times


def date_ticket_history(programme) -> None:
    """Date the history of the programme's demo tickets in their story rather than at the time
    the demo was loaded: the services record each step "now", the demo's tickets were received
    months or days ago (``_ticket_event_times``). Idempotent; three queries plus one update per
    event that moves. The history is append-only for the application; the demo loader alone
    re-dates its own rows, through the base manager, as ``history_bulk_create`` dates them."""
    tickets = {
        str(t.pk): t
        for t in Ticket.objects.filter(programme=programme, is_fictitious=True).only(
            "pk", "received_at", "first_answered_at", "outcome_at"
        )
    }
    published = dict(
        KnowledgeArticle.objects.filter(ticket__programme=programme).values_list(
            "ticket_id", "published_at"
        )
    )
    events: dict[str, list] = {}
    for event in HistoryEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Ticket), object_id__in=list(tickets)
    ).order_by("pk"):
        events.setdefault(event.object_id, []).append(event)
    for object_id, rows in events.items():
        ticket = tickets[object_id]
        times = _ticket_event_times(ticket, rows, published.get(ticket.pk))
        for event, when in zip(rows, times, strict=True):
            if event.at != when:
                HistoryEvent._base_manager.filter(pk=event.pk).update(at=when)


def _web_tickets(
    programme, officer, holder, holder_project, administrations, perimeters, call
) -> int:
    made = 0
    start = date(2019, 3, 1)
    plan = [("closed", s, o) for s, o in CLOSED] + [(state, None, None) for state in OPEN]
    experimentations = 0
    published = set(
        KnowledgeArticle.objects.filter(is_fictitious=True).values_list("title", flat=True)
    )
    for index, (state, scenario_index, outcome) in enumerate(plan):
        key = f"demo-saisine-{index:02d}"
        if Ticket.objects.filter(idempotency_key=key).exists():
            continue
        scenario_index = scenario_index if scenario_index is not None else index % len(SCENARIOS)
        s = SCENARIOS[scenario_index]
        if state == "closed":
            received = _at(start + timedelta(days=(index * 8) % 280), 9 + index % 8)
        else:  # open tickets arrived lately, so the queue shows the service-level clock at work
            received = timezone.now() - timedelta(days=1 + (index * 5) % 19, hours=index % 7)
        first, last = AUTHORS[index % len(AUTHORS)]
        by_holder = holder is not None and index % 6 == 0
        ticket = services.ticket_create(
            user=holder if by_holder else None,
            programme=programme,
            title=s.title,
            wants_to_do=f"{s.wants} (saisine fictive)",
            blocked_by=s.blocked,
            rules=[{"level": s.level, "text": s.rule, "article": s.article}],
            project=holder_project if by_holder else None,
            project_title="" if by_holder and holder_project else PROJECTS[index % len(PROJECTS)],
            perimeter=perimeters[index % len(perimeters)] if perimeters else None,
            author_email=f"{first.lower()}.{last.lower().replace(' ', '')}@porteurs.demo.essaim.fr",
            author_name=f"{first} {last}",
            publish_consent=index % 7 != 6,
            idempotency_key=key,
            received_at=received,
            acknowledge=False,
            is_fictitious=True,
        )
        made += 1
        administration = administrations[s.administration]
        if state == "new":
            continue
        services.ticket_triage(
            ticket=ticket,
            user=officer,
            category=s.theme,
            priority=["normal", "high", "low", "urgent"][index % 4],
        )
        if state == "triaged":
            continue
        services.ticket_route(ticket=ticket, user=officer, administration=administration)
        if state == "routed":
            continue
        if state == "in_progress":
            services.ticket_start(ticket=ticket, user=officer)
            continue
        answered = received + timedelta(days=[2, 3, 4, 5, 6, 7, 9, 12, 15, 21][index % 10])
        _answer(ticket, officer, s.answer, answered)
        if state == "answered":
            continue
        closed_at = answered + timedelta(days=5 + index % 20)
        if outcome == Outcome.EXPERIMENTATION:
            request = services.ticket_to_experimentation(
                ticket=ticket,
                user=officer,
                call=call,
                derogation_asked=f"Déroger à « {s.rule}, {s.article} » pour : {s.wants}",
                rule_text=f"{s.rule}, {s.article}",
                rule_level=s.level,
                duration_months=24,
                evaluation_plan=(
                    "Indicateurs d'usage et de sécurité suivis chaque trimestre ; bilan "
                    "intermédiaire à 12 mois et final à 24 mois (plan fictif)."
                ),
            )
            Ticket.objects.filter(pk=ticket.pk).update(outcome_at=closed_at)
            _advance_experimentation(
                request, officer, EXPERIMENTATION_FATE[experimentations], closed_at
            )
            experimentations += 1
            continue
        if outcome == Outcome.WITHDRAWN:
            services.ticket_close(
                ticket=ticket, user=officer, outcome=outcome, reason="Projet abandonné (fictif)."
            )
            Ticket.objects.filter(pk=ticket.pk).update(outcome_at=closed_at)
            continue
        _close(ticket, officer, outcome, closed_at, OUT_OF_SCOPE_REASON.get(scenario_index, ""))
        if scenario_index in PUBLISHED and s.title not in published and ticket.publish_consent:
            services.article_publish(
                ticket=ticket,
                user=officer,
                title=s.title,
                question=f"{s.wants} {s.blocked} Que dit la règle ?",
                answer=s.answer + FICTIVE,
                theme=s.theme,
                rule_reference=f"{s.rule}, {s.article}" if s.article else s.rule,
                rule_level=s.level,
            )
            KnowledgeArticle.objects.filter(ticket=ticket).update(
                published_at=closed_at + timedelta(days=3), is_fictitious=True
            )
            published.add(s.title)
    return made


def _advance_experimentation(request, officer, fate: str, decided: datetime) -> None:
    if fate == "submitted":
        return
    services.experimentation_transition(request=request, user=officer, name="review")
    if fate == "in_review":
        return
    if fate == "refused":
        services.experimentation_transition(
            request=request,
            user=officer,
            name="refuse",
            comment="La règle relève d'un texte législatif : à présenter à un appel thématique "
            "(motif fictif).",
        )
        return
    if request.perimeter_id is None:  # no geography loaded: the decision waits
        return
    start = (decided + timedelta(days=60)).date()
    services.experimentation_transition(
        request=request,
        user=officer,
        name="grant",
        granted_from=start,
        granted_until=start + timedelta(days=730),
        evaluation_dates=[start + timedelta(days=365), start + timedelta(days=720)],
        comment="Dérogation temporaire accordée sur le territoire (décision fictive).",
    )
    if fate == "generalised":
        services.experimentation_transition(
            request=request,
            user=officer,
            name="evaluate",
            comment="Évaluation positive : aucun incident, usage en hausse (bilan fictif).",
        )
        services.experimentation_transition(request=request, user=officer, name="generalise")
    ExperimentationRequest.objects.filter(pk=request.pk).update(is_fictitious=True)


# --- The fictitious regional programme ------------------------------------------------------------

REGIONAL_ADMINISTRATIONS = {
    "dreets": "Direction régionale de l'économie, de l'emploi, du travail et des solidarités "
    "(DREETS) Nouvelle-Aquitaine",
    "draaf": "Direction régionale de l'alimentation, de l'agriculture et de la forêt (DRAAF) "
    "Nouvelle-Aquitaine",
    "dreal": "Direction régionale de l'environnement, de l'aménagement et du logement (DREAL) "
    "Nouvelle-Aquitaine",
}


@dataclass(frozen=True)
class RegionalTicket:
    key: str
    state: str
    territory: str
    theme: str
    title: str
    wants: str
    blocked: str
    rule: tuple[str, str, str]  # level, text, article
    administration: str
    author: tuple[str, str]
    days_ago: int
    answer: str = ""


REGIONAL_TICKETS = [
    RegionalTicket(
        "demo-na-saisine-01", "new", "Creuse", "food",
        "Cantine associative dans une salle des fêtes",
        "Servir un repas payant par semaine dans la salle des fêtes d'une commune rurale.",
        "La salle n'a pas de cuisine déclarée pour la restauration.",
        ("order", "Arrêté du 21 décembre 2009 (règles sanitaires du commerce de détail)", ""),
        "draaf", ("Odile", "Peyrat"), 2,
    ),
    RegionalTicket(
        "demo-na-saisine-02", "routed", "Pau Béarn Pyrénées", "mobility",
        "Transport à la demande par une association",
        "Conduire des habitants sans voiture vers les services de l'agglomération.",
        "Le service serait assimilé à du transport public de personnes.",
        ("decree", "Code des transports", "R. 3133-1"),
        "dreal", ("Iñaki", "Larralde"), 6,
    ),
    RegionalTicket(
        "demo-na-saisine-03", "in_progress", "Landes", "employment",
        "Chantier d'insertion dans une forêt privée",
        "Confier l'entretien de parcelles privées à un chantier d'insertion.",
        "Le chantier ne pourrait travailler que pour des propriétaires publics.",
        ("law", "Code du travail", "L. 5132-15"),
        "dreets", ("Hélène", "Darrigade"), 9,
    ),
    RegionalTicket(
        "demo-na-saisine-04", "answered", "Creuse", "environment",
        "Vente des objets réparés par une recyclerie",
        "Revendre à petit prix les meubles et appareils réparés par la recyclerie.",
        "On nous dit qu'une association ne peut pas vendre de façon régulière.",
        ("law", "Code général des impôts", "261-7-1°"),
        "dreets", ("Gilles", "Lavaud"), 15,
        "Une association peut vendre de façon régulière si ses statuts le prévoient ; les "
        "ventes relèvent alors des impôts commerciaux au-delà des franchises.",
    ),
    RegionalTicket(
        "demo-na-saisine-05", "closed", "Agglomération de La Rochelle", "housing",
        "Tiers-lieu dans une ancienne école",
        "Ouvrir un tiers-lieu (ateliers, café associatif) dans une école désaffectée.",
        "Le changement d'usage du bâtiment paraît exiger un permis de construire.",
        ("decree", "Code de l'urbanisme", "R. 421-17"),
        "dreal", ("Lucie", "Brochard"), 70,
        "Sans travaux modifiant la structure ni la façade, une déclaration préalable suffit ; "
        "la commission de sécurité doit visiter le lieu avant l'ouverture au public.",
    ),
]  # fmt: skip
REGIONAL_REPLY = (
    "Merci. Nos statuts parlent seulement de « collecte » : faut-il les modifier avant la "
    "première vente ? (message fictif)"
)
REGIONAL_SECOND_ANSWER = (
    "Oui : ajoutez la vente des objets réparés à l'objet de l'association, en assemblée "
    "générale, avant la première vente."
)


def load_regional(ctx) -> None:
    """The regional single window's tickets (idempotent: each has its idempotency key)."""
    regional = ctx.objects["regional"]
    programme, officer = regional["programme"], regional["officer"]
    territories = {t.territory for t in REGIONAL_TICKETS}
    perimeters = ctx.objects.get("regional_perimeters") or {
        p.name: p for p in Perimeter.objects.filter(name__in=territories)
    }
    administrations = {
        code: Organisation.objects.get_or_create(
            name=name, defaults={"kind": OrganisationKind.PUBLIC_BODY}
        )[0]
        for code, name in REGIONAL_ADMINISTRATIONS.items()
    }
    made = 0
    for spec in REGIONAL_TICKETS:
        if Ticket.objects.filter(idempotency_key=spec.key).exists():
            continue
        first, last = spec.author
        received = timezone.now() - timedelta(days=spec.days_ago, hours=3)
        level, rule, article = spec.rule
        ticket = services.ticket_create(
            user=None,
            programme=programme,
            title=spec.title,
            wants_to_do=f"{spec.wants} (saisine fictive)",
            blocked_by=spec.blocked,
            rules=[{"level": level, "text": rule, "article": article}],
            project_title=f"Projet de {first} {last} (fictif)",
            perimeter=perimeters.get(spec.territory),
            author_email=f"{slugify(first)}.{slugify(last)}@porteurs-na.example",
            author_name=f"{first} {last} (fictif)",
            publish_consent=True,
            idempotency_key=spec.key,
            received_at=received,
            acknowledge=False,
            is_fictitious=True,
        )
        made += 1
        if spec.state == "new":
            continue
        services.ticket_triage(ticket=ticket, user=officer, category=spec.theme, priority="normal")
        services.ticket_route(
            ticket=ticket, user=officer, administration=administrations[spec.administration]
        )
        if spec.state == "routed":
            continue
        services.ticket_start(ticket=ticket, user=officer)
        if spec.state == "in_progress":
            continue
        _answer(ticket, officer, spec.answer, received + timedelta(days=3))
        if spec.state == "answered":
            ticket.refresh_from_db()
            services.ticket_message_receive(
                ticket=ticket,
                body=REGIONAL_REPLY,
                subject=f"Re: {ticket.subject_tag} {ticket.title}",
                channel=Channel.EMAIL,
                from_email=ticket.author_email,
                to_email=REGIONAL_SINGLE_WINDOW,
                created_at=received + timedelta(days=5),
            )
            second = services.ticket_answer(
                ticket=ticket, user=officer, body=REGIONAL_SECOND_ANSWER + FICTIVE
            )
            TicketMessage.objects.filter(pk=second.pk).update(
                created_at=received + timedelta(days=6)
            )
            continue
        _close(ticket, officer, Outcome.CLARIFIED, received + timedelta(days=12))
    date_ticket_history(programme)
    ctx.say(
        f"    {made} saisines créées au guichet unique régional "
        f"({Ticket.objects.filter(programme=programme).count()} en tout)"
    )
