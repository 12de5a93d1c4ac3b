import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from essaim.applications.workflow import Status
from essaim.calls.models import Programme, WaveStatus
from essaim.core.models import HistoryEvent, Notification
from essaim.labels import services
from essaim.labels.models import Decision, Label, LabelState, LabelStatus, Outcome
from essaim.labels.services import DecisionInput
from essaim.labels.tests.factories import (
    ApplicationFactory,
    WaveFactory,
    applicant_person,
    instructor,
    programme_admin,
    territory_lead,
)

pytestmark = pytest.mark.django_db

AFTER = datetime.date(2019, 3, 1)


@pytest.fixture
def wave():
    return WaveFactory(french_impact=True, number=1)


@pytest.fixture
def admin(wave):
    return programme_admin(wave.programme)


def decide_all(wave, admin, apps, outcomes):
    return services.wave_decide(
        wave=wave,
        user=admin,
        decisions=[
            DecisionInput(a.pk, o, f"Motivation {a.reference}")
            for a, o in zip(apps, outcomes, strict=True)
        ],
    )


def test_wave_create_numbers_after_the_last(wave, admin):
    new = services.wave_create(
        programme=wave.programme,
        user=admin,
        committee_on=datetime.date(2020, 5, 1),
        announced_on=datetime.date(2020, 5, 20),
        announced_at="Lyon",
    )
    assert new.number == 2
    assert new.status == WaveStatus.PLANNED
    assert HistoryEvent.objects.for_object(new).get().action == "wave_create"


def test_wave_create_refuses_misordered_dates_and_non_admin(wave, admin):
    with pytest.raises(ValidationError) as exc:
        services.wave_create(
            programme=wave.programme,
            user=admin,
            committee_on=datetime.date(2020, 5, 20),
            announced_on=datetime.date(2020, 5, 1),
        )
    assert "announced_on" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.wave_create(programme=wave.programme, user=instructor(wave.programme))
    assert wave.programme.waves.count() == 1


def test_add_applications_only_proposed_ones(wave, admin):
    ok = ApplicationFactory(proposed=True, wave=None, call__programme=wave.programme)
    draft = ApplicationFactory(
        proposed=True, wave=None, call__programme=wave.programme, status=Status.DRAFT
    )
    with pytest.raises(ValidationError) as exc:
        services.wave_add_applications(wave=wave, applications=[ok, draft], user=admin)
    assert draft.reference in str(exc.value)
    ok.refresh_from_db()
    assert ok.wave is None  # nothing changed
    assert services.wave_add_applications(wave=wave, applications=[ok], user=admin) == 1
    ok.refresh_from_db()
    assert ok.wave == wave
    assert HistoryEvent.objects.for_object(ok).filter(action="wave_add").exists()


def test_add_application_of_another_wave_refused(wave, admin):
    other = WaveFactory(french_impact=True, programme=wave.programme, number=2)
    app = ApplicationFactory(proposed=True, wave=other)
    with pytest.raises(ValidationError, match="déjà dans la vague"):
        services.wave_add_applications(wave=wave, applications=[app], user=admin)


def test_batch_decide_records_one_decision_each_and_marks_the_wave_decided(wave, admin):
    apps = ApplicationFactory.create_batch(3, proposed=True, wave=wave)
    decide_all(wave, admin, apps, [Outcome.LABELLED, Outcome.NOT_LABELLED, Outcome.LABELLED])
    for app, status in zip(
        apps, [Status.LABELLED, Status.NOT_LABELLED, Status.LABELLED], strict=True
    ):
        app.refresh_from_db()
        assert app.status == status
        assert app.decision.motivation == f"Motivation {app.reference}"
        assert HistoryEvent.objects.for_object(app).filter(to_state=status).exists()
    wave.refresh_from_db()
    assert wave.status == WaveStatus.DECIDED
    assert not Label.objects.exists()  # labels come with publication


def test_a_decision_sets_the_state_inside_the_wave_and_keeps_it_there(wave, admin):
    # The wave stays planned.
    app, _undecided = ApplicationFactory.create_batch(2, proposed=True, wave=wave)
    decide_all(wave, admin, [app], [Outcome.NOT_LABELLED])
    app.refresh_from_db()
    assert (app.status, app.wave, app.decision.wave) == (Status.NOT_LABELLED, wave, wave)
    assert app.submitted_at is not None
    # A decided application cannot leave its wave (the database refuses it too:
    # ``application_decided_in_wave``).
    with pytest.raises(ValidationError, match="a déjà une décision"):
        services.wave_remove_application(wave=wave, application=app, user=admin)
    app.refresh_from_db()
    assert app.wave == wave


def test_partial_batch_leaves_wave_planned(wave, admin):
    apps = ApplicationFactory.create_batch(2, proposed=True, wave=wave)
    decide_all(wave, admin, apps[:1], [Outcome.LABELLED])
    wave.refresh_from_db()
    assert wave.status == WaveStatus.PLANNED


def test_batch_is_all_or_nothing_and_names_the_application(wave, admin):
    apps = ApplicationFactory.create_batch(2, proposed=True, wave=wave)
    with pytest.raises(ValidationError) as exc:
        services.wave_decide(
            wave=wave,
            user=admin,
            decisions=[
                DecisionInput(apps[0].pk, Outcome.LABELLED, "Très bien"),
                DecisionInput(apps[1].pk, Outcome.LABELLED, "   "),
            ],
        )
    assert apps[1].reference in str(exc.value)
    assert "motivation est obligatoire" in str(exc.value)
    assert not Decision.objects.exists()
    apps[0].refresh_from_db()
    assert apps[0].status == Status.PROPOSED


def test_decision_outside_the_application_wave_refused(wave, admin):
    elsewhere = ApplicationFactory(
        proposed=True, wave=WaveFactory(french_impact=True, programme=wave.programme, number=2)
    )
    no_wave = ApplicationFactory(proposed=True, wave=None, call__programme=wave.programme)
    for app in (elsewhere, no_wave):
        with pytest.raises(ValidationError, match="uniquement dans la vague"):
            decide_all(wave, admin, [app], [Outcome.LABELLED])
        app.refresh_from_db()
        assert app.status == Status.PROPOSED
    assert not Decision.objects.exists()


def test_second_decision_refused_with_a_clear_message(wave, admin):
    app = ApplicationFactory(proposed=True, wave=wave)
    other_admin = programme_admin(wave.programme)
    decide_all(wave, admin, [app], [Outcome.LABELLED])
    with pytest.raises(ValidationError, match="a déjà une décision"):
        decide_all(wave, other_admin, [app], [Outcome.NOT_LABELLED])
    assert Decision.objects.get().outcome == Outcome.LABELLED


def test_decide_requires_programme_admin(wave):
    app = ApplicationFactory(proposed=True, wave=wave)
    with pytest.raises(PermissionDenied):
        decide_all(wave, instructor(wave.programme), [app], [Outcome.LABELLED])
    assert not Decision.objects.exists()
    app.refresh_from_db()
    assert app.status == Status.PROPOSED


def test_decide_requires_programme_admin_of_this_programme(wave):
    from essaim.labels.tests.factories import ProgrammeFactory

    stranger = programme_admin(ProgrammeFactory(french_impact=True, slug="autre", name="Autre"))
    app = ApplicationFactory(proposed=True, wave=wave)
    with pytest.raises(PermissionDenied):
        decide_all(wave, stranger, [app], [Outcome.LABELLED])


def test_publish_grants_labels_and_notifies_every_applicant(wave, admin, monkeypatch):
    opened = []
    monkeypatch.setattr(
        "essaim.support.services.support_plan_open",
        lambda *, label, user: opened.append(label.pk),
    )
    apps = ApplicationFactory.create_batch(3, proposed=True, wave=wave)
    people = [applicant_person(a) for a in apps]
    leads = [territory_lead(a) for a in apps]
    decide_all(wave, admin, apps, [Outcome.LABELLED, Outcome.NOT_LABELLED, Outcome.LABELLED])

    labels = services.wave_publish(wave=wave, user=admin, today=AFTER)

    wave.refresh_from_db()
    assert wave.status == WaveStatus.PUBLISHED and wave.published_at
    assert sorted(label.application_id for label in labels) == sorted([apps[0].pk, apps[2].pk])
    label = labels[0]
    assert label.granted_on == wave.announced_on
    assert label.valid_until == datetime.date(2022, 2, 25)
    assert len(label.verification_code) >= 16
    assert sorted(opened) == sorted(lbl.pk for lbl in labels)
    for user, app in zip(people + leads, apps * 2, strict=True):
        note = Notification.objects.get(user=user)
        assert app.title in note.title
    assert "non labellisée" in Notification.objects.get(user=people[1]).title
    assert Notification.objects.get(user=people[0]).url == f"/territoires/{apps[0].perimeter.slug}/"
    assert set(Label.objects.public()) == set(labels)
    assert HistoryEvent.objects.for_object(wave).filter(action="wave_publish").exists()
    assert HistoryEvent.objects.for_object(label).get().action == "label_grant"


def test_publish_refused_before_announcement_date(wave, admin):
    app = ApplicationFactory(proposed=True, wave=wave)
    decide_all(wave, admin, [app], [Outcome.LABELLED])
    with pytest.raises(ValidationError, match="qu'à partir de sa date d'annonce"):
        services.wave_publish(wave=wave, user=admin, today=datetime.date(2019, 2, 24))
    wave.refresh_from_db()
    assert wave.status == WaveStatus.DECIDED
    assert not Label.objects.exists()
    assert not Notification.objects.exists()


def test_publish_refused_with_undecided_applications(wave, admin):
    apps = ApplicationFactory.create_batch(2, proposed=True, wave=wave)
    decide_all(wave, admin, apps[:1], [Outcome.LABELLED])
    with pytest.raises(ValidationError, match=apps[1].reference):
        services.wave_publish(wave=wave, user=admin, today=AFTER)
    assert not Label.objects.exists()


def test_publish_twice_refused(wave, admin):
    app = ApplicationFactory(proposed=True, wave=wave)
    decide_all(wave, admin, [app], [Outcome.LABELLED])
    services.wave_publish(wave=wave, user=admin, today=AFTER)
    with pytest.raises(ValidationError, match="déjà publiée"):
        services.wave_publish(wave=wave, user=admin, today=AFTER)
    assert Label.objects.count() == 1


def test_validity_is_the_programmes_own_setting(wave, admin, settings):
    settings.ESSAIM_LABEL_VALIDITY_YEARS = 7  # only the default of programmes created later
    Programme.objects.filter(pk=wave.programme_id).update(label_validity_years=5)
    app = ApplicationFactory(proposed=True, wave=wave)
    decide_all(wave, admin, [app], [Outcome.LABELLED])
    [label] = services.wave_publish(wave=wave, user=admin, today=AFTER)
    assert label.valid_until == datetime.date(2024, 2, 25)
    assert Programme.objects.create(slug="neuf", name="Neuf").label_validity_years == 7


def test_revoke_needs_a_reason_and_is_recorded(wave, admin):
    app = ApplicationFactory(proposed=True, wave=wave)
    person = applicant_person(app)
    decide_all(wave, admin, [app], [Outcome.LABELLED])
    [label] = services.wave_publish(wave=wave, user=admin, today=AFTER)
    with pytest.raises(ValidationError, match="motif"):
        services.label_revoke(label=label, user=admin, reason=" ")
    with pytest.raises(PermissionDenied):
        services.label_revoke(label=label, user=instructor(wave.programme), reason="Non")
    label.refresh_from_db()
    assert label.status == LabelStatus.VALID

    services.label_revoke(label=label, user=admin, reason="Collectif dissous.")
    label.refresh_from_db()
    assert label.state == LabelState.REVOKED
    assert label.revocation_reason == "Collectif dissous."
    event = HistoryEvent.objects.for_object(label).get(action="label_revoke")
    assert event.comment == "Collectif dissous." and event.actor == admin
    assert Notification.objects.filter(user=person, title__contains="révoqué").exists()
    with pytest.raises(ValidationError, match="déjà révoqué"):
        services.label_revoke(label=label, user=admin, reason="Encore")


def test_label_state_expires(wave, admin):
    app = ApplicationFactory(proposed=True, wave=wave)
    decide_all(wave, admin, [app], [Outcome.LABELLED])
    [label] = services.wave_publish(wave=wave, user=admin, today=AFTER)
    assert label.state_on(datetime.date(2022, 2, 25)) == LabelState.VALID
    assert label.state_on(datetime.date(2022, 2, 26)) == LabelState.EXPIRED


def test_wave_update_records_changes_and_published_wave_is_frozen(wave, admin):
    services.wave_update(wave=wave, user=admin, announced_at="Paris")
    event = HistoryEvent.objects.for_object(wave).get(action="wave_update")
    assert event.payload["changes"]["announced_at"] == ["Nantes", "Paris"]
    app = ApplicationFactory(proposed=True, wave=wave)
    decide_all(wave, admin, [app], [Outcome.LABELLED])
    services.wave_publish(wave=wave, user=admin, today=AFTER)
    wave.refresh_from_db()
    with pytest.raises(ValidationError, match="publiée"):
        services.wave_update(wave=wave, user=admin, announced_at="Lyon")
