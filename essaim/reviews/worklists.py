"""The two worklists of ``reviews`` (``essaim.core.worklist``): what their tabs hold, their
deadlines and their markers.

**Instruction queue** ("Candidatures à instruire", the programme's staff):

- *à traiter* — waiting on the instructors: submitted (to take up), or in instruction with no
  expert opinion outstanding;
- *suivis* — waiting on someone else: changes requested (the applicant), proposed to the
  committee (the committee), in instruction while an expert opinion is outstanding (the experts);
- *traités* — finished: labelled, not labelled, withdrawn.

Its deadline is the earliest deadline of the application's outstanding expert requests, else the
committee date of its wave; an application without either comes after the others, oldest
submission first. Markers: *nouveau message* — the last message of the application's thread is
from the applicant and no action of the viewer was recorded on the application since it arrived
(no read-tracking: answering or acting clears it); *déposée à nouveau* — the history holds a
submission after a request for changes. All of it is read from columns the services keep on the
application (``applications.services.summary``, ``reviews.services.application_reviews_refresh``).

**Expert's requests** ("Mes demandes d'avis"): see ``essaim.reviews.views.EXPERT_TABS``.
"""

from django.db.models import BooleanField, ExpressionWrapper, Q

from essaim.applications.models import Application
from essaim.applications.workflow import FINAL_STATES, Status
from essaim.core import worklist


def instruction_tabs() -> dict:
    """The tabs' conditions, on the columns the services keep on the application
    (``reviews_open``: the outstanding expert requests)."""
    waiting_experts = Q(reviews_open__gt=0)
    return {
        worklist.TODO: Q(status=Status.SUBMITTED) | (Q(status=Status.IN_REVIEW) & ~waiting_experts),
        worklist.FOLLOWED: Q(status__in=[Status.CHANGES_REQUESTED, Status.PROPOSED])
        | (Q(status=Status.IN_REVIEW) & waiting_experts),
        worklist.DONE: Q(status__in=FINAL_STATES),
    }


def with_instruction_markers(queryset, user):
    """Annotate ``new_message`` and ``resubmitted`` from the columns the services keep on the
    application (``last_message_at``, ``resubmitted_at``; the deadline is one too,
    ``instruction_deadline``): no subquery per row but the viewer's last action, for the rows
    shown."""
    return queryset.annotate(
        resubmitted=ExpressionWrapper(Q(resubmitted_at__isnull=False), BooleanField()),
        new_message=worklist.new_message_from_columns(
            Application,
            user,
            last_at="last_message_at",
            other_side=Q(last_message_from_staff=False),
        ),
    )
