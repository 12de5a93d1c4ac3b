"""The directory is shared (docs/architecture.md): an organisation is changed by its own members
or a superuser; one registered through an application stays out of the public directory until
the staff of the programme it applies to confirm it; placeholder SIRET/SIREN are refused. Every
page and endpoint of actors tried by another programme's staff, another territory's lead,
another project holder and another financer: reads 404 (or public), writes refused, nothing
changed."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory, UserFactory
from essaim.actors import services
from essaim.actors.models import CollectiveMember, Organisation, Partnership, Person
from essaim.actors.tests.factories import CollectiveMemberFactory, OrganisationFactory
from essaim.actors.validators import validate_siren, validate_siret
from essaim.applications.services import applying
from essaim.applications.tests.factories import ApplicationFactory, lead_of
from essaim.calls.models import Programme
from essaim.calls.tests.factories import FormVersionFactory
from essaim.core.models import HistoryEvent

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("actors:directory")
TO_VERIFY = reverse("actors:organisations_to_verify")
API = "/api/v1/organisations"
NEW_SIRET = "44306184100047"  # a real SIRET (Luhn), unknown to the directory


@pytest.fixture
def people():
    """Programme A, whose application comes from collective A (with the Épicerie); programme B
    with its own collective; one person per role on each side."""
    programme_a, programme_b = (
        Programme.objects.create(slug=slug, name=name, label_name="Label")
        for slug, name in (("programme-a", "Programme A"), ("programme-b", "Programme B"))
    )
    application = ApplicationFactory(form_version=FormVersionFactory(call__programme=programme_a))
    application_b = ApplicationFactory(form_version=FormVersionFactory(call__programme=programme_b))
    epicerie = OrganisationFactory(name="Épicerie coopérative")
    CollectiveMemberFactory(collective=application.collective, organisation=epicerie)
    financer_org = OrganisationFactory(name="Banque solidaire", kind="financer")

    def member(role, **scope):
        return MembershipFactory(role=role, **scope).user

    return SimpleNamespace(
        programme_a=programme_a,
        application=application,
        epicerie=epicerie,
        applicant=lead_of(application).user,  # an application's lead: no membership needed
        lead=member(Role.TERRITORY_LEAD, collective=application.collective),
        holder=member(Role.PROJECT_HOLDER, organisation=epicerie),
        admin=member(Role.PROGRAMME_ADMIN, programme=programme_a),
        instructor=member(Role.INSTRUCTOR, programme=programme_a),
        officer=member(Role.SINGLE_WINDOW_OFFICER, programme=programme_a),
        other_admin=member(Role.PROGRAMME_ADMIN, programme=programme_b),
        other_instructor=member(Role.INSTRUCTOR, programme=programme_b),
        other_officer=member(Role.SINGLE_WINDOW_OFFICER, programme=programme_b),
        other_lead=member(Role.TERRITORY_LEAD, collective=application_b.collective),
        other_holder=member(Role.PROJECT_HOLDER, organisation=OrganisationFactory()),
        other_financer=member(Role.FINANCER, organisation=financer_org),
        superuser=UserFactory(is_superuser=True, is_staff=True),
        nobody=UserFactory(),
    )


def register(people) -> Organisation:
    """What the collective page does: the applicant adds an organisation by its SIRET."""
    organisation = applying.organisation_for_siret(
        siret=NEW_SIRET, name="Coopérative nouvelle", user=people.applicant
    )
    applying.collective_member_add(
        user=people.applicant,
        application=people.application,
        organisation=organisation,
        role="member",
    )
    return organisation


def client_for(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _listed(client, name="Coopérative nouvelle") -> tuple[bool, bool]:
    """Whether the directory page and the API list show the organisation named ``name``."""
    page = client.get(DIRECTORY, {"q": "cooperative"}).content.decode()
    items = client.get(API, {"q": "cooperative"}).json()["items"]
    return name in page, any(item["name"] == name for item in items)


# --- Placeholder numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "siret", ["00000000000000", "11111111111111", "12345678901234", "12345678200007"]
)
def test_all_zero_siret_refused(client, people, siret):
    """Finding: ``00000000000000`` passed as a SIRET (it passes Luhn) and created a public
    directory entry."""
    with pytest.raises(ValidationError) as error:
        validate_siret(siret)
    assert error.value.code == "siret_placeholder"
    assert f"Le SIRET « {siret} » est un numéro fictif" in error.value.messages[0]
    count = Organisation.objects.count()
    with pytest.raises(ValidationError) as error:
        applying.organisation_for_siret(siret=siret, name="Fantôme", user=people.applicant)
    assert "siret" in error.value.message_dict
    client.force_login(people.admin)
    response = client.post(
        reverse("actors:organisation_create"),
        {"name": "Fantôme", "kind": "association", "siret": siret},
    )
    assert response.status_code == 200
    assert "numéro fictif" in response.content.decode()
    assert Organisation.objects.count() == count


@pytest.mark.parametrize("siren", ["000000000", "999999999", "123456789", "123456782"])
def test_placeholder_siren_refused(siren):
    with pytest.raises(ValidationError) as error:
        validate_siren(siren)
    assert error.value.code == "siren_placeholder"
    assert "Le SIREN" in error.value.messages[0]


def test_la_poste_and_real_numbers_are_not_placeholders():
    for siren in ("356000000", "200053759", "320252489"):
        validate_siren(siren)
    for siret in ("35600000000048", "20005375900011", NEW_SIRET):
        validate_siret(siret)


# --- Organisations registered through an application ------------------------------------------


def test_organisation_created_by_application_hidden_from_directory_until_verified(client, people):
    organisation = register(people)
    assert organisation.verified_at is None
    assert organisation.created_by == people.applicant
    detail = organisation.get_absolute_url()
    for who in (
        None,
        "nobody",
        "officer",  # single-window officers are not the programme's instruction staff
        "other_admin",
        "other_instructor",
        "other_officer",
        "other_lead",
        "other_holder",
        "other_financer",
    ):
        client_for(client, getattr(people, who) if who else None)
        assert client.get(detail).status_code == 404, who
        assert client.get(f"{API}/{organisation.pk}").status_code == 404, who
        assert _listed(client) == (False, False), who
    for who in ("applicant", "lead", "instructor", "admin", "superuser"):
        client_for(client, getattr(people, who))
        response = client.get(detail)
        assert response.status_code == 200, who
        assert 'id="organisation-unverified"' in response.content.decode()
        assert _listed(client) == (True, True), who

    client_for(client, people.instructor)
    response = client.post(reverse("actors:organisation_verify", args=[organisation.pk]))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.verified_by, organisation.is_verified) == (people.instructor, True)
    event = HistoryEvent.objects.for_object(organisation).get(action="organisation_verified")
    assert event.actor == people.instructor
    client_for(client, None)
    assert client.get(detail).status_code == 200
    assert _listed(client) == (True, True)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # The unverified organisation is not visible to them: not found.
        ("other_admin", 404),
        ("other_instructor", 404),
        ("other_officer", 404),
        ("officer", 404),
        ("other_lead", 404),
        ("other_holder", 404),
        ("nobody", 404),
        # They see it (they registered it through their application) but may not confirm it.
        ("applicant", 403),
        ("lead", 403),
    ],
)
def test_only_staff_of_the_applied_programme_confirm_an_organisation(client, people, who, expected):
    organisation = register(people)
    user = getattr(people, who)
    client_for(client, user)
    response = client.post(reverse("actors:organisation_verify", args=[organisation.pk]))
    assert response.status_code == expected
    with pytest.raises(PermissionDenied):
        services.organisation_verify(user=user, organisation=organisation)
    organisation.refresh_from_db()
    assert organisation.verified_at is None
    assert not HistoryEvent.objects.filter(action="organisation_verified").exists()


def test_an_organisation_is_confirmed_once(people):
    organisation = register(people)
    services.organisation_verify(user=people.admin, organisation=organisation)
    with pytest.raises(ValidationError) as error:
        services.organisation_verify(user=people.instructor, organisation=organisation)
    assert "déjà confirmée" in error.value.messages[0]
    assert HistoryEvent.objects.filter(action="organisation_verified").count() == 1


def test_staff_list_the_organisations_to_confirm(client, people, django_assert_max_num_queries):
    organisation = register(people)
    client_for(client, people.instructor)
    with django_assert_max_num_queries(8):
        response = client.get(TO_VERIFY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Coopérative nouvelle" in html and NEW_SIRET in html
    assert people.application.collective.name in html
    directory = client.get(DIRECTORY).content.decode()
    assert 'id="directory-to-verify"' in directory and "1 organisation à confirmer" in directory
    client_for(client, people.other_instructor)
    html = client.get(TO_VERIFY).content.decode()
    assert "Coopérative nouvelle" not in html
    for who in ("lead", "other_holder", "other_financer", "officer"):
        client_for(client, getattr(people, who))
        assert client.get(TO_VERIFY).status_code == 403, who
        assert 'id="directory-to-verify"' not in client.get(DIRECTORY).content.decode()
    client_for(client, people.instructor)
    response = client.post(
        reverse("actors:organisation_verify", args=[organisation.pk]), {"next": "list"}
    )
    assert response["Location"] == TO_VERIFY
    client.get(TO_VERIFY)  # shows the confirmation message once
    assert 'id="to-verify-empty"' in client.get(TO_VERIFY).content.decode()


def test_an_unconfirmed_partner_stays_off_public_pages(client, people):
    organisation = register(people)
    Partnership.objects.create(source=organisation, target=people.epicerie, kind="cooperates")
    page = client.get(people.epicerie.get_absolute_url()).content.decode()
    assert "Coopérative nouvelle" not in page
    body = client.get(f"{API}/{people.epicerie.pk}").json()
    assert body["partnerships"] == []
    count = Partnership.objects.count()
    with pytest.raises(ValidationError):  # the Épicerie's holder does not see it
        services.partnership_add(
            user=people.holder, source=people.epicerie, target=organisation, kind="funds"
        )
    assert Partnership.objects.count() == count


# --- Changing an organisation: its own members or a superuser ---------------------------------


def _state(organisation) -> tuple:
    organisation.refresh_from_db()
    return (
        organisation.name,
        Person.objects.filter(organisation=organisation).count(),
        Partnership.objects.filter(source=organisation).count()
        + Partnership.objects.filter(target=organisation).count(),
        HistoryEvent.objects.for_object(organisation).count(),
    )


@pytest.mark.parametrize(
    "who",
    [
        "admin",
        "instructor",
        "other_admin",
        "other_instructor",
        "other_officer",
        "lead",
        "other_lead",
        "other_holder",
        "other_financer",
    ],
)
def test_programme_staff_and_other_organisations_cannot_change_an_organisation(client, people, who):
    user = getattr(people, who)
    organisation = people.epicerie
    before = _state(organisation)
    client_for(client, user)
    pk = organisation.pk
    assert client.get(reverse("actors:organisation_update", args=[pk])).status_code == 403
    assert (
        client.post(
            reverse("actors:organisation_update", args=[pk]),
            {"name": "Volée", "kind": "association"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("actors:person_add", args=[pk]), {"first_name": "A", "last_name": "B"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("actors:partnership_add", args=[pk]),
            {"direction": "out", "kind": "funds", "other": OrganisationFactory().pk},
        ).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        services.organisation_update(user=user, organisation=organisation, data={"name": "X"})
    # The public page, for them too; never the edit buttons nor private people.
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert reverse("actors:organisation_update", args=[pk]) not in page
    assert _state(organisation) == before


@pytest.mark.parametrize("who", ["holder", "superuser"])
def test_own_members_and_a_superuser_change_an_organisation(client, people, who):
    client_for(client, getattr(people, who))
    response = client.post(
        reverse("actors:organisation_update", args=[people.epicerie.pk]),
        {"name": "Épicerie renommée", "kind": "association"},
    )
    assert response.status_code == 302
    people.epicerie.refresh_from_db()
    assert people.epicerie.name == "Épicerie renommée"


def test_programme_admins_still_create_confirmed_organisations(client, people):
    client_for(client, people.other_admin)
    response = client.post(
        reverse("actors:organisation_create"),
        {"name": "Ellyx", "kind": "support", "siret": "20005375900011"},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Ellyx")
    assert organisation.is_verified and organisation.verified_by == people.other_admin
    assert CollectiveMember.objects.filter(organisation=organisation).count() == 0
