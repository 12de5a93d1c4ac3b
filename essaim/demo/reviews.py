"""Demo opinions (fictitious marks and comments) from the expert partner's demo account
(expert@demo.essaim.fr, Avise) and a second fictitious expert:

- every decided application of waves 1 and 2 has a submitted opinion consistent with its outcome
  (labelled ones score well, the others poorly); a few carry a second opinion, two of them in
  strong disagreement, so the consolidation shows its flags;
- the proposed applications (waiting for a committee) have two opinions each;
- the applications under instruction have requests in every state: pending (content closed until
  the declaration), accepted with a draft and overdue, a declared conflict.

Idempotent: a request is created only if the expert has none on that application. Bulk writes.
"""

import datetime
import hashlib

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from essaim.accounts.models import Role, User
from essaim.accounts.services import membership_grant
from essaim.applications.models import Application
from essaim.applications.workflow import Status
from essaim.calls.models import Programme, ScoringGrid
from essaim.core.models import HistoryEvent
from essaim.demo.accounts import demo_user
from essaim.reviews.models import CriterionMark, Recommendation, ReviewRequest, ReviewStatus
from essaim.reviews.services import application_reviews_refresh

EXPERT_EMAIL = "expert@demo.essaim.fr"
SECOND_EXPERT = ("expert2@demo.essaim.fr", "Malik", "Roussel (fictif)")
INSTRUCTOR_EMAIL = "instructeur@demo.essaim.fr"
FICTITIOUS = "(avis fictif de démonstration)"
GOOD_COMMENTS = [
    "Collectif diversifié et déjà habitué à coopérer.",
    "Défis bien ancrés dans les besoins du territoire.",
    "Gouvernance claire, avec un chef de file reconnu.",
]
WEAK_COMMENTS = [
    "Écosystème encore peu structuré.",
    "Stratégie à préciser : les défis restent généraux.",
    "Gouvernance du collectif à construire.",
]


def _mark(reference: str, position: int, low: int, high: int) -> int:
    """A deterministic fictitious mark in [low, high] (same demo on every run)."""
    digest = hashlib.sha256(f"{reference}:{position}".encode()).digest()
    return low + digest[0] % (high - low + 1)


def _general_comment(recommendation: str) -> str:
    opening = "Avis favorable" if recommendation == Recommendation.LABEL else "Avis réservé"
    return f"{opening} {FICTITIOUS}."


def _second_expert(programme: Programme, expert: User) -> User:
    email, first, last = SECOND_EXPERT
    # The same published demo password: reuse the first expert's hash (hashing is slow).
    user = demo_user(email, first, last, expert.password)
    membership_grant(
        user=None,
        member=user,
        role=Role.EXPERT,
        organisation=programme.expert_partner,
        programme=programme,
    )
    return user


def load(ctx) -> None:
    programme = (
        ctx.objects.get("programme")
        or Programme.objects.filter(slug="french-impact-territoires").first()
    )
    expert = User.objects.filter(email=EXPERT_EMAIL).first()
    instructor = User.objects.filter(email=INSTRUCTOR_EMAIL).first()
    grid = ScoringGrid.objects.filter(call__programme=programme).first() if programme else None
    if not (programme and expert and instructor and grid and programme.expert_partner_id):
        ctx.say("    reviews: no programme, grid or demo accounts, nothing to do")
        return
    second = _second_expert(programme, expert)
    criteria = list(grid.criteria.all())
    applications = list(
        Application.objects.filter(call__programme=programme)
        .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
        .select_related("wave", "cutoff")
        .order_by("reference")
    )
    existing = set(
        ReviewRequest.objects.filter(application__in=applications).values_list(
            "application_id", "expert_id"
        )
    )
    today = timezone.localdate()
    plans = []  # (application, expert, status, deadline, marks or None, recommendation)

    def plan(application, who, status, deadline, marks=None, recommendation=""):
        if (application.pk, who.pk) not in existing:
            plans.append((application, who, status, deadline, marks, recommendation))

    decided = [a for a in applications if a.status in {Status.LABELLED, Status.NOT_LABELLED}]
    proposed = [a for a in applications if a.status == Status.PROPOSED]
    open_ones = [
        a
        for a in applications
        if a.status in {Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED}
    ]
    size = len(criteria)
    # Strong disagreement on the third labelled and the third not-labelled application.
    strong = {
        group[2].pk
        for group in (
            [a for a in decided if a.status == Status.LABELLED],
            [a for a in decided if a.status == Status.NOT_LABELLED],
        )
        if len(group) > 2
    }
    for index, application in enumerate(decided):
        labelled = application.status == Status.LABELLED
        low, high = (3, 4) if labelled else (1, 2)
        reference = application.reference
        anchor = (
            application.wave.committee_on
            if application.wave and application.wave.committee_on
            else (application.cutoff.date if application.cutoff else today)
        )
        deadline = anchor - datetime.timedelta(days=10)
        marks = [_mark(reference, p, low, high) for p in range(size)]
        recommendation = Recommendation.LABEL if labelled else Recommendation.NOT_LABEL
        plan(application, expert, ReviewStatus.SUBMITTED, deadline, marks, recommendation)
        if application.pk in strong:
            # Strong disagreement: the second expert sees it the other way on a few criteria.
            other = [
                max(grid.scale_min, m - 3) if labelled and p < 2 else m for p, m in enumerate(marks)
            ]
            if not labelled:
                other = [min(grid.scale_max, m + 2) if p < 3 else m for p, m in enumerate(marks)]
            plan(
                application,
                second,
                ReviewStatus.SUBMITTED,
                deadline,
                other,
                Recommendation.NOT_LABEL if labelled else Recommendation.LABEL_WITH_RESERVATIONS,
            )
        elif index % 6 == 0:
            plan(
                application,
                second,
                ReviewStatus.SUBMITTED,
                deadline,
                [_mark(reference + "b", p, low, high) for p in range(size)],
                recommendation,
            )
    for index, application in enumerate(proposed):
        deadline = today - datetime.timedelta(days=5)
        first_marks = [_mark(application.reference, p, 3, 4) for p in range(size)]
        plan(
            application, expert, ReviewStatus.SUBMITTED, deadline, first_marks, Recommendation.LABEL
        )
        second_marks = (
            [max(grid.scale_min, m - 2) for m in first_marks]
            if index == 0
            else [_mark(application.reference + "b", p, 3, 4) for p in range(size)]
        )
        plan(
            application,
            second,
            ReviewStatus.SUBMITTED,
            deadline,
            second_marks,
            Recommendation.LABEL_WITH_RESERVATIONS,
        )
    # Under instruction: a request in every open state for the demo expert.
    pending_states = [
        (ReviewStatus.REQUESTED, today + datetime.timedelta(days=12), None),
        (ReviewStatus.ACCEPTED, today - datetime.timedelta(days=3), "draft"),
        (ReviewStatus.CONFLICT, today + datetime.timedelta(days=20), None),
        (ReviewStatus.REQUESTED, today - datetime.timedelta(days=2), None),
    ]
    for application, (status, deadline, draft) in zip(open_ones, pending_states, strict=False):
        marks = [_mark(application.reference, p, 2, 4) for p in range(2)] if draft else None
        plan(application, expert, status, deadline, marks)
        plan(application, second, ReviewStatus.ACCEPTED, deadline + datetime.timedelta(days=7))

    if not plans:
        ctx.say("  reviews: déjà là")
        return
    now = timezone.now()
    reviews = []
    for application, who, status, deadline, _marks, recommendation in plans:
        submitted = status == ReviewStatus.SUBMITTED
        reviews.append(
            ReviewRequest(
                application=application,
                expert=who,
                requested_by=instructor,
                deadline=deadline,
                status=status,
                conflict_declared_at=None if status == ReviewStatus.REQUESTED else now,
                conflict_details=(
                    "J'ai accompagné l'une des structures du collectif en 2018 (fictif)."
                    if status == ReviewStatus.CONFLICT
                    else ""
                ),
                recommendation=recommendation if submitted else "",
                comment=_general_comment(recommendation) if submitted else "",
                submitted_at=now if submitted else None,
            )
        )
    created = ReviewRequest.objects.bulk_create(reviews)
    if not all(r.pk for r in created):  # backends that do not return ids (none of ours)
        created = list(
            ReviewRequest.objects.filter(
                application__in=[p[0] for p in plans], expert__in=[expert, second]
            )
        )
    mark_rows = []
    for review, (_a, _w, _s, _d, marks, _r) in zip(created, plans, strict=True):
        for position, value in enumerate(marks or []):
            comments = GOOD_COMMENTS if value >= 3 else WEAK_COMMENTS
            comment = comments[position % len(comments)] if value < 3 or position == 0 else ""
            mark_rows.append(
                CriterionMark(
                    review=review,
                    criterion=criteria[position],
                    mark=value,
                    comment=f"{comment} {FICTITIOUS}" if comment else "",
                )
            )
    CriterionMark.objects.bulk_create(mark_rows)
    application_reviews_refresh(
        Application.objects.filter(pk__in={r.application_id for r in created})
    )
    _history(created, instructor)
    ctx.say(f"  reviews: {len(created)} demandes d'avis, {len(mark_rows)} notes")


def _history(reviews, instructor) -> None:
    content_type = ContentType.objects.get_for_model(ReviewRequest)
    events = []
    for review in reviews:
        events.append(
            HistoryEvent(
                content_type=content_type,
                object_id=str(review.pk),
                actor=instructor,
                action="request",
                to_state=ReviewStatus.REQUESTED,
                payload={"deadline": review.deadline.isoformat()},
            )
        )
        steps = {
            ReviewStatus.CONFLICT: [("declare_conflict", "requested", "conflict")],
            ReviewStatus.ACCEPTED: [("declare_no_conflict", "requested", "accepted")],
            ReviewStatus.SUBMITTED: [
                ("declare_no_conflict", "requested", "accepted"),
                ("submit", "accepted", "submitted"),
            ],
        }.get(review.status, [])
        for action, source, target in steps:
            events.append(
                HistoryEvent(
                    content_type=content_type,
                    object_id=str(review.pk),
                    actor=review.expert,
                    action=action,
                    from_state=source,
                    to_state=target,
                    comment=review.conflict_details if action == "declare_conflict" else "",
                )
            )
    HistoryEvent.objects.bulk_create(events)
