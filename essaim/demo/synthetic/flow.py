"""Applications in realistic states, the committee's decisions and the labels they grant."""

from datetime import timedelta

from essaim.applications.models import Application, Challenge
from essaim.applications.workflow import Status
from essaim.demo.synthetic.base import EPOCH, Run, bulk, moment
from essaim.labels.models import Decision, Label, LabelStatus, Outcome

# The share of each state among the applications that are not a territory's label.
STATES = [
    (Status.DRAFT, 15),
    (Status.SUBMITTED, 15),
    (Status.IN_REVIEW, 20),
    (Status.CHANGES_REQUESTED, 8),
    (Status.PROPOSED, 7),
    (Status.NOT_LABELLED, 25),
    (Status.WITHDRAWN, 10),
]
LABELLED_SHARE = 0.6  # of the territories
CHALLENGES = ["Se nourrir mieux", "Vieillir chez soi", "Travailler près de chez soi"]


def applications(run: Run) -> int:
    """Each territory's collective answers the calls; in 60 % of the territories one AMI
    application is labelled (one valid label per territory and programme)."""
    rng, made = run.rng, run.made
    collectives = made["collectives"]
    waves, calls, forms, cutoffs = made["waves"], made["calls"], made["forms"], made["cutoffs"]
    published = [w for w in waves if w.status == "published"]
    labelled_count = max(1, round(len(collectives) * LABELLED_SHARE))
    states, weights = zip(*STATES, strict=True)
    rows, labelled_rows = [], []
    for i in range(run.counts["applications"]):
        collective = collectives[i % len(collectives)]
        if i < labelled_count:
            status, call_index = Status.LABELLED, 0
        else:
            status = rng.choices(states, weights)[0]
            call_index = rng.randrange(len(calls))
        wave_index = rng.randrange(len(published)) if status != Status.PROPOSED else len(waves) - 1
        wave = waves[wave_index]
        submitted = EPOCH + timedelta(days=120 * wave_index + rng.randrange(1, 20))
        draft = status == Status.DRAFT
        application = Application(
            call=calls[call_index],
            form_version=forms[call_index],
            reference=f"SYN-{i + 1:06d}",
            title=f"{CHALLENGES[i % 3]} en {collective.perimeter.name}",
            perimeter=collective.perimeter,
            collective=collective,
            status=status,
            answers={
                "pitch": f"Un territoire qui coopère ({i + 1})",
                "story": "Des associations, des entreprises et la collectivité, ensemble.",
                "size": rng.randrange(3, 80),
                "ptce": rng.random() < 0.4,
            },
            cutoff=None if draft else cutoffs[call_index * len(waves) + wave_index],
            wave=None if draft else wave,
            instruction_deadline=None if draft else wave.committee_on,  # no expert request here
            submitted_at=None if draft else moment(submitted),
            created_by=made["staff"],
            is_fictitious=True,
        )
        rows.append(application)
        if status == Status.LABELLED:
            labelled_rows.append(application)
    made["applications"] = bulk(Application, rows)
    made["labelled"] = labelled_rows
    return len(rows)


def decisions(run: Run) -> int:
    """Decisions for the decided applications, labels (and their challenges) for the labelled."""
    made = run.made
    decided = [
        a for a in made["applications"] if a.status in (Status.LABELLED, Status.NOT_LABELLED)
    ]
    bulk(
        Decision,
        [
            Decision(
                application=a,
                wave=a.wave,
                outcome=Outcome.LABELLED if a.status == Status.LABELLED else Outcome.NOT_LABELLED,
                motivation="Décision fictive (données générées).",
                decided_by=made["staff"],
            )
            for a in decided
        ],
    )
    labels = bulk(
        Label,
        [
            Label(
                application=a,
                programme=made["programme"],
                perimeter=a.perimeter,
                wave=a.wave,
                granted_on=a.wave.announced_on,
                valid_until=a.wave.announced_on + timedelta(days=3 * 365),
                status=LabelStatus.VALID,
            )
            for a in made["labelled"]
        ],
    )
    challenges = bulk(
        Challenge,
        [
            Challenge(
                application=a,
                position=k,
                title=title,
                description="Un défi fictif du territoire.",
                lines=["premier axe de travail", "second axe de travail"],
            )
            for a in made["labelled"]
            for k, title in enumerate(CHALLENGES)
        ],
    )
    made["labels"] = labels
    return len(decided) + len(labels) + len(challenges)
