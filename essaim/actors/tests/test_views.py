"""The directory and the organisation pages: public reads, filters, htmx partial, query budget,
people and history visibility, and the permission matrix of the forms."""

import pytest
from django.urls import reverse

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory, UserFactory
from essaim.actors.models import Organisation, OrganisationKind, Partnership, Person
from essaim.actors.services import organisation_update
from essaim.actors.tests.factories import (
    CollectiveMemberFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    commune,
)
from essaim.calls.models import Programme
from essaim.core.models import HistoryEvent

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("actors:directory")


@pytest.fixture
def programme():
    owner = OrganisationFactory(name="Haut-Commissariat", kind=OrganisationKind.PUBLIC_BODY)
    return Programme.objects.create(
        slug="programme", name="Programme", label_name="Label", owner=owner
    )


@pytest.fixture
def admin(programme):
    return MembershipFactory(role=Role.PROGRAMME_ADMIN, programme=programme).user


@pytest.fixture
def superuser():
    """The owner of every shared organisation (programme admins are not)."""
    return UserFactory(is_superuser=True, is_staff=True)


def member_of(organisation, role=Role.FINANCER):
    return MembershipFactory(role=role, organisation=organisation, programme=None).user


# --- Directory --------------------------------------------------------------------------------


def test_directory_is_public_and_finds_france_active(client):
    OrganisationFactory(name="France Active", is_ess=True)
    OrganisationFactory(name="Bpifrance", kind=OrganisationKind.FINANCER)
    response = client.get(DIRECTORY, {"q": "france active"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "France Active" in content
    assert "Bpifrance" not in content
    assert "1 organisation trouvée" in content
    assert "<html" in content  # full page without htmx


def test_directory_filters_by_region_kind_ess_esus(client):
    niort = commune("79191", "Niort", ("79", "Deux-Sèvres"), ("75", "Nouvelle-Aquitaine"))
    caen = commune("14118", "Caen", ("14", "Calvados"), ("28", "Normandie"))
    OrganisationFactory(name="Alpha Niort", commune=niort, is_ess=True, esus_approved=True)
    OrganisationFactory(name="Beta Caen", commune=caen, is_ess=True)
    OrganisationFactory(name="Gamma Caen", commune=caen, kind=OrganisationKind.FINANCER)

    def found(**params):
        response = client.get(DIRECTORY, params)
        return [o.name for o in response.context["organisations"]]

    assert found(region="75") == ["Alpha Niort"]
    assert found(region="28") == ["Beta Caen", "Gamma Caen"]
    assert found(kind="financer") == ["Gamma Caen"]
    assert found(ess="1") == ["Alpha Niort", "Beta Caen"]
    assert found(ess="0") == ["Gamma Caen"]
    assert found(esus="1") == ["Alpha Niort"]
    assert found(region="28", ess="1") == ["Beta Caen"]


def test_directory_htmx_request_gets_only_the_results(client):
    OrganisationFactory(name="France Active")
    response = client.get(
        DIRECTORY,
        {"q": "france"},
        headers={"HX-Request": "true", "HX-Target": "directory-results"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'id="directory-results"' in content
    assert "France Active" in content


def test_directory_invalid_filter_is_reported_and_filters_nothing(client):
    OrganisationFactory(name="France Active")
    response = client.get(DIRECTORY, {"kind": "spaceship"})
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert [o.name for o in response.context["organisations"]] == ["France Active"]


def test_directory_paginates_with_a_query_budget(client, django_assert_max_num_queries):
    niort = commune()
    Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {i:03d}", kind=OrganisationKind.ASSOCIATION, commune=niort)
        for i in range(230)
    )
    with django_assert_max_num_queries(4):
        response = client.get(DIRECTORY, {"page": 3})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 230
    names = [o.name for o in response.context["organisations"]]
    assert names[0] == "Organisation 040"
    assert len(names) == 20
    with django_assert_max_num_queries(4):
        client.get(DIRECTORY, {"q": "organisation", "region": "75", "ess": "0"})


# --- Organisation page ------------------------------------------------------------------------


@pytest.fixture
def organisation():
    organisation = OrganisationFactory(
        name="France Active Normandie",
        siren="200053759",
        legal_category="9220",
        commune=commune(),
        website="https://www.franceactive.org",
        is_ess=True,
    )
    PersonFactory(organisation=organisation, first_name="Alice", last_name="Public", is_public=True)
    PersonFactory(organisation=organisation, first_name="Bob", last_name="Privé", is_public=False)
    network = OrganisationFactory(name="France Active")
    PartnershipFactory(source=organisation, target=network, kind="member_of")
    PartnershipFactory(
        source=OrganisationFactory(name="Région Normandie"), target=organisation, kind="funds"
    )
    CollectiveMemberFactory(organisation=organisation, collective__name="Collectif normand")
    return organisation


def detail(organisation):
    return reverse("actors:organisation_detail", args=[organisation.pk])


def test_organisation_page_for_the_public(client, organisation, superuser):
    organisation_update(user=superuser, organisation=organisation, data={"acronym": "FAN"})
    response = client.get(detail(organisation))
    content = response.content.decode()
    assert response.status_code == 200
    assert "9220 — Association déclarée" in content
    assert "Niort (79191), Nouvelle-Aquitaine" in content
    assert "Alice Public" in content
    assert "Bob Privé" not in content
    assert "membre de" in content and "France Active" in content
    assert "Région Normandie" in content and "finance" in content
    assert "Collectif normand" in content
    assert 'id="organisation-history"' not in content
    assert "Modifier" not in content


def test_organisation_page_unknown_is_404(client):
    assert client.get(reverse("actors:organisation_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("who", "sees_history"),
    [
        ("admin", False),
        ("own_member", True),
        ("other_member", False),
        ("instructor", False),
        ("involved_instructor", True),
        ("superuser", True),
    ],
)
def test_history_visibility(client, organisation, admin, programme, superuser, who, sees_history):
    """The history names private people: its own members, a superuser and the staff of the
    programmes its collectives apply to see it; programme staff as such do not."""
    from essaim.applications.tests.factories import ApplicationFactory

    organisation_update(user=superuser, organisation=organisation, data={"acronym": "FAN"})
    other_programme = Programme.objects.create(slug="autre", name="Autre", label_name="Label")
    ApplicationFactory(
        form_version__call__programme=other_programme,
        collective=organisation.collective_memberships.get().collective,
    )
    users = {
        "admin": lambda: admin,
        "own_member": lambda: member_of(organisation, Role.COMPANY),
        "other_member": lambda: member_of(OrganisationFactory()),
        "instructor": lambda: MembershipFactory(role=Role.INSTRUCTOR, programme=programme).user,
        "involved_instructor": lambda: (
            MembershipFactory(role=Role.INSTRUCTOR, programme=other_programme).user
        ),
        "superuser": lambda: superuser,
    }
    client.force_login(users[who]())
    content = client.get(detail(organisation)).content.decode()
    assert ('id="organisation-history"' in content) is sees_history
    assert ("sigle : — → FAN" in content) is sees_history
    assert ("Bob Privé" in content) is (sees_history and who != "involved_instructor")


# --- Writing: permission matrix ---------------------------------------------------------------

VALID = {
    "name": "Ellyx",
    "kind": "support",
    "siren": "",
    "siret": "",
    "legal_category": "",
    "commune_insee": "",
    "website": "",
    "description": "",
    "acronym": "",
}


def test_create_requires_login(client):
    response = client.post(reverse("actors:organisation_create"), VALID)
    assert response.status_code == 302
    assert "/comptes/" in response["Location"]
    assert not Organisation.objects.filter(name="Ellyx").exists()


@pytest.mark.parametrize("role", [Role.FINANCER, Role.COMPANY])
def test_create_forbidden_to_organisation_members(client, role):
    client.force_login(member_of(OrganisationFactory(), role))
    assert client.get(reverse("actors:organisation_create")).status_code == 403
    assert client.post(reverse("actors:organisation_create"), VALID).status_code == 403
    assert not Organisation.objects.filter(name="Ellyx").exists()


def test_create_forbidden_to_instructor(client, programme):
    client.force_login(MembershipFactory(role=Role.INSTRUCTOR, programme=programme).user)
    assert client.post(reverse("actors:organisation_create"), VALID).status_code == 403
    assert not Organisation.objects.filter(name="Ellyx").exists()


def test_admin_creates_with_history(client, admin):
    commune("86194", "Poitiers", ("86", "Vienne"))
    client.force_login(admin)
    response = client.post(
        reverse("actors:organisation_create"),
        {**VALID, "commune_insee": "86194", "siret": "20005375900011", "legal_category": "7230"},
    )
    organisation = Organisation.objects.get(name="Ellyx")
    assert response.status_code == 302
    assert response["Location"] == detail(organisation)
    assert organisation.siren == "200053759"  # taken from the SIRET
    assert organisation.commune.insee == "86194"
    assert organisation.search_text.startswith("ellyx")
    assert HistoryEvent.objects.for_object(organisation).get().action == "organisation_created"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"siret": "20005375900012"}, "siret", "clé de contrôle"),
        ({"siret": "2000537590001"}, "siret", "14 chiffres"),
        ({"siren": "200053758"}, "siren", "clé de contrôle"),
        (
            {"siren": "320252489", "siret": "20005375900011"},
            "siret",
            "ne commence pas par le SIREN",
        ),
        ({"legal_category": "1234"}, "legal_category", "1234"),
        ({"commune_insee": "99999"}, "commune_insee", "99999"),
        ({"name": ""}, "name", ""),
    ],
)
def test_create_bad_input_names_the_field(client, admin, data, field, message):
    client.force_login(admin)
    response = client.post(reverse("actors:organisation_create"), {**VALID, **data})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert not Organisation.objects.filter(name="Ellyx").exists()
    # named in the error summary, with a link to the field
    assert f'href="#id_{field}"' in response.content.decode()
    # what was typed is kept
    for key, value in data.items():
        if value:
            assert f'value="{value}"' in response.content.decode() or key == "legal_category"


def test_duplicate_siret_is_refused(client, admin):
    OrganisationFactory(name="Région Nouvelle-Aquitaine", siret="20005375900011")
    client.force_login(admin)
    response = client.post(
        reverse("actors:organisation_create"), {**VALID, "siret": "20005375900011"}
    )
    assert "Région Nouvelle-Aquitaine" in " ".join(response.context["form"].errors["siret"])


def _edit_payload(organisation, **changes):
    return {
        **VALID,
        "name": organisation.name,
        "kind": organisation.kind,
        "siren": organisation.siren,
        "legal_category": organisation.legal_category,
        "commune_insee": organisation.commune.insee if organisation.commune else "",
        "website": organisation.website,
        "is_ess": "on" if organisation.is_ess else "",
        **changes,
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("other_member", 403),
        ("instructor", 403),
        ("territory_lead", 403),
        ("admin", 403),
        ("superuser", 302),
        ("own_financer", 302),
        ("own_project_holder", 302),
        ("own_expert", 302),
    ],
)
def test_edit_permission_matrix(client, organisation, admin, programme, superuser, who, status):
    users = {
        "other_member": lambda: member_of(OrganisationFactory()),
        "instructor": lambda: MembershipFactory(role=Role.INSTRUCTOR, programme=programme).user,
        "territory_lead": lambda: (
            MembershipFactory(
                role=Role.TERRITORY_LEAD,
                programme=programme,
                collective=organisation.collective_memberships.get().collective,
            ).user
        ),
        "admin": lambda: admin,
        "superuser": lambda: superuser,
        "own_financer": lambda: member_of(organisation, Role.FINANCER),
        "own_project_holder": lambda: member_of(organisation, Role.PROJECT_HOLDER),
        "own_expert": lambda: member_of(organisation, Role.EXPERT),
    }
    if who != "anonymous":
        client.force_login(users[who]())
    url = reverse("actors:organisation_update", args=[organisation.pk])
    response = client.post(url, _edit_payload(organisation, name="Nouveau nom"))
    assert response.status_code == status
    organisation.refresh_from_db()
    changed = status == 302 and who != "anonymous"
    assert (organisation.name == "Nouveau nom") is changed
    events = HistoryEvent.objects.for_object(organisation).filter(action="organisation_updated")
    assert events.count() == (1 if changed else 0)
    if changed:
        assert events.get().payload == {
            "changes": {"name": ["France Active Normandie", "Nouveau nom"]}
        }
        assert response["Location"] == detail(organisation)


def test_edit_form_shows_current_values(client, organisation):
    client.force_login(member_of(organisation))
    response = client.get(reverse("actors:organisation_update", args=[organisation.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'value="200053759"' in content
    assert 'value="79191"' in content


def test_edit_without_change_writes_no_history(client, organisation):
    client.force_login(member_of(organisation))
    response = client.post(
        reverse("actors:organisation_update", args=[organisation.pk]),
        _edit_payload(organisation),
    )
    assert response.status_code == 302
    assert not HistoryEvent.objects.for_object(organisation).exists()


@pytest.mark.parametrize(("who", "status"), [("other_member", 403), ("own_member", 302)])
def test_person_add(client, organisation, who, status):
    user = member_of(organisation if who == "own_member" else OrganisationFactory())
    client.force_login(user)
    before = Person.objects.count()
    response = client.post(
        reverse("actors:person_add", args=[organisation.pk]),
        {"first_name": "Claire", "last_name": "Neuve", "job_title": "", "email": ""},
    )
    assert response.status_code == status
    assert Person.objects.count() == before + (1 if status == 302 else 0)


@pytest.mark.parametrize(("who", "status"), [("other_member", 403), ("own_member", 302)])
def test_partnership_add(client, organisation, who, status):
    other = OrganisationFactory(name="Réseau régional")
    user = member_of(organisation if who == "own_member" else OrganisationFactory())
    client.force_login(user)
    before = Partnership.objects.count()
    response = client.post(
        reverse("actors:partnership_add", args=[organisation.pk]),
        {
            "direction": "in",
            "kind": "supports",
            "other": other.pk,
            "started_on": "2019-02-25",
            "ended_on": "",
            "description": "",
        },
    )
    assert response.status_code == status
    assert Partnership.objects.count() == before + (1 if status == 302 else 0)
    if status == 302:
        partnership = Partnership.objects.get(source=other)
        assert partnership.target == organisation
        assert str(partnership.started_on) == "2019-02-25"
        assert HistoryEvent.objects.for_object(other).filter(action="partnership_added").exists()


def test_partnership_dates_must_be_ordered(client, organisation):
    client.force_login(member_of(organisation))
    response = client.post(
        reverse("actors:partnership_add", args=[organisation.pk]),
        {
            "direction": "out",
            "kind": "cooperates",
            "other": OrganisationFactory().pk,
            "started_on": "2020-01-01",
            "ended_on": "2019-01-01",
        },
    )
    assert response.status_code == 200
    assert "ended_on" in response.context["form"].errors


def test_directory_in_english(client, settings):
    OrganisationFactory(name="France Active")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(DIRECTORY, {"q": "france"}).content.decode()
    assert "Directory of organisations" in content
    assert "1 organisation found" in content


def test_siret_error_in_english(client, admin, settings):
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("actors:organisation_create"), {**VALID, "siret": "20005375900012"}
    )
    # The page as sent (error messages are lazy: read after the request, they would be
    # translated in whatever language the test thread has by then).
    assert (
        "The SIRET “20005375900012” is invalid: its check digit (Luhn) does not match."
        in response.content.decode()
    )


def test_organisation_page_query_budget(client, superuser, django_assert_max_num_queries):
    organisation = OrganisationFactory(commune=commune())
    for _ in range(30):
        PartnershipFactory(source=organisation)
        PartnershipFactory(target=organisation)
        PersonFactory(organisation=organisation, is_public=True)
        CollectiveMemberFactory(organisation=organisation)
    organisation_update(user=superuser, organisation=organisation, data={"acronym": "X"})
    with django_assert_max_num_queries(6):
        response = client.get(detail(organisation))
    assert response.content.decode().count("membre de") >= 60
    client.force_login(superuser)
    with django_assert_max_num_queries(10):
        response = client.get(detail(organisation))
    assert 'id="organisation-history"' in response.content.decode()
