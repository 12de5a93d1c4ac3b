import pytest

from essaim.accounts.tests.factories import UserFactory
from essaim.applications.workflow import Status
from essaim.calls.models import WaveStatus
from essaim.demo import DemoContext
from essaim.demo import labels as demo
from essaim.labels.models import Decision, Label, Outcome
from essaim.labels.tests.factories import ApplicationFactory, WaveFactory

pytestmark = pytest.mark.django_db


def test_demo_decisions_and_labels_are_made_once(monkeypatch):
    opened = []
    monkeypatch.setattr(
        "essaim.support.services.support_plan_open",
        lambda *, label, user: opened.append(label.pk),
    )
    UserFactory(email=demo.ADMIN_EMAIL)
    wave1 = WaveFactory(french_impact=True, number=1)
    wave2 = WaveFactory(french_impact=True, programme=wave1.programme, number=2)
    wave3 = WaveFactory(french_impact=True, programme=wave1.programme, number=3)
    ApplicationFactory.create_batch(3, proposed=True, wave=wave1, status=Status.LABELLED)
    ApplicationFactory.create_batch(2, proposed=True, wave=wave1, status=Status.NOT_LABELLED)
    ApplicationFactory(proposed=True, wave=wave2, status=Status.LABELLED)
    free = ApplicationFactory.create_batch(
        5, proposed=True, wave=None, call__programme=wave1.programme, status=Status.PROPOSED
    )
    ctx = DemoContext(reference={}, objects={"programme": wave1.programme})

    demo.load(ctx)
    demo.load(ctx)

    assert Decision.objects.count() == 6
    assert Decision.objects.filter(outcome=Outcome.LABELLED).count() == 4
    assert Label.objects.filter(wave=wave1).count() == 3
    assert Label.objects.filter(wave=wave2).count() == 1
    label = Label.objects.filter(wave=wave1).first()
    assert label.granted_on == wave1.announced_on
    assert not label.certificate  # made on first request, not at load
    wave1.refresh_from_db()
    assert wave1.status == WaveStatus.PUBLISHED
    assert wave1.published_at.date() == wave1.announced_on
    assert set(opened) == set(Label.objects.values_list("pk", flat=True))
    assert sum(1 for a in free if a.__class__.objects.get(pk=a.pk).wave_id == wave3.pk) == 4
