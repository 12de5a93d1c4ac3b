"""Factories for the labels tests: a programme, its call, waves, proposed applications and labels.

Self-contained (they do not wait for other apps' factories) and cheap: no geography is loaded; a
perimeter may be given communes with ``with_communes(perimeter, ["75056", ...])``.
"""

import datetime

import factory

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.actors.models import Collective, CollectiveMember, Organisation, OrganisationKind
from essaim.applications.models import Application, ApplicationPerson, Challenge
from essaim.applications.tests.factories import submitted_at_for
from essaim.applications.workflow import Status
from essaim.calls.models import Call, CallKind, CallStatus, FormVersion, Programme, Wave
from essaim.geo.models import Commune, Departement, Perimeter, PerimeterCommune, Region
from essaim.labels.models import Decision, Label, Outcome


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    name = "French Impact — Territoires"
    slug = "french-impact-territoires"
    label_name = "Territoire French Impact"


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"AMI {n}")
    slug = factory.Sequence(lambda n: f"ami-{n}")
    kind = CallKind.PERMANENT_AMI
    status = CallStatus.OPEN


class FormVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormVersion

    call = factory.SubFactory(CallFactory)
    number = 1
    schema = factory.LazyFunction(lambda: {"sections": []})


class PerimeterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Perimeter

    name = factory.Sequence(lambda n: f"Territoire {n}")
    slug = factory.Sequence(lambda n: f"territoire-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.ASSOCIATION


class CollectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collective

    name = factory.Sequence(lambda n: f"Collectif {n}")
    perimeter = factory.SubFactory(PerimeterFactory)


class WaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wave

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    committee_on = datetime.date(2019, 2, 1)
    announced_on = datetime.date(2019, 2, 25)
    announced_at = "Nantes"


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A proposed application in ``wave`` (give ``wave=None`` for one outside any wave)."""

    class Meta:
        model = Application

    wave = factory.SubFactory(WaveFactory)
    call = factory.LazyAttribute(
        lambda o: CallFactory(programme=o.wave.programme) if o.wave else CallFactory()
    )
    form_version = factory.LazyAttribute(lambda o: FormVersionFactory(call=o.call))
    reference = factory.Sequence(lambda n: f"TFI-{n:05d}")
    title = factory.Sequence(lambda n: f"Candidature {n}")
    collective = factory.SubFactory(CollectiveFactory)
    perimeter = factory.LazyAttribute(lambda o: o.collective.perimeter)
    status = Status.PROPOSED
    created_by = factory.SubFactory(UserFactory)
    submitted_at = factory.LazyAttribute(submitted_at_for)


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
