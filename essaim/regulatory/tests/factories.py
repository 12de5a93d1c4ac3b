"""Factories for the single window. Tickets are made through ``services.ticket_create`` so that
number, clock and search columns are filled the way the application fills them."""

import factory

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.actors.models import Organisation, OrganisationKind
from essaim.calls.models import Call, CallKind, CallPurpose, CallStatus, Programme
from essaim.geo.models import Perimeter
from essaim.regulatory import services
from essaim.regulatory.models import Channel


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    label_name = "Label"
    single_window_email = factory.Sequence(lambda n: f"guichet{n}@programme.test")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = OrganisationKind.ASSOCIATION


class PerimeterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Perimeter

    name = factory.Sequence(lambda n: f"Territoire {n}")
    slug = factory.Sequence(lambda n: f"territoire-{n}")


class ExperimentationCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    title = "France Expérimentation"
    slug = factory.Sequence(lambda n: f"france-experimentation-{n}")
    kind = CallKind.CALL_FOR_PROJECTS
    purpose = CallPurpose.EXPERIMENTATION
    status = CallStatus.OPEN


def officer(programme, **kwargs):
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, role=Role.SINGLE_WINDOW_OFFICER, programme=programme)
    return user


def holder(organisation=None, **kwargs):
    user = UserFactory(**kwargs)
    Membership.objects.create(
        user=user,
        role=Role.PROJECT_HOLDER,
        organisation=organisation or OrganisationFactory(),
    )
    return user


def ticket(programme=None, user=None, **kwargs):
    programme = programme or ProgrammeFactory()
    defaults = {
        "title": "Vendre des paniers de légumes en vrac",
        "wants_to_do": "Ouvrir une épicerie coopérative avec vente en vrac.",
        "blocked_by": "Les règles d'étiquetage des denrées semblent l'interdire.",
        "channel": Channel.WEB,
    }
    if user is None:
        defaults["author_email"] = "auteur@example.test"
    defaults.update(kwargs)
    return services.ticket_create(user=user, programme=programme, **defaults)
