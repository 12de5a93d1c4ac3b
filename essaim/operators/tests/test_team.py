"""A programme's team run from the pages: an admin invites by e-mail with a role, the invited
address (and only it) accepts and lands in its space with the role; the admin sees who holds
what, since when and from whom, ends a role at once (pages and API), and every grant and
revocation is in the member's history."""

import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.history import UserAction
from essaim.accounts.models import Invitation, Membership, Role
from essaim.accounts.services import api_token_create, invitation_send
from essaim.accounts.tests.factories import MembershipFactory, UserFactory
from essaim.calls.models import Programme
from essaim.calls.tests.factories import ProgrammeFactory
from essaim.core.models import HistoryEvent
from essaim.geo.tests.factories import load_tiny_geography
from essaim.operators.partners import partner_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory(with_experts=True)


@pytest.fixture
def admin(programme):
    return MembershipFactory(role=Role.PROGRAMME_ADMIN, programme=programme).user


def invite(client, admin, programme, email="nouvelle@example.test", role=Role.INSTRUCTOR):
    client.force_login(admin)
    return client.post(
        reverse("operators:invite", args=[programme.slug]), {"email": email, "role": role}
    )


def invitation_key_from_mail(email: str) -> str:
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return re.search(r"/invitations/([\w-]+)/", message.body).group(1)


def link_in_last_mail() -> str:
    return re.search(r"/invitations/[\w-]+/", mail.outbox[-1].body).group(0)


def test_invited_instructor_accepts_and_lands_in_their_space_with_the_role(
    client, programme, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, admin, programme, email="Nouvelle@Example.test")
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["nouvelle@example.test"]
    assert programme.name in mail.outbox[-1].subject
    link = link_in_last_mail()

    client.logout()
    page = client.get(link).content.decode()
    assert "instructeur" in page and 'id="invitation-signup"' in page

    invited = UserFactory(email="nouvelle@example.test")
    client.force_login(invited)
    assert 'id="invitation-accept"' in client.get(link).content.decode()
    response = client.post(link, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:dashboard")
    assert "Vous faites maintenant partie de l'équipe" in html.unescape(response.content.decode())

    membership = Membership.objects.get(user=invited, programme=programme)
    assert membership.role == Role.INSTRUCTOR and membership.granted_by == admin
    assert client.get(reverse("reviews:queue")).status_code == 200
    assert client.post(link).status_code == 200  # opening it again is harmless
    assert Membership.objects.filter(user=invited).count() == 1


def test_the_invitation_binds_to_its_address_confirmed(client, programme, admin):
    invitation, raw = invitation_send(
        user=admin, programme=programme, email="a@example.test", role=Role.INSTRUCTOR
    )
    for someone in (
        UserFactory(email="b@example.test"),
        UserFactory(email="a@example.test", email_verified=False),
    ):
        client.force_login(someone)
        response = client.post(reverse("operators:invitation", args=[raw]))
        assert 'id="invitation-problem"' in response.content.decode()
        assert "a@example.test" in response.content.decode()
        assert not Membership.objects.filter(user=someone).exists()


def test_an_expired_or_cancelled_invitation_gives_nothing(client, programme, admin):
    expired, raw = invitation_send(
        user=admin, programme=programme, email="a@example.test", role=Role.INSTRUCTOR
    )
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    client.force_login(UserFactory(email="a@example.test"))
    assert "expiré" in client.post(reverse("operators:invitation", args=[raw])).content.decode()

    cancelled, raw = invitation_send(
        user=admin, programme=programme, email="a@example.test", role=Role.INSTRUCTOR
    )
    client.force_login(admin)
    client.post(reverse("operators:cancel_invitation", args=[programme.slug, cancelled.pk]))
    client.force_login(UserFactory(email="c@example.test"))
    assert client.get(reverse("operators:invitation", args=[raw])).status_code == 200
    assert not Membership.objects.filter(role=Role.INSTRUCTOR, programme=programme).exists()


def test_ten_identical_invitations_leave_one_working_link(client, programme, admin):
    for _ in range(10):
        assert invite(client, admin, programme).status_code == 302
    assert Invitation.objects.pending().filter(programme=programme).count() == 1


def test_an_expert_is_invited_into_the_programme_expert_partner(client, programme, admin):
    _invitation, raw = invitation_send(
        user=admin, programme=programme, email="x@example.test", role=Role.EXPERT
    )
    expert = UserFactory(email="x@example.test")
    client.force_login(expert)
    client.post(reverse("operators:invitation", args=[raw]))
    membership = Membership.objects.get(user=expert)
    assert (membership.organisation, membership.programme) == (programme.expert_partner, programme)


def test_bad_invitations_are_refused_under_their_field(client, programme, admin):
    instructor = MembershipFactory(role=Role.INSTRUCTOR, programme=programme).user
    response = invite(client, admin, programme, email=instructor.email)
    assert response.status_code == 422
    assert "détient déjà ce rôle" in response.content.decode()
    response = invite(client, admin, programme, email="pas-une-adresse", role="root")
    assert response.status_code == 422
    assert Invitation.objects.count() == 0


def test_revoking_ends_access_at_once_pages_and_api(client, programme, admin):
    instructor = MembershipFactory(role=Role.INSTRUCTOR, programme=programme).user
    membership = instructor.memberships.get()
    _token, raw = api_token_create(user=instructor)
    client.force_login(admin)
    response = client.post(
        reverse("operators:revoke", args=[programme.slug, membership.pk]), follow=True
    )
    assert "son accès a pris fin" in response.content.decode()
    membership.refresh_from_db()
    assert membership.ended_at is not None and membership.ended_by == admin

    client.force_login(instructor)
    assert client.get(reverse("reviews:queue")).status_code in {403, 404}
    client.logout()
    api = client.get("/api/v1/applications", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code in {403, 404} or api.json().get("count", 0) == 0
    actions = list(HistoryEvent.objects.for_object(instructor).values_list("action", flat=True))
    assert UserAction.MEMBERSHIP_REVOKED in actions


def test_the_last_admin_stays(client, programme, admin):
    client.force_login(admin)
    membership = admin.memberships.get()
    response = client.post(
        reverse("operators:revoke", args=[programme.slug, membership.pk]), follow=True
    )
    assert "dernier administrateur" in response.content.decode()
    membership.refresh_from_db()
    assert membership.ended_at is None


def test_the_team_page_shows_who_since_when_and_from_whom_with_a_query_budget(
    client, programme, admin, django_assert_max_num_queries
):
    def budget() -> int:
        client.force_login(admin)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("operators:team", args=[programme.slug])).status_code == 200
        return len(queries)

    MembershipFactory(role=Role.INSTRUCTOR, programme=programme)
    small = budget()
    for _ in range(5):
        MembershipFactory(role=Role.INSTRUCTOR, programme=programme, granted_by=admin)
        invitation_send(
            user=admin, programme=programme, email=f"{_}@example.test", role=Role.INSTRUCTOR
        )
    assert budget() == small
    page = client.get(reverse("operators:team", args=[programme.slug])).content.decode()
    assert page.count("Retirer ce rôle") == 7
    assert admin.email in page


def test_a_superuser_creates_a_programme_from_the_template_then_lands_on_its_team(client):
    load_tiny_geography()
    client.force_login(UserFactory(is_superuser=True))
    form = {
        "name": "Économie circulaire",
        "slug": "eco-circ",
        "label_name": "",
        "template": "french-impact",
    }
    response = client.post(reverse("operators:programme_create"), form)
    assert response.status_code == 302
    assert response["Location"] == reverse("operators:team", args=["eco-circ"])
    programme = Programme.objects.get(slug="eco-circ")
    assert programme.label_name == "Économie circulaire"
    assert programme.support_axes.count() == 6
    again = client.post(reverse("operators:programme_create"), form)
    assert again.status_code == 422 and "déjà cet identifiant" in again.content.decode()


def test_only_superusers_create_programmes(client, admin):
    client.force_login(admin)
    assert client.get(reverse("operators:programme_create")).status_code == 403


def test_an_admin_invites_a_lead_into_a_collective_that_applied(
    client, programme, admin, django_capture_on_commit_callbacks
):
    from essaim.applications.tests.factories import ApplicationFactory
    from essaim.calls.tests.factories import CallFactory, FormVersionFactory

    call = CallFactory(programme=programme)
    application = ApplicationFactory(form_version=FormVersionFactory(call=call), call=call)
    elsewhere = ApplicationFactory()
    client.force_login(admin)
    url = reverse("operators:invite_partner", args=[programme.slug])
    refused = client.post(
        url,
        {
            "partner-email": "lead@example.test",
            "partner-role": Role.TERRITORY_LEAD,
            "partner-collective": elsewhere.collective.pk,
        },
    )
    assert refused.status_code == 422  # not one of this programme's collectives
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "partner-email": "lead@example.test",
                "partner-role": Role.TERRITORY_LEAD,
                "partner-collective": application.collective.pk,
            },
        )
    assert response.status_code == 302
    assert Invitation.objects.filter(email="lead@example.test").count() == 1
    lead = UserFactory(email="lead@example.test")
    client.force_login(lead)
    client.post(reverse("operators:invitation", args=["x"]))  # a wrong key gives nothing
    assert not Membership.objects.filter(user=lead).exists()
    raw = invitation_key_from_mail(lead.email)
    client.post(reverse("operators:invitation", args=[raw]))
    membership = Membership.objects.get(user=lead)
    assert (membership.role, membership.collective) == (
        Role.TERRITORY_LEAD,
        application.collective,
    )


def test_an_admin_invites_a_financer_of_a_directory_organisation_by_siren(client, programme, admin):
    from essaim.actors.tests.factories import OrganisationFactory

    bank = OrganisationFactory(name="Banque solidaire", siren="552081317")
    client.force_login(admin)
    url = reverse("operators:invite_partner", args=[programme.slug])
    unknown = client.post(
        url,
        {
            "partner-email": "f@example.test",
            "partner-role": Role.FINANCER,
            "partner-organisation": "123456789",
        },
    )
    assert unknown.status_code == 422
    assert "Aucune organisation de l&#x27;annuaire" in unknown.content.decode()
    financer = {
        "partner-email": "f@example.test",
        "partner-role": Role.FINANCER,
        "partner-organisation": "552 081 317",
    }
    not_partner = client.post(url, financer)
    assert not_partner.status_code == 422
    assert "pas partenaire du programme" in not_partner.content.decode()
    partner_add(user=admin, programme=programme, organisation=bank, kind="financer")
    client.post(url, financer)
    invitation = Invitation.objects.get(email="f@example.test")
    assert (invitation.role, invitation.organisation) == (Role.FINANCER, bank)
