"""The API of an introduction's report (what the help produced) and of an event's attendance:
the pages' scoping (outsiders: 404; those who see but may not act: 403), the services' rules
(409 before acceptance, 422 naming the field) and their history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from essaim.core.models import HistoryEvent
from essaim.synergies import services
from essaim.synergies.models import Event, Introduction, Registration
from essaim.testing import bearer

pytestmark = pytest.mark.django_db
API = "/api/v1"


def put(client, url, user, body, access="write"):
    return client.put(url, body, content_type="application/json", headers=bearer(user, access))


@pytest.fixture
def introduction(syn):
    return services.introduction_propose(
        user=syn.company, need=syn.logistics, company=syn.boreal, offer=syn.offer, message=""
    )


def test_the_company_reports_once_accepted(client, syn, rival, introduction):
    url = f"{API}/introductions/{introduction.pk}/report"
    body = {"hours": 12, "purchases": 1500, "invested": None, "result": "Stock réorganisé"}
    early = put(client, url, syn.company, body)
    assert early.status_code == 409 and "acceptée" in early.json()["detail"]
    services.introduction_transition(user=syn.w.holder, introduction=introduction, name="accept")
    response = put(client, url, syn.company, body)
    assert response.status_code == 200, response.content
    assert response.json()["hours"] == 12 and response.json()["purchases"] == 1500
    introduction.refresh_from_db()
    assert introduction.result == "Stock réorganisé"
    event = HistoryEvent.objects.for_object(introduction).filter(payload__has_key="changes")
    assert event.exists()
    too_many = put(client, url, syn.company, {**body, "hours": 100_001})
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "hours"
    negative = put(client, url, syn.company, {**body, "purchases": -1})
    assert negative.status_code == 422 and negative.json()["errors"][0]["field"] == "purchases"
    # The project's side reads it but does not report; outsiders do not see it.
    assert put(client, url, syn.w.holder, body).status_code == 403
    assert put(client, url, syn.other_company, body).status_code == 404
    assert put(client, url, rival.admin, body).status_code == 404
    assert put(client, url, syn.company, {**body, "hours": 1}, "read").status_code == 403
    assert Introduction.objects.get().hours == 12


@pytest.fixture
def event(syn):
    event = Event.objects.create(
        programme=syn.w.programme,
        title="Rencontre",
        starts_at=timezone.now() + timedelta(days=3),
        is_online=True,
        capacity=5,
    )
    services.event_register(user=syn.w.lead, event=event)
    return event


def test_the_staff_record_attendance(client, syn, rival, event):
    registration = Registration.objects.get(event=event)
    listed = client.get(f"{API}/events/{event.pk}/registrations", headers=bearer(syn.w.staff))
    assert listed.status_code == 200, listed.content
    assert [r["id"] for r in listed.json()["items"]] == [registration.pk]
    assert listed.json()["items"][0]["attended"] is None
    url = f"{API}/events/{event.pk}/attendance"
    response = put(client, url, syn.w.staff, {"present": [registration.pk]})
    assert response.status_code == 200, response.content
    assert response.json()[0]["attended"] is True
    assert HistoryEvent.objects.for_object(event).filter(payload__present=1).exists()
    absent = put(client, url, syn.w.staff, {"present": []})
    assert absent.json()[0]["attended"] is False
    unknown = put(client, url, syn.w.staff, {"present": [999_999]})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "present"


def test_attendance_refused_to_others(client, syn, rival, event):
    url = f"{API}/events/{event.pk}/attendance"
    registration = Registration.objects.get(event=event)
    assert put(client, url, syn.w.lead, {"present": [registration.pk]}).status_code == 403
    assert put(client, url, rival.admin, {"present": [registration.pk]}).status_code == 404
    registrations = f"{API}/events/{event.pk}/registrations"
    assert client.get(registrations, headers=bearer(syn.w.lead)).status_code == 403
    assert client.get(registrations, headers=bearer(rival.admin)).status_code == 404
    registration.refresh_from_db()
    assert registration.attended is None
