"""/api/v1/events: the programme's staff create and change events, its territories' people
register; another programme's people get a 404, a read-only token 403 on writes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from essaim.synergies.models import Event, Registration
from essaim.testing import bearer, table_state

pytestmark = pytest.mark.django_db


def test_staff_create_and_change_people_register(client, syn, rival):
    staff = bearer(syn.w.staff)
    created = client.post(
        "/api/v1/events",
        {
            "programme_id": syn.w.programme.pk,
            "title": "Rencontre en ligne",
            "starts_at": (timezone.now() + timedelta(days=3)).isoformat(),
            "is_online": True,
            "capacity": 1,
        },
        content_type="application/json",
        headers=staff,
    )
    assert created.status_code == 201, created.content
    event_id = created.json()["id"]
    changed = client.patch(
        f"/api/v1/events/{event_id}",
        {"capacity": 2},
        content_type="application/json",
        headers=staff,
    )
    assert changed.json()["places_left"] == 2
    lead = bearer(syn.w.lead)
    assert client.post(f"/api/v1/events/{event_id}/registration", headers=lead).status_code == 201
    assert client.get(f"/api/v1/events/{event_id}", headers=lead).json()["registered"] == 1
    assert client.delete(f"/api/v1/events/{event_id}/registration", headers=lead).status_code == 204
    assert not Registration.objects.exists()
    bad = client.patch(
        f"/api/v1/events/{event_id}",
        {"capacity": 5001},
        content_type="application/json",
        headers=staff,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "capacity"


def test_others_get_a_404_read_only_tokens_a_403(client, syn, rival):
    event = Event.objects.create(
        programme=syn.w.programme,
        title="Rencontre",
        starts_at=timezone.now() + timedelta(days=3),
        is_online=True,
        capacity=5,
    )
    outsiders = {"rival admin": bearer(rival.admin), "rival lead": bearer(rival.lead)}
    read_only, lead = bearer(syn.w.lead, "read"), bearer(syn.w.lead)
    before = table_state(Event, Registration)
    for name, headers in outsiders.items():
        assert client.get(f"/api/v1/events/{event.pk}", headers=headers).status_code == 404, name
        assert client.get("/api/v1/events", headers=headers).json()["count"] == 0
        register = client.post(f"/api/v1/events/{event.pk}/registration", headers=headers)
        assert register.status_code == 404, name
    assert client.get("/api/v1/events").status_code == 401
    assert (
        client.post(f"/api/v1/events/{event.pk}/registration", headers=read_only).status_code == 403
    )
    answer = client.patch(
        f"/api/v1/events/{event.pk}",
        {"title": "X"},
        content_type="application/json",
        headers=lead,
    )
    assert answer.status_code == 403
    assert table_state(Event, Registration) == before
