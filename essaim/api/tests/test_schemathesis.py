"""schemathesis against the API, in process (the project's WSGI application): for every
operation of the OpenAPI document, a few generated requests — as a staff member with an API
token, as a territory lead with one, and anonymously — never answer 5xx, and what they answer
conforms to the document (body against the declared schema, declared content type).

The world is the demo data set (two programmes), loaded once for the module. Each operation gets
``MAX_EXAMPLES`` examples per identity, to keep the module around two minutes (the operations
tripled in issue 12, to about 250: one generated example each, every operation still called by
every identity; the bounds, filters and OpenAPI tests cover the edges)."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from essaim.api.urls import api
from essaim.testing import connections_kept

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MAX_EXAMPLES = 1
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

# Generated requests only (the coverage phase would add hundreds of boundary cases per operation).
CONFIG = SchemathesisConfig.from_dict(
    {
        "phases": {
            "examples": {"enabled": False},
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
        }
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
schema.app = get_wsgi_application()

HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once; the raw API tokens of an instructor and of a territory lead."""
    from essaim.accounts.models import User
    from essaim.accounts.services import api_token_create
    from essaim.demo import load_demo

    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        connections_kept(),
        transaction.atomic(),
    ):
        load_demo(force=True)
        yield {
            role: api_token_create(user=User.objects.get(email=email), name="schemathesis")[1]
            for role, email in [
                ("staff", "instructeur@demo.essaim.fr"),
                ("lead", "porteur@demo.essaim.fr"),
            ]
        }
        transaction.set_rollback(True)


def _call(case, headers=None):
    case.call_and_validate(headers=headers or {}, checks=CHECKS)


@schema.parametrize()
@HYPOTHESIS
def test_api_as_staff_never_fails(case, tokens):
    _call(case, {"Authorization": f"Bearer {tokens['staff']}"})


@schema.parametrize()
@HYPOTHESIS
def test_api_as_territory_lead_never_fails(case, tokens):
    _call(case, {"Authorization": f"Bearer {tokens['lead']}"})


@schema.parametrize()
@HYPOTHESIS
def test_api_anonymously_never_fails(case, tokens):
    _call(case)
