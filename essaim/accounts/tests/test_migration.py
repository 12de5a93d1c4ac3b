"""The move to allauth keeps existing accounts working: their address is recorded as verified
(migration 0004), so they sign in as before, with their roles and tokens."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.models import ApiToken, Role
from essaim.accounts.testing import sign_in

BEFORE = ("accounts", "0003_membership_scope_sorted_roles")
AFTER = ("accounts", "0004_existing_users_verified_email_addresses")


def _migrate(target):
    """Migrate to ``target`` (``None``: the latest accounts migration); return that state's apps."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    if target is None:
        target = executor.loader.graph.leaf_nodes("accounts")[0]
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_existing_users_keep_logging_in_after_migration(client):
    from essaim.accounts.tests.factories import UserFactory
    from essaim.calls.tests.factories import ProgrammeFactory

    before = _migrate(BEFORE)
    try:
        # Accounts as they were before allauth: no e-mail address rows. Memberships as they were
        # then (the model of that migration: later ones add columns).
        instructor = UserFactory(email="Lucas@Exemple.fr".lower())
        before.get_model("accounts", "Membership").objects.create(
            user_id=instructor.pk, role=Role.INSTRUCTOR, programme_id=ProgrammeFactory().pk
        )
        applicant = UserFactory(email="camille@exemple.fr")
        EmailAddress.objects.all().delete()
        # A token as it was then (later migrations add its access and programme).
        key, key_hash = ApiToken.new_key()
        before.get_model("accounts", "ApiToken").objects.create(
            user_id=instructor.pk,
            prefix=key[4:12],
            key_hash=key_hash,
            expires_at=timezone.now() + timedelta(days=30),
        )
    finally:
        _migrate(AFTER)
        _migrate(None)  # and the later migrations, which the models expect

    for user in (instructor, applicant):
        address = EmailAddress.objects.get(user=user)
        assert (address.email, address.verified, address.primary) == (user.email, True, True)
    # They sign in straight away (no confirmation e-mail), roles and tokens intact.
    response = sign_in(client, instructor.email)
    assert response.status_code == 302
    assert response.url == reverse("accounts:dashboard")
    assert "Instructeur" in client.get(reverse("accounts:dashboard")).content.decode()
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200
    assert me.json()["roles"][0]["role"] == "instructor"


@pytest.mark.django_db
def test_demo_accounts_sign_in_with_their_published_password(client, settings):
    """The demo's own loader, on the smallest setting it needs."""
    from essaim.actors.models import OrganisationKind
    from essaim.actors.tests.factories import CollectiveFactory, OrganisationFactory
    from essaim.calls.models import Programme
    from essaim.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoContext
    from essaim.demo import accounts as accounts_demo

    Programme.objects.create(
        slug="french-impact-territoires",
        name="French Impact — Territoires",
        label_name="Territoire French Impact",
        expert_partner=OrganisationFactory(name="Avise", kind=OrganisationKind.SUPPORT),
    )
    CollectiveFactory(perimeter__slug="region-nouvelle-aquitaine")
    accounts_demo.load(DemoContext(reference={}))
    accounts_demo.load(DemoContext(reference={}))  # idempotent

    settings.DEMO = True
    settings.ESSAIM_MFA_ENFORCED = True
    regional = {row[0] for row in accounts_demo.REGIONAL_STAFF}
    french_impact_accounts = [a for a in DEMO_ACCOUNTS if a[0] not in regional]
    for email, _role in french_impact_accounts:
        assert EmailAddress.objects.get(email=email).verified
        response = sign_in(client, email, DEMO_PASSWORD)
        assert response.url == reverse("accounts:dashboard"), email
        assert client.get(response.url).status_code == 200, email
        client.post(reverse("account_logout"))
