"""Past one machine: the read-replica router and its pin to the primary, and the settings that
turn on the replica and the object storage (read in a fresh interpreter)."""

import json

import pytest
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory

from essaim.core import replica
from essaim.core.tests.test_settings import _python

PRINT = (
    "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'essaim.settings'; "
    "from django.conf import settings as s; "
    "print(json.dumps({'storage': s.STORAGES['default'], "
    "'databases': sorted(s.DATABASES), 'routers': getattr(s, 'DATABASE_ROUTERS', []), "
    "'first_middleware': s.MIDDLEWARE[0]}))"
)
PRODUCTION = {"ESSAIM_MODE": "production", "SECRET_KEY": "x" * 50}


@pytest.fixture
def router():
    yield replica.ReplicaRouter()
    replica._process["pinned"] = False


def test_reads_go_to_the_replica_until_a_write_then_to_the_primary(router):
    context = replica._wrote.set(False)
    try:
        assert router.db_for_read(None) == "replica"
        assert router.db_for_write(None) == "default"
        assert router.db_for_read(None) == "default"
    finally:
        replica._wrote.reset(context)
    assert router.allow_migrate("replica", "labels") is False
    assert router.allow_migrate("default", "labels") is True


def test_reads_inside_a_transaction_and_in_workers_go_to_the_primary(router, monkeypatch):
    monkeypatch.setattr(connections["default"], "in_atomic_block", True)
    assert router.db_for_read(None) == "default"
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    assert router.db_for_read(None) == "replica"
    replica.pin_process()
    assert router.db_for_read(None) == "default"


def test_a_request_that_wrote_pins_its_client_to_the_primary_for_a_while(router, settings):
    settings.ESSAIM_REPLICA_PIN_SECONDS = 7
    seen = []

    def view(write):
        def get_response(request):
            seen.append(router.db_for_read(None))
            if write:
                router.db_for_write(None)
            return HttpResponse()

        return get_response

    factory = RequestFactory()
    # A read-only request reads the replica and sets nothing.
    response = replica.ReplicaPinMiddleware(view(False))(factory.get("/"))
    assert replica.PIN_COOKIE not in response.cookies
    # A write sets the cookie, for ESSAIM_REPLICA_PIN_SECONDS.
    response = replica.ReplicaPinMiddleware(view(True))(factory.post("/"))
    cookie = response.cookies[replica.PIN_COOKIE]
    assert cookie["max-age"] == 7 and cookie["httponly"]
    # The next request of that client (any process) reads the primary, without extending it.
    request = factory.get("/")
    request.COOKIES[replica.PIN_COOKIE] = "1"
    response = replica.ReplicaPinMiddleware(view(False))(request)
    assert replica.PIN_COOKIE not in response.cookies
    # Another client, and this thread after the requests, read the replica again.
    replica.ReplicaPinMiddleware(view(False))(factory.get("/"))
    assert seen == ["replica", "replica", "default", "replica"]
    assert router.db_for_read(None) == "replica"


def test_object_storage_and_replica_settings(tmp_path):
    env = {**PRODUCTION, "ESSAIM_VAR_DIR": str(tmp_path)}
    result = _python(env, PRINT)
    assert result.returncode == 0, result.stderr
    default = json.loads(result.stdout)
    assert default["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert default["databases"] == ["default"] and default["routers"] == []

    result = _python(
        {
            **env,
            "DATABASE_URL": "postgres://essaim@db.internal:5432/essaim",
            "DATABASE_REPLICA_URL": "postgres://essaim@replica.internal:5432/essaim",
            "ESSAIM_S3_BUCKET": "essaim-files",
            "ESSAIM_S3_ENDPOINT_URL": "https://s3.example.org",
            "ESSAIM_S3_REGION": "fr-par",
            "ESSAIM_S3_PREFIX": "/production/",
        },
        PRINT,
    )
    assert result.returncode == 0, result.stderr
    scaled = json.loads(result.stdout)
    assert scaled["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = scaled["storage"]["OPTIONS"]
    assert options["bucket_name"] == "essaim-files" and options["location"] == "production"
    assert options["endpoint_url"] == "https://s3.example.org"
    # Private objects (no ACL sent: the bucket's), signed short-lived URLs, no overwriting.
    assert "default_acl" not in options and options["querystring_auth"] is True
    assert options["querystring_expire"] == 300 and options["file_overwrite"] is False
    assert "access_key" not in options  # boto3's own chain when no key is given
    assert scaled["databases"] == ["default", "replica"]
    assert scaled["routers"] == ["essaim.core.replica.ReplicaRouter"]
    assert scaled["first_middleware"] == "essaim.core.replica.ReplicaPinMiddleware"

    result = _python({**env, "DATABASE_REPLICA_URL": "postgres://r/essaim"}, PRINT)
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL needs DATABASE_URL" in result.stderr
