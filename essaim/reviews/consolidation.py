"""Consolidation of expert opinions: per application and criterion, the marks, mean and spread,
the weighted total (normalised to 100) and where reviewers disagree strongly.

``consolidate(applications)`` takes any number of applications (objects, ids or a queryset) and
costs at most three queries whatever the count. The committee view (``essaim.labels``) ranks
with it: keep its signature stable.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from essaim.applications.models import Application
from essaim.calls.models import Criterion
from essaim.reviews.models import CriterionMark, ReviewStatus

SCALE_OF_TOTAL = 100


@dataclass
class CriterionConsolidation:
    criterion_id: int
    title: str
    weight: Decimal
    marks: list[int] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    mean: float | None = None
    spread: int | None = None
    disagreement: bool = False
    count: int = 0


@dataclass
class Consolidation:
    application_id: int
    review_count: int = 0
    criteria: list[CriterionConsolidation] = field(default_factory=list)
    total: float | None = None  # weighted mean of the criteria means, out of SCALE_OF_TOTAL
    scale_min: int | None = None
    scale_max: int | None = None
    disagreement_threshold: int | None = None
    recommendations: dict[str, int] = field(default_factory=dict)

    @property
    def disagreement(self) -> bool:
        return any(c.disagreement for c in self.criteria)


def _ids_and_calls(applications) -> tuple[dict[int, int], object]:
    """({application id: call id}, what to filter marks with: a subquery for a queryset, so
    that a long list of ids never becomes a long list of SQL parameters)."""
    if hasattr(applications, "values_list"):  # a queryset: one query
        calls = dict(applications.values_list("pk", "call_id"))
        return calls, applications.order_by().values("pk")
    items = list(applications)
    result = {a.pk: a.call_id for a in items if hasattr(a, "call_id")}
    ids = [a for a in items if not hasattr(a, "call_id")]
    if ids:
        result.update(Application.objects.filter(pk__in=ids).values_list("pk", "call_id"))
    return result, list(result)


def consolidate(applications: Iterable) -> dict[int, Consolidation]:
    """Consolidate the submitted opinions of ``applications`` (Application objects, ids or a
    queryset). Every application gets an entry, with ``review_count == 0`` and no total when no
    opinion was given. ``disagreement`` is set on a criterion whose spread (max − min) reaches
    the grid's ``disagreement_threshold`` (with at least two marks)."""
    calls, selection = _ids_and_calls(applications)
    if not calls:
        return {}
    criteria_by_call: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in (
        Criterion.objects.filter(grid__call_id__in=set(calls.values()))
        .select_related("grid")
        .order_by("grid__call_id", "position", "pk")
    ):
        criteria_by_call[criterion.grid.call_id].append(criterion)

    # stats[application][criterion] = [count, sum, min, max, marks, comments]
    stats: dict[int, dict[int, list]] = defaultdict(dict)
    reviews: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    submitted = CriterionMark.objects.filter(
        review__application_id__in=selection, review__status=ReviewStatus.SUBMITTED
    )
    seen_reviews: dict[int, dict[int, str]] = defaultdict(dict)
    rows = submitted.values_list(
        "review__application_id",
        "review_id",
        "review__recommendation",
        "criterion_id",
        "mark",
        "comment",
    )
    for application_id, review_id, recommendation, criterion_id, mark, comment in rows:
        entry = stats[application_id].get(criterion_id)
        if entry is None:
            entry = stats[application_id][criterion_id] = [0, 0, mark, mark, [], []]
        entry[0] += 1
        entry[1] += mark
        entry[2], entry[3] = min(entry[2], mark), max(entry[3], mark)
        entry[4].append(mark)
        if comment:
            entry[5].append(comment)
        seen_reviews[application_id][review_id] = recommendation
    for application_id, by_review in seen_reviews.items():
        for recommendation in by_review.values():
            reviews[application_id][recommendation] += 1
    result = {}
    for application_id, call_id in calls.items():
        criteria = criteria_by_call.get(call_id, [])
        grid = criteria[0].grid if criteria else None
        item = Consolidation(application_id=application_id)
        if grid is not None:
            item.scale_min, item.scale_max = grid.scale_min, grid.scale_max
            item.disagreement_threshold = grid.disagreement_threshold
        given = reviews.get(application_id, {})
        item.review_count = sum(given.values())
        item.recommendations = {r: n for r, n in given.items() if r}
        weighted, weights = 0.0, 0.0
        for criterion in criteria:
            entry = CriterionConsolidation(
                criterion_id=criterion.pk, title=criterion.title, weight=criterion.weight
            )
            found = stats.get(application_id, {}).get(criterion.pk)
            if found:
                count, total, low, high, entry.marks, entry.comments = found
                entry.count = count
                entry.mean = total / count
                entry.spread = high - low
                entry.disagreement = count > 1 and entry.spread >= grid.disagreement_threshold
                span = grid.scale_max - grid.scale_min
                weighted += float(criterion.weight) * (entry.mean - grid.scale_min) / span
                weights += float(criterion.weight)
            item.criteria.append(entry)
        if weights:
            item.total = round(SCALE_OF_TOTAL * weighted / weights, 1)
        result[application_id] = item
    return result


def opinion_total(grid, marks: dict[int, int]) -> float | None:
    """One expert's weighted total, out of ``SCALE_OF_TOTAL``, as ``consolidate`` computes it
    for all of them: ``marks`` maps criterion ids to marks; ``None`` while one is missing."""
    criteria = list(grid.criteria.all())
    span = grid.scale_max - grid.scale_min
    if not criteria or span <= 0 or any(c.pk not in marks for c in criteria):
        return None
    weights = sum(float(c.weight) for c in criteria)
    weighted = sum(float(c.weight) * (marks[c.pk] - grid.scale_min) / span for c in criteria)
    return round(SCALE_OF_TOTAL * weighted / weights, 1)
