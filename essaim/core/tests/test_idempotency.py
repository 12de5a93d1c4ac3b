"""Nothing created twice: the same request sent again with the same idempotency key (a form's
hidden field, an API call's header) gets the first response and creates nothing; another request
with that key is a 422; a refused one frees its key; keys expire after a day. The concurrent
cases (ten identical requests at once) are in ``test_idempotency_concurrency``."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from essaim.core.idempotency import REPLAY_HEADER, purge_expired
from essaim.core.models import IdempotencyKey, Notification
from essaim.core.schedule import BY_NAME

pytestmark = pytest.mark.django_db
KEY_INPUT = re.compile(r'<input type="hidden" name="idempotency_key" value="([^"]+)">')


def _client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _request_page(world):
    fiso = world.instruments["FISO #2"]
    return f"/financement/projets/{world.supermarket.pk}/demande/{fiso.pk}/"


def test_same_key_twice_on_a_page_creates_one_financing_request(world):
    from essaim.financing.models import FinancingRequest

    client = _client(world.holder)
    page = client.get(_request_page(world))
    key = KEY_INPUT.search(page.text).group(1)
    data = {"amount": "40000", "purpose": "Local", "idempotency_key": key}
    first = client.post(_request_page(world), data)
    notes = Notification.objects.count()
    again = client.post(
        _request_page(world),
        {**data, "documents": []},  # a browser's resubmission: same fields
    )
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert again[REPLAY_HEADER] == "true"
    assert FinancingRequest.objects.count() == 1
    assert Notification.objects.count() == notes


def test_same_key_twice_with_a_file_creates_one_message():
    """Multipart forms: the browser picks a new boundary each time; the request is the same."""
    from essaim.applications.models import Message
    from essaim.applications.tests.factories import ApplicationFactory, lead_of

    application = ApplicationFactory()
    client = _client(lead_of(application).user)
    url = f"/candidatures/{application.pk}/messages/"
    responses = [
        client.post(
            url,
            {
                "body": "Bonjour",
                "idempotency_key": "message-1",
                "attachment": SimpleUploadedFile("note.pdf", b"%PDF-1.4 x"),
            },
        )
        for _ in range(2)
    ]
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0]["Location"] == responses[1]["Location"]
    assert Message.objects.count() == 1


def test_same_key_twice_on_the_api_creates_one_support_action():
    from essaim.support.models import Action
    from essaim.support.tests.factories import build_world

    world = build_world()
    client = _client(world.lead)
    url = f"/api/v1/support-plans/{world.plan.pk}/actions"
    body = json.dumps({"axis_id": world.axes[1].pk, "title": "Tour de table"})
    first, again = (
        client.post(url, body, content_type="application/json", headers={"Idempotency-Key": "k1"})
        for _ in range(2)
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again[REPLAY_HEADER] == "true" and REPLAY_HEADER not in first
    assert Action.objects.count() == 1


def test_key_reused_with_another_request_is_422_and_creates_nothing():
    from essaim.support.models import Action
    from essaim.support.tests.factories import build_world

    world = build_world()
    client = _client(world.lead)
    url = f"/api/v1/support-plans/{world.plan.pk}/actions"
    headers = {"Idempotency-Key": "k1"}
    first = client.post(
        url,
        json.dumps({"axis_id": world.axes[1].pk, "title": "Un"}),
        content_type="application/json",
        headers=headers,
    )
    assert first.status_code == 201
    other = client.post(
        url,
        json.dumps({"axis_id": world.axes[1].pk, "title": "Deux"}),
        content_type="application/json",
        headers=headers,
    )
    assert other.status_code == 422
    assert "déjà servi" in other.json()["detail"]
    assert list(Action.objects.values_list("title", flat=True)) == ["Un"]
    # The same key is another user's own: no clash.
    assert (
        _client(world.member)
        .post(
            url,
            json.dumps({"axis_id": world.axes[1].pk, "title": "Deux"}),
            content_type="application/json",
            headers=headers,
        )
        .status_code
        == 201
    )


def test_refused_request_frees_its_key(world):
    from essaim.financing.models import FinancingRequest

    client = _client(world.holder)
    data = {"amount": "1e400", "purpose": "Local", "idempotency_key": "form-1"}
    assert client.post(_request_page(world), data).status_code == 422
    assert not IdempotencyKey.objects.exists()
    response = client.post(_request_page(world), {**data, "amount": "40000"})
    assert response.status_code == 302
    assert FinancingRequest.objects.count() == 1


def test_bearer_token_calls_share_the_users_keys():
    from essaim.accounts.services import api_token_create
    from essaim.support.models import Action
    from essaim.support.tests.factories import build_world

    world = build_world()
    _token, raw = api_token_create(user=world.lead, name="script")
    url = f"/api/v1/support-plans/{world.plan.pk}/actions"
    body = json.dumps({"axis_id": world.axes[1].pk, "title": "Tour de table"})
    headers = {"Authorization": f"Bearer {raw}", "Idempotency-Key": "retry-1"}
    statuses = [
        _client().post(url, body, content_type="application/json", headers=headers).status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 201]
    assert Action.objects.count() == 1
    assert IdempotencyKey.objects.get().user == world.lead


def test_anonymous_request_with_a_key_is_untouched(world):
    response = _client().post(
        "/api/v1/financing-requests",
        "{}",
        content_type="application/json",
        headers={"Idempotency-Key": "anonymous-1"},
    )
    assert response.status_code == 401
    response = _client().post(
        _request_page(world), {"amount": "1", "purpose": "x", "idempotency_key": "anonymous-2"}
    )
    assert response.status_code == 302 and "/comptes/" in response["Location"]
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("key", ["", "a b", "x" * 129, "clé", "a\x01"])
def test_invalid_key_is_400(world, key):
    from essaim.financing.models import FinancingRequest

    response = _client(world.holder).post(
        "/api/v1/financing-requests",
        json.dumps(
            {
                "project_id": world.supermarket.pk,
                "instrument_id": world.instruments["FISO #2"].pk,
                "amount": 40000,
                "purpose": "Local",
            }
        ),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )
    assert response.status_code == 400
    assert "Clé d'idempotence invalide" in response.json()["detail"]
    assert not FinancingRequest.objects.exists()


def test_keys_expire_after_a_day(world):
    client = _client(world.holder)
    data = {"amount": "40000", "purpose": "Local", "idempotency_key": "old"}
    assert client.post(_request_page(world), data).status_code == 302
    assert client.post(_request_page(world), data)[REPLAY_HEADER] == "true"
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    # An expired key is a new key: the request runs again.
    assert REPLAY_HEADER not in client.post(_request_page(world), data)
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert purge_expired() == 1
    assert not IdempotencyKey.objects.exists()
    assert BY_NAME["idempotency_keys_purge"].target is purge_expired


def test_each_form_gets_its_own_key(world):
    """Two forms of one page never share a key (a second form would be taken for a replay)."""
    from essaim.financing.tests.test_api import send

    request = send(world)
    client = _client(world.financer)
    page = client.get(f"/financement/demandes/{request.pk}/")
    keys = KEY_INPUT.findall(page.text)
    assert len(keys) >= 2
    assert len(set(keys)) == len(keys)
    assert keys != KEY_INPUT.findall(client.get(f"/financement/demandes/{request.pk}/").text)


def test_replay_gives_the_stored_page_its_new_csp_nonce(user):
    from django.test import RequestFactory
    from django.utils.csp import LazyNonce

    from essaim.core.idempotency import replay

    row = IdempotencyKey(
        user=user,
        key="k",
        fingerprint="f",
        method="POST",
        path="/",
        status_code=200,
        response_headers={"Content-Type": "text/html; charset=utf-8"},
        response_body=b'<script nonce="OLDNONCE">x</script>',
        csp_nonce="OLDNONCE",
    )
    request = RequestFactory().post("/")
    request._csp_nonce = LazyNonce()
    response = replay(row, request)
    assert response.status_code == 200
    assert response.content == f'<script nonce="{request._csp_nonce}">x</script>'.encode()
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_openapi_documents_the_idempotency_header():
    from essaim.api.urls import api

    schema = api.get_openapi_schema()
    writes = [
        operation
        for operations in schema["paths"].values()
        for method, operation in operations.items()
        if method in {"post", "put", "patch"}
    ]
    assert len(writes) >= 10
    for operation in writes:
        assert "Idempotency-Key" in {p["name"] for p in operation["parameters"]}
    assert "Idempotency-Key" in schema["info"]["description"]


# Forms that may carry no key: signing in and out, the language switch, live previews and
# autosaves (htmx posts the same form again and again), the API token form (its answer shows a
# secret, never stored), and the single window's form (a key of its own, the same field name).
NO_KEY = {
    ("accounts/login.html", ""),
    ("accounts/password_reset.html", ""),
    ("accounts/password_reset_confirm.html", ""),
    ("accounts/api_tokens.html", ""),
    ("accounts/api_tokens.html", "accounts:api_token_revoke"),
    ("core/tools_links.html", "accounts:logout"),
    ("core/tools_links.html", "set_language"),
    ("calls/form_edit.html", "calls:form_preview"),
    ("applications/edit.html", "applications:autosave"),
    ("regulatory/ticket_form.html", ""),
    ("financing/alerts.html", "financing:alert_unsubscribe"),
    ("accounts/invitation_wrong_account.html", "account_logout"),
}
# django-allauth's sign-in, sign-up, reset and second-factor pages: anonymous, or one of a kind
# per user by nature (one TOTP authenticator, one pending login).
NO_KEY_TEMPLATE_DIRS = ("account/", "mfa/")


def test_every_post_form_carries_an_idempotency_key():
    """The mechanism: a new POST form without ``{% include "core/_idempotency_key.html" %}``
    fails here, unless it is one of the exceptions above."""
    root = Path(__file__).resolve().parents[2]
    missing = []
    forms_seen = 0
    for template in sorted(root.glob("*/templates/**/*.html")):
        text = template.read_text()
        name = "/".join(template.parts[template.parts.index("templates") + 1 :])
        for match in re.finditer(r"<form\b[^>]*>(.*?)</form>", text, re.DOTALL | re.IGNORECASE):
            opening = match.group(0)[: match.group(0).index(">") + 1]
            if 'method="post"' not in opening.lower():
                continue
            forms_seen += 1
            if "core/_idempotency_key.html" in match.group(1):
                continue
            action = re.search(r"{% url '([^']+)'", opening)
            action = action.group(1) if action else ""
            if "hx-post" in opening:
                action = re.search(r"hx-post=\"{% url '([^']+)'", opening).group(1)
            if (name, action) not in NO_KEY and not name.startswith(NO_KEY_TEMPLATE_DIRS):
                missing.append((name, action))
    assert forms_seen >= 60
    assert missing == []
