"""Factories for the reviews tests: a programme with a call and its scoring grid, applications
under instruction, experts, instructors and review requests. No geography.

The model factories are the owning apps' (re-exported here); the reviews tests use their traits:
``ProgrammeFactory(with_experts=True)``, ``GridFactory(reviewed=True)``,
``ApplicationFactory(in_review=True)``."""

import datetime

import factory
from django.utils import timezone

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.actors.models import CollectiveMember
from essaim.actors.tests.factories import CollectiveFactory, OrganisationFactory
from essaim.applications.models import Application, ApplicationPerson, Challenge
from essaim.applications.tests.factories import ApplicationFactory
from essaim.calls.models import Programme
from essaim.calls.tests.factories import CallFactory, GridFactory, ProgrammeFactory
from essaim.geo.tests.factories import PerimeterFactory
from essaim.reviews.models import CriterionMark, ReviewRequest, ReviewStatus
from essaim.reviews.services import application_reviews_refresh

__all__ = [  # the owning apps' factories, re-exported for the tests that import them from here
    "ApplicationFactory",
    "CallFactory",
    "CollectiveFactory",
    "GridFactory",
    "OrganisationFactory",
    "PerimeterFactory",
    "ProgrammeFactory",
    "ReviewRequestFactory",
    "applicant",
    "expert",
    "staff",
    "submitted_review",
    "with_challenge",
    "with_collective",
]


def staff(programme: Programme, role: str = Role.INSTRUCTOR, **kwargs):
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, role=role, programme=programme)
    return user


def expert(programme: Programme, **kwargs):
    """An expert of the programme's partner organisation."""
    user = UserFactory(**kwargs)
    Membership.objects.create(
        user=user, role=Role.EXPERT, organisation=programme.expert_partner, programme=programme
    )
    return user


def applicant(application: Application):
    """The collective's lead (membership) who is also the application's signatory."""
    user = UserFactory()
    Membership.objects.create(
        user=user, role=Role.TERRITORY_LEAD, collective=application.collective
    )
    ApplicationPerson.objects.create(
        application=application, user=user, email=user.email, is_lead=True, is_signatory=True
    )
    return user


def with_challenge(application: Application) -> Challenge:
    return Challenge.objects.create(
        application=application, title="Alimentation", lines=["supermarchés coopératifs"]
    )


class ReviewRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewRequest
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory, in_review=True)
    expert = factory.LazyAttribute(lambda o: expert(o.application.call.programme))
    requested_by = factory.LazyAttribute(lambda o: staff(o.application.call.programme))
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    status = ReviewStatus.REQUESTED

    @factory.post_generation
    def refresh_application(obj, create, extracted, **kwargs):
        """What the services do after writing a request: the application's columns follow."""
        if create:
            application_reviews_refresh(Application.objects.filter(pk=obj.application_id))


def submitted_review(application: Application, marks: list[int], **kwargs) -> ReviewRequest:
    """A submitted opinion with ``marks`` in the order of the grid's criteria."""
    review = ReviewRequestFactory(
        application=application,
        status=ReviewStatus.SUBMITTED,
        recommendation=kwargs.pop("recommendation", "label"),
        comment=kwargs.pop("comment", "Avis"),
        submitted_at=timezone.now(),
        **kwargs,
    )
    criteria = list(application.call.grid.criteria.all())
    CriterionMark.objects.bulk_create(
        CriterionMark(review=review, criterion=c, mark=m)
        for c, m in zip(criteria, marks, strict=True)
    )
    return review


def with_collective(application: Application) -> None:
    """A lead and a member organisation, so that the application is complete."""
    for position, role in enumerate(["lead", "member"]):
        CollectiveMember.objects.create(
            collective=application.collective,
            organisation=OrganisationFactory(),
            role=role,
            position=position,
        )
