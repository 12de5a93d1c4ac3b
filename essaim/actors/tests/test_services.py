"""The write services: permission, validation named by field, history, search columns."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory, UserFactory
from essaim.actors import services
from essaim.actors.models import Organisation, Partnership, Person
from essaim.actors.tests.factories import OrganisationFactory, commune
from essaim.calls.models import Programme
from essaim.core.models import HistoryEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    programme = Programme.objects.create(slug="p", name="P", label_name="L")
    return MembershipFactory(role=Role.PROGRAMME_ADMIN, programme=programme).user


@pytest.fixture
def superuser():
    """The owner of every shared organisation (programme admins are not)."""
    return UserFactory(is_superuser=True, is_staff=True)


def member_of(organisation, role=Role.FINANCER):
    return MembershipFactory(role=role, organisation=organisation, programme=None).user


def test_create_is_for_programme_admins_only(admin):
    for user in (UserFactory(), member_of(OrganisationFactory())):
        with pytest.raises(PermissionDenied):
            services.organisation_create(user=user, data={"name": "X", "kind": "association"})
    assert not Organisation.objects.filter(name="X").exists()
    organisation = services.organisation_create(
        user=admin, data={"name": "X", "kind": "association", "siret": "200 053 759 00011"}
    )
    assert (organisation.siren, organisation.siret) == ("200053759", "20005375900011")
    assert Organisation.objects.search("200053759").get() == organisation


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"legal_category": "9999"}, "legal_category"),
        ({"siren": "200053758"}, "siren"),
        ({"siret": "20005375900012"}, "siret"),
        ({"siren": "320252489", "siret": "20005375900011"}, "siret"),
        ({"kind": "spaceship"}, "kind"),
        ({"search_text": "hack"}, "search_text"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(admin, data, field):
    with pytest.raises(ValidationError) as error:
        services.organisation_create(user=admin, data={"name": "X", "kind": "association", **data})
    assert field in error.value.message_dict
    assert not Organisation.objects.filter(name="X").exists()
    assert not HistoryEvent.objects.exists()


def test_update_records_the_changed_fields_and_refreshes_search(superuser):
    niort = commune()
    organisation = OrganisationFactory(name="Ancien nom", is_ess=False)
    services.organisation_update(
        user=superuser,
        organisation=organisation,
        data={"name": "Nouveau nom", "is_ess": True, "commune": niort, "acronym": ""},
    )
    event = HistoryEvent.objects.for_object(organisation).get()
    assert event.actor == superuser
    assert event.payload == {
        "changes": {
            "name": ["Ancien nom", "Nouveau nom"],
            "is_ess": [False, True],
            "commune": [None, str(niort.pk)],
        }
    }
    assert Organisation.objects.search("niort").get().name == "Nouveau nom"


def test_update_refused_changes_nothing(superuser):
    organisation = OrganisationFactory(name="Nom")
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            user=member_of(OrganisationFactory()), organisation=organisation, data={"name": "Z"}
        )
    with pytest.raises(ValidationError):
        services.organisation_update(
            user=superuser, organisation=organisation, data={"name": "Z", "legal_category": "0000"}
        )
    organisation.refresh_from_db()
    assert organisation.name == "Nom"
    assert not HistoryEvent.objects.exists()


def test_person_add(superuser):
    organisation = OrganisationFactory()
    with pytest.raises(PermissionDenied):
        services.person_add(
            user=UserFactory(), organisation=organisation, first_name="A", last_name="B"
        )
    with pytest.raises(ValidationError) as error:
        services.person_add(
            user=superuser,
            organisation=organisation,
            first_name="A",
            last_name="B",
            email="pas-un-mail",
        )
    assert "email" in error.value.message_dict
    person = services.person_add(
        user=member_of(organisation, Role.COMPANY),
        organisation=organisation,
        first_name=" Alice ",
        last_name="Martin",
        email="Alice@Example.org",
    )
    assert (person.first_name, person.email, person.is_public) == (
        "Alice",
        "alice@example.org",
        False,
    )
    assert Person.objects.count() == 1


def test_partnership_add(superuser):
    a, b = OrganisationFactory(), OrganisationFactory()
    with pytest.raises(ValidationError) as error:
        services.partnership_add(user=superuser, source=a, target=a, kind="member_of")
    assert "target" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.partnership_add(
            user=superuser,
            source=a,
            target=b,
            kind="funds",
            started_on=datetime.date(2020, 1, 1),
            ended_on=datetime.date(2019, 1, 1),
        )
    assert "ended_on" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.partnership_add(
            user=member_of(OrganisationFactory()), source=a, target=b, kind="funds"
        )
    # a member of the target may declare it too
    partnership = services.partnership_add(
        user=member_of(b), source=a, target=b, kind="funds", started_on=datetime.date(2019, 2, 25)
    )
    assert Partnership.objects.get() == partnership
    assert HistoryEvent.objects.for_object(a).get().action == "partnership_added"
    assert HistoryEvent.objects.for_object(b).get().payload["started_on"] == "2019-02-25"
