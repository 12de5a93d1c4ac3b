"""Programme ownership of waves, decisions and labels: the staff of another programme (admin,
instructor, single-window officer) get nothing of a programme's waves — a 404 on the committee,
edit and revocation pages, no planned wave in the API — and change nothing. Published labels stay
public (territory pages, certificates, verification)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from essaim.applications.models import Application
from essaim.calls.models import Wave, WaveStatus
from essaim.labels import rules, services
from essaim.labels.models import Decision, Label, Outcome
from essaim.labels.services import DecisionInput
from essaim.labels.tests.factories import (
    ApplicationFactory,
    ProgrammeFactory,
    WaveFactory,
    instructor,
    labelled,
    programme_admin,
)
from essaim.support.models import SupportPlan
from essaim.testing import other_programme, superuser, table_state

pytestmark = pytest.mark.django_db

TABLES = (Wave, Application, Decision, Label, SupportPlan)
STAFF = ("admin", "instructor", "officer")


@pytest.fixture
def world():
    programme = ProgrammeFactory(french_impact=True)
    admin = programme_admin(programme)
    planned = WaveFactory(
        french_impact=True, programme=programme, number=3, title="Vague en préparation"
    )
    in_wave = ApplicationFactory(proposed=True, wave=planned)
    ApplicationFactory(
        proposed=True, wave=None, call=in_wave.call, form_version=in_wave.form_version
    )
    decided = WaveFactory(
        french_impact=True, programme=programme, number=2, status=WaveStatus.DECIDED
    )
    Decision.objects.create(
        application=ApplicationFactory(proposed=True, wave=decided),
        wave=decided,
        outcome=Outcome.NOT_LABELLED,
        motivation="Pas encore mûr.",
        decided_by=admin,
    )
    published = WaveFactory(
        french_impact=True, programme=programme, number=1, status=WaveStatus.PUBLISHED
    )
    label = labelled(ApplicationFactory(proposed=True, wave=published), admin)
    return {
        "programme": programme,
        "admin": admin,
        "planned": planned,
        "in_wave": in_wave,
        "addable": Application.objects.get(wave=None),
        "decided": decided,
        "published": published,
        "label": label,
        "other": other_programme(),
    }


def _writes(w) -> list[tuple[str, dict]]:
    planned, addable, in_wave = w["planned"], w["addable"], w["in_wave"]
    return [
        (f"/labels/vagues/{planned.pk}/modifier/", {"number": 7, "title": "Détournée"}),
        (f"/labels/vagues/{planned.pk}/ajouter/", {"applications": [addable.pk]}),
        (f"/labels/vagues/{planned.pk}/retirer/{in_wave.pk}/", {}),
        (
            f"/labels/vagues/{planned.pk}/decider/",
            {f"outcome-{in_wave.pk}": "labelled", f"motivation-{in_wave.pk}": "Intrus"},
        ),
        (f"/labels/vagues/{w['decided'].pk}/publier/", {}),
        (f"/labels/{w['label'].pk}/revoquer/", {"reason": "Révoqué par un intrus"}),
    ]


@pytest.mark.parametrize("role", STAFF)
def test_staff_of_another_programme_cannot_read_a_wave(client, world, role):
    client.force_login(world["other"].staff()[role])
    for wave in ("planned", "decided", "published"):
        pk = world[wave].pk
        assert client.get(f"/labels/vagues/{pk}/").status_code == 404, wave
        assert client.get(f"/labels/vagues/{pk}/modifier/").status_code == 404, wave
    assert client.get(f"/labels/{world['label'].pk}/revoquer/").status_code == 404
    waves = client.get("/labels/vagues/")
    if role == "officer":
        assert waves.status_code == 403  # staff of no programme's waves
    else:
        assert waves.status_code == 200 and world["planned"].title not in waves.text
    numbers = {w["number"] for w in client.get("/api/v1/waves").json()["items"]}
    assert numbers == {1}  # the published wave only


@pytest.mark.parametrize("role", STAFF)
def test_staff_of_another_programme_change_nothing_of_a_wave(client, world, role):
    client.force_login(world["other"].staff()[role])
    before = table_state(*TABLES)
    for url, data in _writes(world):
        assert client.post(url, data).status_code == 404, url
    assert table_state(*TABLES) == before


@pytest.mark.parametrize("role", STAFF)
def test_staff_of_another_programme_cannot_create_a_wave_in_this_programme(client, world, role):
    client.force_login(world["other"].staff()[role])
    before = table_state(*TABLES)
    response = client.post(
        "/labels/vagues/nouvelle/", {"programme": world["programme"].pk, "number": 9}
    )
    if role == "admin":
        assert response.status_code == 200  # the form offers their own programme only
        assert "programme" in response.context["form"].errors
    else:
        assert response.status_code == 403
    assert table_state(*TABLES) == before


@pytest.mark.parametrize("role", STAFF)
def test_services_refuse_the_staff_of_another_programme(world, role):
    user = world["other"].staff()[role]
    planned, decided = world["planned"], world["decided"]
    decision = Decision.objects.get(wave=decided)
    before = table_state(*TABLES)
    attempts = [
        lambda: services.wave_create(programme=world["programme"], user=user, number=9),
        lambda: services.wave_update(wave=planned, user=user, title="Détournée"),
        lambda: services.wave_add_applications(
            wave=planned, applications=[world["addable"]], user=user
        ),
        lambda: services.wave_remove_application(
            wave=planned, application=world["in_wave"], user=user
        ),
        lambda: services.wave_decide(
            wave=planned,
            decisions=[DecisionInput(world["in_wave"].pk, Outcome.LABELLED, "Intrus")],
            user=user,
        ),
        lambda: services.wave_publish(wave=decided, user=user, today=datetime.date(2030, 1, 1)),
        lambda: services.label_grant(decision=decision, user=user),
        lambda: services.label_revoke(label=world["label"], user=user, reason="Intrus"),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert table_state(*TABLES) == before


def test_instructor_reads_the_committee_but_does_not_decide(client, world):
    staff = instructor(world["programme"])
    planned, in_wave = world["planned"], world["in_wave"]
    assert rules.can_view_wave(staff, planned) and not rules.can_decide(staff, planned)
    client.force_login(staff)
    assert client.get(f"/labels/vagues/{planned.pk}/").status_code == 200
    before = table_state(*TABLES)
    response = client.post(
        f"/labels/vagues/{planned.pk}/decider/",
        {f"outcome-{in_wave.pk}": "labelled", f"motivation-{in_wave.pk}": "Non"},
    )
    assert response.status_code == 403
    assert table_state(*TABLES) == before


@pytest.mark.parametrize("role", STAFF)
def test_published_labels_stay_public_to_everyone(client, world, role):
    label = world["label"]
    client.force_login(world["other"].staff()[role])
    assert client.get(f"/territoires/{label.perimeter.slug}/").status_code == 200
    assert client.get(f"/labels/verifier/{label.verification_code}/").status_code == 200


def test_superuser_decides_in_the_waves_of_every_programme(client, world):
    root = superuser()
    planned, in_wave = world["planned"], world["in_wave"]
    client.force_login(root)
    assert client.get(f"/labels/vagues/{planned.pk}/").status_code == 200
    response = client.post(
        f"/labels/vagues/{planned.pk}/decider/",
        {f"outcome-{in_wave.pk}": "labelled", f"motivation-{in_wave.pk}": "Solide"},
    )
    assert response.status_code == 302
    assert Decision.objects.get(application=in_wave).decided_by == root
    assert {w["number"] for w in client.get("/api/v1/waves").json()["items"]} == {1, 2, 3}
