"""Impact test world: a programme with the starter library, two labelled territories with their
people, a project of the first territory and its holder, the programme team, and another
programme's admin. Built on the labels' factories."""

from dataclasses import dataclass

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.impact import services
from essaim.impact.models import Indicator
from essaim.labels.tests.factories import (
    ApplicationFactory,
    ProgrammeFactory,
    WaveFactory,
    labelled,
)
from essaim.projects.tests.factories import ProjectFactory


def member(role, **scope):
    user = UserFactory()
    Membership.objects.create(user=user, role=role, **scope)
    return user


@dataclass
class World:
    programme: object
    other_programme: object
    label: object
    other_label: object
    project: object
    admin: object
    instructor: object
    lead: object
    member: object
    other_lead: object
    holder: object
    other_holder: object
    other_admin: object
    indicators: dict

    def ind(self, code: str) -> Indicator:
        return self.indicators[code]


def build_world() -> World:
    programme = ProgrammeFactory(french_impact=True)
    wave = WaveFactory(french_impact=True, programme=programme)
    admin = member(Role.PROGRAMME_ADMIN, programme=programme)
    label = labelled(ApplicationFactory(proposed=True, wave=wave), admin)
    other_label = labelled(ApplicationFactory(proposed=True, wave=wave), admin)
    project = ProjectFactory(perimeter=label.perimeter, collective=label.application.collective)
    other_programme = ProgrammeFactory(french_impact=True, slug="autre-programme", name="Autre")
    indicators = services.library_load(
        user=admin, programme=programme, entries=services.starter_library()
    )
    return World(
        programme=programme,
        other_programme=other_programme,
        label=label,
        other_label=other_label,
        project=project,
        admin=admin,
        instructor=member(Role.INSTRUCTOR, programme=programme),
        lead=member(Role.TERRITORY_LEAD, collective=label.application.collective),
        member=member(Role.TERRITORY_MEMBER, collective=label.application.collective),
        other_lead=member(Role.TERRITORY_LEAD, collective=other_label.application.collective),
        holder=member(Role.PROJECT_HOLDER, organisation=project.holder),
        other_holder=member(Role.PROJECT_HOLDER, organisation=ProjectFactory().holder),
        other_admin=member(Role.PROGRAMME_ADMIN, programme=other_programme),
        indicators={i.code: i for i in indicators},
    )
