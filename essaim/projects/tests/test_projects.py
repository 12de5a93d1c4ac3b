import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from essaim.core.models import HistoryEvent
from essaim.projects import services
from essaim.projects.models import Project, Stage
from essaim.projects.tests.factories import NeedFactory, ProjectFactory
from essaim.projects.tests.history_check import (
    assert_in_words,
    history_section,
    record_every_action,
    rendered_history,
)


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- Services -----------------------------------------------------------------------------------


def data(world, **over):
    base = {
        "title": "Tiers-lieu nourricier",
        "summary": "Un lieu pour cuisiner ensemble.",
        "stage": Stage.EMERGENCE,
        "collective": world.collective,
        "domains": ["food"],
    }
    base.update(over)
    return base


@pytest.mark.parametrize("who", ["holder", "lead", "staff"])
def test_create_by_allowed_people(world, who):
    project = services.project_create(
        user=getattr(world, who), holder=world.epicerie, data=data(world), communes=[world.niort]
    )
    assert project.perimeter == world.collective.perimeter  # from the collective
    assert list(project.communes.all()) == [world.niort]
    assert "tiers-lieu nourricier" in project.search_text
    assert HistoryEvent.objects.for_object(project).get().action == "created"


@pytest.mark.parametrize("who", ["other_holder", "financer", "other_lead", "nobody"])
def test_create_refused(world, who):
    before = Project.objects.count()
    with pytest.raises(PermissionDenied):
        services.project_create(user=getattr(world, who), holder=world.epicerie, data=data(world))
    assert Project.objects.count() == before


def test_create_validation_names_fields(world):
    with pytest.raises(ValidationError) as caught:
        services.project_create(
            user=world.holder,
            holder=world.epicerie,
            data=data(world, title="", founded_year=2999, domains=["unknown"]),
        )
    errors = caught.value.message_dict
    assert set(errors) >= {"title", "founded_year", "domains"}
    assert "2999" in errors["founded_year"][0]


def test_update_records_changes(world):
    services.project_update(
        user=world.holder, project=world.supermarket, data={"stage": Stage.DEVELOPMENT}
    )
    event = HistoryEvent.objects.for_object(world.supermarket).get()
    assert event.payload == {"changes": {"stage": ["seed", "development"]}}


def test_update_refused_for_another_organisation(world):
    with pytest.raises(PermissionDenied):
        services.project_update(
            user=world.other_holder, project=world.supermarket, data={"title": "Volé"}
        )
    world.supermarket.refresh_from_db()
    assert world.supermarket.title != "Volé"


def test_financing_need_requires_an_amount(world):
    with pytest.raises(ValidationError) as caught:
        services.need_add(
            user=world.holder, project=world.supermarket, kind="financing", purpose="x"
        )
    assert list(caught.value.message_dict) == ["amount"]
    need = services.need_add(
        user=world.holder, project=world.supermarket, kind="skills", purpose="Un comptable"
    )
    assert need.amount is None


# --- Directory: search, filters, query budget ---------------------------------------------------


def test_directory_search_and_filters(world):
    page = client_for().get("/projets/", {"q": "supermarche cooperatif"})
    assert page.status_code == 200
    assert "Supermarché coopératif du Marais poitevin" in page.content.decode()
    assert "Conciergerie lyonnaise" not in page.content.decode()
    html = client_for().get("/projets/", {"stage": "spreading"}).content.decode()
    assert "Conciergerie lyonnaise" in html and "Supermarché coopératif" not in html
    html = client_for().get("/projets/", {"region": "75"}).content.decode()
    assert "Supermarché coopératif" in html and "Conciergerie lyonnaise" not in html
    html = client_for().get("/projets/", {"territory": "lyon-metropole"}).content.decode()
    assert "Conciergerie lyonnaise" in html and "Supermarché coopératif" not in html
    html = client_for().get("/projets/", {"domain": "food"}).content.decode()
    assert "Supermarché coopératif" in html and "Conciergerie lyonnaise" not in html
    NeedFactory(project=world.other_project, kind="regulatory", amount=None, purpose="Statut")
    html = client_for().get("/projets/", {"need": "regulatory"}).content.decode()
    assert "Conciergerie lyonnaise" in html and "Supermarché coopératif" not in html


def test_unpublished_projects_are_hidden_from_others(world):
    world.supermarket.is_published = False
    world.supermarket.save()
    assert "Supermarché coopératif" not in client_for().get("/projets/").content.decode()
    assert client_for().get(f"/projets/{world.supermarket.pk}/").status_code == 404
    assert (
        client_for(world.other_holder).get(f"/projets/{world.supermarket.pk}/").status_code == 404
    )
    assert client_for(world.holder).get(f"/projets/{world.supermarket.pk}/").status_code == 200


def test_directory_query_budget_with_many_rows(world, django_assert_max_num_queries):
    # 10x the demo's ~200 projects
    projects = ProjectFactory.build_batch(
        2000, holder=world.epicerie, perimeter=world.collective.perimeter
    )
    for position, project in enumerate(projects):
        project.title = f"Projet {position:04d}"
        project.domains = ["food", "health"]
    Project.objects.bulk_create(projects)
    client = client_for()
    with django_assert_max_num_queries(8):
        response = client.get("/projets/", {"domain": "food", "page": "3"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2001
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/projects", {"stage": "seed"}).status_code == 200


# --- Pages: permission matrix -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("other_holder", 403), ("financer", 403), ("other_lead", 403), ("holder", 302)],
)
def test_edit_page_matrix(world, who, status):
    client = client_for(getattr(world, who) if who else None)
    url = f"/projets/{world.supermarket.pk}/modifier/"
    form = {
        "title": "Nouveau titre",
        "summary": "Résumé",
        "stage": "seed",
        "domains": ["food"],
        "is_published": "on",
        "collective": world.collective.pk,
        "perimeter": world.collective.perimeter.pk,
    }
    response = client.post(url, form)
    assert response.status_code == status
    world.supermarket.refresh_from_db()
    changed = world.supermarket.title == "Nouveau titre"
    assert changed == (who == "holder")
    if who is None:
        assert "/comptes/" in response["Location"]


def test_create_page(world):
    client = client_for(world.holder)
    assert client.get("/projets/nouveau/").status_code == 200
    response = client.post(
        "/projets/nouveau/",
        {
            "title": "Garage solidaire",
            "summary": "Réparer les voitures",
            "holder": world.epicerie.pk,
            "stage": "emergence",
            "domains": ["mobility"],
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    assert Project.objects.filter(title="Garage solidaire", holder=world.epicerie).exists()
    assert client_for(world.financer).get("/projets/nouveau/").status_code == 403


def test_need_add_page(world):
    response = client_for(world.holder).post(
        f"/projets/{world.supermarket.pk}/besoins/", {"kind": "financing", "purpose": "Stock"}
    )
    assert response.status_code == 422
    assert "montant" in response.content.decode()
    assert world.supermarket.needs.count() == 1
    response = client_for(world.other_holder).post(
        f"/projets/{world.supermarket.pk}/besoins/",
        {"kind": "financing", "purpose": "Stock", "amount": 5000},
    )
    assert response.status_code == 403
    assert world.supermarket.needs.count() == 1


# --- API ----------------------------------------------------------------------------------------


def test_api_list_detail_filters(world):
    body = client_for().get("/api/v1/projects", {"q": "supermarché"}).json()
    assert [p["title"] for p in body["items"]] == ["Supermarché coopératif du Marais poitevin"]
    detail = client_for().get(f"/api/v1/projects/{world.supermarket.pk}").json()
    assert detail["needs"][0]["amount"] == 40_000
    assert detail["territory"]["name"] == "Région Nouvelle-Aquitaine"
    assert client_for().get("/api/v1/projects/999999").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"), [(None, 401), ("financer", 403), ("other_holder", 403), ("holder", 201)]
)
def test_api_create_matrix(world, who, status):
    client = client_for(getattr(world, who) if who else None)
    before = Project.objects.count()
    response = client.post(
        "/api/v1/projects",
        data=json.dumps(
            {
                "title": "Ressourcerie",
                "summary": "Réemploi",
                "holder_id": world.epicerie.pk,
                "collective_id": world.collective.pk,
                "communes": ["79191"],
                "stage": "seed",
                "domains": ["environment"],
                "needs": [{"kind": "financing", "amount": 25000, "purpose": "Camion"}],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == status
    assert Project.objects.count() == before + (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["needs"][0]["amount"] == 25000


def test_api_create_bad_input_names_the_field(world):
    response = client_for(world.holder).post(
        "/api/v1/projects",
        data=json.dumps(
            {
                "title": "X",
                "summary": "Y",
                "holder_id": world.epicerie.pk,
                "communes": ["00000"],
                "stage": "seed",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "communes", "message": "Codes INSEE inconnus : 00000."}
    ]


def test_project_history_reads_in_words(world):
    description = record_every_action(world.supermarket, world.holder)
    html = client_for(world.holder).get(world.supermarket.get_absolute_url()).content.decode()
    assert_in_words(html, description)


def test_project_history_shows_changed_codes_in_words(world):
    project = world.supermarket
    stage = Stage.SEED if project.stage != Stage.SEED else Stage.EMERGENCE
    services.project_update(
        user=world.holder, project=project, data={"stage": stage, "domains": ["food", "mobility"]}
    )
    section = history_section(rendered_history(project))
    assert str(stage.label) in section and "mobilité" in section
    assert not re.search(rf"\b{stage.value}\b|\bmobility\b", section)
