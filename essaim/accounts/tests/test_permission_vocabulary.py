"""The one permission vocabulary: its answers, and a guard that nothing else asks raw questions."""

import re
from pathlib import Path

import pytest

from essaim.accounts import permissions
from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory

ESSAIM = Path(__file__).resolve().parents[2]

# What only ``essaim/accounts`` may do: read memberships and roles, test superuser status.
RAW_QUESTION = re.compile(
    r"\bscope_ids\(|\bhas_role\(|\broles_of\(|\bmemberships_of\(|\bis_superuser\b"
    r"|essaim\.accounts\.queries|essaim\.accounts import queries|Membership\.objects"
)
# Files outside accounts allowed to name these, and why.
ALLOWED = {
    # Demo data makes the demo's admin a superuser and picks it as the acting user of loaded
    # objects.
    "demo/accounts.py",
    "demo/financing.py",
    # Test support: builds a second programme with its staff memberships.
    "testing.py",
}


def _offenders(suffix: str) -> list[str]:
    found = []
    for path in sorted(ESSAIM.rglob(f"*{suffix}")):
        relative = path.relative_to(ESSAIM).as_posix()
        if (
            relative.startswith("accounts/")
            or "/tests/" in relative
            or "/migrations/" in relative
            or relative in ALLOWED
        ):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if RAW_QUESTION.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_raw_role_or_superuser_check_outside_accounts_in_python():
    assert _offenders(".py") == [], (
        "Ask essaim.accounts.permissions (through the app's rules.py) instead"
    )


def test_no_raw_role_or_superuser_check_outside_accounts_in_templates():
    assert _offenders(".html") == [], "Templates ask the app's rules (perms / a context flag)"


def test_every_app_has_rules():
    apps = sorted(
        path.parent.name
        for path in ESSAIM.glob("*/apps.py")
        if path.parent.name not in {"core", "api", "portal"}
    )
    missing = [app for app in apps if not (ESSAIM / app / "rules.py").exists()]
    assert missing == []


# --- Answers ------------------------------------------------------------------------------------


def test_scope_filters_and_membership():
    scope = permissions.Scope(ids=frozenset({3, 1}))
    assert 1 in scope and 2 not in scope and None not in scope
    assert scope.sorted() == [1, 3]
    assert str(scope.q("programme")) == str(permissions.Q(programme__in=[1, 3]))
    assert not permissions.NOTHING and permissions.EVERY
    assert 12345 in permissions.EVERY
    assert (scope | permissions.NOTHING).ids == scope.ids
    assert (scope | permissions.EVERY).every


@pytest.mark.django_db
def test_every_scope_stays_true_inside_an_or():
    """``Q(x) | EVERY.q(...)`` must match every row (an empty ``Q()`` would be dropped)."""
    from essaim.calls.models import Programme

    for name in ("a", "b"):
        Programme.objects.create(name=name, slug=name, label_name=name)
    either = permissions.Q(slug="a") | permissions.EVERY.q("pk")
    assert Programme.objects.filter(either).count() == 2
    neither = permissions.Q(slug="none") | permissions.NOTHING.q("pk")
    assert Programme.objects.filter(neither).count() == 0


@pytest.mark.django_db
def test_anonymous_and_inactive_hold_nothing(django_user_model):
    from django.contrib.auth.models import AnonymousUser

    inactive = UserFactory(is_active=False, is_superuser=True)
    for user in (None, AnonymousUser(), inactive):
        assert not permissions.staff_programmes(user)
        assert not permissions.is_superuser(user)
        assert not permissions.is_collective_lead(user)


@pytest.mark.django_db
def test_roles_are_held_in_their_scope_only():
    from essaim.calls.models import Programme

    programme, other = (
        Programme.objects.create(name=name, slug=name, label_name=name) for name in ("a", "b")
    )
    instructor = UserFactory()
    Membership.objects.create(user=instructor, role=Role.INSTRUCTOR, programme=programme)
    assert permissions.is_programme_staff(instructor, programme.pk)
    assert not permissions.is_programme_staff(instructor, other.pk)
    assert not permissions.is_programme_admin(instructor, programme.pk)
    assert not permissions.is_window_officer(instructor)
    assert permissions.staff_programmes(instructor).sorted() == [programme.pk]


@pytest.mark.django_db
def test_ended_membership_grants_nothing():
    from django.utils import timezone

    from essaim.calls.models import Programme

    programme = Programme.objects.create(name="a", slug="a", label_name="a")
    admin = UserFactory()
    Membership.objects.create(
        user=admin, role=Role.PROGRAMME_ADMIN, programme=programme, ended_at=timezone.now()
    )
    assert not permissions.is_programme_admin(admin, programme.pk)


@pytest.mark.django_db
def test_superuser_is_staff_everywhere_but_never_acts_as_someone():
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert permissions.is_programme_admin(superuser, 999)
    assert permissions.is_window_officer(superuser, 999)
    assert permissions.owns_organisation(superuser, 999)
    assert permissions.financer_owns(superuser, 999)
    assert not permissions.is_expert(superuser)
    assert not permissions.is_collective_lead(superuser, 999)
    assert not permissions.is_territory_person(superuser)
    assert not permissions.is_financer(superuser, 999)
    assert not permissions.holder_organisations(superuser)


@pytest.mark.django_db
def test_superuser_object_permissions_come_from_the_rules():
    """Django's blanket "yes" is kept for model permissions (the admin), not for objects."""
    import rules

    superuser = UserFactory(is_superuser=True, is_staff=True)
    if not rules.perm_exists("accounts.test_only_never"):
        rules.add_perm("accounts.test_only_never", rules.always_deny)
    assert superuser.has_perm("accounts.view_user")
    assert not superuser.has_perm("accounts.test_only_never", object())
