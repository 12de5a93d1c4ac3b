"""Support-plan test world: a programme with six axes, two labelled territories with their
people, the programme team and a few wrong roles. Built on the labels' factories."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import factory

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.actors.models import CollectiveMember
from essaim.applications.models import Challenge
from essaim.labels.tests.factories import (
    ApplicationFactory,
    OrganisationFactory,
    ProgrammeFactory,
    WaveFactory,
    labelled,
)
from essaim.support.models import Action, SupportAxis, SupportPlan
from essaim.support.services import support_plan_open

AXES = ("strategy", "financing", "regulation", "synergies", "impact", "companies")
LINK_AXES = ("synergies", "impact", "companies")  # the seed's axes 4 to 6 take links


def axes_for(programme) -> list[SupportAxis]:
    return [
        SupportAxis.objects.get_or_create(
            programme=programme,
            code=code,
            defaults={"title": f"Axe {code}", "position": i, "takes_links": code in LINK_AXES},
        )[0]
        for i, code in enumerate(AXES, start=1)
    ]


def member(role, **scope):
    user = UserFactory()
    Membership.objects.create(user=user, role=role, **scope)
    return user


def territory(wave, admin):
    """A labelled application with two collective organisations and one challenge; its plan."""
    application = ApplicationFactory(proposed=True, wave=wave)
    for position, role in enumerate(("lead", "member")):
        CollectiveMember.objects.create(
            collective=application.collective,
            organisation=OrganisationFactory(),
            role=role,
            position=position,
        )
    Challenge.objects.create(application=application, title="Alimentation", lines=["a"])
    label = labelled(application, admin)
    return support_plan_open(label=label, user=admin)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    plan = None
    axis = factory.LazyAttribute(
        lambda o: SupportAxis.objects.filter(programme_id=o.plan.label.programme_id).first()
    )
    title = factory.Sequence(lambda n: f"Action {n}")
    created_by = factory.LazyAttribute(lambda o: UserFactory())
    starts_on = datetime.date(2026, 1, 1)
    due_on = datetime.date(2026, 6, 30)
    budget_planned = Decimal(1000)


@dataclass
class World:
    programme: object
    axes: list
    plan: SupportPlan
    other_plan: SupportPlan
    admin: object
    instructor: object
    lead: object
    member: object
    other_lead: object
    expert: object
    financer: object
    other_programme_admin: object


def build_world() -> World:
    programme = ProgrammeFactory(french_impact=True)
    wave = WaveFactory(french_impact=True, programme=programme)
    admin = member(Role.PROGRAMME_ADMIN, programme=programme)
    plan = territory(wave, admin)
    other_plan = territory(wave, admin)
    collective = plan.label.application.collective
    other_programme = ProgrammeFactory(french_impact=True, slug="autre-programme", name="Autre")
    return World(
        programme=programme,
        axes=axes_for(programme),
        plan=plan,
        other_plan=other_plan,
        admin=admin,
        instructor=member(Role.INSTRUCTOR, programme=programme),
        lead=member(Role.TERRITORY_LEAD, collective=collective),
        member=member(Role.TERRITORY_MEMBER, collective=collective),
        other_lead=member(Role.TERRITORY_LEAD, collective=other_plan.label.application.collective),
        expert=member(Role.EXPERT, organisation=OrganisationFactory(), programme=programme),
        financer=member(Role.FINANCER, organisation=OrganisationFactory()),
        other_programme_admin=member(Role.PROGRAMME_ADMIN, programme=other_programme),
    )
