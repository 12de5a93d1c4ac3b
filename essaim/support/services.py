"""Every write on support plans."""

from django.db import transaction


@transaction.atomic
def support_plan_open(*, label, user):
    """Open the labelled territory's support plan with the programme's axes. Idempotent.

    Called by ``essaim.labels.services`` when a label is granted. The support-plan work
    (issue "Support plans, projects and financing") fills in the plan itself.
    """
    return None
