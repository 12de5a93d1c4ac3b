"""The webhook pages: a programme's staff member manages their own subscriptions; anyone else's
are a 404; bounded queries with a long delivery log."""

import pytest
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.tests.factories import UserFactory
from essaim.testing import other_programme, table_state
from essaim.webhooks.models import Delivery, DeliveryStatus, Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return other_programme()


@pytest.fixture
def subscription(staff):
    return Subscription.objects.create(
        owner=staff.admin,
        programme=staff.programme,
        url="https://partenaire.example/hook",
        events=["label.granted", "application.submitted"],
        name="Tableau de bord",
    )


def _deliveries(subscription, n):
    now = timezone.now()
    return Delivery.objects.bulk_create(
        Delivery(
            subscription=subscription,
            event_type="label.granted",
            payload={"type": "label.granted", "data": {"object": "label", "id": i}},
            status=DeliveryStatus.FAILED,
            attempts=6,
            response_code=500,
            response_excerpt="erreur",
            duration_ms=12,
            last_attempt_at=now,
        )
        for i in range(n)
    )


def test_create_then_list_then_edit(client, staff):
    client.force_login(staff.admin)
    assert client.get(reverse("accounts:dashboard")).content.count(
        reverse("webhooks:list").encode()
    )
    response = client.post(
        reverse("webhooks:create"),
        {
            "programme": staff.programme.pk,
            "name": "Suivi",
            "url": "http://localhost:9000/hook",
            "events": ["label.granted", "label.revoked"],
        },
    )
    subscription = Subscription.objects.get()
    assert response.url == reverse("webhooks:detail", args=[subscription.pk])
    assert (subscription.owner, subscription.events) == (
        staff.admin,
        ["label.granted", "label.revoked"],
    )
    assert subscription.secret.startswith("whsec_")
    page = client.get(reverse("webhooks:list")).content.decode()
    assert "Suivi" in page and "label attribué" in page
    detail = client.get(response.url).content.decode()
    assert subscription.secret not in detail  # on demand only
    shown = client.post(reverse("webhooks:secret", args=[subscription.pk]))
    assert subscription.secret in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"

    client.post(
        response.url,
        {"name": "Suivi", "url": "http://localhost:9000/hook", "events": ["label.granted"]},
    )  # "active" unticked: deactivated
    subscription.refresh_from_db()
    assert (subscription.active, subscription.events) == (False, ["label.granted"])
    assert "abonnement désactivé" in client.get(response.url).content.decode()


def test_bad_input_names_the_field(client, staff):
    client.force_login(staff.officer)
    response = client.post(
        reverse("webhooks:create"),
        {
            "programme": staff.programme.pk,
            "url": "http://partenaire.example/hook",
            "events": ["label.granted"],  # not a single-window event
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "seule une URL https est acceptée" in page
    response = client.post(
        reverse("webhooks:create"),
        {
            "programme": staff.programme.pk,
            "url": "https://partenaire.example/hook",
            "events": ["label.granted"],
        },
    )
    assert response.status_code == 400
    assert "Événements : votre rôle" in response.content.decode()
    assert not Subscription.objects.exists()


def test_someone_elses_subscription_is_a_404(client, staff, subscription):
    [delivery] = _deliveries(subscription, 1)
    before = table_state(Subscription, Delivery)
    for intruder in (staff.instructor, other_programme("Autre").admin, UserFactory()):
        client.force_login(intruder)
        assert client.get(reverse("webhooks:detail", args=[subscription.pk])).status_code == 404
        for name, pk in (
            ("webhooks:detail", subscription.pk),
            ("webhooks:secret", subscription.pk),
            ("webhooks:replay", delivery.pk),
        ):
            assert client.post(reverse(name, args=[pk]), {"name": "x"}).status_code == 404
        assert b"Tableau de bord" not in client.get(reverse("webhooks:list")).content
    assert table_state(Subscription, Delivery) == before
    # Without a programme role, no new subscription either.
    client.force_login(UserFactory())
    assert client.get(reverse("webhooks:create")).status_code == 403


def test_pages_query_budgets(client, staff, subscription, django_assert_max_num_queries):
    _deliveries(subscription, 60)
    for i in range(5):
        Subscription.objects.create(
            owner=staff.admin, programme=staff.programme, url=f"https://p{i}.example/", events=[]
        )
    client.force_login(staff.admin)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("webhooks:list")).status_code == 200
    with django_assert_max_num_queries(10):
        page = client.get(reverse("webhooks:detail", args=[subscription.pk]))
    assert page.content.decode().count("Rejouer") == 50  # the log's last 50 rows
    with django_assert_max_num_queries(8):
        assert client.get(reverse("webhooks:create")).status_code == 200
