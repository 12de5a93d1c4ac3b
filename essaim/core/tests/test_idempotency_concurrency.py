"""Ten identical requests at once (a double-clicking user, a client retrying on a timeout) create
one object and one notification: each request claims its key in the transaction that runs it; the
nine others wait on the key's unique index, then get the first one's response. Real concurrency:
ten threads, ten PostgreSQL connections (skipped on SQLite, which runs one writer at a time)."""

import json
import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client, RequestFactory

from essaim.core.idempotency import REPLAY_HEADER, claim, fingerprint
from essaim.core.models import Notification

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent requests need PostgreSQL"
    ),
]
TEN = 10


def _at_once(user, send) -> list:
    """Run ``send(client)`` in ten threads released together; their responses."""
    clients = []
    for _ in range(TEN):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    start = threading.Barrier(TEN)
    responses: list = [None] * TEN

    def run(index):
        try:
            start.wait(timeout=30)
            responses[index] = send(clients[index])
        except Exception as exc:  # reported by the assertions below
            responses[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(TEN)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


def _same_answer(responses, status: int) -> None:
    assert all(not isinstance(r, Exception) for r in responses), responses
    assert [r.status_code for r in responses] == [status] * TEN, [
        (r.status_code, r.content[:200]) for r in responses
    ]
    assert sum(REPLAY_HEADER not in r for r in responses) == 1


def test_ten_concurrent_identical_posts_create_one_financing_request(world, settings):
    from essaim.financing.models import FinancingRequest

    settings.IDEMPOTENCY_WAIT_SECONDS = 60
    fiso = world.instruments["FISO #2"]
    url = f"/financement/projets/{world.supermarket.pk}/demande/{fiso.pk}/"
    data = {"amount": "40000", "purpose": "Local", "idempotency_key": "double-click"}
    responses = _at_once(world.holder, lambda client: client.post(url, data))
    _same_answer(responses, 302)
    assert len({r["Location"] for r in responses}) == 1
    assert FinancingRequest.objects.count() == 1
    # The financer is told once.
    assert Notification.objects.filter(user=world.financer).count() == 1


def test_ten_concurrent_identical_posts_create_one_message(settings):
    from essaim.applications.models import Message
    from essaim.applications.tests.factories import ApplicationFactory, lead_of, staff

    settings.IDEMPOTENCY_WAIT_SECONDS = 60
    application = ApplicationFactory()
    instructor = staff(application.call.programme)
    url = f"/candidatures/{application.pk}/messages/"
    data = {"body": "Bonjour", "idempotency_key": "message-once"}
    responses = _at_once(lead_of(application).user, lambda client: client.post(url, data))
    _same_answer(responses, 302)
    assert Message.objects.count() == 1
    assert Notification.objects.filter(user=instructor).count() == 1


def test_ten_concurrent_identical_api_calls_create_one_support_action(settings):
    from essaim.support.models import Action
    from essaim.support.tests.factories import build_world

    settings.IDEMPOTENCY_WAIT_SECONDS = 60
    world = build_world()
    url = f"/api/v1/support-plans/{world.plan.pk}/actions"
    body = json.dumps({"axis_id": world.axes[1].pk, "title": "Tour de table"})
    responses = _at_once(
        world.lead,
        lambda client: client.post(
            url, body, content_type="application/json", headers={"Idempotency-Key": "retry"}
        ),
    )
    _same_answer(responses, 201)
    assert len({r.content for r in responses}) == 1
    assert Action.objects.count() == 1


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def test_replay_while_the_first_still_runs_answers_409(world, settings):
    """The first request holds its key (its transaction is still open); the same request waits
    on the key's lock for ``IDEMPOTENCY_WAIT_SECONDS``, then answers 409 and creates nothing."""
    from essaim.financing.models import FinancingRequest

    settings.IDEMPOTENCY_WAIT_SECONDS = 3
    fiso = world.instruments["FISO #2"]
    url = f"/financement/projets/{world.supermarket.pk}/demande/{fiso.pk}/"
    data = {"amount": "40000", "purpose": "Local", "idempotency_key": "slow"}
    client = Client(raise_request_exception=False)
    client.force_login(world.holder)
    holding, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def first():
        try:
            with transaction.atomic():
                fingerprint_of_data = fingerprint(RequestFactory().post(url, data))
                found = claim(world.holder, "slow", fingerprint_of_data, RequestFactory().post(url))
                outcome["first"] = found.outcome
                holding.set()
                assert release.wait(timeout=30)
                transaction.set_rollback(True)
        finally:
            holding.set()
            connections.close_all()

    def second():
        try:
            outcome["second"] = client.post(url, data)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    try:
        assert holding.wait(timeout=30) and outcome["first"] == "claimed"
        threads[1].start()
        for _ in range(2000):
            if _waiting_on_a_lock() or "second" in outcome:
                break
            threading.Event().wait(0.01)
        assert "second" not in outcome and _waiting_on_a_lock()  # it waits for the first
        threads[1].join(timeout=30)
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=30)
    response = outcome["second"]
    assert response.status_code == 409
    assert response["Retry-After"] == "2"
    assert "déjà en cours de traitement" in response.text
    assert FinancingRequest.objects.count() == 0
    # The first was rolled back: its key is free again and the request runs.
    assert client.post(url, data).status_code == 302
    assert FinancingRequest.objects.count() == 1
