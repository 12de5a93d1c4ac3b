"""API: the partners page's other writes — an organisation created in the directory with its
partnership (``POST /programmes/{id}/partners/new-organisation``) and someone invited into a
partner organisation (``POST /programmes/{id}/partners/{partnership id}/invitations``) — through
the page's services: the programme's admins only (anyone else a 404, a read-only token a 403),
the form's checks as a 422 naming the field, what the programme's state refuses a 409, and the
same request sent ten times at once creating one."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from essaim.accounts.models import Invitation, Membership, Role
from essaim.accounts.tests.factories import MembershipFactory
from essaim.actors.history import OrganisationAction
from essaim.actors.models import Organisation
from essaim.actors.tests.factories import OrganisationFactory
from essaim.calls.history import PartnerAction
from essaim.calls.models import PartnerKind, ProgrammePartner
from essaim.calls.tests.factories import ProgrammeFactory
from essaim.core.models import HistoryEvent
from essaim.operators import partners
from essaim.testing import bearer, other_programme, run_concurrently, table_state

# Valid SIRETs (Luhn on the SIREN and on the SIRET), not the demo's.
SIRET = "52601815501004"
OTHER_SIRET = "90830166601006"
NEW = {"name": "Fonds territorial", "siret": SIRET, "organisation_kind": "financer"}


@pytest.fixture
def programme(db):
    return ProgrammeFactory(with_experts=True)


@pytest.fixture
def admin(programme):
    return MembershipFactory(role=Role.PROGRAMME_ADMIN, programme=programme).user


def base(programme) -> str:
    return f"/api/v1/programmes/{programme.pk}/partners"


def post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", headers=headers)


def field_of(response) -> str:
    assert response.status_code == 422, response.content
    return response.json()["errors"][0]["field"]


def partnership(programme, admin, kind=PartnerKind.FINANCER, **organisation):
    return partners.partner_add(
        user=admin,
        programme=programme,
        organisation=OrganisationFactory(**organisation),
        kind=kind,
    )


# --- An organisation created with its partnership ----------------------------------------------


@pytest.mark.django_db
def test_the_admin_creates_the_organisation_with_its_partnership(client, programme, admin):
    url = f"{base(programme)}/new-organisation"
    response = post(
        client, url, {**NEW, "siret": "526 018 155 01004", "kind": "company"}, bearer(admin)
    )
    assert response.status_code == 201, response.content
    fund = Organisation.objects.get(siret=SIRET)
    # In the directory at once (confirmed by its creator), its SIREN taken from the SIRET.
    assert (fund.name, fund.siren, fund.kind) == ("Fonds territorial", SIRET[:9], "financer")
    assert fund.verified_at is not None and fund.verified_by == admin
    partner = ProgrammePartner.objects.active().get(programme=programme, organisation=fund)
    assert (partner.kind, partner.added_by) == ("company", admin)
    assert response.json() == {
        "organisation_id": fund.pk,
        "organisation": "Fonds territorial",
        "kind": "company",
        "kind_label": "entreprise engagée",
        "partnership_id": partner.pk,
        "since": partner.since.isoformat(),
        "people": [],
    }
    assert HistoryEvent.objects.for_object(partner).get().action == PartnerAction.ADDED
    assert HistoryEvent.objects.for_object(fund).get().action == OrganisationAction.CREATED
    listed = client.get(base(programme), headers=bearer(admin)).json()["items"]
    assert fund.pk in [p["organisation_id"] for p in listed]


@pytest.mark.django_db
def test_bad_input_is_a_422_naming_the_field_and_creates_nothing(client, programme, admin):
    OrganisationFactory(name="Déjà là", siret=OTHER_SIRET, siren=OTHER_SIRET[:9])
    url, headers = f"{base(programme)}/new-organisation", bearer(admin)
    before = table_state(Organisation, ProgrammePartner)
    cases = {
        "siret": {"siret": "52601815501005"},  # the check digit is wrong
        "siret ": {"siret": OTHER_SIRET},  # already another organisation's
        "siret  ": {"siret": "   "},
        "siret   ": {"siret": "5260181550100"},  # 13 digits
        "siret    ": {"siret": "1" * 21},
        "siret     ": {"siret": "5²601815501004"},  # a superscript is no digit of a SIRET
        "siret      ": {"siret": "٥٢٦٠١٨١٥٥٠١٠٠٤"},  # nor an Arabic-Indic digit
        "name": {"name": "   "},
        "name ": {"name": "x" * 256},
        "organisation_kind": {"organisation_kind": "cartel"},
        "kind": {"kind": "sponsor"},
    }
    for field, change in cases.items():
        body = {**NEW, "kind": "financer", **change}
        assert field_of(post(client, url, body, headers)) == field.strip(), change
    missing = {key: value for key, value in NEW.items() if key != "siret"}
    assert field_of(post(client, url, {**missing, "kind": "financer"}, headers)) == "siret"
    assert table_state(Organisation, ProgrammePartner) == before


@pytest.mark.django_db
def test_a_new_expert_partner_is_refused_while_the_current_ones_experts_hold_their_role(
    client, programme, admin
):
    avise = programme.expert_partner
    expert = MembershipFactory(role=Role.EXPERT, programme=programme, organisation=avise)
    url = f"{base(programme)}/new-organisation"
    body, headers = {**NEW, "organisation_kind": "support", "kind": "expert"}, bearer(admin)
    before = table_state(Organisation, ProgrammePartner)
    refused = post(client, url, body, headers)
    assert refused.status_code == 409 and "retirez-le" in refused.json()["detail"]
    assert table_state(Organisation, ProgrammePartner) == before  # the organisation too
    Membership.objects.filter(pk=expert.pk).delete()
    replaced = post(client, url, body, headers)
    assert replaced.status_code == 201, replaced.content
    programme.refresh_from_db()
    assert programme.expert_partner.siret == SIRET
    assert ProgrammePartner.objects.get(organisation=avise).ended_at is not None


@pytest.mark.django_db
def test_only_the_programmes_admins_create_or_invite(client, programme, admin):
    bank = partnership(programme, admin)
    stranger = other_programme()
    instructor = MembershipFactory(role=Role.INSTRUCTOR, programme=programme).user
    writes = (
        (f"{base(programme)}/new-organisation", {**NEW, "kind": "financer"}),
        (
            f"{base(programme)}/{bank.pk}/invitations",
            {"email": "f@exemple.fr", "role": "financer"},
        ),
    )
    callers = (
        (bearer(stranger.admin), 404),  # another programme's admin learns nothing
        (bearer(instructor), 404),
        (bearer(admin, "read"), 403),
        ({}, 401),
    )
    before = table_state(Organisation, ProgrammePartner, Invitation)
    for headers, status in callers:
        for url, body in writes:
            assert post(client, url, body, headers).status_code == status, (url, status)
    # The other programme's admin, on their own programme, names this one's partnership: 404.
    url = f"/api/v1/programmes/{stranger.programme.pk}/partners/{bank.pk}/invitations"
    body = {"email": "f@exemple.fr", "role": "financer"}
    assert post(client, url, body, callers[0][0]).status_code == 404
    assert table_state(Organisation, ProgrammePartner, Invitation) == before


# --- Someone invited into a partner organisation -----------------------------------------------


@pytest.mark.django_db
def test_the_admin_invites_into_a_partner_organisation(
    client, programme, admin, django_capture_on_commit_callbacks
):
    bank = partnership(programme, admin, name="Banque solidaire")
    url = f"{base(programme)}/{bank.pk}/invitations"
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, url, {"email": "Fiona@Exemple.fr", "role": "financer"}, bearer(admin)
        )
    assert response.status_code == 201, response.content
    invitation = Invitation.objects.get()
    answer = response.json()
    assert (answer["id"], answer["email"], answer["role"]) == (
        invitation.pk,
        "fiona@exemple.fr",
        "financer",
    )
    assert (answer["organisation_id"], answer["organisation"]) == (
        bank.organisation_id,
        "Banque solidaire",
    )
    assert "key" not in answer
    assert (invitation.organisation, invitation.programme, invitation.invited_by) == (
        bank.organisation,
        programme,
        admin,
    )
    sent = [m for m in mail.outbox if m.to == ["fiona@exemple.fr"]]
    assert len(sent) == 1 and "/invitations/" in sent[0].body
    # The same address again: the first link stops working, one invitation pending.
    again = post(client, url, {"email": "fiona@exemple.fr", "role": "financer"}, bearer(admin))
    assert again.status_code == 201
    assert Invitation.objects.pending().filter(email="fiona@exemple.fr").count() == 1
    # A project holder may be invited into a financer too (as the page offers).
    holder = post(client, url, {"email": "p@exemple.fr", "role": "project_holder"}, bearer(admin))
    assert holder.status_code == 201, holder.content


@pytest.mark.django_db
def test_invitations_refused_as_on_the_page(client, programme, admin):
    bank = partnership(programme, admin)
    url, headers = f"{base(programme)}/{bank.pk}/invitations", bearer(admin)
    # Someone already holding the role there.
    held = MembershipFactory(
        role=Role.FINANCER,
        programme=None,
        organisation=bank.organisation,
        user__email="tenu@exemple.fr",
    )
    cases = {
        "role": {"role": "company"},  # not a financer's
        "role ": {"role": "programme_admin"},  # a team role: the team's invitations
        "role  ": {"role": "territory_lead"},
        "role   ": {"role": "x" * 33},
        "email": {"email": "pas-une-adresse"},
    }
    for field, change in cases.items():
        body = {"email": "f@exemple.fr", "role": "financer", **change}
        assert field_of(post(client, url, body, headers)) == field.strip(), change
    already = post(client, url, {"email": held.user.email.upper(), "role": "financer"}, headers)
    assert field_of(already) == "email" and "détient déjà" in already.json()["detail"]
    # The expert partner's experts are invited from the team.
    avise = partners.partner_add(
        user=admin, programme=programme, organisation=programme.expert_partner, kind="expert"
    )
    response = post(
        client,
        f"{base(programme)}/{avise.pk}/invitations",
        {"email": "e@exemple.fr", "role": "expert"},
        headers,
    )
    assert field_of(response) == "role" and "équipe" in response.json()["detail"]
    # An ended partnership, or an unknown one: 404.
    partners.partner_end(user=admin, programme=programme, partner=bank)
    ended = post(client, url, {"email": "f@exemple.fr", "role": "financer"}, headers)
    assert ended.status_code == 404
    unknown = post(
        client,
        f"{base(programme)}/2000000000/invitations",
        {"email": "f@exemple.fr", "role": "financer"},
        headers,
    )
    assert unknown.status_code == 404
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_a_network_takes_its_three_roles(client, programme, admin):
    network = partnership(programme, admin, kind=PartnerKind.NETWORK)
    url = f"{base(programme)}/{network.pk}/invitations"
    for index, role in enumerate(("financer", "company", "project_holder")):
        body = {"email": f"n{index}@exemple.fr", "role": role}
        assert post(client, url, body, bearer(admin)).status_code == 201, role
    assert Invitation.objects.filter(organisation=network.organisation).count() == 3


# --- Ten identical requests at once ------------------------------------------------------------


def at_once(url, body, headers) -> list:
    def send(_index):
        response = Client().post(url, body, content_type="application/json", headers=headers)
        return response.status_code

    return run_concurrently(send, 10)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
@pytest.mark.parametrize("key", [None, "double-clic"])
def test_ten_identical_creations_at_once_create_one_organisation(key, settings):
    settings.IDEMPOTENCY_WAIT_SECONDS = 60
    programme = ProgrammeFactory()
    admin = MembershipFactory(role=Role.PROGRAMME_ADMIN, programme=programme).user
    headers = {**bearer(admin), **({"Idempotency-Key": key} if key else {})}
    outcomes = at_once(f"{base(programme)}/new-organisation", {**NEW, "kind": "financer"}, headers)
    # With a key: the same answer ten times; without: the programme's lock lets the first
    # through and the nine others find its SIRET taken.
    assert sorted(outcomes) == ([201] * 10 if key else [201] + [422] * 9), outcomes
    assert Organisation.objects.filter(siret=SIRET).count() == 1
    assert ProgrammePartner.objects.filter(programme=programme).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
def test_ten_identical_invitations_at_once_invite_once(settings):
    settings.IDEMPOTENCY_WAIT_SECONDS = 60
    programme = ProgrammeFactory()
    admin = MembershipFactory(role=Role.PROGRAMME_ADMIN, programme=programme).user
    bank = partnership(programme, admin)
    headers = {**bearer(admin), "Idempotency-Key": "invitation-1"}
    body = {"email": "f@exemple.fr", "role": "financer"}
    outcomes = at_once(f"{base(programme)}/{bank.pk}/invitations", body, headers)
    assert outcomes == [201] * 10, outcomes
    assert Invitation.objects.count() == 1
