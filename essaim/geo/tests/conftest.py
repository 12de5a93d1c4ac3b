import pytest

from essaim.accounts.models import Role
from essaim.geo.tests.factories import load_tiny_geography


@pytest.fixture
def geography(db):
    """The tiny snapshot, loaded (Niort 79191: Deux-Sèvres, Nouvelle-Aquitaine, CA du Niortais)."""
    return load_tiny_geography()


@pytest.fixture
def programme_admin(db):
    return _staff(Role.PROGRAMME_ADMIN)


@pytest.fixture
def project_holder(db):
    """A user with a role that may not change perimeters."""
    from essaim.accounts.tests.factories import MembershipFactory, UserFactory
    from essaim.actors.models import Organisation

    user = UserFactory()
    organisation = Organisation.objects.create(name="Association (test)", kind="association")
    MembershipFactory(user=user, role=Role.PROJECT_HOLDER, organisation=organisation)
    return user


def _staff(role):
    from essaim.accounts.tests.factories import MembershipFactory, UserFactory
    from essaim.calls.models import Programme

    programme, _created = Programme.objects.get_or_create(
        slug="french-impact-territoires",
        defaults={"name": "French Impact — Territoires", "label_name": "Territoire French Impact"},
    )
    user = UserFactory()
    MembershipFactory(user=user, role=role, programme=programme)
    return user
