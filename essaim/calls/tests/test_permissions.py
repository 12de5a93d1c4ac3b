"""Programme ownership of calls: the staff of another programme (admin, instructor, single-window
officer) get nothing of a programme's calls — a draft is a 404, a public call's admin pages a 403
(the call is public anyway) — and change nothing, through pages, API and services."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.calls import rules, services
from essaim.calls.models import Call, CallStatus, Criterion, CutOff, FormVersion, ScoringGrid
from essaim.calls.tests.factories import (
    SCHEMA,
    CallFactory,
    CriterionFactory,
    CutOffFactory,
    FormVersionFactory,
)
from essaim.testing import other_programme, superuser, table_state

pytestmark = pytest.mark.django_db

TABLES = (Call, CutOff, FormVersion, ScoringGrid, Criterion)
STAFF = ("admin", "instructor", "officer")


@pytest.fixture
def world():
    public = FormVersionFactory().call
    programme = public.programme
    CutOffFactory(call=public)
    CriterionFactory(grid__call=public, title="Ancrage territorial")
    draft = CallFactory(programme=programme, status=CallStatus.DRAFT, title="Appel secret")
    FormVersionFactory(call=draft, published_at=None)
    CutOffFactory(call=draft)
    admin = UserFactory()
    Membership.objects.create(user=admin, role=Role.PROGRAMME_ADMIN, programme=programme)
    return {"public": public, "draft": draft, "admin": admin, "other": other_programme()}


def _writes(call: Call) -> list[tuple[str, dict]]:
    cutoff = call.cutoffs.first()
    return [
        ("gestion/", {"title": "Détourné", "slug": call.slug, "kind": call.kind}),
        ("etat/", {"status": CallStatus.CLOSED}),
        ("etat/", {"status": CallStatus.OPEN}),
        ("dates-limites/", {"date": "2031-01-01"}),
        (f"dates-limites/{cutoff.pk}/retirer/", {}),
        ("formulaire/", {"schema": json.dumps(SCHEMA), "action": "save"}),
        ("formulaire/apercu/", {"schema": json.dumps(SCHEMA)}),
        ("formulaire/publier/", {}),
        (
            "grille/",
            {"scale_min": 0, "scale_max": 4, "criteria-0-title": "Autre", "criteria-0-weight": 1},
        ),
    ]


@pytest.mark.parametrize("role", STAFF)
def test_staff_of_another_programme_cannot_see_a_draft_call(client, world, role):
    draft = world["draft"]
    client.force_login(world["other"].staff()[role])
    assert draft.title not in client.get("/appels/").text
    for page in ("", "gestion/", "formulaire/", "grille/"):
        assert client.get(f"/appels/{draft.slug}/{page}").status_code == 404, page
    listed = client.get("/api/v1/calls").json()["items"]
    assert draft.pk not in {item["id"] for item in listed}
    assert world["public"].pk in {item["id"] for item in listed}
    assert client.get(f"/api/v1/calls/{draft.pk}").status_code == 404


@pytest.mark.parametrize("role", STAFF)
def test_staff_of_another_programme_cannot_open_a_public_calls_admin_pages(client, world, role):
    """The call is public: its admin pages answer 403, not its content."""
    public = world["public"]
    client.force_login(world["other"].staff()[role])
    assert client.get(f"/appels/{public.slug}/").status_code == 200
    for page in ("gestion/", "formulaire/", "grille/"):
        assert client.get(f"/appels/{public.slug}/{page}").status_code == 403, page


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize("which", ["public", "draft"])
def test_staff_of_another_programme_change_nothing_of_a_call(client, world, role, which):
    call = world[which]
    expected = 403 if which == "public" else 404
    client.force_login(world["other"].staff()[role])
    before = table_state(*TABLES)
    for path, data in _writes(call):
        response = client.post(f"/appels/{call.slug}/{path}", data)
        assert response.status_code == expected, path
    assert table_state(*TABLES) == before


def test_admin_of_another_programme_cannot_create_a_call_in_this_programme(client, world):
    other = world["other"]
    client.force_login(other.admin)
    before = table_state(*TABLES)
    response = client.post(
        "/appels/nouveau/",
        {
            "programme": world["public"].programme_id,
            "title": "Intrus",
            "slug": "intrus",
            "kind": "permanent_ami",
            "purpose": "label",
        },
    )
    assert response.status_code == 200  # the form refuses the programme: not one of theirs
    assert "programme" in response.context["form"].errors
    assert table_state(*TABLES) == before
    with pytest.raises(PermissionDenied):
        services.call_create(
            user=other.admin, programme=world["public"].programme, title="Intrus", slug="intrus"
        )
    assert table_state(*TABLES) == before


@pytest.mark.parametrize("role", STAFF)
def test_services_refuse_the_staff_of_another_programme(world, role):
    user = world["other"].staff()[role]
    call = world["draft"]
    version = FormVersion.objects.get(call=call)
    before = table_state(*TABLES)
    attempts = [
        lambda: services.call_update(user=user, call=call, title="Détourné"),
        lambda: services.call_set_status(user=user, call=call, status=CallStatus.OPEN),
        lambda: services.cutoff_add(user=user, call=call, date=datetime.date(2031, 1, 1)),
        lambda: services.cutoff_remove(user=user, cutoff=call.cutoffs.first()),
        lambda: services.formversion_save(user=user, call=call, schema=SCHEMA),
        lambda: services.formversion_publish(user=user, version=version),
        lambda: services.grid_save(
            user=user,
            call=call,
            scale_min=0,
            scale_max=4,
            scale_labels={},
            comment_required_below=None,
            disagreement_threshold=2,
            criteria=[{"title": "Autre", "weight": 1}],
        ),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert table_state(*TABLES) == before


def test_instructor_of_the_programme_does_not_administer_its_calls(client, world):
    instructor = UserFactory()
    Membership.objects.create(
        user=instructor, role=Role.INSTRUCTOR, programme=world["public"].programme
    )
    assert not rules.can_manage_call(instructor, world["public"])
    client.force_login(instructor)
    assert client.get(f"/appels/{world['draft'].slug}/").status_code == 404


def test_superuser_administers_the_calls_of_every_programme(client, world):
    root = superuser()
    draft = world["draft"]
    client.force_login(root)
    assert client.get(f"/appels/{draft.slug}/gestion/").status_code == 200
    assert client.get(f"/api/v1/calls/{draft.pk}").status_code == 200
    response = client.post(f"/appels/{draft.slug}/dates-limites/", {"date": "2031-01-01"})
    assert response.status_code == 302
    assert draft.cutoffs.filter(date=datetime.date(2031, 1, 1)).exists()
    assert rules.can_manage_programme(root, world["other"].programme)
    assert root.has_perm("calls.manage_call", draft)
    assert not world["other"].admin.has_perm("calls.manage_call", draft)
    assert world["admin"].has_perm("calls.manage_call", draft)
