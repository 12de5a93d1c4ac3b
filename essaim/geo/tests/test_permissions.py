"""Perimeters are shared (docs/architecture.md): everyone reads them; their creator or a superuser
changes them — and once a label uses one, only the admins of that label's programme. Every page
and endpoint of geo tried by the people of another programme, another territory, a project
holder: reads stay public, writes are refused and nothing changes."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory, UserFactory
from essaim.calls.models import Programme
from essaim.core.models import HistoryEvent
from essaim.geo.models import Perimeter, PerimeterUnit
from essaim.geo.services import Unit, perimeter_create, perimeter_update
from essaim.labels.tests.factories import ApplicationFactory, ProgrammeFactory, labelled

pytestmark = pytest.mark.django_db

CREATE = reverse("geo:perimeter_create")
API = "/api/v1/geo/perimeters"


@pytest.fixture
def people(geography):
    """Programme A labels the CA du Niortais; programme B is another programme; an instructor
    of B built the Gâtine perimeter, which no label uses."""
    labelling = ProgrammeFactory(french_impact=True)
    other = Programme.objects.create(
        slug="programme-regional", name="Programme régional (fictif)", label_name="PR"
    )

    def member(role, **scope):
        return MembershipFactory(role=role, **scope).user

    admin = member(Role.PROGRAMME_ADMIN, programme=labelling)
    creator = member(Role.INSTRUCTOR, programme=other)
    niortais = perimeter_create(
        user=creator, name="CA du Niortais", units=[Unit("epci", "200041317")]
    )
    application = ApplicationFactory(
        proposed=True, wave__programme=labelling, collective__perimeter=niortais, perimeter=niortais
    )
    label = labelled(application, admin)
    gatine = perimeter_create(
        user=creator, name="Gâtine", units=[Unit("epci", "200041333")], description="Bocage."
    )
    lead_collective = application.collective
    return SimpleNamespace(
        labelling=labelling,
        other=other,
        label=label,
        niortais=niortais,
        gatine=gatine,
        admin=admin,
        creator=creator,
        instructor=member(Role.INSTRUCTOR, programme=labelling),
        officer=member(Role.SINGLE_WINDOW_OFFICER, programme=labelling),
        other_admin=member(Role.PROGRAMME_ADMIN, programme=other),
        other_instructor=member(Role.INSTRUCTOR, programme=other),
        other_officer=member(Role.SINGLE_WINDOW_OFFICER, programme=other),
        lead=member(Role.TERRITORY_LEAD, collective=lead_collective),
        holder=_holder(),
        superuser=UserFactory(is_superuser=True, is_staff=True),
        nobody=UserFactory(),
    )


def _holder():
    from essaim.actors.models import Organisation

    organisation = Organisation.objects.create(name="Association (test)", kind="association")
    return MembershipFactory(role=Role.PROJECT_HOLDER, organisation=organisation).user


def _state(perimeter) -> tuple:
    perimeter.refresh_from_db()
    return (
        perimeter.name,
        perimeter.description,
        sorted(perimeter.units.values_list("kind", "code", "excluded")),
        perimeter.commune_count,
        HistoryEvent.objects.for_object(perimeter).count(),
    )


def _update_url(perimeter) -> str:
    return reverse("geo:perimeter_update", args=[perimeter.slug])


REDEFINE = {"name": "Renommé", "units": "region 52"}


@pytest.mark.parametrize(
    "who",
    [
        "creator",  # built it, but is not an admin of the labelling programme
        "instructor",  # of the labelling programme, not an admin
        "officer",
        "other_admin",
        "other_instructor",
        "other_officer",
        "lead",
        "holder",
        "nobody",
    ],
)
def test_labelled_perimeter_redefined_only_by_its_programme_admins(client, people, who):
    """Finding: any programme's staff could rename or redefine a labelled territory shown on
    the public label pages."""
    user = getattr(people, who)
    before = _state(people.niortais)
    client.force_login(user)
    assert client.get(_update_url(people.niortais)).status_code == 403
    assert client.post(_update_url(people.niortais), REDEFINE).status_code == 403
    with pytest.raises(PermissionDenied, match="territoire labellisé"):
        perimeter_update(user=user, perimeter=people.niortais, name="Renommé")
    assert _state(people.niortais) == before
    page = client.get(reverse("geo:perimeter_detail", args=[people.niortais.slug]))
    assert page.status_code == 200
    assert _update_url(people.niortais) not in page.content.decode()


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_labelled_perimeter_is_redefined_by_the_labelling_programme_admins(client, people, who):
    client.force_login(getattr(people, who))
    page = client.get(reverse("geo:perimeter_detail", args=[people.niortais.slug]))
    assert _update_url(people.niortais) in page.content.decode()
    response = client.post(_update_url(people.niortais), REDEFINE)
    assert response.status_code == 302
    people.niortais.refresh_from_db()
    assert people.niortais.name == "Renommé"
    assert list(people.niortais.units.values_list("code", flat=True)) == ["52"]
    event = HistoryEvent.objects.for_object(people.niortais).get(action="perimeter.updated")
    assert event.actor == getattr(people, who)


def test_a_perimeter_used_by_two_programmes_needs_the_admins_of_both(people):
    second = ApplicationFactory(
        proposed=True,
        wave__programme=people.other,
        collective__perimeter=people.niortais,
        perimeter=people.niortais,
    )
    labelled(second, people.other_admin)
    before = _state(people.niortais)
    for user in (people.admin, people.other_admin):
        with pytest.raises(PermissionDenied):
            perimeter_update(user=user, perimeter=people.niortais, name="Renommé")
    assert _state(people.niortais) == before
    both = MembershipFactory(role=Role.PROGRAMME_ADMIN, programme=people.other).user
    MembershipFactory(user=both, role=Role.PROGRAMME_ADMIN, programme=people.labelling)
    assert perimeter_update(user=both, perimeter=people.niortais, name="Renommé")


@pytest.mark.parametrize(
    "who",
    ["admin", "instructor", "other_admin", "other_instructor", "other_officer", "lead", "holder"],
)
def test_unlabelled_perimeter_changed_only_by_its_creator_or_a_superuser(client, people, who):
    """Finding: an instructor or admin of any programme could rename or redefine any
    perimeter."""
    before = _state(people.gatine)
    client.force_login(getattr(people, who))
    assert client.get(_update_url(people.gatine)).status_code == 403
    assert client.post(_update_url(people.gatine), REDEFINE).status_code == 403
    with pytest.raises(PermissionDenied):
        perimeter_update(user=getattr(people, who), perimeter=people.gatine, units=[])
    assert _state(people.gatine) == before


@pytest.mark.parametrize("who", ["creator", "superuser"])
def test_creator_and_superuser_change_an_unlabelled_perimeter(client, people, who):
    client.force_login(getattr(people, who))
    response = client.post(_update_url(people.gatine), {"name": "Gâtine", "units": "region 52"})
    assert response.status_code == 302
    assert list(people.gatine.units.values_list("code", flat=True)) == ["52"]


def test_perimeter_create_records_its_creator(people):
    assert people.gatine.created_by == people.creator
    system = perimeter_create(user=None, name="Système", units=[Unit("region", "75")])
    assert system.created_by is None


@pytest.mark.parametrize(("who", "status"), [("lead", 403), ("holder", 403), ("nobody", 403)])
def test_only_programme_staff_create_perimeters(client, people, who, status):
    count = Perimeter.objects.count()
    client.force_login(getattr(people, who))
    assert client.get(CREATE).status_code == status
    assert client.post(CREATE, {"name": "Intrus", "units": "region 75"}).status_code == status
    assert Perimeter.objects.count() == count


def test_reads_stay_public_to_everyone(client, people):
    for user in (None, people.other_officer, people.holder):
        if user is not None:
            client.force_login(user)
        for slug in (people.niortais.slug, people.gatine.slug):
            assert client.get(reverse("geo:perimeter_detail", args=[slug])).status_code == 200
        assert client.get(reverse("geo:perimeter_list")).status_code == 200
        assert client.get(f"{API}/{people.niortais.pk}").status_code == 200
        assert client.get(f"{API}/{people.niortais.pk}/communes").status_code == 200


def test_the_api_writes_perimeters_only_as_the_pages(client, people):
    """``PATCH`` follows the rules (``test_api_writes``); there is no replacing or deleting."""
    before = _state(people.niortais)
    client.force_login(people.other_admin)
    url = f"{API}/{people.niortais.pk}"
    for method, status in ((client.put, 405), (client.patch, 403), (client.delete, 405)):
        response = method(url, {"name": "Renommé"}, content_type="application/json")
        assert response.status_code == status
    assert _state(people.niortais) == before
    assert PerimeterUnit.objects.filter(perimeter=people.niortais).count() == 1


def test_history_shown_to_programme_staff_and_those_who_may_change(client, people):
    url = reverse("geo:perimeter_detail", args=[people.gatine.slug])
    for user, shown in (
        (people.creator, True),
        (people.other_instructor, True),
        (people.holder, False),
        (people.lead, False),
    ):
        client.force_login(user)
        assert ('id="perimeter-history"' in client.get(url).content.decode()) is shown
