import os

os.environ["ESSAIM_MODE"] = "test"
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def user(db):
    from essaim.accounts.tests.factories import UserFactory

    return UserFactory()
