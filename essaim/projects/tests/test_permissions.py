"""Projects are owned by the programmes whose applications or labels cover their territory or
collective (docs/architecture.md). Every page and endpoint of projects tried by the other side —
another programme's admin, instructor and single-window officer, another territory's lead,
another project holder, another financer: published projects stay public, unpublished ones are a
404, every write is refused and the tables do not change."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from essaim.accounts.models import Role
from essaim.accounts.tests.factories import MembershipFactory, UserFactory
from essaim.labels.tests.factories import ApplicationFactory as LabelledApplicationFactory
from essaim.labels.tests.factories import WaveFactory, labelled
from essaim.projects import services
from essaim.projects.models import Need, Project, programme_ids_of
from essaim.projects.rules import can_edit_project

OUTSIDERS = ["admin", "instructor", "officer", "lead", "holder"]  # of the rival programme


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def outsider(world, rival, who):
    return world.other_financer if who == "other_financer" else getattr(rival, who)


def _state(project) -> tuple:
    project.refresh_from_db()
    return (project.title, project.stage, project.is_published, project.needs.count())


FORM = {
    "title": "Volé",
    "summary": "Résumé",
    "stage": "seed",
    "domains": ["food"],
    "is_published": "on",
}


@pytest.mark.parametrize("who", [*OUTSIDERS, "other_financer"])
def test_instructor_of_other_programme_cannot_create_or_edit_project(world, rival, who):
    """Finding: an instructor or admin of any programme could create and edit any project."""
    user = outsider(world, rival, who)
    project = world.supermarket
    before, count = _state(project), Project.objects.count()
    client = client_for(user)
    assert client.get(f"/projets/{project.pk}/").status_code == 200  # published: public
    assert client.get(f"/projets/{project.pk}/modifier/").status_code == 403
    form = {**FORM, "collective": world.collective.pk, "perimeter": world.collective.perimeter.pk}
    assert client.post(f"/projets/{project.pk}/modifier/", form).status_code == 403
    response = client.post(
        f"/projets/{project.pk}/besoins/", {"kind": "skills", "purpose": "Un comptable"}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.project_update(user=user, project=project, data={"title": "Volé"})
    with pytest.raises(PermissionDenied):
        services.project_create(
            user=user,
            holder=world.epicerie,
            data={**_data(), "collective": world.collective},
        )
    response = client.post(
        "/api/v1/projects",
        data=json.dumps(
            {**_api(), "holder_id": world.epicerie.pk, "collective_id": world.collective.pk}
        ),
        content_type="application/json",
    )
    assert response.status_code == 403
    page = client.get(f"/projets/{project.pk}/").content.decode()
    assert f"/projets/{project.pk}/modifier/" not in page
    assert _state(project) == before
    assert Project.objects.count() == count


@pytest.mark.parametrize("who", [*OUTSIDERS, "other_financer"])
def test_unpublished_project_is_404_to_the_other_side(world, rival, who):
    Project.objects.filter(pk=world.supermarket.pk).update(is_published=False)
    client = client_for(outsider(world, rival, who))
    pk = world.supermarket.pk
    for url in (
        f"/projets/{pk}/",
        f"/projets/{pk}/modifier/",
        f"/financement/projets/{pk}/",
        f"/api/v1/projects/{pk}",
        f"/api/v1/projects/{pk}/matches",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/projets/{pk}/besoins/", {"kind": "skills"}).status_code == 404
    listed = client.get("/api/v1/projects").json()["items"]
    assert pk not in [p["id"] for p in listed]
    assert "Supermarché coopératif" not in client.get("/projets/").content.decode()


@pytest.mark.parametrize("who", ["admin", "instructor"])
def test_staff_of_the_owning_programme_edit_and_see_unpublished_projects(world, rival, who):
    user = getattr(rival, who)
    project = rival.project
    Project.objects.filter(pk=project.pk).update(is_published=False)
    assert client_for(user).get(f"/projets/{project.pk}/").status_code == 200
    services.project_update(user=user, project=project, data={"stage": "development"})
    services.need_add(user=user, project=project, kind="skills", purpose="Un comptable")
    assert _state(project)[1:] == ("development", False, 1)
    assert not can_edit_project(user, world.supermarket)


def test_staff_create_projects_only_in_their_programmes_territories(world, rival):
    created = services.project_create(
        user=rival.instructor,
        holder=rival.organisation,
        data={**_data(), "collective": rival.collective},
    )
    assert programme_ids_of(created) == {rival.programme.pk}
    count = Project.objects.count()
    for territory in ({"collective": world.collective}, {"perimeter": world.collective.perimeter}):
        with pytest.raises(PermissionDenied):
            services.project_create(
                user=rival.instructor, holder=rival.organisation, data={**_data(), **territory}
            )
    with pytest.raises(PermissionDenied):  # nor move one of theirs into another territory
        services.project_update(
            user=rival.instructor,
            project=created,
            data={"collective": world.collective, "perimeter": world.collective.perimeter},
        )
    assert Project.objects.count() == count
    created.refresh_from_db()
    assert created.collective == rival.collective


def test_holders_and_territory_people_keep_their_rights(world, rival):
    for user in (world.holder, world.lead):
        assert can_edit_project(user, world.supermarket)
        assert not can_edit_project(user, rival.project)
    assert can_edit_project(rival.holder, rival.project)
    assert can_edit_project(rival.lead, rival.project)


def test_a_label_makes_its_programme_own_the_territory(world, rival):
    """Labels count as well as applications: a programme that labelled a territory owns its
    projects."""
    application = LabelledApplicationFactory(
        proposed=True,
        wave=WaveFactory(french_impact=True, programme=rival.programme),
        collective__perimeter=world.other_collective.perimeter,
    )
    labelled(application, rival.admin)
    assert rival.programme.pk in programme_ids_of(world.other_project)
    assert world.other_project in Project.objects.of_programmes(
        _scope({rival.programme.pk})
    ) and world.supermarket not in Project.objects.of_programmes(_scope({rival.programme.pk}))
    assert can_edit_project(rival.instructor, world.other_project)


def test_of_programmes_is_the_one_definition(world, rival):
    from essaim.accounts import permissions

    staff = permissions.staff_programmes(rival.admin)
    assert list(Project.objects.of_programmes(staff)) == [rival.project]
    assert set(Project.objects.of_programmes(permissions.staff_programmes(world.staff))) == {
        world.supermarket,
        world.other_project,
    }
    assert not Project.objects.of_programmes(permissions.staff_programmes(world.holder)).exists()
    superuser = UserFactory(is_superuser=True)
    assert Project.objects.of_programmes(permissions.staff_programmes(superuser)).count() == 3


def test_single_window_officers_are_not_project_staff(world, rival):
    officer = MembershipFactory(role=Role.SINGLE_WINDOW_OFFICER, programme=world.programme).user
    assert not can_edit_project(officer, world.supermarket)
    with pytest.raises(PermissionDenied):
        services.need_add(user=officer, project=world.supermarket, kind="skills", purpose="x")
    assert Need.objects.filter(project=world.supermarket).count() == 1


def test_staff_directory_query_budget(world, rival, django_assert_max_num_queries):
    from essaim.projects.tests.factories import ProjectFactory

    Project.objects.bulk_create(
        ProjectFactory.build_batch(
            300, holder=world.epicerie, perimeter=world.collective.perimeter, is_published=False
        )
    )
    client = client_for(world.staff)
    client.get("/projets/")
    with django_assert_max_num_queries(9):
        response = client.get("/projets/", {"page": "2"})
    assert response.context["page"].paginator.count == 303
    assert client_for(rival.admin).get("/projets/").context["page"].paginator.count == 3


def _scope(ids):
    from essaim.accounts.permissions import Scope

    return Scope(ids=frozenset(ids))


def _data() -> dict:
    return {
        "title": "Tiers-lieu nourricier",
        "summary": "Un lieu pour cuisiner ensemble.",
        "stage": "emergence",
        "domains": ["food"],
    }


def _api() -> dict:
    return {"title": "Ressourcerie", "summary": "Réemploi", "stage": "seed"}
