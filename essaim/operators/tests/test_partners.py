"""Roles held around a programme (its collectives, its partner organisations) ended from the team
page, and the partner organisations page: the programme's admins see and end them; another
programme's admin, an instructor or a lead gets nothing; access ends at once, API tokens
included; every change is in the history."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from essaim.accounts.history import UserAction
from essaim.accounts.models import Invitation, Membership, Role
from essaim.accounts.services import api_token_create, invitation_accept
from essaim.accounts.tests.factories import MembershipFactory, UserFactory
from essaim.actors.models import Organisation
from essaim.actors.tests.factories import OrganisationFactory
from essaim.applications.tests.factories import ApplicationFactory
from essaim.calls.history import PartnerAction
from essaim.calls.models import PartnerKind, ProgrammePartner
from essaim.calls.tests.factories import CallFactory, FormVersionFactory, ProgrammeFactory
from essaim.core.models import HistoryEvent
from essaim.operators import partners
from essaim.operators.services import partner_invitation_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory(with_experts=True)


@pytest.fixture
def admin(programme):
    return MembershipFactory(role=Role.PROGRAMME_ADMIN, programme=programme).user


@pytest.fixture
def other():
    """Another programme and its admin."""
    programme = ProgrammeFactory()
    return programme, MembershipFactory(role=Role.PROGRAMME_ADMIN, programme=programme).user


def applied(programme):
    call = CallFactory(programme=programme)
    return ApplicationFactory(form_version=FormVersionFactory(call=call), call=call)


def lead_of(collective):
    return MembershipFactory(role=Role.TERRITORY_LEAD, programme=None, collective=collective)


def in_organisation(organisation, role=Role.FINANCER):
    return MembershipFactory(role=role, programme=None, organisation=organisation)


def partner_of(programme, admin, organisation=None, kind=PartnerKind.FINANCER):
    return partners.partner_add(
        user=admin,
        programme=programme,
        organisation=organisation or OrganisationFactory(),
        kind=kind,
    )


def team(client, user, programme):
    client.force_login(user)
    return client.get(reverse("operators:team", args=[programme.slug]))


def end(client, user, programme, membership, **extra):
    client.force_login(user)
    return client.post(
        reverse("operators:revoke_partner", args=[programme.slug, membership.pk]), extra
    )


def test_the_team_page_lists_the_collectives_and_partners_people_since_when_and_from_whom(
    client, programme, admin
):
    lead = lead_of(applied(programme).collective)
    lead.granted_by = admin
    lead.save()
    bank = partner_of(programme, admin).organisation
    financer = in_organisation(bank)
    page = team(client, admin, programme).content.decode()
    section = page[page.index('id="partner-members"') : page.index('id="team-invitations"')]
    assert lead.user.email in section and lead.collective.name in section
    assert financer.user.email in section and bank.name in section
    assert admin.get_full_name() in section  # granted by
    assert section.count("/roles-partenaires/") == 2  # each with its "Retirer"


def test_an_admin_ends_a_lead_and_a_financer_at_once_pages_and_api_tokens(client, programme, admin):
    application = applied(programme)
    lead = lead_of(application.collective)
    _token, raw = api_token_create(user=lead.user)
    api = client.get("/api/v1/applications", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 200 and api.json()["count"] == 1

    response = end(client, admin, programme, lead)
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.ended_at is not None and lead.ended_by == admin
    client.logout()
    api = client.get("/api/v1/applications", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code in {401, 403, 404} or api.json()["count"] == 0
    client.force_login(lead.user)
    detail = client.get(reverse("applications:detail", args=[application.pk]))
    assert detail.status_code in {403, 404}

    financer = in_organisation(partner_of(programme, admin).organisation)
    end(client, admin, programme, financer)
    financer.refresh_from_db()
    assert financer.ended_by == admin
    actions = HistoryEvent.objects.filter(action=UserAction.MEMBERSHIP_REVOKED)
    assert {event.object_id for event in actions} >= {
        str(lead.user.pk),
        str(financer.user.pk),
    }

    page = team(client, admin, programme).content.decode()
    former = page[page.index('id="partner-former"') :]
    assert lead.user.email in former and financer.user.email in former


def test_another_programmes_admin_neither_sees_nor_ends_those_roles(
    client, programme, admin, other
):
    other_programme, other_admin = other
    lead = lead_of(applied(programme).collective)
    financer = in_organisation(partner_of(programme, admin).organisation)
    page = team(client, other_admin, other_programme).content.decode()
    assert lead.user.email not in page and financer.user.email not in page
    for membership in (lead, financer):
        # through their own programme's page: not one of its roles
        assert end(client, other_admin, other_programme, membership).status_code == 404
        # through the programme that owns it: not its admin
        assert end(client, other_admin, programme, membership).status_code == 403
        membership.refresh_from_db()
        assert membership.ended_at is None


def test_an_instructor_or_a_lead_ends_nothing(client, programme, admin):
    lead = lead_of(applied(programme).collective)
    financer = in_organisation(partner_of(programme, admin).organisation)
    instructor = MembershipFactory(role=Role.INSTRUCTOR, programme=programme).user
    for attacker in (instructor, lead.user):
        assert team(client, attacker, programme).status_code == 403
        assert end(client, attacker, programme, financer).status_code == 403
    financer.refresh_from_db()
    assert financer.ended_at is None


def test_a_collective_or_organisation_that_only_another_programme_works_with_is_out_of_reach(
    client, programme, admin, other
):
    other_programme, other_admin = other
    their_lead = lead_of(applied(other_programme).collective)
    their_financer = in_organisation(partner_of(other_programme, other_admin).organisation)
    page = team(client, admin, programme).content.decode()
    assert their_lead.user.email not in page and their_financer.user.email not in page
    for membership in (their_lead, their_financer):
        assert end(client, admin, programme, membership).status_code == 404
        membership.refresh_from_db()
        assert membership.ended_at is None
    # nor may the admin invite someone into that organisation
    client.post(
        reverse("operators:invite_partner", args=[programme.slug]),
        {
            "partner-email": "x@example.test",
            "partner-role": Role.FINANCER,
            "partner-organisation": their_financer.organisation.siren,
        },
    )
    assert not Invitation.objects.filter(email="x@example.test").exists()


def test_a_team_role_is_not_ended_through_the_partners_route(client, programme, admin):
    instructor = MembershipFactory(role=Role.INSTRUCTOR, programme=programme)
    assert end(client, admin, programme, instructor).status_code == 404
    instructor.refresh_from_db()
    assert instructor.ended_at is None


def test_the_team_page_keeps_its_query_budget_with_partners(client, programme, admin):
    def count() -> int:
        client.force_login(admin)
        with CaptureQueriesContext(connection) as queries:
            assert team(client, admin, programme).status_code == 200
        return len(queries)

    lead_of(applied(programme).collective)
    small = count()
    bank = partner_of(programme, admin).organisation
    for _ in range(4):
        lead_of(applied(programme).collective)
        end(client, admin, programme, in_organisation(bank))
        in_organisation(bank, role=Role.COMPANY)
    assert count() == small


# --- The partners page -----------------------------------------------------------------------


def partners_url(programme, name="partners", *args):
    return reverse(f"operators:{name}", args=[programme.slug, *args])


def test_an_admin_adds_a_financer_by_siren_invites_someone_into_it_and_ends_it(
    client, programme, admin, django_capture_on_commit_callbacks
):
    bank = OrganisationFactory(name="Banque solidaire", siren="552081317")
    client.force_login(admin)
    response = client.post(
        partners_url(programme, "partner_add"),
        {"add-organisation": "552 081 317", "add-kind": PartnerKind.FINANCER},
    )
    assert response.status_code == 302
    partner = ProgrammePartner.objects.get(programme=programme, organisation=bank)
    assert (partner.kind, partner.added_by, partner.ended_at) == ("financer", admin, None)
    again = client.post(
        partners_url(programme, "partner_add"),
        {"add-organisation": "Banque solidaire", "add-kind": PartnerKind.FINANCER},
    )
    assert again.status_code == 422 and "déjà partenaire" in html.unescape(again.content.decode())

    with django_capture_on_commit_callbacks(execute=True):
        invited = client.post(
            partners_url(programme, "partner_invite", bank.pk),
            {"people-email": "f@example.test", "people-role": Role.FINANCER},
        )
    assert invited.status_code == 302
    invitation = Invitation.objects.get(email="f@example.test")
    assert (invitation.role, invitation.organisation) == (Role.FINANCER, bank)
    assert (
        client.post(
            partners_url(programme, "partner_invite", bank.pk),
            {"people-email": "g@example.test", "people-role": Role.PROGRAMME_ADMIN},
        ).status_code
        == 422
    )

    page = client.get(partners_url(programme)).content.decode()
    assert "Banque solidaire" in page and "Avise" in page  # the expert partner

    client.post(partners_url(programme, "partner_end", partner.pk))
    partner.refresh_from_db()
    assert partner.ended_at is not None and partner.ended_by == admin
    actions = HistoryEvent.objects.for_object(partner).values_list("action", flat=True)
    assert set(actions) == {PartnerAction.ADDED, PartnerAction.ENDED}
    page = client.get(partners_url(programme)).content.decode()
    assert 'id="partners-former"' in page


def test_an_organisation_not_in_the_directory_is_created_with_its_siret_checked(
    client, programme, admin
):
    client.force_login(admin)
    bad = client.post(
        partners_url(programme, "partner_create"),
        {
            "new-name": "Fonds local",
            "new-siret": "55208131700011",
            "new-organisation_kind": "financer",
            "new-kind": PartnerKind.FINANCER,
        },
    )
    assert bad.status_code == 422
    assert not Organisation.objects.filter(name="Fonds local").exists()
    good = client.post(
        partners_url(programme, "partner_create"),
        {
            "new-name": "Fonds local",
            "new-siret": "552 081 317 00018",
            "new-organisation_kind": "financer",
            "new-kind": PartnerKind.COMPANY,
        },
    )
    assert good.status_code == 302, good.content.decode()[:3000]
    fund = Organisation.objects.get(name="Fonds local")
    assert fund.siren == "552081317"
    assert ProgrammePartner.objects.active().get(organisation=fund).kind == "company"


def test_the_expert_partner_ends_only_once_its_experts_are_gone(client, programme, admin):
    avise = programme.expert_partner
    expert = MembershipFactory(role=Role.EXPERT, programme=programme, organisation=avise)
    client.force_login(admin)
    response = client.post(partners_url(programme, "expert_partner_end"), follow=True)
    assert "retirez-le" in html.unescape(response.content.decode())
    programme.refresh_from_db()
    assert programme.expert_partner == avise
    client.post(reverse("operators:revoke", args=[programme.slug, expert.pk]))
    client.post(partners_url(programme, "expert_partner_end"))
    programme.refresh_from_db()
    assert programme.expert_partner is None
    ended = ProgrammePartner.objects.get(programme=programme, organisation=avise)
    assert ended.kind == "expert" and ended.ended_by == admin
    # naming a new expert partner sets the programme's
    client.post(
        partners_url(programme, "partner_add"),
        {"add-organisation": avise.name, "add-kind": PartnerKind.EXPERT},
    )
    programme.refresh_from_db()
    assert programme.expert_partner == avise


def test_the_partners_page_is_its_admins_only(client, programme, admin, other):
    other_programme, other_admin = other
    partner = partner_of(programme, admin)
    instructor = MembershipFactory(role=Role.INSTRUCTOR, programme=programme).user
    for attacker in (other_admin, instructor):
        client.force_login(attacker)
        assert client.get(partners_url(programme)).status_code == 403
        assert client.post(partners_url(programme, "partner_end", partner.pk)).status_code == 403
    client.force_login(other_admin)
    # their own programme's page does not reach it either
    assert client.post(partners_url(other_programme, "partner_end", partner.pk)).status_code == 404
    assert (
        client.post(
            partners_url(other_programme, "partner_invite", partner.organisation.pk),
            {"people-email": "x@example.test", "people-role": Role.FINANCER},
        ).status_code
        == 404
    )
    partner.refresh_from_db()
    assert partner.ended_at is None
    client.logout()
    assert client.get(partners_url(programme)).status_code == 302
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(partners_url(programme)).status_code == 200


def test_the_partners_page_has_a_query_budget(client, programme, admin):
    def count() -> int:
        client.force_login(admin)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(partners_url(programme)).status_code == 200
        return len(queries)

    partner_of(programme, admin)
    small = count()
    for kind in (PartnerKind.FINANCER, PartnerKind.COMPANY, PartnerKind.NETWORK):
        organisation = partner_of(programme, admin, kind=kind).organisation
        in_organisation(organisation)
        in_organisation(organisation, role=Role.COMPANY)
    MembershipFactory(role=Role.EXPERT, programme=programme, organisation=programme.expert_partner)
    assert count() == small


def test_ending_a_partnership_takes_its_people_out_of_reach_but_keeps_the_ended(
    client, programme, admin
):
    partner = partner_of(programme, admin)
    kept = in_organisation(partner.organisation)
    ended = in_organisation(partner.organisation, role=Role.COMPANY)
    end(client, admin, programme, ended)
    partners.partner_end(user=admin, programme=programme, partner=partner)
    page = team(client, admin, programme).content.decode()
    assert kept.user.email not in page
    assert ended.user.email in page[page.index('id="partner-former"') :]
    assert end(client, admin, programme, kept).status_code == 404
    assert Membership.objects.get(pk=kept.pk).ended_at is None  # shared: other programmes


def test_the_public_programme_page_names_its_partners(client, programme, admin):
    bank = partner_of(programme, admin, OrganisationFactory(name="Banque solidaire")).organisation
    ended = partner_of(programme, admin, OrganisationFactory(name="Fonds parti"))
    partners.partner_end(user=admin, programme=programme, partner=ended)
    page = client.get(reverse("portal:programme", args=[programme.slug])).content.decode()
    listed = page[page.index('id="programme-partners"') :]
    assert bank.name in listed and programme.expert_partner.name in listed
    assert "Fonds parti" not in page


def test_a_first_time_admin_finds_an_empty_page_and_the_way_to_add_a_partner(client, admin):
    programme = ProgrammeFactory()  # no expert partner, no partnership
    MembershipFactory(role=Role.PROGRAMME_ADMIN, programme=programme, user=admin)
    page = team(client, admin, programme).content.decode()
    assert partners_url(programme) in page  # linked from the team page
    page = client.get(partners_url(programme)).content.decode()
    assert 'id="no-partner"' in page and 'id="partner-add-submit"' in page
    assert 'id="partner-create-submit"' in page
    assert client.post(partners_url(programme, "expert_partner_end")).status_code == 404


def test_in_an_organisation_shared_with_another_programme_each_ends_only_the_roles_it_gave(
    client, programme, admin, other, django_capture_on_commit_callbacks
):
    other_programme, other_admin = other
    bank = OrganisationFactory(name="Banque partagée")
    partner_of(programme, admin, bank)
    partner_of(other_programme, other_admin, bank)

    def accepted(by, where, email):
        _invitation, raw = partner_invitation_send(
            user=by, programme=where, email=email, role=Role.FINANCER, organisation=bank
        )
        return invitation_accept(user=UserFactory(email=email), raw=raw)

    theirs = accepted(other_admin, other_programme, "theirs@example.test")
    mine = accepted(admin, programme, "mine@example.test")
    page = team(client, admin, programme).content.decode()
    assert theirs.user.email in page and "donné par un autre programme" in page
    assert end(client, admin, programme, theirs).status_code == 302
    theirs.refresh_from_db()
    assert theirs.ended_at is None
    end(client, admin, programme, mine)
    mine.refresh_from_db()
    assert mine.ended_by == admin
    end(client, other_admin, other_programme, theirs)
    theirs.refresh_from_db()
    assert theirs.ended_by == other_admin
