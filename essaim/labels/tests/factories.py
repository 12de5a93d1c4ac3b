"""Factories for the labels tests: a programme, its call, waves, proposed applications and labels.

The model factories are the owning apps' (re-exported here); the labels tests use their traits:
``ProgrammeFactory(french_impact=True)``, ``WaveFactory(french_impact=True)``,
``ApplicationFactory(proposed=True)``. Cheap: no geography is loaded; a perimeter may be given
communes with ``with_communes(perimeter, ["75056", ...])``.
"""

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.actors.models import CollectiveMember
from essaim.actors.tests.factories import CollectiveFactory, OrganisationFactory
from essaim.applications.models import Application, ApplicationPerson, Challenge
from essaim.applications.tests.factories import ApplicationFactory
from essaim.applications.workflow import Status
from essaim.calls.models import Programme
from essaim.calls.tests.factories import (
    CallFactory,
    FormVersionFactory,
    ProgrammeFactory,
    WaveFactory,
)
from essaim.geo.models import Commune, Departement, Perimeter, PerimeterCommune, Region
from essaim.geo.tests.factories import PerimeterFactory
from essaim.labels.models import Decision, Label, Outcome

__all__ = [  # the owning apps' factories, re-exported for the tests that import them from here
    "ApplicationFactory",
    "CallFactory",
    "CollectiveFactory",
    "FormVersionFactory",
    "OrganisationFactory",
    "PerimeterFactory",
    "ProgrammeFactory",
    "WaveFactory",
    "applicant_person",
    "instructor",
    "labelled",
    "programme_admin",
    "territory_lead",
    "with_collective_details",
    "with_communes",
]


def programme_admin(programme: Programme, **kwargs):
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, role=Role.PROGRAMME_ADMIN, programme=programme)
    return user


def instructor(programme: Programme):
    user = UserFactory()
    Membership.objects.create(user=user, role=Role.INSTRUCTOR, programme=programme)
    return user


def territory_lead(application: Application):
    user = UserFactory()
    Membership.objects.create(
        user=user, role=Role.TERRITORY_LEAD, collective=application.collective
    )
    return user


def applicant_person(application: Application):
    user = UserFactory()
    ApplicationPerson.objects.create(
        application=application, user=user, email=user.email, is_lead=True, is_signatory=True
    )
    return user


def with_collective_details(application: Application) -> None:
    """Two organisations (lead and member) and one challenge with two lines."""
    lead = OrganisationFactory(name="Région témoin")
    member = OrganisationFactory(name="Association témoin")
    CollectiveMember.objects.create(
        collective=application.collective, organisation=lead, role="lead", position=0
    )
    CollectiveMember.objects.create(
        collective=application.collective, organisation=member, role="member", position=1
    )
    Challenge.objects.create(
        application=application,
        title="Alimentation et consommation",
        lines=["supermarchés coopératifs", "tiers lieux agricoles"],
    )


def with_communes(perimeter: Perimeter, insee_codes: list[str], region_code="75") -> None:
    """Give ``perimeter`` communes (with their département and région) for the map."""
    region, _ = Region.objects.get_or_create(
        code=region_code, defaults={"name": f"Région {region_code}"}
    )
    for insee in insee_codes:
        dep_code = insee[:3] if insee.startswith("97") else insee[:2]
        departement, _ = Departement.objects.get_or_create(
            code=dep_code, defaults={"name": f"Département {dep_code}", "region": region}
        )
        commune, _ = Commune.objects.get_or_create(
            insee=insee,
            defaults={"name": f"Commune {insee}", "departement": departement, "region": region},
        )
        PerimeterCommune.objects.get_or_create(perimeter=perimeter, commune=commune)


def labelled(application: Application, user, granted_on=None, valid_until=None) -> Label:
    """A decided, labelled application with its label (as a published wave would leave it),
    valid without end date unless ``valid_until`` is given."""
    granted_on = granted_on or application.wave.announced_on
    Decision.objects.create(
        application=application,
        wave=application.wave,
        outcome=Outcome.LABELLED,
        motivation="Dossier solide.",
        decided_by=user,
    )
    Application.objects.filter(pk=application.pk).update(status=Status.LABELLED)
    return Label.objects.create(
        application=application,
        programme=application.wave.programme,
        perimeter=application.perimeter,
        wave=application.wave,
        granted_on=granted_on,
        valid_until=valid_until,
    )
