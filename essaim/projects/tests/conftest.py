import pytest
from django.utils import translation

from essaim.financing.tests.world import rival, world  # noqa: F401


@pytest.fixture(autouse=True)
def _french():
    """The messages under test are the French ones, whatever another test left active."""
    with translation.override("fr"):
        yield
