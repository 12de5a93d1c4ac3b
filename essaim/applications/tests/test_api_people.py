"""An application's people and the order of its challenges through the API: the same services
and rules as the collective's page (the lead invites, changes rights and removes; the lead
person stays until they hand over) and as the challenges' page (the editors reorder while the
application may be edited). Tried as an attacker: another territory's lead, a person without
rights, a read-only token, another programme's staff."""

import pytest
from django.core import mail

from essaim.accounts.models import Membership, Role
from essaim.accounts.services import api_token_create
from essaim.accounts.tests.factories import UserFactory
from essaim.applications.models import ApplicationPerson, Challenge
from essaim.applications.tests.factories import ApplicationFactory, PersonFactory, lead_of, staff
from essaim.applications.tests.test_api import auth
from essaim.applications.workflow import Status
from essaim.core.models import HistoryEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    application = ApplicationFactory()
    lead = lead_of(application).user
    editor = PersonFactory(application=application).user
    reader = PersonFactory(application=application, can_edit=False, is_signatory=False).user
    other_app = ApplicationFactory(form_version=application.form_version)
    lead_of(other_app)
    # Another territory's lead: the territory lead of the other application's collective.
    other_territory_lead = UserFactory()
    Membership.objects.create(
        user=other_territory_lead, role=Role.TERRITORY_LEAD, collective=other_app.collective
    )
    return {
        "application": application,
        "lead": lead,
        "editor": editor,
        "reader": reader,
        "other_app": other_app,
        "other_territory_lead": other_territory_lead,
    }


def _send(client, method, url, user, body=None, *, access="write", headers=None):
    _token, raw = api_token_create(user=user, name="test", access=access)
    return getattr(client, method)(
        url,
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}", **(headers or {})},
    )


def _people_url(application) -> str:
    return f"/api/v1/applications/{application.pk}/people"


def _person_id(application, user) -> int:
    return application.people.get(user=user).pk


# --- The people ----------------------------------------------------------------------------------


def test_the_lead_invites_changes_rights_and_removes(
    client, world, django_capture_on_commit_callbacks
):
    application, lead = world["application"], world["lead"]
    url = _people_url(application)
    body = {"email": " Camille.Martin@Example.org ", "can_edit": False, "is_signatory": True}
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, "post", url, lead, body)
    assert response.status_code == 201, response.content
    invited = response.json()
    assert invited["email"] == "camille.martin@example.org" and not invited["accepted"]
    assert (invited["can_edit"], invited["is_signatory"]) == (False, True)
    person = ApplicationPerson.objects.get(pk=invited["id"])
    assert person.invitation_token in mail.outbox[-1].body
    assert mail.outbox[-1].to == ["camille.martin@example.org"]
    assert HistoryEvent.objects.for_object(application).filter(action="person_invite").exists()
    listed = client.get(url, headers=auth(lead)).json()["items"]
    assert invited["id"] in [p["id"] for p in listed]

    # Rights: a field left out stays as it is.
    response = _send(client, "patch", f"{url}/{invited['id']}", lead, {"can_edit": True})
    assert response.status_code == 200, response.content
    assert (response.json()["can_edit"], response.json()["is_signatory"]) == (True, True)
    person.refresh_from_db()
    assert person.can_edit and person.is_signatory
    assert HistoryEvent.objects.for_object(application).filter(action="person_update").exists()

    assert _send(client, "delete", f"{url}/{invited['id']}", lead).status_code == 204
    assert not ApplicationPerson.objects.filter(pk=invited["id"]).exists()
    assert HistoryEvent.objects.for_object(application).filter(action="person_remove").exists()


def test_who_sees_the_addresses(client, world):
    """The lead sees every address (the collective's page); the others see names, and the
    address of an invitation still waiting (the application's page)."""
    application, lead, editor = world["application"], world["lead"], world["editor"]
    editor.first_name, editor.last_name = "Inès", "Garnier"
    editor.save()
    PersonFactory(application=application, user=None, email="attente@example.org", accepted_at=None)
    url = _people_url(application)
    for viewer in (world["reader"], staff(application.call.programme)):
        people = {p["name"]: p for p in client.get(url, headers=auth(viewer)).json()["items"]}
        assert people["Inès Garnier"]["email"] is None
        assert people["attente@example.org"]["email"] == "attente@example.org"
        assert editor.email not in str(people)
    people = {p["name"]: p for p in client.get(url, headers=auth(lead)).json()["items"]}
    assert people["Inès Garnier"]["email"] == editor.email


def test_ten_identical_invitations_invite_once(client, world, django_capture_on_commit_callbacks):
    application, lead = world["application"], world["lead"]
    url = _people_url(application)
    body = {"email": "double@example.org"}
    # The same call ten times with one key: the first answer, replayed.
    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            _send(client, "post", url, lead, body, headers={"Idempotency-Key": "invite-1"})
            for _ in range(10)
        ]
    assert [r.status_code for r in responses] == [201] * 10
    assert len({r.json()["id"] for r in responses}) == 1
    assert [r.headers.get("Idempotent-Replayed") for r in responses[1:]] == ["true"] * 9
    # Without a key: the address is already invited, a 422 naming it.
    for email in ["double@example.org", "DOUBLE@example.org "] * 5:
        response = _send(client, "post", url, lead, {"email": email})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "email"
    assert application.people.filter(email="double@example.org").count() == 1
    assert len([m for m in mail.outbox if m.to == ["double@example.org"]]) == 1
    events = HistoryEvent.objects.for_object(application).filter(action="person_invite")
    assert events.count() == 1


def test_bad_input_names_the_field(client, world):
    application, lead = world["application"], world["lead"]
    url = _people_url(application)
    for body in ({"email": "pas-une-adresse"}, {"email": "x" * 255}, {}):
        response = _send(client, "post", url, lead, body)
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] == "email"
    response = _send(
        client,
        "patch",
        f"{url}/{_person_id(application, world['editor'])}",
        lead,
        {"can_edit": "peut-être"},
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "can_edit"
    assert application.people.count() == 3


def test_the_lead_person_is_not_removed_nor_demoted(client, world):
    """The last (and only) lead person stays until they hand over: a 409 saying why."""
    application, lead = world["application"], world["lead"]
    lead_id = _person_id(application, lead)
    url = f"{_people_url(application)}/{lead_id}"
    response = _send(client, "delete", url, lead)
    assert response.status_code == 409 and "main" in response.json()["detail"]
    response = _send(client, "patch", url, lead, {"can_edit": False, "is_signatory": False})
    assert response.status_code == 409 and "droits" in response.json()["detail"]
    # Neither by the collective's territory lead, who leads the application too.
    territory_lead = UserFactory()
    Membership.objects.create(
        user=territory_lead, role=Role.TERRITORY_LEAD, collective=application.collective
    )
    assert _send(client, "delete", url, territory_lead).status_code == 409
    person = ApplicationPerson.objects.get(pk=lead_id)
    assert person.is_lead and person.can_edit and person.is_signatory
    # The territory lead manages the others, as on the page.
    editor_url = f"{_people_url(application)}/{_person_id(application, world['editor'])}"
    assert _send(client, "delete", editor_url, territory_lead).status_code == 204


def test_attackers_change_nothing(client, world):
    application, editor, reader = world["application"], world["editor"], world["reader"]
    url = _people_url(application)
    editor_url = f"{url}/{_person_id(application, editor)}"
    invite = {"email": "intrus@example.org", "can_edit": True, "is_signatory": True}
    rights = {"can_edit": True, "is_signatory": True}
    other_staff = staff(ApplicationFactory().call.programme)
    # Outside their scope: 404, even to read.
    for outsider in (world["other_territory_lead"], other_staff):
        assert client.get(url, headers=auth(outsider)).status_code == 404
        assert _send(client, "post", url, outsider, invite).status_code == 404
        assert _send(client, "patch", editor_url, outsider, rights).status_code == 404
        assert _send(client, "delete", editor_url, outsider).status_code == 404
    # People of the application (an editor, a person without rights) and its programme's
    # staff see it but do not lead it: 403.
    for insider in (editor, reader, staff(application.call.programme)):
        assert _send(client, "post", url, insider, invite).status_code == 403
        assert (
            _send(
                client, "patch", f"{url}/{_person_id(application, reader)}", insider, rights
            ).status_code
            == 403
        )
        assert _send(client, "delete", editor_url, insider).status_code == 403
    # The lead with a read-only token: 403.
    lead = world["lead"]
    assert _send(client, "post", url, lead, invite, access="read").status_code == 403
    assert _send(client, "patch", editor_url, lead, rights, access="read").status_code == 403
    assert _send(client, "delete", editor_url, lead, access="read").status_code == 403
    # Another application's person through this application's address: 404.
    other_person = world["other_app"].people.get()
    other_url = f"{url}/{other_person.pk}"
    assert _send(client, "patch", other_url, lead, rights).status_code == 404
    assert _send(client, "delete", other_url, lead).status_code == 404
    assert ApplicationPerson.objects.filter(pk=other_person.pk).exists()
    # Nothing changed.
    assert not ApplicationPerson.objects.filter(email="intrus@example.org").exists()
    person = application.people.get(user=reader)
    assert not person.can_edit and not person.is_signatory
    assert application.people.filter(user=editor).exists()


def test_a_closed_application_is_a_409_and_a_submitted_one_still_takes_people(client, world):
    """As on the page: the lead manages the people until the application is closed."""
    application, lead = world["application"], world["lead"]
    url = _people_url(application)
    application.status = Status.SUBMITTED
    application.submitted_at = application.created_at
    application.save()
    assert _send(client, "post", url, lead, {"email": "apres@example.org"}).status_code == 201
    application.status = Status.WITHDRAWN
    application.save()
    response = _send(client, "post", url, lead, {"email": "trop-tard@example.org"})
    assert response.status_code == 409 and "close" in response.json()["detail"]
    editor_url = f"{url}/{_person_id(application, world['editor'])}"
    assert _send(client, "patch", editor_url, lead, {"can_edit": False}).status_code == 409
    assert _send(client, "delete", editor_url, lead).status_code == 409
    assert application.people.get(user=world["editor"]).can_edit
    assert not application.people.filter(email="trop-tard@example.org").exists()


# --- The order of the challenges -----------------------------------------------------------------


@pytest.fixture
def challenges(world):
    application = world["application"]
    return [
        Challenge.objects.create(application=application, title=title, position=position)
        for position, title in enumerate(["Mobilité", "Logement", "Emploi"], start=1)
    ]


def _order_url(application) -> str:
    return f"/api/v1/applications/{application.pk}/challenges/order"


def _titles(application) -> list[str]:
    return list(application.challenges.order_by("position").values_list("title", flat=True))


def test_an_editor_reorders_the_challenges(client, world, challenges):
    application = world["application"]
    first, second, third = challenges
    ids = [third.pk, first.pk, second.pk]
    response = _send(
        client, "post", _order_url(application), world["editor"], {"challenge_ids": ids}
    )
    assert response.status_code == 200, response.content
    assert [(c["id"], c["position"]) for c in response.json()] == [
        (i, n) for n, i in enumerate(ids, 1)
    ]
    assert _titles(application) == ["Emploi", "Mobilité", "Logement"]
    listed = client.get(
        f"/api/v1/applications/{application.pk}/challenges", headers=auth(world["lead"])
    ).json()["items"]
    assert [c["id"] for c in listed] == ids
    event = HistoryEvent.objects.for_object(application).get(action="challenges_reorder")
    assert event.payload["challenges"] == ids


def test_the_order_names_every_challenge_once(client, world, challenges):
    application, editor = world["application"], world["editor"]
    first, second, third = challenges
    foreign = Challenge.objects.create(application=world["other_app"], title="Ailleurs")
    for ids in (
        [first.pk, second.pk],  # one left out
        [first.pk, second.pk, third.pk, first.pk],  # one twice
        [first.pk, second.pk, foreign.pk],  # another application's
        [first.pk, second.pk, third.pk, foreign.pk],
        [],
    ):
        response = _send(client, "post", _order_url(application), editor, {"challenge_ids": ids})
        assert response.status_code == 422, ids
        assert response.json()["errors"][0]["field"] == "challenge_ids"
    for body in ({}, {"challenge_ids": [0]}, {"challenge_ids": "1,2,3"}):
        response = _send(client, "post", _order_url(application), editor, body)
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"].startswith("challenge_ids")
    assert _titles(application) == ["Mobilité", "Logement", "Emploi"]
    assert Challenge.objects.get(pk=foreign.pk).position == foreign.position


def test_attackers_do_not_reorder(client, world, challenges):
    application = world["application"]
    body = {"challenge_ids": [c.pk for c in reversed(challenges)]}
    url = _order_url(application)
    for outsider in (world["other_territory_lead"], staff(ApplicationFactory().call.programme)):
        assert _send(client, "post", url, outsider, body).status_code == 404
    for insider in (world["reader"], staff(application.call.programme)):
        assert _send(client, "post", url, insider, body).status_code == 403
    assert _send(client, "post", url, world["editor"], body, access="read").status_code == 403
    assert _titles(application) == ["Mobilité", "Logement", "Emploi"]


def test_a_submitted_application_keeps_its_order(client, world, challenges):
    application, editor = world["application"], world["editor"]
    application.status = Status.SUBMITTED
    application.submitted_at = application.created_at
    application.save()
    body = {"challenge_ids": [c.pk for c in reversed(challenges)]}
    response = _send(client, "post", _order_url(application), editor, body)
    assert response.status_code == 409 and "modifiable" in response.json()["detail"]
    assert _titles(application) == ["Mobilité", "Logement", "Emploi"]
    application.status = Status.CHANGES_REQUESTED
    application.save()
    assert _send(client, "post", _order_url(application), editor, body).status_code == 200
    assert _titles(application) == ["Emploi", "Logement", "Mobilité"]
