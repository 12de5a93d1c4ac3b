"""The permission matrix's probe itself: a refused write that changed a row is caught, one that
wrote and undid its change (a service's savepoint) is not, and a request that wrote nothing is
not compared at all."""

import pytest
from django.db import transaction
from django.http import HttpResponse

from essaim.accounts.models import User

from . import matrix_probe
from .matrix_world import IDENTITIES

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/tokens"  # an accounts route: the accounts' tables are compared


class _World:
    def __init__(self, write):
        self.write = write

    def client(self, identity):
        return self

    def post(self, url):
        self.write()
        return HttpResponse(status=403)


def _create_user():
    User.objects.create(email=f"probe-{User.objects.count()}@example.org")


def _create_then_undo():
    with transaction.atomic():
        _create_user()
        transaction.set_rollback(True)


def test_a_refused_write_that_changed_a_row_is_caught():
    with pytest.raises(AssertionError, match="refused but changed"):
        matrix_probe.ask(_World(_create_user), URL, "post")


def test_a_refused_write_undone_by_its_savepoint_passes():
    assert matrix_probe.ask(_World(_create_then_undo), URL, "post") == " ".join(
        "d" for _ in IDENTITIES
    )


def test_tables_are_not_read_when_nothing_was_written(monkeypatch):
    def no_snapshot(*models):
        raise AssertionError("snapshot taken")

    monkeypatch.setattr(matrix_probe, "table_state", no_snapshot)
    assert matrix_probe.ask(_World(lambda: None), URL, "post").split() == ["d"] * len(IDENTITIES)
