import factory
from django.utils import timezone

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.actors.models import Collective, CollectiveMember, CollectiveRole, Organisation
from essaim.applications.models import Application, ApplicationPerson, Challenge
from essaim.applications.workflow import Status
from essaim.calls.tests.factories import FormVersionFactory
from essaim.geo.models import Perimeter


class PerimeterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Perimeter

    name = factory.Sequence(lambda n: f"Territoire {n}")
    slug = factory.Sequence(lambda n: f"territoire-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = "association"


class CollectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collective

    name = factory.Sequence(lambda n: f"Collectif {n}")
    perimeter = factory.SubFactory(PerimeterFactory)


def submitted_at_for(application):
    """The submission date the state implies (the database refuses a submitted application
    without one, and a draft with one); withdrawn ones are taken as withdrawn after submission."""
    return None if application.status == Status.DRAFT else timezone.now()


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    form_version = factory.SubFactory(FormVersionFactory)
    call = factory.SelfAttribute("form_version.call")
    reference = factory.Sequence(lambda n: f"T-{n:05d}")
    title = factory.Sequence(lambda n: f"Candidature {n}")
    collective = factory.SubFactory(CollectiveFactory)
    perimeter = factory.SelfAttribute("collective.perimeter")
    created_by = factory.SubFactory(UserFactory)
    status = Status.DRAFT
    submitted_at = factory.LazyAttribute(submitted_at_for)


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
