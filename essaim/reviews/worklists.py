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
submission after a request for changes.

**Expert's requests** ("Mes demandes d'avis"): see ``essaim.reviews.views.EXPERT_TABS``.
"""

from django.db.models import CharField, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce

from essaim.applications.models import Message
from essaim.applications.workflow import FINAL_STATES, Status
from essaim.core import worklist
from essaim.reviews.instruction import resubmissions
from essaim.reviews.models import ReviewRequest, ReviewStatus

OUTSTANDING = [ReviewStatus.REQUESTED, ReviewStatus.ACCEPTED]


def _outstanding_reviews():
    return ReviewRequest.objects.filter(application=OuterRef("pk"), status__in=OUTSTANDING)


def instruction_tabs() -> dict:
    waiting_experts = Exists(_outstanding_reviews())
    return {
        worklist.TODO: Q(status=Status.SUBMITTED) | (Q(status=Status.IN_REVIEW) & ~waiting_experts),
        worklist.FOLLOWED: Q(status__in=[Status.CHANGES_REQUESTED, Status.PROPOSED])
        | (Q(status=Status.IN_REVIEW) & waiting_experts),
        worklist.DONE: Q(status__in=FINAL_STATES),
    }


def with_instruction_markers(queryset, user):
    """Annotate ``deadline``, ``new_message`` and ``resubmitted`` (subqueries: one query)."""
    first_deadline = _outstanding_reviews().order_by("deadline").values("deadline")[:1]
    queryset = queryset.annotate(
        deadline=Coalesce(Subquery(first_deadline), F("wave__committee_on")),
        resubmitted=Exists(resubmissions().filter(object_id=Cast(OuterRef("pk"), CharField()))),
    )
    return worklist.with_new_message(
        queryset,
        Message.objects.filter(application=OuterRef("pk")),
        other_side=Q(from_staff=False),
        user=user,
    )
