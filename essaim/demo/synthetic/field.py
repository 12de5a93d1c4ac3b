"""Local projects (published or kept private) and the single window's tickets."""

from datetime import timedelta

from essaim.core.text import normalise
from essaim.demo.synthetic.base import EPOCH, Run, bulk, moment
from essaim.demo.synthetic.words import BLOCKERS, PLACES, PROJECT_HEADS
from essaim.projects.models import Domain, Method, Project, Public, Stage
from essaim.regulatory.models import Channel, Priority, Ticket, TicketSequence
from essaim.regulatory.workflow import Outcome, TicketState

PUBLISHED_SHARE = 0.7
TICKET_STATES = [
    (TicketState.NEW, 10),
    (TicketState.TRIAGED, 10),
    (TicketState.ROUTED, 10),
    (TicketState.IN_PROGRESS, 15),
    (TicketState.ANSWERED, 15),
    (TicketState.CLOSED, 40),
]
CLOSING = [Outcome.CLARIFIED, Outcome.WORKAROUND, Outcome.LEGAL_CHANGE, Outcome.OUT_OF_SCOPE]


def projects(run: Run) -> int:
    rng, made = run.rng, run.made
    collectives, orgs = made["collectives"], made["organisations"]
    domains, publics, methods = list(Domain.values), list(Public.values), list(Method.values)
    rows = []
    for i in range(run.counts["projects"]):
        collective = collectives[rng.randrange(len(collectives))]
        title = f"{rng.choice(PROJECT_HEADS)} {rng.choice(PLACES)} n° {i + 1}"
        summary = "Un projet fictif d'innovation sociale, généré pour les mesures."
        rows.append(
            Project(
                title=title,
                summary=summary,
                holder_id=rng.choice(orgs),
                perimeter=collective.perimeter,
                collective=collective,
                domains=rng.sample(domains, rng.randint(1, 2)),
                publics=rng.sample(publics, 1),
                methods=rng.sample(methods, 1),
                stage=rng.choice(Stage.values),
                founded_year=2000 + rng.randrange(20),
                yearly_budget=rng.randrange(10, 5000) * 1000,
                jobs=rng.randrange(0, 60),
                is_published=rng.random() < PUBLISHED_SHARE,
                is_fictitious=True,
                search_text=normalise(f"{title} {summary}"),
            )
        )
    made["projects"] = bulk(Project, rows)
    return len(rows)


def tickets(run: Run) -> int:
    """Tickets numbered like the single window's (``SAISINE-<year>-<n>``), after the numbers
    already given; the yearly sequences move past them."""
    rng, made = run.rng, run.made
    projects_, states = made["projects"], dict(TICKET_STATES)
    last = dict(TicketSequence.objects.values_list("year", "last"))
    rows = []
    for _i in range(run.counts["tickets"]):
        received = EPOCH + timedelta(days=rng.randrange(2190))
        last[received.year] = last.get(received.year, 0) + 1
        project = projects_[rng.randrange(len(projects_))] if rng.random() < 0.6 else None
        state = rng.choices(list(states), list(states.values()))[0]
        blocker = rng.choice(BLOCKERS)
        number = f"SAISINE-{received.year}-{last[received.year]:04d}"
        wants = "Ouvrir le service à tous les habitants du territoire."
        rows.append(
            Ticket(
                programme=made["programme"],
                number=number,
                title=blocker,
                wants_to_do=wants,
                blocked_by=f"{blocker} (cas fictif).",
                project=project,
                project_title=project.title if project else "",
                organisation_id=project.holder_id if project else None,
                perimeter=project.perimeter if project else None,
                author_email=f"porteur{rng.randrange(10_000)}@synthetique.invalid",
                author_name="Porteur fictif",
                channel=rng.choice([Channel.WEB, Channel.EMAIL]),
                state=state,
                outcome=rng.choice(CLOSING) if state == TicketState.CLOSED else "",
                priority=rng.choice(Priority.values),
                received_at=moment(received),
                first_answer_due_at=moment(received + timedelta(days=15)),
                outcome_due_at=moment(received + timedelta(days=60)),
                outcome_at=moment(received + timedelta(days=30))
                if state == TicketState.CLOSED
                else None,
                is_fictitious=True,
                search_text=normalise(f"{number} {blocker} {wants} {blocker}"),
            )
        )
    bulk(Ticket, rows)
    for year, value in last.items():
        TicketSequence.objects.update_or_create(year=year, defaults={"last": value})
    return len(rows)
