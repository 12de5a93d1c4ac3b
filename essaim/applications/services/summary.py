"""What the instruction queue shows of an application's thread and history, kept on the
application by the services that write them, inside their transaction, so that the queue reads
columns instead of a subquery per row:

- ``last_message_at`` and ``last_message_from_staff``: the newest message of the thread (the
  "nouveau message" marker), set by the services that post one (:func:`message_posted`);
- ``resubmitted_at``: the newest "resubmit" row of the history (the "déposée à nouveau" marker),
  set when that row is recorded (:func:`history_recorded`, a receiver of
  ``core.history.history_recorded``);
- ``instruction_deadline``: the earliest deadline of the outstanding expert requests
  (``review_deadline``), else the committee date of the application's wave;
  :func:`deadline_refresh` after the wave or its date changes (``labels.services``),
  :func:`deadline_of` inside the requests' own update.

:func:`refresh` recomputes them from the messages and the history, set-wise, for writers that
create those rows in bulk (the demo). The expert requests' columns (``review_deadline``,
``reviews_open``, ``reviews_submitted``) belong to ``essaim.reviews.services``.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce

from essaim.applications.history import ApplicationAction
from essaim.applications.models import Application, Message
from essaim.calls.models import Wave
from essaim.core.models import HistoryEvent


def message_posted(message: Message) -> None:
    """``message`` was just created: it is the newest of its thread."""
    Application.objects.filter(pk=message.application_id).update(
        last_message_at=message.created_at, last_message_from_staff=message.from_staff
    )
    if Message.application.is_cached(message):  # the caller's object says the same
        message.application.last_message_at = message.created_at
        message.application.last_message_from_staff = message.from_staff


def deadline_of(review_deadline) -> Coalesce:
    """``instruction_deadline`` in an UPDATE, given the expression of ``review_deadline``."""
    committee = Wave.objects.filter(pk=OuterRef("wave_id")).values("committee_on")[:1]
    return Coalesce(review_deadline, Subquery(committee))


def deadline_refresh(applications: QuerySet[Application]) -> int:
    """Recompute ``instruction_deadline`` of ``applications`` (one UPDATE): after their wave, or its
    committee date, changed."""
    return applications.order_by().update(instruction_deadline=deadline_of(F("review_deadline")))


def refresh(applications: QuerySet[Application]) -> int:
    """Recompute the columns of ``applications`` from their messages, their history and their
    wave (one UPDATE): for writers that create those rows in bulk (the demo, the generator)."""
    newest = Message.objects.filter(application=OuterRef("pk")).order_by("-created_at", "-pk")
    resubmissions = HistoryEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=Cast(OuterRef("pk"), CharField()),
        action=ApplicationAction.RESUBMIT,
    ).order_by("-at")
    return applications.order_by().update(
        last_message_at=Subquery(newest.values("created_at")[:1]),
        last_message_from_staff=Coalesce(Subquery(newest.values("from_staff")[:1]), Value(False)),
        resubmitted_at=Subquery(resubmissions.values("at")[:1]),
        instruction_deadline=deadline_of(F("review_deadline")),
    )


def history_recorded(*, event, obj, **_kwargs) -> None:
    """A receiver of ``core.history.history_recorded``: a "resubmit" row of an application's
    history dates its resubmission."""
    if isinstance(obj, Application) and event.action == ApplicationAction.RESUBMIT:
        Application.objects.filter(pk=obj.pk).update(resubmitted_at=event.at)
        obj.resubmitted_at = event.at
