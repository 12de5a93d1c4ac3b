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


def _ids_and_calls(applications) -> dict[int, int]:
    """{application id: call id}, with one query only when given bare ids."""
    from essaim.applications.models import Application

    items = list(applications) if not hasattr(applications, "values_list") else None
    if items is None:  # a queryset
        return dict(applications.values_list("pk", "call_id"))
    objects = [a for a in items if hasattr(a, "call_id")]
    ids = [a for a in items if not hasattr(a, "call_id")]
    result = {a.pk: a.call_id for a in objects}
    if ids:
        result.update(Application.objects.filter(pk__in=ids).values_list("pk", "call_id"))
    return result


def consolidate(applications: Iterable) -> dict[int, Consolidation]:
    """Consolidate the submitted opinions of ``applications`` (Application objects, ids or a
    queryset). Every application gets an entry, with ``review_count == 0`` and no total when no
    opinion was given. ``disagreement`` is set on a criterion whose spread (max − min) reaches
    the grid's ``disagreement_threshold``."""
    from essaim.calls.models import Criterion

    calls = _ids_and_calls(applications)
    if not calls:
        return {}
    criteria_by_call: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in (
        Criterion.objects.filter(grid__call_id__in=set(calls.values()))
        .select_related("grid")
        .order_by("grid__call_id", "position", "pk")
    ):
        criteria_by_call[criterion.grid.call_id].append(criterion)

    marks: dict[int, dict[int, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    reviews: dict[int, dict[int, str]] = defaultdict(dict)
    rows = CriterionMark.objects.filter(
        review__application_id__in=list(calls), review__status=ReviewStatus.SUBMITTED
    ).values_list(
        "review__application_id",
        "review_id",
        "review__recommendation",
        "criterion_id",
        "mark",
        "comment",
    )
    for application_id, review_id, recommendation, criterion_id, mark, comment in rows:
        marks[application_id][criterion_id].append((mark, comment))
        reviews[application_id][review_id] = recommendation

    result = {}
    for application_id, call_id in calls.items():
        criteria = criteria_by_call.get(call_id, [])
        grid = criteria[0].grid if criteria else None
        item = Consolidation(application_id=application_id)
        if grid is not None:
            item.scale_min, item.scale_max = grid.scale_min, grid.scale_max
            item.disagreement_threshold = grid.disagreement_threshold
        item.review_count = len(reviews.get(application_id, {}))
        for recommendation in reviews.get(application_id, {}).values():
            if recommendation:
                item.recommendations[recommendation] = (
                    item.recommendations.get(recommendation, 0) + 1
                )
        weighted, weights = 0.0, 0.0
        for criterion in criteria:
            given = marks.get(application_id, {}).get(criterion.pk, [])
            entry = CriterionConsolidation(
                criterion_id=criterion.pk,
                title=criterion.title,
                weight=criterion.weight,
                marks=[m for m, _c in given],
                comments=[c for _m, c in given if c],
            )
            if entry.marks:
                entry.mean = sum(entry.marks) / len(entry.marks)
                entry.spread = max(entry.marks) - min(entry.marks)
                entry.disagreement = (
                    len(entry.marks) > 1 and entry.spread >= grid.disagreement_threshold
                )
                span = grid.scale_max - grid.scale_min
                weighted += float(criterion.weight) * (entry.mean - grid.scale_min) / span
                weights += float(criterion.weight)
            item.criteria.append(entry)
        if weights:
            item.total = round(SCALE_OF_TOTAL * weighted / weights, 1)
        result[application_id] = item
    return result
