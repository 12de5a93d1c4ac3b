"""/api/v1/programmes/{id}/team, /partners, /categories, /support-axes: the programme's admins
only (its other staff and other programmes' admins: 404), through the pages' services."""

import pytest

from essaim.accounts.models import Invitation, Membership
from essaim.actors.tests.factories import OrganisationFactory
from essaim.calls.models import ProgrammePartner
from essaim.regulatory.models import KnowledgeCategory
from essaim.support.models import SupportAxis
from essaim.testing import bearer, other_programme, table_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return other_programme("Programme de l'équipe")


def test_the_admin_runs_the_team(client, team):
    auth, base = bearer(team.admin), f"/api/v1/programmes/{team.programme.pk}"
    members = client.get(f"{base}/team/members", headers=auth).json()["items"]
    assert {m["role"] for m in members} == {
        "programme_admin",
        "instructor",
        "single_window_officer",
    }
    invited = client.post(
        f"{base}/team/invitations",
        {"email": "nouvelle@exemple.fr", "role": "instructor"},
        content_type="application/json",
        headers=auth,
    )
    assert invited.status_code == 201, invited.content
    assert "key" not in invited.json() and Invitation.objects.get().email == "nouvelle@exemple.fr"
    listed = client.get(f"{base}/team/invitations", headers=auth).json()["items"]
    assert [i["email"] for i in listed] == ["nouvelle@exemple.fr"]
    bad = client.post(
        f"{base}/team/invitations",
        {"email": "x@exemple.fr", "role": "financer"},
        content_type="application/json",
        headers=auth,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "role"
    cancel = client.delete(f"{base}/team/invitations/{invited.json()['id']}", headers=auth)
    assert cancel.status_code == 204 and Invitation.objects.get().cancelled_at is not None
    role = Membership.objects.get(user=team.instructor)
    assert client.delete(f"{base}/team/members/{role.pk}", headers=auth).status_code == 204
    role.refresh_from_db()
    assert role.ended_at is not None
    assert client.get(f"{base}/partners", headers=auth).status_code == 200


def test_the_admin_runs_categories_and_axes(client, team):
    auth, base = bearer(team.admin), f"/api/v1/programmes/{team.programme.pk}"
    before = len(client.get(f"{base}/categories", headers=auth).json()["items"])
    created = client.post(
        f"{base}/categories", {"title": "Mobilité"}, content_type="application/json", headers=auth
    )
    assert created.status_code == 201, created.content
    category = created.json()["id"]
    renamed = client.patch(
        f"{base}/categories/{category}",
        {"title": "Mobilités", "description": "Transports."},
        content_type="application/json",
        headers=auth,
    )
    assert renamed.json()["title"] == "Mobilités" and renamed.json()["code"] == "mobilite"
    moved = client.post(
        f"{base}/categories/{category}/move",
        {"direction": "up"},
        content_type="application/json",
        headers=auth,
    )
    assert [c["id"] for c in moved.json()][-2] == category
    assert client.delete(f"{base}/categories/{category}", headers=auth).status_code == 204
    assert len(client.get(f"{base}/categories", headers=auth).json()["items"]) == before

    axis = client.post(
        f"{base}/support-axes",
        {"title": "Gouvernance", "takes_links": True},
        content_type="application/json",
        headers=auth,
    )
    assert axis.status_code == 201 and axis.json()["takes_links"] is True
    changed = client.patch(
        f"{base}/support-axes/{axis.json()['id']}",
        {"title": "Gouvernance partagée"},
        content_type="application/json",
        headers=auth,
    )
    assert changed.json()["title"] == "Gouvernance partagée"
    assert changed.json()["takes_links"] is False  # the whole axis is sent, as the form does
    assert (
        client.delete(f"{base}/support-axes/{axis.json()['id']}", headers=auth).status_code == 204
    )
    too_long = client.post(
        f"{base}/categories", {"title": "x" * 121}, content_type="application/json", headers=auth
    )
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "title"


def test_anyone_but_the_admin_gets_a_404(client, team):
    category = KnowledgeCategory.objects.filter(programme=team.programme).first()
    axis = SupportAxis.objects.create(programme=team.programme, code="a", title="A")
    role = Membership.objects.get(user=team.officer)
    base = f"/api/v1/programmes/{team.programme.pk}"
    callers = {
        "instructor": (bearer(team.instructor), 404),
        "other admin": (bearer(other_programme().admin), 404),
        "anonymous": ({}, 401),
    }
    read_only = bearer(team.admin, "read")
    before = table_state(Membership, Invitation, KnowledgeCategory, SupportAxis)
    writes = (
        ("delete", f"{base}/team/members/{role.pk}", {}),
        ("post", f"{base}/team/invitations", {"email": "a@exemple.fr", "role": "instructor"}),
        ("post", f"{base}/categories", {"title": "X"}),
        ("patch", f"{base}/categories/{category.pk}", {"title": "X"}),
        ("delete", f"{base}/categories/{category.pk}", {}),
        ("post", f"{base}/support-axes", {"title": "X"}),
        ("patch", f"{base}/support-axes/{axis.pk}", {"title": "X"}),
        ("post", f"{base}/support-axes/{axis.pk}/move", {"direction": "up"}),
        ("delete", f"{base}/support-axes/{axis.pk}", {}),
    )
    reads = ("team/members", "team/invitations", "partners", "categories", "support-axes")
    for name, (headers, status) in callers.items():
        for path in reads:
            assert client.get(f"{base}/{path}", headers=headers).status_code == status, name
        for method, url, body in writes:
            answer = getattr(client, method)(
                url, body, content_type="application/json", headers=headers
            )
            assert answer.status_code == status, (name, url)
    for method, url, body in writes:
        answer = getattr(client, method)(
            url, body, content_type="application/json", headers=read_only
        )
        assert answer.status_code == 403, url
    assert table_state(Membership, Invitation, KnowledgeCategory, SupportAxis) == before


def test_lists_query_budgets(client, team, django_assert_max_num_queries):
    auth, base = bearer(team.admin), f"/api/v1/programmes/{team.programme.pk}"
    for path in ("team/members", "team/invitations", "partners", "categories", "support-axes"):
        with django_assert_max_num_queries(9):
            assert client.get(f"{base}/{path}", headers=auth).status_code == 200, path


def test_the_admin_adds_and_ends_partners_and_their_roles(client, team):
    auth, base = bearer(team.admin), f"/api/v1/programmes/{team.programme.pk}"
    financer = OrganisationFactory(name="Banque des territoires", kind="financer")
    stranger, instructor = bearer(other_programme().admin), bearer(team.instructor)
    body = {"organisation_id": financer.pk, "kind": "financer"}
    for headers, status in ((stranger, 404), (instructor, 404), ({}, 401)):
        answer = client.post(
            f"{base}/partners", body, content_type="application/json", headers=headers
        )
        assert answer.status_code == status
    assert not ProgrammePartner.objects.exists()
    added = client.post(f"{base}/partners", body, content_type="application/json", headers=auth)
    assert added.status_code == 201, added.content
    assert added.json()["organisation"] == "Banque des territoires"
    twice = client.post(f"{base}/partners", body, content_type="application/json", headers=auth)
    assert twice.status_code == 422 and twice.json()["errors"][0]["field"] == "organisation"
    person = Membership.objects.create(user=team.officer, role="financer", organisation=financer)
    roles = client.get(f"{base}/partner-roles", headers=auth).json()["items"]
    assert [(r["id"], r["endable"]) for r in roles] == [(person.pk, True)]
    assert client.delete(f"{base}/partner-roles/{person.pk}", headers=stranger).status_code == 404
    assert client.delete(f"{base}/partner-roles/{person.pk}", headers=auth).status_code == 204
    partnership = added.json()["partnership_id"]
    assert client.delete(f"{base}/partners/{partnership}", headers=instructor).status_code == 404
    assert client.delete(f"{base}/partners/{partnership}", headers=auth).status_code == 204
    assert ProgrammePartner.objects.get().ended_at is not None
