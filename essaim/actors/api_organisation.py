"""An organisation's actions in the API, as on its pages: confirming one registered through an
application, adding a person, declaring a partnership. Scoped like the pages
(``Organisation.objects.visible_to``: a 404 outside); the services check who may
(``essaim.actors.rules``: a 403), validate (a 422 naming the field) and record the history.
Creating and changing an organisation: ``essaim.actors.api``."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.actors import services
from essaim.actors.api import OrganisationDetailOut, detail_of, visible_organisation
from essaim.actors.models import Organisation, PartnershipKind
from essaim.actors.rules import can_edit_organisation
from essaim.core.api.filters import Id
from essaim.core.api.schema import Schema

router = Router(tags=["organisations"])


class PersonIn(Schema):
    first_name: str = Field(min_length=1, max_length=150)
    last_name: str = Field(min_length=1, max_length=150)
    job_title: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    is_public: bool = Field(False, description="name and job shown on the public page")


class PersonCreatedOut(Schema):
    id: int
    organisation_id: int
    first_name: str
    last_name: str
    job_title: str
    email: str
    is_public: bool


class PartnershipIn(Schema):
    direction: str = Field(
        "out",
        pattern="^(out|in)$",
        description="out: this organisation <kind> the other; in: the other <kind> this one",
    )
    kind: PartnershipKind
    organisation_id: Id = Field(description="the other organisation")
    person_id: Id | None = Field(
        None, description="one of the source organisation's people who holds the relation"
    )
    started_on: date | None = None
    ended_on: date | None = None
    description: str = Field("", max_length=255)


class PartnershipCreatedOut(Schema):
    id: int
    source_id: int
    target_id: int
    kind: str
    person_id: int | None
    started_on: date | None
    ended_on: date | None
    description: str


@router.post(
    "/organisations/{organisation_id}/verify",
    response={200: OrganisationDetailOut, 409: dict},
    auth=BearerOrSession(),
    summary="Confirm an organisation registered through an application (the staff of a "
    "programme it applies to); already confirmed: 409",
)
def organisation_verify(request, organisation_id: int):
    organisation = visible_organisation(request, organisation_id)
    try:
        services.organisation_verify(user=request.user, organisation=organisation)
    except ValidationError as exc:
        if getattr(exc, "error_dict", None) and set(exc.error_dict) == {"verified_at"}:
            return Status(409, {"detail": " ".join(exc.messages)})
        raise
    return detail_of(request, visible_organisation(request, organisation_id))


@router.post(
    "/organisations/{organisation_id}/people",
    response={201: PersonCreatedOut},
    auth=BearerOrSession(),
    summary="Add a person to an organisation (its own members)",
)
def organisation_person_add(request, organisation_id: int, payload: PersonIn):
    organisation = visible_organisation(request, organisation_id)
    person = services.person_add(user=request.user, organisation=organisation, **payload.dict())
    return Status(
        201,
        {
            "id": person.pk,
            "organisation_id": organisation.pk,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "job_title": person.job_title,
            "email": person.email,
            "is_public": person.is_public,
        },
    )


# The services' field names, as the API names them.
PARTNERSHIP_FIELDS = {
    "target": "organisation_id",
    "source": "organisation_id",
    "person": "person_id",
}


@router.post(
    "/organisations/{organisation_id}/partnerships",
    response={201: PartnershipCreatedOut},
    auth=BearerOrSession(),
    summary="Declare a partnership with another organisation (this one's own members)",
)
def organisation_partnership_add(request, organisation_id: int, payload: PartnershipIn):
    organisation = visible_organisation(request, organisation_id)
    # As on the page: declared from an organisation one may change (the service accepts either
    # side; the other organisation's members declare it from theirs).
    if not can_edit_organisation(request.user, organisation):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette organisation."))
    other = Organisation.objects.visible_to(request.user).filter(pk=payload.organisation_id).first()
    if other is None:
        raise ValidationError({"organisation_id": _("Organisation introuvable.")})
    person = None
    if payload.person_id is not None:
        person = organisation.people.filter(pk=payload.person_id).first()
        if person is None or payload.direction == "in":
            raise ValidationError(
                {"person_id": _("Cette personne n'appartient pas à l'organisation source.")}
            )
    source, target = (organisation, other) if payload.direction == "out" else (other, organisation)
    try:
        partnership = services.partnership_add(
            user=request.user,
            source=source,
            target=target,
            kind=payload.kind.value,
            started_on=payload.started_on,
            ended_on=payload.ended_on,
            description=payload.description,
            person=person,
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {PARTNERSHIP_FIELDS.get(k, k): v for k, v in exc.message_dict.items()}
        ) from exc
    return Status(
        201,
        {
            "id": partnership.pk,
            "source_id": partnership.source_id,
            "target_id": partnership.target_id,
            "kind": partnership.kind,
            "person_id": partnership.person_id,
            "started_on": partnership.started_on,
            "ended_on": partnership.ended_on,
            "description": partnership.description,
        },
    )
