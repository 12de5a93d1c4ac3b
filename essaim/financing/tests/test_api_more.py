"""API: a financing request's documents (listed and downloaded by whoever sees the request, always
as a file) and the alerts on new instruments (the caller's own, through the alert services).
Tried as an attacker: another financer, another holder and another programme's staff see no
document (404); a document presented as a PDF but holding HTML is never served as HTML; another
holder may not follow a project they do not edit, nor a territory not theirs (403), nor stop
someone else's alert (404); a read-only token subscribes to nothing (403)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.accounts.models import TokenAccess
from essaim.accounts.services import api_token_create
from essaim.financing import services
from essaim.financing.models import AlertSubscription
from essaim.testing import close_response

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _auth(user, access=TokenAccess.WRITE):
    _token, raw = api_token_create(user=user, name="test", access=access)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _sent(world, *documents):
    return services.financing_request_send(
        user=world.holder,
        project=world.supermarket,
        instrument=world.instruments["FISO #2"],
        amount=40_000,
        purpose="Local",
        need=world.need,
        documents=documents,
    )


def test_a_requests_documents_are_read_by_whoever_sees_the_request(client, world, rival):
    request = _sent(
        world,
        SimpleUploadedFile("budget.pdf", b"%PDF-1.4 budget"),
        # A page presented as a PDF: accepted by its name, never served as HTML.
        SimpleUploadedFile("statuts.pdf", b"<script>alert(1)</script>", "text/html"),
    )
    url = f"{API}/financing-requests/{request.pk}/documents"
    for user in (world.holder, world.financer):
        response = client.get(url, **_auth(user))
        assert response.status_code == 200
        assert [d["name"] for d in response.json()["items"]] == ["budget.pdf", "statuts.pdf"]
    budget, forged = request.documents.order_by("pk")
    download = client.get(f"{url}/{budget.pk}", **_auth(world.financer))
    assert download.status_code == 200 and "budget.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == b"%PDF-1.4 budget"
    close_response(download)
    download = client.get(f"{url}/{forged.pk}", **_auth(world.holder))
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment")
    close_response(download)
    # Another financer, another holder, another programme's staff: the request is not theirs.
    for stranger in (world.other_financer, world.other_holder, rival.admin, rival.lead):
        assert client.get(url, **_auth(stranger)).status_code == 404
        assert client.get(f"{url}/{budget.pk}", **_auth(stranger)).status_code == 404
    # Another request's document through this request: not found either.
    other = _sent(world, SimpleUploadedFile("autre.pdf", b"%PDF-1.4 autre"))
    alien = other.documents.get()
    assert client.get(f"{url}/{alien.pk}", **_auth(world.holder)).status_code == 404
    assert client.get(url).status_code == 401


def test_the_alerts_are_the_callers_own(client, world, rival):
    url = f"{API}/financing-alerts"
    response = client.post(
        url,
        {"project_id": world.supermarket.pk},
        content_type="application/json",
        **_auth(world.holder),
    )
    assert response.status_code == 201, response.content
    alert = response.json()
    assert alert["project"] == {"id": world.supermarket.pk, "title": world.supermarket.title}
    # Twice: the same alert.
    again = client.post(
        url,
        {"project_id": world.supermarket.pk},
        content_type="application/json",
        **_auth(world.holder),
    )
    assert again.status_code == 201 and again.json()["id"] == alert["id"]
    # The territory's lead follows their territory, not another one.
    response = client.post(
        url,
        {"collective_id": world.collective.pk},
        content_type="application/json",
        **_auth(world.lead),
    )
    assert response.status_code == 201 and response.json()["collective"]["id"] == (
        world.collective.pk
    )
    response = client.post(
        url,
        {"collective_id": rival.collective.pk},
        content_type="application/json",
        **_auth(world.lead),
    )
    assert response.status_code == 403
    assert [a["id"] for a in client.get(url, **_auth(world.holder)).json()["items"]] == [
        alert["id"]
    ]
    assert client.get(url, **_auth(world.other_holder)).json()["items"] == []
    assert AlertSubscription.objects.count() == 2

    # Someone else's alert: not found; a read-only token: refused.
    assert client.delete(f"{url}/{alert['id']}", **_auth(world.other_holder)).status_code == 404
    response = client.delete(f"{url}/{alert['id']}", **_auth(world.holder, TokenAccess.READ))
    assert response.status_code == 403
    assert client.delete(f"{url}/{alert['id']}", **_auth(world.holder)).status_code == 204
    assert not AlertSubscription.objects.filter(user=world.holder).exists()
    assert client.delete(f"{url}/{alert['id']}", **_auth(world.holder)).status_code == 404


def test_an_alert_refuses_what_the_page_refuses(client, world, rival):
    url = f"{API}/financing-alerts"

    def post(user, access=TokenAccess.WRITE, **body):
        return client.post(url, body, content_type="application/json", **_auth(user, access))

    # A published project the caller may not edit: 403; one they do not see: 404.
    assert post(world.other_holder, project_id=world.supermarket.pk).status_code == 403
    world.supermarket.is_published = False
    world.supermarket.save()
    assert post(world.other_holder, project_id=world.supermarket.pk).status_code == 404
    assert post(rival.holder, collective_id=world.collective.pk).status_code == 403
    # Neither or both: a 422 naming the field; an unknown territory too.
    response = post(world.holder)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "project_id"
    response = post(world.lead, project_id=world.supermarket.pk, collective_id=world.collective.pk)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "project_id"
    response = post(world.lead, collective_id=999_999)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "collective_id"
    response = post(world.holder, TokenAccess.READ, project_id=world.supermarket.pk)
    assert response.status_code == 403
    assert not AlertSubscription.objects.exists()
