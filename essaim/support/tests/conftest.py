import datetime

import pytest

from essaim.support import services
from essaim.support.models import Milestone
from essaim.support.tests.factories import ActionFactory, build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def objects(world):
    action = ActionFactory(plan=world.plan, created_by=world.lead)
    meeting = services.meeting_create(
        user=world.lead,
        plan=world.plan,
        title="Copil",
        held_on=datetime.date(2026, 2, 1),
        decisions=["Réunir les financeurs"],
    )
    milestone = Milestone.objects.create(
        plan=world.plan, title="Bilan", due_on=datetime.date(2026, 3, 1)
    )
    return {
        "plan": world.plan.pk,
        "action": action.pk,
        "decision": meeting.decisions.get().pk,
        "milestone": milestone.pk,
    }
