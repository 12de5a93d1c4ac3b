"""/api/v1/events: the meetups between a programme's labelled territories, with the scoping of
the events pages — the staff of the event's programme and the people of the territories and
projects it owns see it (anyone else: a 404); its staff create and change it; those people
register. Writes go through ``synergies.services``."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.calls.models import Programme
from essaim.core.api.filters import Id
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.synergies import rules, services
from essaim.synergies.models import MAX_CAPACITY, Event, Registration

router = Router(tags=["synergies"], auth=BearerOrSession())
DATE_MIN = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
DATE_MAX = datetime.datetime(2100, 12, 31, tzinfo=datetime.UTC)


class EventOut(Schema):
    id: int
    programme_id: int
    programme: str
    title: str
    description: str
    starts_at: datetime.datetime
    place: str
    is_online: bool
    capacity: int
    registered: int
    places_left: int
    url: str


class EventPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    starts_at: datetime.datetime | None = Field(None, ge=DATE_MIN, le=DATE_MAX)
    place: str | None = Field(None, max_length=255)
    is_online: bool | None = None
    capacity: int | None = Field(None, ge=1, le=MAX_CAPACITY)


class EventIn(Schema):
    programme_id: int = Field(ge=1, le=2_147_483_647)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    starts_at: datetime.datetime = Field(ge=DATE_MIN, le=DATE_MAX)
    place: str = Field("", max_length=255)
    is_online: bool = False
    capacity: int = Field(ge=1, le=MAX_CAPACITY)


def _event_out(event: Event) -> dict:
    registered = getattr(event, "registered", None)
    if registered is None:
        registered = event.registrations.count()
    return {
        "id": event.pk,
        "programme_id": event.programme_id,
        "programme": event.programme.name,
        "title": event.title,
        "description": event.description,
        "starts_at": event.starts_at,
        "place": event.place,
        "is_online": event.is_online,
        "capacity": event.capacity,
        "registered": registered,
        "places_left": max(event.capacity - registered, 0),
        "url": event.get_absolute_url(),
    }


def _visible(request):
    return (
        Event.objects.visible_to(request.user)
        .select_related("programme")
        .annotate(registered=Count("registrations"))
    )


def _event(request, event_id: int) -> Event:
    event = _visible(request).filter(pk=event_id).first()
    if event is None:
        raise Http404(_("Rencontre %(id)s introuvable.") % {"id": event_id})
    return event


@router.get(
    "/events",
    response=list[EventOut],
    summary="The events the caller may see (their programme's staff, its territories' people)",
)
@paginate(PageNumberPagination, page_size=50)
def event_list(request):
    return mapped(_visible(request).order_by("-starts_at", "pk"), _event_out)


@router.get("/events/{event_id}", response=EventOut, summary="One event")
def event_detail(request, event_id: int):
    return _event_out(_event(request, event_id))


@router.post("/events", response={201: EventOut}, summary="Create an event (the programme's staff)")
def event_create(request, payload: EventIn):
    programme = Programme.objects.filter(pk=payload.programme_id).first()
    if programme is None:
        raise ValidationError(
            {"programme_id": _("Identifiant %(id)s inconnu.") % {"id": payload.programme_id}}
        )
    data = payload.dict(exclude={"programme_id"})
    event = services.event_create(user=request.user, programme=programme, data=data)
    return Status(201, _event_out(_event(request, event.pk)))


@router.patch(
    "/events/{event_id}", response=EventOut, summary="Change an event (the programme's staff)"
)
def event_update(request, event_id: int, payload: EventPatch):
    event = _event(request, event_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    services.event_update(user=request.user, event=event, data=data)
    return _event_out(_event(request, event_id))


class RegistrationOut(Schema):
    event_id: int
    registered_at: datetime.datetime


@router.post(
    "/events/{event_id}/registration",
    response={201: RegistrationOut},
    summary="Register the caller (the people of the programme's territories and projects); "
    "registering twice answers the first registration",
)
def event_register(request, event_id: int):
    registration = services.event_register(user=request.user, event=_event(request, event_id))
    return Status(201, {"event_id": event_id, "registered_at": registration.created_at})


@router.delete(
    "/events/{event_id}/registration",
    response={204: None},
    summary="Cancel the caller's registration",
)
def event_unregister(request, event_id: int):
    event = _event(request, event_id)
    if not Registration.objects.filter(event=event, user=request.user).exists():
        raise Http404(_("Vous n'êtes pas inscrit à cette rencontre."))
    services.event_unregister(user=request.user, event=event)
    return Status(204, None)


class EventRegistrationOut(Schema):
    id: int
    user_id: int
    name: str
    email: str
    registered_at: datetime.datetime
    attended: bool | None = Field(description="null: not yet recorded")


class AttendanceIn(Schema):
    present: list[Id] = Field(
        max_length=MAX_CAPACITY, description="the registrations (ids) of those who came"
    )


def _managed_event(request, event_id: int) -> Event:
    event = _event(request, event_id)
    if not rules.can_manage_event(request.user, event):
        raise PermissionDenied(_("Seule l'équipe du programme relève les présences."))
    return event


def _registrations(event: Event) -> list[dict]:
    return [
        {
            "id": r.pk,
            "user_id": r.user_id,
            "name": str(r.user),
            "email": r.user.email,
            "registered_at": r.created_at,
            "attended": r.attended,
        }
        for r in event.registrations.select_related("user").order_by("created_at", "pk")
    ]


@router.get(
    "/events/{event_id}/registrations",
    response=list[EventRegistrationOut],
    summary="Who registered, and who came (the programme's staff)",
)
@paginate(PageNumberPagination, page_size=100)
def event_registrations(request, event_id: int):
    return _registrations(_managed_event(request, event_id))


@router.put(
    "/events/{event_id}/attendance",
    response=list[EventRegistrationOut],
    summary="Record who came: the registrations listed; every other one is marked absent",
)
def event_attendance(request, event_id: int, payload: AttendanceIn):
    """A registration of another event is a 422 naming ``present``."""
    event = _managed_event(request, event_id)
    services.event_attendance(user=request.user, event=event, present_ids=payload.present)
    return _registrations(event)
