"""Factories for the reviews tests: a programme with a call and its scoring grid, applications
under instruction, experts, instructors and review requests. Self-contained (no geography)."""

import datetime

import factory
from django.utils import timezone

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.actors.models import Collective, Organisation, OrganisationKind
from essaim.applications.models import Application, ApplicationPerson, Challenge
from essaim.applications.tests.factories import submitted_at_for
from essaim.applications.workflow import Status
from essaim.calls.models import (
    Call,
    CallKind,
    CallStatus,
    Criterion,
    FormVersion,
    Programme,
    ScoringGrid,
)
from essaim.geo.models import Perimeter
from essaim.reviews.models import CriterionMark, ReviewRequest, ReviewStatus


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.SUPPORT


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    label_name = "Label"
    expert_partner = factory.SubFactory(OrganisationFactory, name="Avise")


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"AMI {n}")
    slug = factory.Sequence(lambda n: f"ami-rev-{n}")
    kind = CallKind.PERMANENT_AMI
    status = CallStatus.OPEN


class GridFactory(factory.django.DjangoModelFactory):
    """A 0–4 grid, comment required under 2, disagreement from a spread of 2, with three
    criteria weighted 1, 1 and 2."""

    class Meta:
        model = ScoringGrid
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    scale_min = 0
    scale_max = 4
    scale_labels = factory.LazyFunction(
        lambda: {"0": "absent", "1": "insuffisant", "2": "moyen", "3": "bon", "4": "excellent"}
    )
    comment_required_below = 2
    disagreement_threshold = 2

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        if not create:
            return
        weights = extracted if extracted is not None else [1, 1, 2]
        for position, weight in enumerate(weights):
            Criterion.objects.create(
                grid=self, position=position, title=f"Critère {position + 1}", weight=weight
            )


class PerimeterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Perimeter

    name = factory.Sequence(lambda n: f"Territoire {n}")
    slug = factory.Sequence(lambda n: f"territoire-rev-{n}")


class CollectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collective

    name = factory.Sequence(lambda n: f"Collectif {n}")
    perimeter = factory.SubFactory(PerimeterFactory)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application in review, on a call with a grid (pass ``call=`` to share one)."""

    class Meta:
        model = Application

    call = factory.LazyFunction(lambda: GridFactory().call)
    form_version = factory.LazyAttribute(
        lambda o: FormVersion.objects.get_or_create(
            call=o.call, number=1, defaults={"schema": {"sections": []}}
        )[0]
    )
    reference = factory.Sequence(lambda n: f"REV-{n:05d}")
    title = factory.Sequence(lambda n: f"Candidature {n}")
    collective = factory.SubFactory(CollectiveFactory)
    perimeter = factory.LazyAttribute(lambda o: o.collective.perimeter)
    status = Status.IN_REVIEW
    answers = factory.LazyFunction(lambda: {"ambition": "Une ambition secrète du territoire"})
    summary = "Résumé confidentiel"
    created_by = factory.SubFactory(UserFactory)
    submitted_at = factory.LazyAttribute(submitted_at_for)


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

    application = factory.SubFactory(ApplicationFactory)
    expert = factory.LazyAttribute(lambda o: expert(o.application.call.programme))
    requested_by = factory.LazyAttribute(lambda o: staff(o.application.call.programme))
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    status = ReviewStatus.REQUESTED


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
    from essaim.actors.models import CollectiveMember

    for position, role in enumerate(["lead", "member"]):
        CollectiveMember.objects.create(
            collective=application.collective,
            organisation=OrganisationFactory(),
            role=role,
            position=position,
        )
