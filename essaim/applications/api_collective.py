"""An application's collective and challenges in the API, as on its pages: the organisations of
the collective (the lead adds, changes the role of and removes them), its people (the lead
invites them by e-mail, changes their rights and removes them), the hand-over to another person
of the application, the challenges (défis, written and reordered by the editors while the
application is a draft or sent back for changes). Scoped like the pages (``visible_to``: a 404
outside); the services check who may (a 403) and the application's state (a 409 saying why)."""

from datetime import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status
from pydantic import Field

from essaim.accounts.api_auth import BearerOrSession
from essaim.actors.models import CollectiveMember, CollectiveRole, Organisation
from essaim.applications import rules
from essaim.applications.api import _get
from essaim.applications.models import Application, ApplicationPerson, Challenge
from essaim.applications.services import applying
from essaim.applications.services import challenges as challenge_services
from essaim.applications.services.applying import MAX_LINES
from essaim.core.api.filters import Id
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema

router = Router(tags=["applications"])

MAX_TEXT = 20_000
MAX_CHALLENGES = 500
Role = Annotated[CollectiveRole, Field(description="chef de file, membre or soutien")]
Line = Annotated[str, Field(max_length=300)]


def state_conflict(exc: ValidationError):
    """A refusal due to the application's state (no longer editable, closed) as a 409; any
    other error stays a 422 naming its field."""
    if getattr(exc, "error_dict", None) and set(exc.error_dict) == {"status"}:
        return Status(409, {"detail": " ".join(exc.messages)})
    raise exc


# --- The collective's organisations --------------------------------------------------------------


class ApplicationMemberOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    role: str
    role_label: str


class ApplicationMemberIn(Schema):
    organisation_id: Id | None = Field(
        None, description="a known organisation; or give its `siret` instead"
    )
    siret: str | None = Field(
        None,
        max_length=20,
        description="the organisation's SIRET (14 digits); unknown, it is registered with `name`",
    )
    name: str = Field("", max_length=255, description="only for a SIRET not yet known")
    role: Role = CollectiveRole.MEMBER


class ApplicationMemberRoleIn(Schema):
    role: Role


def _member_out(member: CollectiveMember) -> dict:
    return {
        "id": member.pk,
        "organisation_id": member.organisation_id,
        "organisation": member.organisation.name,
        "role": member.role,
        "role_label": member.get_role_display(),
    }


def _member(application: Application, member_id: int) -> CollectiveMember:
    member = (
        application.collective.members.select_related("organisation").filter(pk=member_id).first()
    )
    if member is None:
        raise Http404(_("Membre %(id)s introuvable.") % {"id": member_id})
    return member


@router.get(
    "/applications/{application_id}/members",
    response=list[ApplicationMemberOut],
    auth=BearerOrSession(),
    summary="The organisations of the application's collective",
)
@paginate(PageNumberPagination, page_size=50)
def application_members(request, application_id: int):
    application = _get(request, application_id)
    members = application.collective.members.select_related("organisation")
    return mapped(members.order_by("position", "pk"), _member_out)


@router.post(
    "/applications/{application_id}/members",
    response={201: ApplicationMemberOut, 409: dict},
    auth=BearerOrSession(),
    summary="Add an organisation to the collective (the application's lead)",
)
def application_member_add(request, application_id: int, payload: ApplicationMemberIn):
    """By `organisation_id`, or by `siret` (a SIRET not yet known registers the organisation
    under `name`, unconfirmed, as on the page). A new `lead` replaces the former one."""
    application = _get(request, application_id)
    if not rules.can_lead_application(request.user, application):
        # Before looking the SIRET up: a refused request adds nothing to the directory either.
        raise PermissionDenied(_("Réservé au référent de la candidature."))
    try:
        if payload.organisation_id is not None:
            organisation = (
                Organisation.objects.visible_to(request.user)
                .filter(pk=payload.organisation_id)
                .first()
            )
            if organisation is None:
                raise ValidationError(
                    {
                        "organisation_id": _("Organisation %(id)s introuvable.")
                        % {"id": payload.organisation_id}
                    }
                )
        elif payload.siret:
            organisation = applying.organisation_for_siret(
                siret=payload.siret, name=payload.name, user=request.user
            )
        else:
            raise ValidationError({"organisation_id": _("Indiquez l'organisation ou son SIRET.")})
        member = applying.collective_member_add(
            user=request.user,
            application=application,
            organisation=organisation,
            role=payload.role.value,
        )
    except ValidationError as exc:
        return state_conflict(exc)
    return Status(201, _member_out(_member(application, member.pk)))


@router.patch(
    "/applications/{application_id}/members/{member_id}",
    response={200: ApplicationMemberOut, 409: dict},
    auth=BearerOrSession(),
    summary="Change an organisation's role in the collective (the application's lead)",
)
def application_member_role(
    request, application_id: int, member_id: int, payload: ApplicationMemberRoleIn
):
    application = _get(request, application_id)
    member = _member(application, member_id)
    try:
        applying.collective_member_set_role(
            user=request.user, application=application, member=member, role=payload.role.value
        )
    except ValidationError as exc:
        return state_conflict(exc)
    return Status(200, _member_out(_member(application, member.pk)))


@router.delete(
    "/applications/{application_id}/members/{member_id}",
    response={204: None, 409: dict},
    auth=BearerOrSession(),
    summary="Remove an organisation from the collective (the application's lead)",
)
def application_member_remove(request, application_id: int, member_id: int):
    application = _get(request, application_id)
    member = _member(application, member_id)
    try:
        applying.collective_member_remove(user=request.user, application=application, member=member)
    except ValidationError as exc:
        return state_conflict(exc)
    return Status(204, None)


# --- The people ----------------------------------------------------------------------------------


class ApplicationPersonOut(Schema):
    id: int
    name: str = Field(description="the person's name, or their address while the invitation waits")
    email: str | None = Field(
        description="the address: for the application's lead (as on the collective's page); "
        "the others see it only while the invitation waits (as on the application's page)"
    )
    is_lead: bool
    can_edit: bool
    is_signatory: bool
    accepted: bool = Field(description="the invitation was accepted")
    invited_at: datetime
    accepted_at: datetime | None


class ApplicationPersonIn(Schema):
    email: str = Field(min_length=3, max_length=254)
    can_edit: bool = True
    is_signatory: bool = False


class ApplicationPersonRightsIn(Schema):
    can_edit: bool | None = Field(None, description="left out: unchanged")
    is_signatory: bool | None = Field(None, description="left out: unchanged")


def _person_out(person: ApplicationPerson, *, lead: bool) -> dict:
    pending = person.user_id is None
    return {
        "id": person.pk,
        "name": person.email if pending else str(person.user),
        "email": person.email if lead or pending else None,
        "is_lead": person.is_lead,
        "can_edit": person.can_edit,
        "is_signatory": person.is_signatory,
        "accepted": person.accepted_at is not None,
        "invited_at": person.invited_at,
        "accepted_at": person.accepted_at,
    }


def _person(application: Application, person_id: int) -> ApplicationPerson:
    person = application.people.select_related("user").filter(pk=person_id).first()
    if person is None:
        raise Http404(_("Personne %(id)s introuvable.") % {"id": person_id})
    return person


def person_conflict(exc: ValidationError):
    """What the person is refuses the change (the lead keeps every right and stays until they
    hand over): a 409 saying why, like the application's state."""
    if getattr(exc, "error_dict", None) and set(exc.error_dict) <= {"status", "person"}:
        return Status(409, {"detail": " ".join(exc.messages)})
    raise exc


@router.get(
    "/applications/{application_id}/people",
    response=list[ApplicationPersonOut],
    auth=BearerOrSession(),
    summary="The people of the application and their rights (invitations included)",
)
@paginate(PageNumberPagination, page_size=50)
def application_people(request, application_id: int):
    application = _get(request, application_id)
    lead = rules.can_lead_application(request.user, application)
    people = application.people.select_related("user").order_by("-is_lead", "email", "pk")
    return mapped(people, lambda person: _person_out(person, lead=lead))


@router.post(
    "/applications/{application_id}/people",
    response={201: ApplicationPersonOut, 409: dict},
    auth=BearerOrSession(),
    summary="Invite a person by e-mail (the application's lead)",
)
def application_person_invite(request, application_id: int, payload: ApplicationPersonIn):
    """The invitation is e-mailed with a one-time link, which binds the account that confirmed
    the address. An address already invited is a 422 naming `email`."""
    application = _get(request, application_id)
    if not rules.can_lead_application(request.user, application):
        raise PermissionDenied(_("Réservé au référent de la candidature."))
    try:
        person = applying.person_invite(
            user=request.user, application=application, **payload.dict()
        )
    except ValidationError as exc:
        return state_conflict(exc)
    return Status(201, _person_out(_person(application, person.pk), lead=True))


@router.patch(
    "/applications/{application_id}/people/{person_id}",
    response={200: ApplicationPersonOut, 409: dict},
    auth=BearerOrSession(),
    summary="Change a person's rights: edit, sign (the application's lead)",
)
def application_person_rights(
    request, application_id: int, person_id: int, payload: ApplicationPersonRightsIn
):
    application = _get(request, application_id)
    person = _person(application, person_id)
    try:
        applying.person_update(
            user=request.user,
            application=application,
            person=person,
            can_edit=person.can_edit if payload.can_edit is None else payload.can_edit,
            is_signatory=(
                person.is_signatory if payload.is_signatory is None else payload.is_signatory
            ),
        )
    except ValidationError as exc:
        return person_conflict(exc)
    return Status(200, _person_out(_person(application, person.pk), lead=True))


@router.delete(
    "/applications/{application_id}/people/{person_id}",
    response={204: None, 409: dict},
    auth=BearerOrSession(),
    summary="Remove a person or withdraw their invitation (the application's lead)",
)
def application_person_remove(request, application_id: int, person_id: int):
    """The lead is not removed: they hand over first (409)."""
    application = _get(request, application_id)
    person = _person(application, person_id)
    try:
        applying.person_remove(user=request.user, application=application, person=person)
    except ValidationError as exc:
        return person_conflict(exc)
    return Status(204, None)


# --- The hand-over -------------------------------------------------------------------------------


class ApplicationHandoverIn(Schema):
    email: str = Field(
        min_length=3,
        max_length=254,
        description="the address of a person of the application who accepted their invitation",
    )


@router.post(
    "/applications/{application_id}/handover",
    response={204: None, 409: dict},
    auth=BearerOrSession(),
    summary="Hand the application over to another of its people (the application's lead)",
)
def application_handover(request, application_id: int, payload: ApplicationHandoverIn):
    """The person becomes the lead; the former lead stays an editor and signatory."""
    application = _get(request, application_id)
    if not rules.can_lead_application(request.user, application):
        raise PermissionDenied(_("Réservé au référent de la candidature."))
    person = application.people.filter(email=payload.email.strip().lower()).first()
    if person is None:
        raise ValidationError({"email": _("Aucune personne de la candidature avec cette adresse.")})
    try:
        applying.lead_handover(user=request.user, application=application, person=person)
    except ValidationError as exc:
        if getattr(exc, "error_dict", None) and "person" in exc.error_dict:
            raise ValidationError({"email": exc.message_dict["person"]}) from None
        return state_conflict(exc)
    return Status(204, None)


# --- The challenges ------------------------------------------------------------------------------


class ApplicationChallengeOut(Schema):
    id: int
    position: int
    title: str
    description: str
    lines: list[str]


class ApplicationChallengeIn(Schema):
    title: str = Field(min_length=1, max_length=255)
    description: str = Field("", max_length=MAX_TEXT)
    lines: list[Line] = Field(default=[], max_length=MAX_LINES, description="lines of work")


def _challenge_out(challenge: Challenge) -> dict:
    return {
        "id": challenge.pk,
        "position": challenge.position,
        "title": challenge.title,
        "description": challenge.description,
        "lines": challenge.lines,
    }


def _challenge(application: Application, challenge_id: int) -> Challenge:
    challenge = application.challenges.filter(pk=challenge_id).first()
    if challenge is None:
        raise Http404(_("Défi %(id)s introuvable.") % {"id": challenge_id})
    return challenge


@router.get(
    "/applications/{application_id}/challenges",
    response=list[ApplicationChallengeOut],
    auth=BearerOrSession(),
    summary="The application's challenges (défis), in their order",
)
@paginate(PageNumberPagination, page_size=50)
def application_challenges(request, application_id: int):
    application = _get(request, application_id)
    return mapped(application.challenges.order_by("position", "pk"), _challenge_out)


@router.post(
    "/applications/{application_id}/challenges",
    response={201: ApplicationChallengeOut, 409: dict},
    auth=BearerOrSession(),
    summary="Add a challenge, last (the editors, while the application may be edited)",
)
def application_challenge_create(request, application_id: int, payload: ApplicationChallengeIn):
    application = _get(request, application_id)
    try:
        challenge = challenge_services.challenge_save(
            user=request.user, application=application, **payload.dict()
        )
    except ValidationError as exc:
        return state_conflict(exc)
    return Status(201, _challenge_out(challenge))


class ApplicationChallengeOrderIn(Schema):
    challenge_ids: list[Id] = Field(
        max_length=MAX_CHALLENGES,
        description="every challenge of the application, each once, in the new order",
    )


# Declared before the routes of one challenge, whose ``{challenge_id}`` would take ``order``.
@router.post(
    "/applications/{application_id}/challenges/order",
    response={200: list[ApplicationChallengeOut], 409: dict},
    auth=BearerOrSession(),
    summary="Reorder the challenges (the editors, while the application may be edited)",
)
def application_challenges_order(
    request, application_id: int, payload: ApplicationChallengeOrderIn
):
    """All the application's challenges, each once; otherwise a 422 naming `challenge_ids`."""
    application = _get(request, application_id)
    try:
        ordered = challenge_services.challenges_reorder(
            user=request.user, application=application, challenge_ids=payload.challenge_ids
        )
    except ValidationError as exc:
        return state_conflict(exc)
    return Status(200, [_challenge_out(challenge) for challenge in ordered])


@router.put(
    "/applications/{application_id}/challenges/{challenge_id}",
    response={200: ApplicationChallengeOut, 409: dict},
    auth=BearerOrSession(),
    summary="Rewrite a challenge (the editors, while the application may be edited)",
)
def application_challenge_update(
    request, application_id: int, challenge_id: int, payload: ApplicationChallengeIn
):
    application = _get(request, application_id)
    challenge = _challenge(application, challenge_id)
    try:
        challenge = challenge_services.challenge_save(
            user=request.user, application=application, challenge=challenge, **payload.dict()
        )
    except ValidationError as exc:
        return state_conflict(exc)
    return Status(200, _challenge_out(challenge))


@router.delete(
    "/applications/{application_id}/challenges/{challenge_id}",
    response={204: None, 409: dict},
    auth=BearerOrSession(),
    summary="Remove a challenge (the editors, while the application may be edited)",
)
def application_challenge_remove(request, application_id: int, challenge_id: int):
    application = _get(request, application_id)
    challenge = _challenge(application, challenge_id)
    try:
        challenge_services.challenge_remove(
            user=request.user, application=application, challenge=challenge
        )
    except ValidationError as exc:
        return state_conflict(exc)
    return Status(204, None)
