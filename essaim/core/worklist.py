"""Worklists: the lists people work from open on what they have to do.

Every worklist (the instruction queue and the expert's requests in ``reviews``, the financer's
requests in ``financing``, the single window's tickets in ``regulatory``, the territory's
applications in ``applications``) is cut into three tabs, like Démarches simplifiées:

- **à traiter** — waiting on the viewer (their role): the default tab;
- **suivis** — in progress, waiting on someone else (the applicant, an expert, the committee, an
  administration…);
- **traités** — finished (decided, closed, labelled, refused, withdrawn).

Each list says what the three tabs hold in its module docstring (a ``Q`` per tab, given to
:func:`worklist`) and in ``docs/roles/``. The tab is the GET parameter ``onglet``; an unknown
value is the default tab, never an error. The counts of the three tabs come from one aggregate
query (a conditional ``Count`` per tab). Lists sort each tab by deadline — the earliest first, so
overdue rows come first, rows without a deadline last — with :func:`by_deadline`.

Two markers, computed in the list's one query:

- **new message** (:func:`with_new_message`): the last message on the object comes from the
  other side (the applicant for the staff, the staff for the applicant) and no action of the
  viewer was recorded on the object (``core.HistoryEvent``) since it arrived. There is no
  read-tracking: writing back, or any recorded action, clears the marker; reading does not.
- **resubmitted** (in ``reviews``): the history holds a new submission after a request for
  changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, ExpressionWrapper, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from essaim.core import cache
from essaim.core.models import HistoryEvent

PARAM = "onglet"
TODO, FOLLOWED, DONE = "a-traiter", "suivis", "traites"
LABELS = {TODO: _("À traiter"), FOLLOWED: _("Suivis"), DONE: _("Traités")}
KEYS = (TODO, FOLLOWED, DONE)


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    count: int
    url: str
    current: bool


@dataclass(frozen=True)
class Worklist:
    """The tabs of a list, the current one, and the query string a page link keeps (the current
    tab and the other filters, without ``page``)."""

    tab: str
    tabs: tuple[Tab, ...]
    query: str

    @property
    def current(self) -> Tab:
        return next(t for t in self.tabs if t.current)


def current_tab(request: HttpRequest) -> str:
    """The tab ``request`` asks for; anything unknown is « à traiter »."""
    value = request.GET.get(PARAM, "")
    return value if value in KEYS else TODO


def worklist(
    request: HttpRequest,
    queryset: models.QuerySet,
    conditions: dict[str, Q],
    *,
    keep=(),
    distinct: bool = True,
    cache_counts: bool = False,
) -> tuple[Worklist, models.QuerySet]:
    """Count ``queryset`` per tab in one query and narrow it to the current tab.

    ``conditions`` maps each of ``KEYS`` to the ``Q`` of its rows; ``keep`` names the GET
    parameters the tabs' links and the pagination keep (filters), besides the tab.
    ``distinct=False`` when neither ``queryset`` nor the conditions join a row more than once:
    a plain count, much cheaper on large lists than a count of distinct keys.
    ``cache_counts``: keep the counts in the cache under their SQL (``cache.WORKLISTS``, changed
    by every recorded change of an application, review or decision), for lists so long that
    counting them on each request costs more than the page (the instruction queue)."""
    if set(conditions) != set(KEYS):
        raise ValueError("A worklist needs a condition per tab.")
    counting = queryset.order_by()
    aggregates = {
        _alias(key): (
            Count("pk", filter=conditions[key], distinct=True)
            if distinct
            else Count(Value(1), filter=conditions[key])  # an index alone may answer it
        )
        for key in KEYS
    }
    if cache_counts:
        sql, params = counting.annotate(**aggregates).values(*aggregates).query.sql_with_params()
        counts = cache.cached(
            "worklist_counts",
            topics=(cache.WORKLISTS,),
            parts=(sql, repr(params)),
            compute=lambda: counting.aggregate(**aggregates),
        )
    else:
        counts = counting.aggregate(**aggregates)
    tab = current_tab(request)
    # Kept as given, bounded (each list's filter form says what it makes of them).
    kept = {name: request.GET[name][:200] for name in keep if request.GET.get(name)}
    tabs = tuple(
        Tab(
            key=key,
            label=str(LABELS[key]),
            count=counts[_alias(key)],
            url="?" + urlencode({**kept, PARAM: key}),
            current=key == tab,
        )
        for key in KEYS
    )
    worklist_ = Worklist(tab=tab, tabs=tabs, query=urlencode({**kept, PARAM: tab}))
    return worklist_, queryset.filter(conditions[tab])


def _alias(key: str) -> str:
    return "tab_" + key.replace("-", "_")


def by_deadline(deadline: str | F, *then: str) -> list:
    """Order by ``deadline`` ascending — overdue first, no deadline last — then by ``then``."""
    expression = F(deadline) if isinstance(deadline, str) else deadline
    return [expression.asc(nulls_last=True), *then]


def last_action_at(model: type[models.Model], user, outer: str = "pk") -> Subquery:
    """When ``user`` last acted on the outer object (``core.HistoryEvent``), or ``None``."""
    events = HistoryEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=Cast(OuterRef(outer), models.CharField()),
        actor=user,
    ).order_by("-at")
    return Subquery(events.values("at")[:1])


def with_new_message(
    queryset: models.QuerySet,
    messages: models.QuerySet,
    *,
    other_side: Q,
    user,
    time: str = "created_at",
    name: str = "new_message",
) -> models.QuerySet:
    """Annotate ``name``: whether the object's last message comes from the other side
    (``other_side``, a filter of ``messages``) and arrived after the viewer's last recorded
    action on the object. ``messages`` is narrowed to the object with ``OuterRef("pk")``."""
    newest = messages.order_by(f"-{time}", "-pk").values(time)[:1]
    newest_other = messages.filter(other_side).order_by(f"-{time}", "-pk").values(time)[:1]
    queryset = queryset.annotate(
        _last_message_at=Subquery(newest),
        _last_other_at=Subquery(newest_other),
        _last_action_at=Coalesce(
            last_action_at(queryset.model, user), Value(_EPOCH), output_field=models.DateTimeField()
        ),
    )
    fresh = (
        Q(_last_other_at__isnull=False)
        & Q(_last_other_at__gte=F("_last_message_at"))
        & Q(_last_other_at__gt=F("_last_action_at"))
    )
    return queryset.annotate(**{name: ExpressionWrapper(fresh, output_field=models.BooleanField())})


def new_message_from_columns(
    model: type[models.Model], user, *, last_at: str, other_side: Q
) -> ExpressionWrapper:
    """The same marker as :func:`with_new_message`, read from columns the object keeps (the
    time of its newest message, ``last_at``, and ``other_side``, a filter saying that message
    comes from the other side): no subquery over the messages, and the one over the viewer's
    actions only for the rows shown (PostgreSQL evaluates it after the ``LIMIT``)."""
    seen = Coalesce(last_action_at(model, user), Value(_EPOCH), output_field=models.DateTimeField())
    fresh = Q(**{f"{last_at}__isnull": False}) & other_side & Q(**{f"{last_at}__gt": seen})
    return ExpressionWrapper(fresh, output_field=models.BooleanField())


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
