import factory
from django.utils import timezone

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.actors.models import CollectiveMember, CollectiveRole
from essaim.actors.tests.factories import CollectiveFactory, OrganisationFactory
from essaim.applications.models import Application, ApplicationPerson, Challenge
from essaim.applications.workflow import Status
from essaim.calls.models import FormVersion
from essaim.calls.tests.factories import CallFactory, FormVersionFactory, GridFactory, WaveFactory
from essaim.geo.tests.factories import PerimeterFactory

__all__ = [
    "ApplicationFactory",
    "CollectiveFactory",  # actors', here too for the applications tests
    "OrganisationFactory",  # actors'
    "PerimeterFactory",  # geo's
    "PersonFactory",
    "complete",
    "lead_of",
    "staff",
]


def _proposed_call(o):
    """The wave's programme's call (the French Impact programme's without a wave)."""
    if o.wave:
        return CallFactory(programme=o.wave.programme)
    return CallFactory(programme__french_impact=True)


def _empty_form(o):
    return FormVersion.objects.get_or_create(
        call=o.call, number=1, defaults={"schema": {"sections": []}}
    )[0]


def submitted_at_for(application):
    """The submission date the state implies (the database refuses a submitted application
    without one, and a draft with one); withdrawn ones are taken as withdrawn after submission."""
    return None if application.status == Status.DRAFT else timezone.now()


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft on a published version of the test SCHEMA.

    Traits: ``in_review`` (under instruction, submitted, on a call with the reviews tests' grid
    — pass ``call=`` to share one — with confidential answers and summary) and ``proposed``
    (proposed in a French Impact wave — ``wave=None`` for one outside any wave — on a form
    without sections)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    form_version = factory.SubFactory(FormVersionFactory)
    call = factory.SelfAttribute("form_version.call")
    reference = factory.Sequence(lambda n: f"T-{n:05d}")
    title = factory.Sequence(lambda n: f"Candidature {n}")
    collective = factory.SubFactory(CollectiveFactory)
    perimeter = factory.SelfAttribute("collective.perimeter")
    created_by = factory.SubFactory(UserFactory)
    status = Status.DRAFT
    submitted_at = factory.LazyAttribute(submitted_at_for)

    class Params:
        in_review = factory.Trait(
            call=factory.LazyFunction(lambda: GridFactory(reviewed=True).call),
            form_version=factory.LazyAttribute(_empty_form),
            status=Status.IN_REVIEW,
            answers=factory.LazyFunction(
                lambda: {"ambition": "Une ambition secrète du territoire"}
            ),
            summary="Résumé confidentiel",
        )
        proposed = factory.Trait(
            wave=factory.SubFactory(WaveFactory, french_impact=True),
            call=factory.LazyAttribute(_proposed_call),
            form_version=factory.LazyAttribute(_empty_form),
            status=Status.PROPOSED,
        )

    @factory.post_generation
    def queue_deadline(obj, create, extracted, **kwargs):
        """The deadline the services keep: the wave's committee date (no expert request yet)."""
        if create and obj.wave_id and obj.instruction_deadline is None:
            obj.instruction_deadline = obj.wave.committee_on
            Application.objects.filter(pk=obj.pk).update(
                instruction_deadline=obj.instruction_deadline
            )


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationPerson

    application = factory.SubFactory(ApplicationFactory)
    user = factory.SubFactory(UserFactory)
    email = factory.SelfAttribute("user.email")
    can_edit = True
    accepted_at = factory.LazyFunction(timezone.now)


def lead_of(application, **kwargs) -> ApplicationPerson:
    return PersonFactory(application=application, is_lead=True, is_signatory=True, **kwargs)


def complete(application) -> Application:
    """Fill everything ``missing_items`` asks for (answers of the test SCHEMA included)."""
    CollectiveMember.objects.create(
        collective=application.collective,
        organisation=OrganisationFactory(),
        role=CollectiveRole.LEAD,
    )
    CollectiveMember.objects.create(
        collective=application.collective, organisation=OrganisationFactory()
    )
    Challenge.objects.create(application=application, title="Défi", lines=["axe"])
    application.answers = {"pitch": "Bonjour", "defis": [{"titre": "Un"}], "partners": ["a"]}
    application.save()
    return application


def staff(programme, role=Role.INSTRUCTOR):
    user = UserFactory()
    Membership.objects.create(user=user, role=role, programme=programme)
    return user
