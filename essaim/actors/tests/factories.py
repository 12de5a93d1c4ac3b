"""Factories for organisations and what hangs on them. Organisations made here get their search
columns filled the way the services fill them (``organisation_index``)."""

import factory

from essaim.actors.models import (
    Collective,
    CollectiveMember,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipKind,
    Person,
)
from essaim.actors.search import organisation_index
from essaim.geo.models import Commune, Departement, Region
from essaim.geo.tests.factories import PerimeterFactory

__all__ = [
    "CollectiveFactory",
    "CollectiveMemberFactory",
    "OrganisationFactory",
    "PartnershipFactory",
    "PerimeterFactory",  # geo's, here too for the tests that build collectives
    "PersonFactory",
    "commune",
]


def commune(insee: str = "79191", name: str = "Niort", dep=("79", "Deux-Sèvres"), region=None):
    """A commune with its département and région (get-or-create by INSEE code)."""
    region_code, region_name = region or ("75", "Nouvelle-Aquitaine")
    region_obj, _ = Region.objects.get_or_create(code=region_code, defaults={"name": region_name})
    departement, _ = Departement.objects.get_or_create(
        code=dep[0], defaults={"name": dep[1], "region": region_obj}
    )
    obj, _ = Commune.objects.get_or_create(
        insee=insee, defaults={"name": name, "departement": departement, "region": region_obj}
    )
    return obj


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.ASSOCIATION

    class Params:
        # Registered through an application, not yet confirmed by the staff.
        unverified = factory.Trait(verified_at=None)

    @factory.post_generation
    def index(self, create, extracted, **kwargs):
        if create:
            organisation_index([self])


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    job_title = "chargée de mission"


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    source = factory.SubFactory(OrganisationFactory)
    target = factory.SubFactory(OrganisationFactory)
    kind = PartnershipKind.MEMBER_OF


class CollectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collective

    name = factory.Sequence(lambda n: f"Collectif {n}")
    perimeter = factory.SubFactory(PerimeterFactory)


class CollectiveMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollectiveMember

    collective = factory.SubFactory(CollectiveFactory)
    organisation = factory.SubFactory(OrganisationFactory)
