"""Financing requests are owned by the programmes of their project's territory and by their
instrument's financer; instruments are shared, kept by their financers (docs/architecture.md).
Every page and endpoint of financing tried by the other side — another programme's admin,
instructor and single-window officer, another territory's lead and project holder, another
financer: reads 404, writes refused, tables unchanged."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from essaim.accounts.navigation import user_shortcuts
from essaim.accounts.tests.factories import UserFactory
from essaim.core.models import HistoryEvent
from essaim.financing import services
from essaim.financing.models import AlertSubscription, FinancingRequest, Instrument
from essaim.projects.models import Project

API = "/api/v1"
RIVALS = ["admin", "instructor", "officer", "lead", "holder"]
OTHERS = [*RIVALS, "other_financer", "other_lead", "other_holder"]


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def who_is(world, rival, who):
    """``rival.<who>`` for the second programme's people, ``world.<who>`` for the others."""
    return getattr(rival, who) if who in RIVALS else getattr(world, who)


def post_json(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def req(world):
    """The supermarket's request to FISO #2, sent by its holder, with a document."""
    return services.financing_request_send(
        user=world.holder,
        project=world.supermarket,
        instrument=world.instruments["FISO #2"],
        amount=40_000,
        purpose="Local et stock",
        need=world.need,
        documents=[SimpleUploadedFile("budget.pdf", b"%PDF-1.4 budget")],
    )


def _state(request) -> tuple:
    request.refresh_from_db()
    return (
        request.status,
        request.amount,
        FinancingRequest.objects.count(),
        HistoryEvent.objects.for_object(request).count(),
    )


# --- Requests: reading --------------------------------------------------------------------------


@pytest.mark.parametrize("who", OTHERS)
def test_instructor_of_another_programme_cannot_read_financing_request(world, rival, req, who):
    """Finding: an instructor or admin of any programme could read every financing request
    (amounts, documents, totals, gaps)."""
    client = client_for(who_is(world, rival, who))
    document = req.documents.get()
    for url in (
        f"/financement/demandes/{req.pk}/",
        f"/financement/demandes/{req.pk}/documents/{document.pk}/",
        f"{API}/financing-requests/{req.pk}",
    ):
        assert client.get(url).status_code == 404, url
    page = client.get("/financement/demandes/")
    assert page.status_code == 200
    assert req not in page.context["requests"]
    assert page.context["totals"] == {"territory": [], "instrument": [], "stage": []}
    listed = client.get(f"{API}/financing-requests").json()["items"]
    assert listed == []
    totals = client.get(f"{API}/financing-requests/totals").json()
    assert totals == {"territory": [], "instrument": [], "stage": []}
    listed = client.get(f"{API}/financing-requests", {"project_id": world.supermarket.pk})
    assert listed.json()["items"] == []


@pytest.mark.parametrize("who", ["admin", "instructor"])
def test_staff_of_another_programme_see_only_their_gaps(world, rival, who):
    """The gaps view lists open needs with their projects and amounts: only the user's
    programmes'."""
    from essaim.projects.models import Project
    from essaim.projects.tests.factories import NeedFactory

    # Like the Lyon concierge service: spreading, 2 M€, which no instrument meets.
    Project.objects.filter(pk=rival.project.pk).update(
        stage="spreading", founded_year=2010, yearly_budget=900_000
    )
    NeedFactory(project=rival.project, amount=2_000_000, purpose="Essaimer partout")
    client = client_for(getattr(rival, who))
    page = client.get("/financement/manques/")
    assert page.status_code == 200
    titles = {gap.title for gap in page.context["report"].gaps}
    assert titles == {rival.project.title}
    gaps = client.get(f"{API}/financing-gaps").json()["gaps"]
    assert [g["project_id"] for g in gaps] == [rival.project.pk]
    staff_gaps = client_for(world.staff).get(f"{API}/financing-gaps").json()["gaps"]
    assert rival.project.pk not in [g["project_id"] for g in staff_gaps]


def test_the_people_of_the_request_and_the_owning_staff_read_it(world, rival, req):
    document = req.documents.get()
    for user in (world.holder, world.lead, world.financer, world.staff):
        client = client_for(user)
        assert client.get(f"/financement/demandes/{req.pk}/").status_code == 200
        download = client.get(f"/financement/demandes/{req.pk}/documents/{document.pk}/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"%PDF-1.4 budget"
        assert [r["id"] for r in client.get(f"{API}/financing-requests").json()["items"]] == [
            req.pk
        ]


# --- Requests: writing --------------------------------------------------------------------------


@pytest.mark.parametrize("who", OTHERS)
def test_instructor_of_other_programme_cannot_withdraw_financing_request(world, rival, req, who):
    """Finding: an instructor or admin of any programme could withdraw any request."""
    user = who_is(world, rival, who)
    before = _state(req)
    client = client_for(user)
    for name in ("withdraw", "start_review", "decline"):
        response = client.post(
            f"/financement/demandes/{req.pk}/action/", {"name": name, "comment": "Non"}
        )
        assert response.status_code == 404
        response = post_json(
            client,
            f"{API}/financing-requests/{req.pk}/transitions",
            {"name": name, "comment": "Non"},
        )
        assert response.status_code == 404
        with pytest.raises(PermissionDenied):
            services.financing_request_transition(user=user, request=req, name=name, comment="Non")
    assert _state(req) == before


@pytest.mark.parametrize("who", [*OTHERS, "staff"])
def test_instructor_of_other_programme_cannot_send_financing_request(world, rival, who):
    """Finding: an instructor or admin of any programme could send requests for any project.
    Sending is for the project's holders and territory only: the owning programme's staff
    (``staff``) follow the requests, they do not send them."""
    user = world.staff if who == "staff" else who_is(world, rival, who)
    fiso = world.instruments["FISO #2"]
    client = client_for(user)
    url = f"/financement/projets/{world.supermarket.pk}/demande/{fiso.pk}/"
    assert client.get(url).status_code == 403
    response = client.post(url, {"need": world.need.pk, "amount": 40000, "purpose": "Local"})
    assert response.status_code == 403
    response = post_json(
        client,
        f"{API}/financing-requests",
        {
            "project_id": world.supermarket.pk,
            "instrument_id": fiso.pk,
            "amount": 40000,
            "purpose": "Local",
        },
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.financing_request_send(
            user=user, project=world.supermarket, instrument=fiso, amount=1000, purpose="x"
        )
    assert not FinancingRequest.objects.exists()
    matches = client.get(f"/financement/projets/{world.supermarket.pk}/")
    assert matches.context["can_request"] is False


def test_owning_staff_may_not_withdraw_and_only_the_financer_decides(world, req):
    before = _state(req)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    for user, name in (
        (world.staff, "withdraw"),
        (world.staff, "start_review"),
        (superuser, "start_review"),  # a superuser does not answer in a financer's name
        (world.lead, "start_review"),
        (world.holder, "decline"),
    ):
        with pytest.raises(PermissionDenied):
            services.financing_request_transition(user=user, request=req, name=name, comment="x")
    assert _state(req) == before
    assert [t.name for t in services.request_allowed_transitions(req, world.staff)] == []
    assert [t.name for t in services.request_allowed_transitions(req, world.lead)] == ["withdraw"]
    services.financing_request_transition(user=world.lead, request=req, name="withdraw")
    req.refresh_from_db()
    assert req.status == "withdrawn"


# --- Instruments --------------------------------------------------------------------------------

INSTRUMENT_FORM = {
    "short_name": "FISO #2",
    "kinds": ["recoverable_advance"],
    "is_national": "on",
    "conditions": "Conditions détournées",
    "is_published": "on",
    "bands-TOTAL_FORMS": "0",
    "bands-INITIAL_FORMS": "0",
}


def _instrument_state(instrument) -> tuple:
    instrument.refresh_from_db()
    return (
        instrument.conditions,
        instrument.is_published,
        list(instrument.bands.values_list("stage", "min_amount", "max_amount")),
        HistoryEvent.objects.for_object(instrument).count(),
    )


@pytest.mark.parametrize("who", [*OTHERS, "staff"])
def test_programme_admin_cannot_edit_financer_instrument(world, rival, who):
    """Finding: an instructor or admin of any programme could edit any financing instrument.
    Instruments are shared, kept by their financers: ``staff`` is an admin of the programme of
    the world's territories."""
    user = world.staff if who == "staff" else who_is(world, rival, who)
    fiso = world.instruments["FISO #2"]
    before = _instrument_state(fiso)
    client = client_for(user)
    assert client.get(f"/financement/outils/{fiso.pk}/modifier/").status_code == 403
    response = client.post(f"/financement/outils/{fiso.pk}/modifier/", INSTRUMENT_FORM)
    assert response.status_code == 403
    response = post_json(
        client, f"{API}/instruments/{fiso.pk}", {"conditions": "Détournées"}, method="patch"
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.instrument_update(user=user, instrument=fiso, data={"is_published": False})
    page = client.get(f"/financement/outils/{fiso.pk}/").content.decode()
    assert f"/financement/outils/{fiso.pk}/modifier/" not in page
    assert _instrument_state(fiso) == before


@pytest.mark.parametrize("who", [*OTHERS, "staff"])
def test_only_financers_create_their_instruments(world, rival, who):
    user = world.staff if who == "staff" else who_is(world, rival, who)
    count = Instrument.objects.count()
    client = client_for(user)
    form = {**INSTRUMENT_FORM, "provider": world.bpifrance.pk, "name": "Intrus"}
    assert client.post("/financement/outils/nouveau/", form).status_code in (200, 403)
    with pytest.raises(PermissionDenied):
        services.instrument_create(user=user, provider=world.bpifrance, data={"name": "Intrus"})
    assert Instrument.objects.count() == count


def test_the_financer_and_a_superuser_edit_the_instrument(world):
    fiso = world.instruments["FISO #2"]
    for user in (world.financer, UserFactory(is_superuser=True, is_staff=True)):
        response = client_for(user).post(
            f"/financement/outils/{fiso.pk}/modifier/",
            {**INSTRUMENT_FORM, "conditions": f"Par {user.pk}"},
        )
        assert response.status_code == 302
        fiso.refresh_from_db()
        assert fiso.conditions == f"Par {user.pk}"


def test_unpublished_instrument_is_read_by_its_financer_and_programme_staff(world, rival):
    """Decision: programme staff (admins, instructors) may read a financer's unpublished
    instrument — they guide projects towards financing — but never change it; other financers,
    project holders, territories and the public get a 404."""
    fiso = world.instruments["FISO #2"]
    Instrument.objects.filter(pk=fiso.pk).update(is_published=False)
    for user in (None, world.other_financer, rival.holder, rival.lead, rival.officer):
        client = client_for(user)
        assert client.get(f"/financement/outils/{fiso.pk}/").status_code == 404
        assert client.get(f"{API}/instruments/{fiso.pk}").status_code == 404
        assert "FISO #2" not in client.get("/financement/outils/").content.decode()
    for user in (world.financer, world.staff, rival.instructor):
        client = client_for(user)
        assert client.get(f"/financement/outils/{fiso.pk}/").status_code == 200
        assert client.get(f"{API}/instruments/{fiso.pk}").status_code == 200


# --- Alerts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "instructor", "officer", "lead", "holder"])
def test_alerts_follow_only_ones_own_territories(world, rival, who):
    client = client_for(getattr(rival, who))
    response = client.post("/financement/alertes/suivre/", {"collective": world.collective.pk})
    assert response.status_code == 403
    response = client.post("/financement/alertes/suivre/", {"project": world.supermarket.pk})
    assert response.status_code == 403
    assert not AlertSubscription.objects.exists()
    services.alert_subscribe(user=world.staff, collective=world.collective)
    assert AlertSubscription.objects.count() == 1


def test_financer_shortcut_to_the_gaps_opens_on_published_projects(world):
    """Dead end: the financer's own shortcut "Besoins sans outil" answered 403. Financers see
    the gaps of published projects (their market), not those of unpublished ones."""
    shortcut = next(
        item for item in user_shortcuts(world.financer) if item["label"] == "Besoins sans outil"
    )
    client = client_for(world.financer)
    page = client.get(shortcut["url"])
    assert page.status_code == 200
    assert {gap.need_id for gap in page.context["report"].gaps} == {world.big_need.pk}
    Project.objects.filter(pk=world.other_project.pk).update(is_published=False)
    page = client.get(shortcut["url"])
    assert page.status_code == 200
    assert page.context["report"].gaps == []
