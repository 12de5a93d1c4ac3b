import pytest

from essaim.accounts.history import UserAction
from essaim.core.models import HistoryEvent
from essaim.core.services import changed_fields, history_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(user):
    return history_record(
        obj=user,
        user=user,
        action=UserAction.API_TOKEN_CREATED,
        from_state="draft",
        to_state="submitted",
        comment="pourquoi",
        payload={"n": 1},
    )


def test_record_and_read_back(event, user):
    [read] = HistoryEvent.objects.for_object(user)
    assert read == event
    assert (read.actor, read.action, read.from_state, read.to_state) == (
        user,
        "api_token_created",
        "draft",
        "submitted",
    )
    assert read.payload == {"n": 1}


def test_anonymous_actor_is_the_system(user):
    from django.contrib.auth.models import AnonymousUser

    event = history_record(obj=user, user=AnonymousUser(), action=UserAction.API_TOKENS_REVOKED)
    assert event.actor is None


def test_saving_an_event_again_raises(event):
    event.comment = "réécrit"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    event.refresh_from_db()
    assert event.comment == "pourquoi"


def test_deleting_an_event_raises(event):
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    assert HistoryEvent.objects.filter(pk=event.pk).exists()


def test_bulk_update_and_delete_raise(event):
    with pytest.raises(TypeError, match="append-only"):
        HistoryEvent.objects.filter(pk=event.pk).update(comment="x")
    with pytest.raises(TypeError, match="append-only"):
        HistoryEvent.objects.all().delete()
    event.refresh_from_db()
    assert event.comment == "pourquoi"


def test_events_of_other_objects_are_not_mixed(event):
    from essaim.accounts.tests.factories import UserFactory

    other = UserFactory()
    assert not HistoryEvent.objects.for_object(other).exists()


def test_changed_fields(user):
    changes = changed_fields(user, {"first_name": "Autre", "email": user.email})
    assert changes == {"first_name": [user.first_name, "Autre"]}
