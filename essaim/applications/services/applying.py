"""The applicant side's writes: create an application, save answers (autosave), the collective
(organisations and people), challenges, messages. Transitions are in ``services``.

Who may do what is answered by ``essaim.applications.rules`` (``applicant_role``: the lead
manages the collective and hands over; editors write answers and challenges while the application
is a draft or sent back for changes; signatories submit; everyone of the collective and the
programme's staff write in the thread). Every write below asks it first.
"""

import secrets
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.accounts import identity
from essaim.accounts.models import Role
from essaim.accounts.services import membership_grant
from essaim.actors.models import (
    Collective,
    CollectiveMember,
    CollectiveRole,
    Organisation,
    OrganisationKind,
)
from essaim.actors.services import organisation_register
from essaim.actors.validators import validate_siret
from essaim.applications import queries, rules
from essaim.applications.history import ApplicationAction
from essaim.applications.models import (
    Application,
    ApplicationPerson,
    Attachment,
    Message,
)
from essaim.applications.notices import applicant_users, staff_users
from essaim.applications.rules import ApplicantRole
from essaim.applications.services import summary
from essaim.applications.services.prefill import territory_answers
from essaim.applications.workflow import EDITABLE_STATES, ApplicantStatus
from essaim.calls.formengine import FormEngine, Result, check_upload
from essaim.calls.models import Call, CallStatus
from essaim.calls.services import published_form
from essaim.core.notifications import notify
from essaim.core.services import history_record
from essaim.core.tasks import send_email
from essaim.geo.models import Perimeter, PerimeterUnit
from essaim.geo.services import UNIT_MODELS, Unit, perimeter_ensure

CLOSED_FOR_APPLICANTS = {
    ApplicantStatus.LABELLED,
    ApplicantStatus.NOT_LABELLED,
    ApplicantStatus.WITHDRAWN,
}
MESSAGE_ACCEPT = ["pdf", "odt", "docx", "ods", "xlsx", "png", "jpg", "jpeg", "txt"]
MESSAGE_MAX_SIZE_MB = 10
MAX_LINES = 10


def require_edit(user, application: Application) -> ApplicantRole:
    role = rules.applicant_role(user, application)
    if not role.can_edit:
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette candidature."))
    if application.status not in EDITABLE_STATES:
        raise ValidationError(
            {
                "status": _("La candidature est « %(status)s » : elle n'est plus modifiable.")
                % {"status": application.get_status_display()}
            }
        )
    return role


def _require_lead(user, application: Application) -> ApplicantRole:
    role = rules.applicant_role(user, application)
    if not role.is_lead:
        raise PermissionDenied(_("Réservé au référent de la candidature."))
    # Closed as the applicants see it: a decision not yet published must change nothing for them.
    if queries.applicant_status(application) in CLOSED_FOR_APPLICANTS:
        raise ValidationError({"status": _("Cette candidature est close.")})
    return role


def engine_for(application: Application) -> FormEngine:
    return FormEngine(application.form_version.schema)


# -- creation -----------------------------------------------------------------------------------


def _next_reference(application: Application) -> str:
    year = (application.created_at or timezone.now()).year
    return f"TFI-{year}-{application.pk:05d}"


@transaction.atomic
def application_create(
    *, user, call: Call, perimeter, title: str, collective: Collective | None = None
) -> Application:
    """Start a draft on the call's published form for ``perimeter``. The creator becomes the
    application's lead person (editor and signatory). Without ``collective``, a new collective of
    that perimeter is created; an existing one must be a collective the user leads."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Connectez-vous pour candidater."))
    errors = {}
    if call.status != CallStatus.OPEN:
        errors["call"] = _("Cet appel n'est pas ouvert aux candidatures.")
    form = published_form(call)
    if form is None:
        errors["call"] = _("Cet appel n'a pas encore de formulaire publié.")
    if not title.strip():
        errors["title"] = _("Donnez un titre à la candidature.")
    if perimeter is None:
        errors["perimeter"] = _("Choisissez le territoire de la candidature.")
    if collective is not None and not rules.can_apply_with(user, collective):
        errors["collective"] = _("Vous n'êtes pas référent de ce collectif.")
    if errors:
        raise ValidationError(errors)
    if collective is None:
        collective = Collective.objects.create(
            name=_("Collectif porteur — %(territory)s") % {"territory": perimeter.name},
            perimeter=perimeter,
        )
        # The applicant leads the collective they create: once labelled, its support plan is
        # theirs to see.
        membership_grant(user=user, member=user, role=Role.TERRITORY_LEAD, collective=collective)
    application = Application.objects.create(
        call=call,
        form_version=form,
        reference=f"tmp-{secrets.token_hex(6)}",
        title=title.strip()[:255],
        perimeter=perimeter,
        collective=collective,
        created_by=user,
        # The territory picked here answers the form's territory question (not asked twice).
        answers=territory_answers(form.schema, perimeter),
    )
    application.reference = _next_reference(application)
    application.save(update_fields=["reference"])
    ApplicationPerson.objects.create(
        application=application,
        user=user,
        email=user.email,
        is_lead=True,
        can_edit=True,
        is_signatory=True,
        accepted_at=timezone.now(),
    )
    history_record(
        obj=application, user=user, action=ApplicationAction.CREATE, to_state=application.status
    )
    return application


def perimeter_for_unit(*, kind: str, code: str):
    """The perimeter made of exactly one official unit, created (through geo's services, as the
    system) when none exists yet."""
    if kind not in UNIT_MODELS:
        raise ValidationError({"unit": _("Type d'unité inconnu : « %(kind)s ».") % {"kind": kind}})
    model, key = UNIT_MODELS[kind]
    unit = model.objects.filter(**{key: code}).first()
    if unit is None:
        raise ValidationError({"unit": _("Unité « %(code)s » introuvable.") % {"code": code}})
    single = (
        Perimeter.objects.filter(units__kind=kind, units__code=code, units__excluded=False)
        .exclude(pk__in=PerimeterUnit.objects.exclude(kind=kind, code=code).values("perimeter"))
        .first()
    )
    if single is not None:
        return single
    return perimeter_ensure(
        user=None, name=unit.name, units=[Unit(kind, code)], slug=f"{kind}-{code}".lower()
    )


@transaction.atomic
def application_update(*, user, application: Application, title: str, summary: str) -> Application:
    require_edit(user, application)
    if not title.strip():
        raise ValidationError({"title": _("Donnez un titre à la candidature.")})
    application.title, application.summary = title.strip()[:255], summary.strip()
    application.save(update_fields=["title", "summary", "updated_at"])
    return application


# -- answers ------------------------------------------------------------------------------------


@transaction.atomic
def application_save_answers(
    *, user, application: Application, data: dict | None = None, form=None
) -> Result:
    """Validate answers (a JSON ``data`` subset, or a bound engine ``form``) and save the valid
    ones; invalid ones keep their previous value and come back in ``result.errors`` by path.
    Uploaded files (already checked for type and size) become ``Attachment`` rows."""
    require_edit(user, application)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    engine = engine_for(locked)
    if form is not None:
        result = engine.merge_form(form, locked.answers)
    else:
        result = engine.validate(data or {}, existing=locked.answers)
    for path, upload in result.uploads.items():
        attachment = Attachment.objects.create(
            application=locked,
            field_key=path,
            file=upload,
            original_name=upload.name[:255],
            size=upload.size,
            content_type=getattr(upload, "content_type", "") or "",
            uploaded_by=user,
        )
        _set_path(
            result.answers,
            path,
            {"attachment": attachment.pk, "name": attachment.original_name, "size": upload.size},
        )
    _check_attachment_refs(locked, engine, result)
    locked.answers = result.answers
    locked.save(update_fields=["answers", "updated_at"])
    application.answers = locked.answers
    return result


def _set_path(answers: dict, path: str, value) -> None:
    parts = path.split(".")
    if len(parts) == 1:
        answers[path] = value
    else:
        key, index, sub = parts
        blocks = answers.setdefault(key, [])
        while len(blocks) <= int(index):
            blocks.append({})
        blocks[int(index)][sub] = value


def _check_attachment_refs(application: Application, engine: FormEngine, result: Result) -> None:
    """A file answer may only name an attachment of this very application."""
    own = set(application.attachments.values_list("pk", flat=True))
    for key, spec in engine.fields.items():
        if spec["kind"] == "file":
            value = result.answers.get(key)
            if isinstance(value, dict) and value.get("attachment") not in own:
                result.answers.pop(key)
                result.errors[key] = _("Pièce jointe inconnue pour cette candidature.")


@transaction.atomic
def block_add(*, user, application: Application, key: str) -> None:
    require_edit(user, application)
    spec = engine_for(application).fields.get(key)
    if spec is None or spec["kind"] != "repeat":
        raise ValidationError({key: _("Bloc inconnu.")})
    blocks = list(application.answers.get(key) or [])
    if len(blocks) >= spec.get("max_count", 50):
        raise ValidationError(
            {key: _("%(max)s blocs au plus.") % {"max": spec.get("max_count", 50)}}
        )
    blocks.append({})
    application.answers[key] = blocks
    application.save(update_fields=["answers", "updated_at"])


@transaction.atomic
def block_remove(*, user, application: Application, key: str, index: int) -> None:
    require_edit(user, application)
    blocks = list(application.answers.get(key) or [])
    if not 0 <= index < len(blocks):
        raise ValidationError({key: _("Bloc introuvable.")})
    blocks.pop(index)
    application.answers[key] = blocks
    application.save(update_fields=["answers", "updated_at"])


# -- collective: organisations --------------------------------------------------------------------


def organisation_for_siret(*, siret: str, name: str = "", user=None) -> Organisation:
    """The organisation with this SIRET (or SIREN), or a new one named ``name`` once the SIRET
    passes the check digit — registered *unconfirmed* by ``user`` (out of the public directory
    until the programme's staff confirm it: ``essaim.actors.services.organisation_register``)."""
    siret = "".join(str(siret).split())
    try:
        validate_siret(siret)
    except ValidationError as exc:
        raise ValidationError({"siret": exc.messages}) from None
    organisation = (
        Organisation.objects.filter(siret=siret).first()
        or Organisation.objects.filter(siren=siret[:9]).order_by("pk").first()
    )
    if organisation is not None:
        return organisation
    if not name.strip():
        raise ValidationError(
            {"name": _("Aucune organisation connue avec ce SIRET : indiquez son nom.")}
        )
    return organisation_register(
        user=user, name=name.strip(), siret=siret, kind=OrganisationKind.ASSOCIATION
    )


@transaction.atomic
def collective_member_add(
    *, user, application: Application, organisation: Organisation, role: str
) -> CollectiveMember:
    """Add an organisation to the application's collective; a new lead replaces the former one
    (who becomes a member)."""
    _require_lead(user, application)
    if role not in CollectiveRole.values:
        raise ValidationError({"role": _("Rôle inconnu.")})
    collective = application.collective
    if collective.members.filter(organisation=organisation).exists():
        raise ValidationError(
            {
                "organisation": _("« %(name)s » fait déjà partie du collectif.")
                % {"name": organisation}
            }
        )
    if role == CollectiveRole.LEAD:
        collective.members.filter(role=CollectiveRole.LEAD).update(role=CollectiveRole.MEMBER)
    position = (collective.members.aggregate(p=Max("position"))["p"] or 0) + 1
    member = CollectiveMember.objects.create(
        collective=collective, organisation=organisation, role=role, position=position
    )
    history_record(
        obj=application,
        user=user,
        action=ApplicationAction.COLLECTIVE_ADD,
        payload={"organisation": organisation.pk, "name": organisation.name, "role": role},
    )
    return member


@transaction.atomic
def collective_member_set_role(
    *, user, application: Application, member: CollectiveMember, role: str
):
    _require_lead(user, application)
    if member.collective_id != application.collective_id or role not in CollectiveRole.values:
        raise ValidationError({"role": _("Rôle inconnu.")})
    if role == CollectiveRole.LEAD:
        application.collective.members.filter(role=CollectiveRole.LEAD).exclude(
            pk=member.pk
        ).update(role=CollectiveRole.MEMBER)
    member.role = role
    member.save(update_fields=["role"])
    history_record(
        obj=application,
        user=user,
        action=ApplicationAction.COLLECTIVE_ROLE,
        payload={"organisation": member.organisation_id, "role": role},
    )


@transaction.atomic
def collective_member_remove(*, user, application: Application, member: CollectiveMember) -> None:
    _require_lead(user, application)
    if member.collective_id != application.collective_id:
        raise PermissionDenied
    history_record(
        obj=application,
        user=user,
        action=ApplicationAction.COLLECTIVE_REMOVE,
        payload={"organisation": member.organisation_id, "name": member.organisation.name},
    )
    member.delete()


# -- collective: people -------------------------------------------------------------------------


@transaction.atomic
def person_invite(
    *, user, application: Application, email: str, can_edit: bool = True, is_signatory: bool = False
) -> ApplicationPerson:
    """Invite someone by e-mail; the e-mail carries a one-time link that binds the account."""
    _require_lead(user, application)
    # The application's row is the lock: the same invitation sent twice at once invites once.
    Application.objects.select_for_update().filter(pk=application.pk).first()
    email = email.strip().lower()
    if application.people.filter(email=email).exists():
        raise ValidationError({"email": _("%(email)s est déjà invité.") % {"email": email}})
    token = secrets.token_urlsafe(32)
    person = ApplicationPerson(
        application=application,
        email=email,
        can_edit=can_edit,
        is_signatory=is_signatory,
        invitation_token=token,
    )
    person.full_clean(exclude=["user"])
    person.save()
    link = reverse("applications:invitation", args=[token])
    from django.conf import settings

    body = _(
        "%(inviter)s vous invite à rejoindre la candidature « %(title)s » (%(reference)s) sur "
        "Essaim.\n\nPour accepter, connectez-vous puis ouvrez ce lien :\n%(link)s"
    ) % {
        "inviter": user,
        "title": application.title,
        "reference": application.reference,
        "link": f"{settings.ESSAIM_BASE_URL}{link}",
    }
    transaction.on_commit(
        partial(
            send_email.enqueue,
            to=[email],
            subject=_("Invitation : candidature %(reference)s")
            % {"reference": application.reference},
            body=body,
        )
    )
    history_record(
        obj=application, user=user, action=ApplicationAction.PERSON_INVITE, payload={"email": email}
    )
    return person


@transaction.atomic
def person_accept(*, user, token: str) -> ApplicationPerson:
    """Bind the invitation ``token`` to ``user`` (once), who must have confirmed the invited
    address."""
    person = (
        ApplicationPerson.objects.select_for_update()
        .filter(invitation_token=token, accepted_at__isnull=True)
        .first()
    )
    if person is None:
        raise ValidationError({"token": _("Invitation inconnue ou déjà acceptée.")})
    # The link alone is not enough: the invitation binds to the invited address.
    if not identity.has_verified_email(user, person.email):
        raise ValidationError({"token": identity.invited_address_message(person.email)})
    if ApplicationPerson.objects.filter(application=person.application_id, user=user).exists():
        raise ValidationError({"token": _("Vous faites déjà partie de cette candidature.")})
    person.user = user
    person.accepted_at = timezone.now()
    person.invitation_token = None
    person.save(update_fields=["user", "accepted_at", "invitation_token"])
    history_record(
        obj=person.application,
        user=user,
        action=ApplicationAction.PERSON_ACCEPT,
        payload={"email": person.email},
    )
    return person


@transaction.atomic
def person_update(
    *, user, application: Application, person: ApplicationPerson, can_edit: bool, is_signatory: bool
) -> ApplicationPerson:
    _require_lead(user, application)
    if person.application_id != application.pk:
        raise PermissionDenied
    if person.is_lead:
        raise ValidationError({"person": _("Le référent garde tous les droits.")})
    person.can_edit, person.is_signatory = can_edit, is_signatory
    person.save(update_fields=["can_edit", "is_signatory"])
    history_record(
        obj=application,
        user=user,
        action=ApplicationAction.PERSON_UPDATE,
        payload={"email": person.email, "can_edit": can_edit, "is_signatory": is_signatory},
    )
    return person


@transaction.atomic
def person_remove(*, user, application: Application, person: ApplicationPerson) -> None:
    _require_lead(user, application)
    if person.application_id != application.pk:
        raise PermissionDenied
    if person.is_lead:
        raise ValidationError({"person": _("Passez d'abord la main à une autre personne.")})
    history_record(
        obj=application,
        user=user,
        action=ApplicationAction.PERSON_REMOVE,
        payload={"email": person.email},
    )
    person.delete()


@transaction.atomic
def lead_handover(*, user, application: Application, person: ApplicationPerson) -> None:
    """Make ``person`` (who accepted their invitation) the application's lead; the former lead
    stays an editor and signatory."""
    _require_lead(user, application)
    if person.application_id != application.pk or person.user_id is None:
        raise ValidationError(
            {"person": _("Seule une personne ayant accepté son invitation peut devenir référente.")}
        )
    application.people.filter(is_lead=True).update(is_lead=False, can_edit=True, is_signatory=True)
    person.is_lead = person.can_edit = person.is_signatory = True
    person.save(update_fields=["is_lead", "can_edit", "is_signatory"])
    membership_grant(
        user=user, member=person.user, role=Role.TERRITORY_LEAD, collective=application.collective
    )
    history_record(
        obj=application,
        user=user,
        action=ApplicationAction.LEAD_HANDOVER,
        payload={"email": person.email},
    )
    notify(
        users=[person.user],
        title=_("Vous êtes référent de la candidature %(reference)s")
        % {"reference": application.reference},
        url=reverse("applications:detail", args=[application.pk]),
    )


# -- messages -----------------------------------------------------------------------------------


@transaction.atomic
def message_post(*, user, application: Application, body: str, attachment=None) -> Message:
    """Post to the thread between the collective and the instructors; the other side is told
    (in-app and by e-mail). Attachments: types and size limited (the limit is in the error)."""
    if not rules.can_message(user, application):
        raise PermissionDenied(_("Vous ne participez pas à cette candidature."))
    if not body.strip():
        raise ValidationError({"body": _("Écrivez un message.")})
    if attachment is not None:
        try:
            check_upload(attachment, accept=MESSAGE_ACCEPT, max_size_mb=MESSAGE_MAX_SIZE_MB)
        except ValidationError as exc:
            raise ValidationError({"attachment": exc.messages}) from None
    is_staff = rules.can_instruct(user, application)
    message = Message.objects.create(
        application=application,
        author=user,
        body=body.strip(),
        attachment=attachment or "",
        attachment_name=(attachment.name[:255] if attachment else ""),
        attachment_size=(attachment.size if attachment else None),
        from_staff=is_staff,
    )
    summary.message_posted(message)
    recipients = applicant_users(application) if is_staff else staff_users(application)
    notify(
        users=[u for u in recipients if u.pk != user.pk],
        title=_("Nouveau message sur la candidature %(reference)s")
        % {"reference": application.reference},
        body=body.strip()[:1000],
        url=reverse("applications:detail", args=[application.pk]) + "#messages",
    )
    return message
