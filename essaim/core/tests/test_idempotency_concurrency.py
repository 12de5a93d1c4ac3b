"""Ten identical requests at once (a double-clicking user, a client retrying on a timeout) create
one object and one notification: each request claims its key in the transaction that runs it; the
nine others wait on the key's unique index, then get the first one's response. Real concurrency:
ten threads, ten PostgreSQL connections (skipped on SQLite, which runs one writer at a time)."""

import json

import pytest
from django.db import connection
from django.test import Client, RequestFactory

from essaim.core.idempotency import REPLAY_HEADER, claim, fingerprint
from essaim.core.models import Notification
from essaim.testing import run_concurrently, run_while_holding

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
    return run_concurrently(lambda index: send(clients[index]), TEN)


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

    def first():
        found = claim(
            world.holder,
            "slow",
            fingerprint(RequestFactory().post(url, data)),
            RequestFactory().post(url),
        )
        return found.outcome

    # The first transaction is rolled back only once the second request has given up.
    claimed, response = run_while_holding(
        first, lambda: client.post(url, data), wait_for_contender=True, rollback=True
    )
    assert claimed == "claimed"
    assert response.status_code == 409
    assert response["Retry-After"] == "2"
    assert "déjà en cours de traitement" in response.text
    assert FinancingRequest.objects.count() == 0
    # The first was rolled back: its key is free again and the request runs.
    assert client.post(url, data).status_code == 302
    assert FinancingRequest.objects.count() == 1
