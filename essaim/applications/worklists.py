"""The territory's worklist: « Mes candidatures » (``essaim.core.worklist``).

Its tabs follow the state the viewer sees (``queries.with_shown_status``: nothing of a decision
before its wave is published):

- *à traiter* — waiting on the collective: drafts to complete and submit, applications whose
  instructors requested changes;
- *suivis* — waiting on the programme: submitted, in instruction, in committee;
- *traités* — finished: labelled, not labelled (once the wave is published), withdrawn.

Deadline: a draft's call closing date (a draft of a closed call is overdue: it can no longer be
submitted); the others have none and follow, the most recently updated first. Marker *nouveau
message*: the last message of the thread is from the programme's staff and no action of the
viewer was recorded on the application since it arrived (no read-tracking: answering or acting
clears it).
"""

from django.db.models import Case, DateField, F, OuterRef, Q, When

from essaim.applications.models import Message
from essaim.applications.queries import with_shown_status
from essaim.applications.workflow import ApplicantStatus, Status
from essaim.core import worklist

A = ApplicantStatus
LEAD_TABS = {
    worklist.TODO: Q(shown_status__in=[A.DRAFT, A.CHANGES_REQUESTED]),
    worklist.FOLLOWED: Q(
        shown_status__in=[A.SUBMITTED, A.IN_REVIEW, A.IN_COMMITTEE, Status.PROPOSED]
    ),
    worklist.DONE: Q(shown_status__in=[A.LABELLED, A.NOT_LABELLED, A.WITHDRAWN]),
}


def lead_worklist(request, applications):
    """The tabs of ``applications`` for the viewer and the current tab's rows, by deadline, with
    ``shown_status``, ``deadline`` and ``new_message`` (one query for the counts, one for the
    rows)."""
    applications = with_shown_status(applications, request.user)
    tabs, rows = worklist.worklist(request, applications, LEAD_TABS)
    rows = rows.annotate(
        deadline=Case(
            When(status=Status.DRAFT, then=F("call__closes_on")), output_field=DateField()
        )
    )
    rows = worklist.with_new_message(
        rows,
        Message.objects.filter(application=OuterRef("pk")),
        other_side=Q(from_staff=True),
        user=request.user,
    )
    return tabs, rows.order_by(*worklist.by_deadline("deadline", "-updated_at", "pk"))
