import copy

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.applications.tests.factories import ApplicationFactory
from essaim.applications.workflow import Status
from essaim.calls import services
from essaim.calls.models import CallStatus, FormVersion
from essaim.calls.tests.factories import SCHEMA, CallFactory, FormVersionFactory, ProgrammeFactory
from essaim.core.models import HistoryEvent

pytestmark = pytest.mark.django_db


def admin_of(programme):
    user = UserFactory()
    Membership.objects.create(user=user, role=Role.PROGRAMME_ADMIN, programme=programme)
    return user


def test_call_create_and_status_moves():
    programme = ProgrammeFactory()
    admin = admin_of(programme)
    call = services.call_create(
        user=admin, programme=programme, title="AMI", slug="ami", kind="permanent_ami"
    )
    assert call.status == CallStatus.DRAFT and call.grid
    with pytest.raises(ValidationError, match="Publiez le formulaire"):
        services.call_set_status(user=admin, call=call, status=CallStatus.OPEN)
    services.formversion_publish(
        user=admin, version=services.formversion_save(user=admin, call=call, schema=SCHEMA)
    )
    assert services.call_set_status(user=admin, call=call, status=CallStatus.OPEN).status == "open"
    with pytest.raises(ValidationError):
        services.call_set_status(user=admin, call=call, status=CallStatus.ARCHIVED)
    services.call_set_status(user=admin, call=call, status=CallStatus.CLOSED)
    services.call_set_status(user=admin, call=call, status=CallStatus.ARCHIVED)
    actions = list(HistoryEvent.objects.for_object(call).values_list("action", flat=True))
    assert actions[0] == "create" and actions.count("status") == 3


def test_only_the_programmes_admin_configures():
    call = CallFactory()
    other_admin = admin_of(ProgrammeFactory())
    instructor = UserFactory()
    Membership.objects.create(user=instructor, role=Role.INSTRUCTOR, programme=call.programme)
    for user in (other_admin, instructor):
        with pytest.raises(PermissionDenied):
            services.formversion_save(user=user, call=call, schema=SCHEMA)
        with pytest.raises(PermissionDenied):
            services.call_set_status(user=user, call=call, status=CallStatus.CLOSED)
    assert not FormVersion.objects.filter(call=call).exists()
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN


def test_invalid_schema_is_refused_with_paths():
    call = CallFactory()
    admin = admin_of(call.programme)
    bad = copy.deepcopy(SCHEMA)
    bad["sections"][0]["fields"][0]["kind"] = "essay"
    with pytest.raises(ValidationError) as caught:
        services.formversion_save(user=admin, call=call, schema=bad)
    assert "sections[0].fields[0].kind" in caught.value.message_dict["schema"][0]
    assert not FormVersion.objects.filter(call=call).exists()


def test_editing_a_published_form_makes_a_draft_and_publishing_numbers_it():
    v1 = FormVersionFactory()
    call, admin = v1.call, admin_of(v1.call.programme)
    draft_app = ApplicationFactory(
        form_version=v1, answers={"story": "Une histoire", "pitch": "Oi"}
    )
    untouched = ApplicationFactory(form_version=v1, answers={"pitch": "Oi"})
    submitted = ApplicationFactory(
        form_version=v1, status=Status.SUBMITTED, answers={"story": "x" * 9}
    )
    new = copy.deepcopy(SCHEMA)
    new["sections"][0]["fields"].pop(1)  # remove "story"
    draft = services.formversion_save(user=admin, call=call, schema=new)
    assert draft.number == 2 and draft.published_at is None
    assert services.formversion_save(user=admin, call=call, schema=new).pk == draft.pk  # one draft
    v1.refresh_from_db()
    assert v1.schema == SCHEMA  # the published version never changes
    affected = services.affected_drafts(draft)
    assert [(a.application.pk, a.fields) for a in affected] == [(draft_app.pk, ["story"])]
    services.formversion_publish(user=admin, version=draft)
    draft_app.refresh_from_db(), untouched.refresh_from_db(), submitted.refresh_from_db()
    assert draft_app.form_version_id == draft.pk == untouched.form_version_id
    assert submitted.form_version_id == v1.pk  # keeps the version it answered
    assert draft_app.answers["story"] == "Une histoire"  # kept in the data
    assert services.published_form(call).number == 2
    published = HistoryEvent.objects.for_object(call).get(action="form_publish")
    assert published.payload == {
        "version": 2,
        "moved_applications": 2,
        "affected": {draft_app.reference: ["story"]},
        "blocked": [],
    }
    with pytest.raises(ValidationError):
        services.formversion_publish(user=admin, version=draft)


def test_cutoffs_and_grid():
    call = CallFactory()
    admin = admin_of(call.programme)
    from datetime import date

    cutoff = services.cutoff_add(user=admin, call=call, date=date(2030, 1, 1))
    with pytest.raises(ValidationError, match="existe déjà"):
        services.cutoff_add(user=admin, call=call, date=date(2030, 1, 1))
    assert services.current_cutoff(call, on=date(2029, 12, 1)) == cutoff
    assert services.current_cutoff(call, on=date(2030, 1, 2)) is None
    grid = services.grid_save(
        user=admin,
        call=call,
        scale_min=0,
        scale_max=4,
        scale_labels={"0": "absent", "4": "excellent"},
        comment_required_below=2,
        disagreement_threshold=2,
        criteria=[{"title": "Périmètre", "weight": "1"}, {"title": "Écosystème", "weight": "2"}],
    )
    assert [c.title for c in grid.criteria.all()] == ["Périmètre", "Écosystème"]
    with pytest.raises(ValidationError) as caught:
        services.grid_save(
            user=admin,
            call=call,
            scale_min=0,
            scale_max=4,
            scale_labels={"9": "hors échelle"},
            comment_required_below=None,
            disagreement_threshold=2,
            criteria=[{"title": "", "weight": "0"}],
        )
    assert {"scale_labels", "criteria.0.title", "criteria.0.weight"} <= set(
        caught.value.message_dict
    )
    assert grid.criteria.count() == 2


def test_a_newly_required_field_is_reported_as_blocking_the_draft_that_left_it_empty():
    """The bug: a question made required was reported as affecting no application (nobody had
    answered it), and the draft could then not be submitted."""
    v1 = FormVersionFactory()
    call, admin = v1.call, admin_of(v1.call.programme)
    empty = ApplicationFactory(form_version=v1, answers={"pitch": "Oi"})
    answered = ApplicationFactory(form_version=v1, answers={"pitch": "Oi", "story": "Il était"})
    new = copy.deepcopy(SCHEMA)
    new["sections"][0]["fields"][1]["required"] = True  # "story", answered by one draft only
    draft = services.formversion_save(user=admin, call=call, schema=new)
    affected = services.affected_drafts(draft)
    assert [(a.application.pk, a.blocked) for a in affected] == [
        (empty.pk, True),
        (answered.pk, False),  # touched (its answer's question changed), not blocked
    ]
    assert affected[0].problems == [
        "Section « Principal », question « Histoire » : réponse obligatoire, non remplie."
    ]
    everyone = services.version_drafts(draft)
    assert {a.application.pk for a in everyone} == {empty.pk, answered.pk}
    services.formversion_publish(user=admin, version=draft)
    published = HistoryEvent.objects.for_object(call).get(action="form_publish")
    assert published.payload["blocked"] == [empty.reference]
