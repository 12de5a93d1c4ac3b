import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from essaim.core.models import HistoryEvent
from essaim.financing import services
from essaim.financing.models import AlertSubscription, FinancingRequest
from essaim.projects.tests.history_check import (
    assert_in_words,
    history_section,
    record_every_action,
)


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def send(world):
    return services.financing_request_send(
        user=world.holder,
        project=world.supermarket,
        instrument=world.instruments["FISO #2"],
        amount=40_000,
        purpose="Local",
        need=world.need,
    )


def test_public_catalogue_and_instrument_page(world):
    html = client_for().get("/financement/outils/").content.decode()
    assert "NovESS" in html and "modifier" not in html
    fiso = world.instruments["FISO #2"]
    page = client_for().get(f"/financement/outils/{fiso.pk}/")
    assert page.status_code == 200
    assert "Historique" not in page.content.decode()
    assert "modifier" in client_for(world.financer).get("/financement/outils/").content.decode()


def test_matches_page_explains(world):
    html = client_for().get(f"/financement/projets/{world.supermarket.pk}/").content.decode()
    assert html.index("FISO #2") < html.index("Garantie France Active")
    assert "NovESS : le besoin de 40 000 € est inférieur à son minimum de 100 000 €" in html
    assert "Demander à" not in html  # anonymous: no request button
    assert (
        "Demander à FISO #2"
        in client_for(world.holder)
        .get(f"/financement/projets/{world.supermarket.pk}/")
        .content.decode()
    )


@pytest.mark.parametrize(
    ("who", "status"), [(None, 302), ("holder", 403), ("other_financer", 403), ("financer", 302)]
)
def test_instrument_edit_page_matrix(world, who, status):
    fiso = world.instruments["FISO #2"]
    form = {
        "short_name": "FISO #2",
        "kinds": ["recoverable_advance"],
        "share_of_costs_max": "0.5",
        "legal_families": ["association"],
        "is_national": "on",
        "conditions": "Conditions mises à jour",
        "is_published": "on",
        "bands-TOTAL_FORMS": "1",
        "bands-INITIAL_FORMS": "1",
        "bands-0-stage": "seed",
        "bands-0-min_amount": "30000",
        "bands-0-max_amount": "",
    }
    response = client_for(getattr(world, who) if who else None).post(
        f"/financement/outils/{fiso.pk}/modifier/", form
    )
    assert response.status_code == status
    fiso.refresh_from_db()
    assert (fiso.conditions == "Conditions mises à jour") == (who == "financer")
    assert HistoryEvent.objects.for_object(fiso).exists() == (who == "financer")


def test_instrument_edit_page_refuses_band_min_over_max(world):
    fiso = world.instruments["FISO #2"]
    response = client_for(world.financer).post(
        f"/financement/outils/{fiso.pk}/modifier/",
        {
            "kinds": ["recoverable_advance"],
            "is_published": "on",
            "bands-TOTAL_FORMS": "1",
            "bands-INITIAL_FORMS": "0",
            "bands-0-stage": "seed",
            "bands-0-min_amount": "50000",
            "bands-0-max_amount": "30000",
        },
    )
    assert response.status_code == 200
    assert "Le minimum (50000 €) dépasse le maximum (30000 €)." in response.content.decode()
    assert list(fiso.bands.values_list("min_amount", flat=True)) == [30_000]


def test_request_page_sends_with_documents(world):
    url = f"/financement/projets/{world.supermarket.pk}/demande/{world.instruments['FISO #2'].pk}/"
    assert client_for(world.other_holder).get(url).status_code == 403
    assert client_for().get(url).status_code == 302
    response = client_for(world.holder).post(
        url,
        {
            "need": world.need.pk,
            "amount": 40000,
            "purpose": "Local",
            "documents": [SimpleUploadedFile("budget.pdf", b"%PDF-1.4 fictif")],
        },
    )
    assert response.status_code == 302
    request = FinancingRequest.objects.get()
    document = request.documents.get()
    assert document.original_name == "budget.pdf"
    url = f"/financement/demandes/{request.pk}/documents/{document.pk}/"
    download = client_for(world.financer).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 fictif"
    assert client_for(world.other_financer).get(url).status_code == 404
    assert client_for(world.other_holder).get(url).status_code == 404


def test_request_page_above_maximum_keeps_the_input(world):
    url = (
        f"/financement/projets/{world.supermarket.pk}/demande/"
        f"{world.instruments['Apport associatif France Active'].pk}/"
    )
    response = client_for(world.holder).post(url, {"amount": 40000, "purpose": "Mon objet"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "dépasse le maximum de 30 000 €" in html
    assert "Mon objet" in html
    assert not FinancingRequest.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("holder", 403), ("other_financer", 404), ("financer", 302)]
)
def test_transition_page_matrix(world, who, status):
    request = send(world)
    response = client_for(getattr(world, who)).post(
        f"/financement/demandes/{request.pk}/action/", {"name": "start_review"}
    )
    assert response.status_code == status
    request.refresh_from_db()
    assert (request.status == "in_review") == (status == 302)


def test_pipeline_pages(world):
    request = send(world)
    financer = client_for(world.financer)
    detail = financer.get(f"/financement/demandes/{request.pk}/").content.decode()
    assert 'id="action-start_review"' in detail
    financer.post(f"/financement/demandes/{request.pk}/action/", {"name": "start_review"})
    response = financer.post(f"/financement/demandes/{request.pk}/action/", {"name": "grant"})
    assert response.status_code == 422
    assert "Indiquez le montant accordé." in response.content.decode()
    financer.post(
        f"/financement/demandes/{request.pk}/action/",
        {"name": "grant", "amount": "40000"},
    )
    holder_view = client_for(world.holder).get(f"/projets/{world.supermarket.pk}/")
    assert "accordée (40 000 €)" in holder_view.content.decode().replace("\u202f", " ").replace(
        "\xa0", " "
    )
    listing = client_for(world.holder).get("/financement/demandes/")
    assert listing.context["totals"]["instrument"][0]["granted"] == 40_000


def test_request_list_query_budget_with_many_rows(world, django_assert_max_num_queries):
    fiso = world.instruments["FISO #2"]
    FinancingRequest.objects.bulk_create(
        [
            FinancingRequest(
                project=world.supermarket,
                instrument=fiso,
                amount=1000 + i,
                purpose="x",
                sent_by=world.holder,
                terms={},
            )
            for i in range(400)
        ]
    )
    client = client_for(world.financer)
    client.get("/financement/demandes/")  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get("/financement/demandes/")
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/financing-requests").status_code == 200


@pytest.mark.parametrize(
    ("who", "status"), [(None, 302), ("holder", 403), ("financer", 200), ("staff", 200)]
)
def test_gaps_page_matrix(world, who, status):
    response = client_for(getattr(world, who) if who else None).get("/financement/manques/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Conciergerie lyonnaise" in html
        assert "Lyon Métropole" in html


def test_gaps_page_for_a_territory_shows_its_own(world):
    html = client_for(world.other_lead).get("/financement/manques/").content.decode()
    assert "Conciergerie lyonnaise" in html
    assert (
        "Conciergerie lyonnaise"
        not in client_for(world.lead).get("/financement/manques/").content.decode()
    )


def test_alert_pages(world):
    client = client_for(world.holder)
    response = client.post("/financement/alertes/suivre/", {"project": world.supermarket.pk})
    assert response.status_code == 302
    subscription = AlertSubscription.objects.get(user=world.holder)
    assert (
        client_for(world.other_holder)
        .post(f"/financement/alertes/{subscription.pk}/supprimer/")
        .status_code
        == 404
    )
    assert (
        client_for(world.other_holder)
        .post("/financement/alertes/suivre/", {"project": world.supermarket.pk})
        .status_code
        == 403
    )
    assert AlertSubscription.objects.count() == 1
    client.post(f"/financement/alertes/{subscription.pk}/supprimer/")
    assert not AlertSubscription.objects.exists()


def test_rules_permissions(world):
    fiso = world.instruments["FISO #2"]
    assert world.financer.has_perm("financing.change_instrument", fiso)
    assert not world.other_financer.has_perm("financing.change_instrument", fiso)
    assert world.holder.has_perm("projects.change_project", world.supermarket)
    assert not world.other_holder.has_perm("projects.change_project", world.supermarket)


def test_matches_page_query_budget_with_many_instruments(world, django_assert_max_num_queries):
    from essaim.financing.models import Instrument, TicketBand

    provider = world.bpifrance
    created = Instrument.objects.bulk_create(
        [
            Instrument(provider=provider, name=f"Outil {i}", kinds=["grant"], is_national=True)
            for i in range(80)
        ]
    )
    TicketBand.objects.bulk_create(
        [TicketBand(instrument=i, stage="seed", min_amount=1000, max_amount=90000) for i in created]
    )
    client = client_for(world.holder)
    url = f"/financement/projets/{world.supermarket.pk}/"
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["result"].ranked) + len(response.context["result"].excluded) == 88
    with django_assert_max_num_queries(20):
        assert client.get(f"/api/v1/projects/{world.supermarket.pk}/matches").status_code == 200


@pytest.mark.parametrize(("who", "status"), [(None, 302), ("holder", 403), ("financer", 302)])
def test_instrument_create_page(world, who, status):
    from essaim.financing.models import Instrument

    form = {
        "provider": world.bpifrance.pk,
        "name": "Prêt d'amorçage (fictif)",
        "kinds": ["loan"],
        "is_national": "on",
        "is_published": "on",
        "bands-TOTAL_FORMS": "1",
        "bands-INITIAL_FORMS": "0",
        "bands-0-stage": "seed",
        "bands-0-min_amount": "10000",
        "bands-0-max_amount": "50000",
    }
    response = client_for(getattr(world, who) if who else None).post(
        "/financement/outils/nouveau/", form
    )
    assert response.status_code == status
    created = Instrument.objects.filter(name="Prêt d'amorçage (fictif)").first()
    assert (created is not None) == (who == "financer")
    if created:
        assert list(created.bands.values_list("stage", "min_amount", "max_amount")) == [
            ("seed", 10000, 50000)
        ]
        assert HistoryEvent.objects.for_object(created).get().action == "created"


def test_financer_cannot_create_for_another_provider(world):
    from essaim.financing.models import Instrument

    response = client_for(world.financer).post(
        "/financement/outils/nouveau/",
        {
            "provider": world.france_active.pk,
            "name": "Intrus",
            "kinds": ["loan"],
            "bands-TOTAL_FORMS": "0",
            "bands-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form refuses the provider
    assert not Instrument.objects.filter(name="Intrus").exists()


def test_gaps_page_query_budget_at_ten_times_the_demo(world, django_assert_max_num_queries):
    from essaim.projects.models import Need, Project
    from essaim.projects.tests.factories import ProjectFactory

    projects = ProjectFactory.build_batch(
        2000, holder=world.other_org, perimeter=world.other_collective.perimeter, stage="spreading"
    )
    for position, project in enumerate(projects):
        project.title = f"Essaimage {position:04d}"
    Project.objects.bulk_create(projects)
    Need.objects.bulk_create(
        [
            Need(project=p, kind="financing", amount=3_000_000, purpose="Essaimer")
            for p in Project.objects.filter(title__startswith="Essaimage ")
        ]
    )
    client = client_for(world.staff)
    with django_assert_max_num_queries(20):
        response = client.get("/financement/manques/")
    assert response.status_code == 200
    assert response.context["report"].needs_checked == 2002
    assert len(response.context["report"].gaps) == 2001


def test_request_page_links_to_the_project_only_for_those_who_see_it(world):
    req = send(world)
    link = f'href="/projets/{world.supermarket.pk}/" id="request-project"'
    assert link in client_for(world.holder).get(req.get_absolute_url()).content.decode()
    assert link in client_for(world.financer).get(req.get_absolute_url()).content.decode()
    type(world.supermarket).objects.filter(pk=world.supermarket.pk).update(is_published=False)
    assert link in client_for(world.holder).get(req.get_absolute_url()).content.decode()
    html = client_for(world.financer).get(req.get_absolute_url()).content.decode()
    assert world.supermarket.title in html  # still named in the heading
    assert link not in html


def test_project_page_shows_its_editor_the_requests_through_the_hook(world):
    send(world)
    url = world.supermarket.get_absolute_url()
    html = client_for(world.holder).get(url).content.decode()
    assert 'id="project-requests"' in html and "FISO #2" in html
    assert f'name="project" value="{world.supermarket.pk}"' in html  # the alert form
    assert 'id="project-requests"' not in client_for().get(url).content.decode()


def test_instrument_and_request_histories_read_in_words(world):
    fiso = world.instruments["FISO #2"]
    description = record_every_action(fiso, world.financer)
    html = client_for(world.financer).get(fiso.get_absolute_url()).content.decode()
    assert_in_words(html, description)
    sent = send(world)
    description = record_every_action(sent, world.financer)
    html = client_for(world.holder).get(sent.get_absolute_url()).content.decode()
    assert_in_words(html, description)


def test_instrument_history_shows_changed_terms_in_words(world):
    fiso = world.instruments["FISO #2"]
    services.instrument_update(
        user=world.financer,
        instrument=fiso,
        data={"conditions": "Nouvelles conditions."},
        bands=[{"stage": "seed", "min_amount": 30_000, "max_amount": 200_000}],
        m2m={"regions": []},
    )
    html = client_for(world.financer).get(fiso.get_absolute_url()).content.decode()
    section = history_section(html)
    assert "amorçage / 30000 / 200000" in section
    assert not re.search(r"\bseed\b|\bstage\b", section)
