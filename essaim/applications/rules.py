"""Who may do what on an application, over the one vocabulary of ``essaim.accounts.permissions``.

An application belongs to its call's programme:

- the programme's *staff* (admins and instructors; a superuser is staff of every programme)
  instruct it: ``can_instruct``; its *admins* decide it in a wave (the committee);
- its collective writes it. ``applicant_role`` says who is who there: the *lead* (the
  application's lead person, or a territory lead of the collective) manages the collective's
  organisations and people; *editors* (the lead and people invited with the edit right) write
  the answers and challenges while the application is a draft or sent back for changes;
  *signatories* submit. A superuser is nobody's lead, editor or signatory by status;
- everyone of the collective and the staff write in the thread (``can_message``).

Reads are scoped by ``Application.objects.visible_to(user)`` (models): outside it, a 404.
"""

from dataclasses import dataclass

import rules

from essaim.accounts import permissions
from essaim.applications.workflow import EDITABLE_STATES, Actor


def programme_id_of(application) -> int:
    return application.call.programme_id


# --- The programme's side ------------------------------------------------------------------------


@rules.predicate
def can_instruct(user, application) -> bool:
    """Staff (admin or instructor) of the application's programme."""
    return application is not None and permissions.is_programme_staff(
        user, programme_id_of(application)
    )


@rules.predicate
def can_decide_application(user, application) -> bool:
    """Admin of the application's programme: the committee's decisions, inside a wave."""
    return application is not None and permissions.is_programme_admin(
        user, programme_id_of(application)
    )


def can_instruct_somewhere(user) -> bool:
    """Staff of at least one programme: the instruction queue and the exports page (then
    narrowed to those programmes)."""
    return permissions.is_programme_staff(user)


@rules.predicate
def can_export_call(user, call) -> bool:
    """The exports of a call's applications: its programme's staff."""
    return call is not None and permissions.is_programme_staff(user, call.programme_id)


# --- The collective's side -----------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicantRole:
    person: object | None  # the user's ``ApplicationPerson`` on this application, if any
    is_lead: bool
    can_edit: bool
    is_signatory: bool

    @property
    def is_applicant(self) -> bool:
        return self.person is not None or self.is_lead


NOBODY = ApplicantRole(None, False, False, False)


def applicant_role(user, application) -> ApplicantRole:
    """What ``user`` is on the application's side: lead, editor, signatory, or nothing."""
    if application is None or not permissions.is_signed_in(user):
        return NOBODY
    person = next((p for p in application.people.all() if p.user_id == user.pk), None)
    is_lead = permissions.is_collective_lead(user, application.collective_id) or bool(
        person and person.is_lead
    )
    return ApplicantRole(
        person=person,
        is_lead=is_lead,
        can_edit=is_lead or bool(person and person.can_edit),
        is_signatory=is_lead or bool(person and person.is_signatory),
    )


@rules.predicate
def can_edit_application(user, application) -> bool:
    """An editor (the lead, or a person invited with the edit right) while the application is a
    draft or sent back for changes."""
    return (
        application is not None
        and application.status in EDITABLE_STATES
        and applicant_role(user, application).can_edit
    )


def can_prepare_submission(user, application) -> bool:
    """The recap before submission: an editor or a signatory, while the application may be
    submitted (its state allows it; whether this user may confirm is the recap's business)."""
    if application is None or application.status not in EDITABLE_STATES:
        return False
    role = applicant_role(user, application)
    return role.can_edit or role.is_signatory


@rules.predicate
def can_lead_application(user, application) -> bool:
    """The lead: the collective's organisations and people, the handover (until it is closed)."""
    return application is not None and applicant_role(user, application).is_lead


@rules.predicate
def can_message(user, application) -> bool:
    """The thread (and the receipt, the message attachments) is between the collective and the
    programme's staff."""
    return application is not None and (
        applicant_role(user, application).is_applicant or can_instruct(user, application)
    )


def can_apply_with(user, collective) -> bool:
    """An application may be started for an existing collective by its territory lead only."""
    return collective is not None and permissions.is_collective_lead(user, collective.pk)


def can_act_as(user, application, actor: str) -> bool:
    """Whether ``user`` may take the workflow transitions reserved to ``actor``."""
    if application is None or not permissions.is_signed_in(user):
        return False
    if actor == Actor.INSTRUCTOR:
        return can_instruct(user, application)
    if actor == Actor.COMMITTEE:
        return can_decide_application(user, application)
    role = applicant_role(user, application)
    if actor == Actor.SIGNATORY:
        return role.is_signatory
    if actor == Actor.APPLICANT:
        return role.can_edit
    return False


@rules.predicate
def can_view_application(user, application) -> bool:
    """The same answer as ``Application.objects.visible_to`` for one object."""
    if application is None or not permissions.is_signed_in(user):
        return False
    return (
        can_instruct(user, application)
        or permissions.is_territory_person(user, application.collective_id)
        or applicant_role(user, application).is_applicant
        or type(application).objects.visible_to(user).filter(pk=application.pk).exists()
    )


rules.add_perm("applications.read_application", can_view_application)
rules.add_perm("applications.edit_application", can_edit_application)
rules.add_perm("applications.lead_application", can_lead_application)
rules.add_perm("applications.message_application", can_message)
rules.add_perm("applications.instruct_application", can_instruct)
rules.add_perm("applications.decide_application", can_decide_application)
rules.add_perm("applications.export_call", can_export_call)


def instructed_programmes(user) -> permissions.Scope:
    """The programmes whose applications ``user`` instructs (their staff), as a scope."""
    return permissions.staff_programmes(user)


def assignable_staff(programmes):
    """Who may be put in charge of applications of ``programmes`` (ids or a scope): the
    programmes' admins and instructors, by membership (a pick list)."""
    return permissions.holders(permissions.STAFF_ROLES, programmes=programmes)
