"""/api/v1/webhooks: the owner's subscriptions, their log and replays, and the rotation of the
signing secret (deliveries signed with both secrets during the grace period, then the new one)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from essaim.labels import services as label_services
from essaim.testing import bearer, other_programme, table_state
from essaim.webhooks import services
from essaim.webhooks.models import Delivery, Subscription

from .test_delivery import verify_signature

pytestmark = pytest.mark.django_db


def _signatures(header: str) -> list[str]:
    return [part[3:] for part in header.split(",") if part.startswith("v1=")]


def test_rotation_signs_with_both_secrets_then_the_new_one(
    label, admin, receiver, client, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOKS_SECRET_GRACE_HOURS = 24
    subscription = services.subscription_create(
        user=admin, programme=label.programme, url=receiver.url, events=["label.revoked"]
    )
    former = subscription.secret
    response = client.post(
        f"/api/v1/webhooks/{subscription.pk}/secret/rotate", headers=bearer(admin)
    )
    assert response.status_code == 201, response.content
    new = response.json()["secret"]
    assert new != former and new.startswith("whsec_")
    until = timezone.now() + timedelta(hours=24)
    assert abs(Subscription.objects.get().previous_secret_expires_at - until) < timedelta(minutes=1)
    assert (
        "secret"
        not in client.get(f"/api/v1/webhooks/{subscription.pk}", headers=bearer(admin)).json()
    )  # shown once

    with django_capture_on_commit_callbacks(execute=True):
        label_services.label_revoke(label=label, user=admin, reason="Collectif dissous.")
    [request] = receiver.received
    header, body = request["headers"]["X-Essaim-Signature"], request["body"]
    assert len(_signatures(header)) == 2
    assert verify_signature(new, header, body) and verify_signature(former, header, body)

    # After the grace period: the new secret only, and the former one forgotten.
    Subscription.objects.update(previous_secret_expires_at=timezone.now() - timedelta(seconds=1))
    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_replay(user=admin, delivery=delivery)
    header, body = (
        receiver.received[1]["headers"]["X-Essaim-Signature"],
        receiver.received[1]["body"],
    )
    assert len(_signatures(header)) == 1
    assert verify_signature(new, header, body) and not verify_signature(former, header, body)
    assert services.former_secrets_drop() == 1
    assert Subscription.objects.get().previous_secret == ""


def test_the_page_rotates_and_shows_the_new_secret_once(client, label, admin):
    subscription = services.subscription_create(
        user=admin, programme=label.programme, url="http://127.0.0.1:9/h", events=["label.granted"]
    )
    client.force_login(admin)
    page = client.post(f"/comptes/webhooks/{subscription.pk}/secret/renouveler/")
    subscription.refresh_from_db()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert subscription.secret in page.content.decode()
    assert subscription.previous_secret not in page.content.decode()
    assert "webhook-former-secret" in page.content.decode()
    again = client.get(f"/comptes/webhooks/{subscription.pk}/").content.decode()
    assert subscription.secret not in again


def test_create_list_update_log_and_replay(client, label, admin):
    auth = bearer(admin)
    response = client.post(
        "/api/v1/webhooks",
        {
            "programme_id": label.programme_id,
            "url": "http://127.0.0.1:9/h",
            "events": ["label.granted"],
            "name": "Tableau",
        },
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"] == Subscription.objects.get().secret
    assert [s["id"] for s in client.get("/api/v1/webhooks", headers=auth).json()["items"]] == [
        created["id"]
    ]
    patched = client.patch(
        f"/api/v1/webhooks/{created['id']}",
        {"active": False},
        content_type="application/json",
        headers=auth,
    )
    assert patched.status_code == 200 and patched.json()["active"] is False
    delivery = Delivery.objects.create(
        subscription_id=created["id"], event_type="label.granted", status="failed", attempts=6
    )
    log = client.get(f"/api/v1/webhooks/{created['id']}/deliveries", headers=auth).json()
    assert [d["id"] for d in log["items"]] == [delivery.pk]
    refused = client.post(f"/api/v1/webhook-deliveries/{delivery.pk}/replay", headers=auth)
    assert refused.status_code == 422 and "Réactivez" in refused.json()["detail"]
    bad = client.post(
        "/api/v1/webhooks",
        {"programme_id": label.programme_id, "url": "ftp://x", "events": ["nope"]},
        content_type="application/json",
        headers=auth,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].startswith("events")


def test_scoping_and_read_only_tokens(client, label, admin):
    subscription = services.subscription_create(
        user=admin, programme=label.programme, url="http://127.0.0.1:9/h", events=["label.granted"]
    )
    delivery = Delivery.objects.create(
        subscription=subscription, event_type="label.granted", status="failed"
    )
    stranger, read_only_token = bearer(other_programme().admin), bearer(admin, "read")
    before = table_state(Subscription, Delivery)
    for method, url in (
        ("get", f"/api/v1/webhooks/{subscription.pk}"),
        ("get", f"/api/v1/webhooks/{subscription.pk}/deliveries"),
        ("patch", f"/api/v1/webhooks/{subscription.pk}"),
        ("post", f"/api/v1/webhooks/{subscription.pk}/secret/rotate"),
        ("post", f"/api/v1/webhook-deliveries/{delivery.pk}/replay"),
    ):
        answer = getattr(client, method)(url, {}, content_type="application/json", headers=stranger)
        assert answer.status_code == 404, url
        assert getattr(client, method)(url, {}, content_type="application/json").status_code == 401
        read_only = getattr(client, method)(
            url, {}, content_type="application/json", headers=read_only_token
        )
        assert read_only.status_code == (200 if method == "get" else 403), url
    assert client.get("/api/v1/webhooks", headers=stranger).json()["items"] == []
    assert table_state(Subscription, Delivery) == before


def test_lists_query_budgets(client, label, admin, django_assert_max_num_queries):
    for i in range(3):
        subscription = services.subscription_create(
            user=admin,
            programme=label.programme,
            url=f"http://127.0.0.1:9/{i}",
            events=["label.granted"],
        )
    Delivery.objects.bulk_create(
        Delivery(subscription=subscription, event_type="label.granted", status="failed")
        for _ in range(30)
    )
    auth = bearer(admin)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/webhooks", headers=auth).json()["count"] == 3
    with django_assert_max_num_queries(7):
        log = client.get(f"/api/v1/webhooks/{subscription.pk}/deliveries", headers=auth)
    assert log.json()["count"] == 30
