"""Every write on organisations, their people and partnerships. Each service checks permission,
validates (errors named by field, in French), writes, refreshes the search columns and records
history, in one transaction."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.accounts import permissions
from essaim.actors.history import OrganisationAction
from essaim.actors.models import (
    CollectiveMember,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipKind,
    Person,
)
from essaim.actors.rules import (
    can_create_organisation,
    can_date_collective_member,
    can_edit_organisation,
    is_involved_staff,
)
from essaim.actors.search import organisation_index
from essaim.core.services import changed_fields, history_record

# The fields a person may set through the forms, the API and the services.
ORGANISATION_FIELDS = (
    "name",
    "acronym",
    "siren",
    "siret",
    "legal_category",
    "kind",
    "is_ess",
    "esus_approved",
    "commune",
    "website",
    "description",
    "is_fictitious",
)


def _clean_identifiers(data: dict[str, Any]) -> dict[str, Any]:
    """People type "200 053 759": keep the digits' spacing out, and take the SIREN from the SIRET
    when only the SIRET is given."""
    data = dict(data)
    for field in ("siren", "siret"):
        if isinstance(data.get(field), str):
            data[field] = "".join(data[field].split())
    if data.get("siret") and not data.get("siren") and len(data["siret"]) == 14:
        data["siren"] = data["siret"][:9]
    return data


def _check_fields(data: dict[str, Any]) -> None:
    unknown = sorted(set(data) - set(ORGANISATION_FIELDS))
    if unknown:
        raise ValidationError(
            {
                field: _("Champ inconnu ou non modifiable : « %(field)s ».") % {"field": field}
                for field in unknown
            }
        )


@transaction.atomic
def organisation_create(*, user, data: dict[str, Any]) -> Organisation:
    """Create an organisation. Only programme admins (and superusers) may; it is in the directory
    at once (confirmed by its creator). Guarantees: valid SIREN/SIRET (check digit, no
    placeholder, SIRET starting with the SIREN, unused SIRET), a known legal category, the search
    columns filled, one "created" history row — or a ValidationError naming the fields."""
    if not can_create_organisation(user):
        raise PermissionDenied(_("Seule l'équipe du programme peut créer une organisation."))
    _check_fields(data)
    now = timezone.now()
    organisation = Organisation(
        **_clean_identifiers(data), created_by=user, verified_at=now, verified_by=user
    )
    organisation.full_clean()
    organisation.save()
    organisation_index([organisation])
    history_record(
        obj=organisation,
        user=user,
        action=OrganisationAction.CREATED,
        payload={"name": organisation.name},
    )
    return organisation


@transaction.atomic
def organisation_register(
    *, user, name: str, siret: str, kind: str = OrganisationKind.ASSOCIATION
) -> Organisation:
    """Register an organisation met through an application (a collective adds it by its SIRET).
    It is *unconfirmed*: out of the public directory until the staff of a programme its
    collective applies to confirm it (:func:`organisation_verify`); meanwhile its creator, the
    collective's people and those staff see it. ``user`` is the applicant (``None``: not known
    to the caller). Guarantees the validation of :func:`organisation_create`."""
    if user is not None and not permissions.is_signed_in(user):
        raise PermissionDenied(_("Connectez-vous pour ajouter une organisation."))
    data = _clean_identifiers({"name": (name or "").strip(), "siret": siret, "kind": kind})
    if not data["name"]:
        raise ValidationError({"name": _("Indiquez le nom de l'organisation.")})
    organisation = Organisation(**data, created_by=user, verified_at=None)
    organisation.full_clean()
    organisation.save()
    organisation_index([organisation])
    history_record(
        obj=organisation,
        user=user,
        action=OrganisationAction.REGISTERED,
        payload={"name": organisation.name, "siret": organisation.siret},
    )
    return organisation


@transaction.atomic
def organisation_verify(*, user, organisation: Organisation) -> Organisation:
    """Confirm an organisation registered through an application: it enters the public
    directory. Only the staff of a programme whose applications involve it (or a superuser).
    Guarantees: the row is locked, confirmed once (a second call is refused, naming the date),
    one history row."""
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not is_involved_staff(user, locked):
        raise PermissionDenied(
            _(
                "Seule l'équipe d'un programme auquel candidate un collectif de cette "
                "organisation peut la confirmer."
            )
        )
    if locked.verified_at is not None:
        raise ValidationError(
            {
                "verified_at": _("Cette organisation est déjà confirmée (le %(date)s).")
                % {"date": timezone.localtime(locked.verified_at).strftime("%d/%m/%Y")}
            }
        )
    locked.verified_at = timezone.now()
    locked.verified_by = user
    locked.save(update_fields=["verified_at", "verified_by", "updated_at"])
    history_record(
        obj=locked, user=user, action=OrganisationAction.VERIFIED, payload={"name": locked.name}
    )
    organisation.verified_at, organisation.verified_by = locked.verified_at, user
    return locked


@transaction.atomic
def organisation_update(*, user, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    """Change some fields of ``organisation``. Its own members (or a superuser) may. Guarantees
    the same validation as creation; the history row lists every changed field with its old and
    new value; nothing changed, nothing written."""
    if not can_edit_organisation(user, organisation):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette organisation."))
    _check_fields(data)
    data = _clean_identifiers(data)
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changes = changed_fields(locked, data)
    if not changes:
        return locked
    for field, value in data.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save()
    organisation_index([locked])
    history_record(
        obj=locked,
        user=user,
        action=OrganisationAction.UPDATED,
        payload={"changes": changes},
    )
    return locked


@transaction.atomic
def person_add(
    *,
    user,
    organisation: Organisation,
    first_name: str,
    last_name: str,
    job_title: str = "",
    email: str = "",
    is_public: bool = False,
    account=None,
) -> Person:
    """Attach a person to ``organisation`` (its own members or a superuser). A person is
    private unless ``is_public``: the public page shows only public people."""
    if not can_edit_organisation(user, organisation):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette organisation."))
    person = Person(
        organisation=organisation,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        job_title=job_title.strip(),
        email=email.strip().lower(),
        is_public=is_public,
        user=account,
    )
    person.full_clean()
    person.save()
    history_record(
        obj=organisation,
        user=user,
        action=OrganisationAction.PERSON_ADDED,
        payload={"person": person.pk, "name": str(person), "is_public": is_public},
    )
    return person


@transaction.atomic
def partnership_add(
    *,
    user,
    source: Organisation,
    target: Organisation,
    kind: str,
    started_on: date | None = None,
    ended_on: date | None = None,
    description: str = "",
    person: Person | None = None,
    is_fictitious: bool = False,
) -> Partnership:
    """Declare "``source`` <kind> ``target``" (e.g. France Active Normandie is a member of France
    Active). Who may edit either organisation may declare it, with an organisation they can see
    (an unconfirmed one stays out of public pages). ``person`` (optional) is one of the source's
    people who holds the relation (a mentor). A relation with a project is kept above, in
    ``synergies`` (``ProjectRelation``). Both organisations' histories get a row."""
    if not (can_edit_organisation(user, source) or can_edit_organisation(user, target)):
        raise PermissionDenied(_("Vous ne pouvez modifier aucune de ces deux organisations."))
    visible = set(
        Organisation.objects.visible_to(user)
        .filter(pk__in=[source.pk, target.pk])
        .values_list("pk", flat=True)
    )
    if {source.pk, target.pk} - visible:
        raise ValidationError({"target": _("Organisation introuvable.")})
    if source.pk == target.pk:
        raise ValidationError(
            {"target": _("Une organisation ne peut pas être partenaire d'elle-même.")}
        )
    if kind not in PartnershipKind.values:
        raise ValidationError(
            {"kind": _("Nature de partenariat inconnue : « %(kind)s ».") % {"kind": kind}}
        )
    if started_on and ended_on and ended_on < started_on:
        raise ValidationError({"ended_on": _("La date de fin précède la date de début.")})
    if person is not None and person.organisation_id != source.pk:
        raise ValidationError(
            {"person": _("Cette personne n'appartient pas à l'organisation source.")}
        )
    partnership = Partnership(
        source=source,
        target=target,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        description=description.strip(),
        person=person,
        is_fictitious=is_fictitious,
    )
    partnership.full_clean()
    partnership.save()
    payload = {
        "partnership": partnership.pk,
        "source": source.pk,
        "target": target.pk,
        "kind": kind,
        "started_on": started_on.isoformat() if started_on else None,
        "ended_on": ended_on.isoformat() if ended_on else None,
        "person": person.pk if person else None,
    }
    for organisation in (source, target):
        history_record(
            obj=organisation,
            user=user,
            action=OrganisationAction.PARTNERSHIP_ADDED,
            payload=payload,
        )
    return partnership


@transaction.atomic
def partnership_end(*, user, partnership: Partnership, ended_on: date) -> Partnership:
    """End a relation on ``ended_on`` (it stays in the network's growth figures until that day).
    Who may edit either organisation may. Guarantees: the row is locked, the end is not before
    the start, an ended relation is not ended twice (naming its date), a history row on both
    organisations."""
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    source, target = locked.source, locked.target
    if not (can_edit_organisation(user, source) or can_edit_organisation(user, target)):
        raise PermissionDenied(_("Vous ne pouvez modifier aucune de ces deux organisations."))
    if locked.ended_on is not None:
        raise ValidationError(
            {
                "ended_on": _("Ce partenariat a déjà pris fin (le %(date)s).")
                % {"date": locked.ended_on.strftime("%d/%m/%Y")}
            }
        )
    if locked.started_on and ended_on < locked.started_on:
        raise ValidationError({"ended_on": _("La date de fin précède la date de début.")})
    locked.ended_on = ended_on
    locked.save(update_fields=["ended_on"])
    payload = {"partnership": locked.pk, "kind": locked.kind, "ended_on": ended_on.isoformat()}
    for organisation in (source, target):
        history_record(
            obj=organisation,
            user=user,
            action=OrganisationAction.PARTNERSHIP_ENDED,
            payload=payload,
        )
    partnership.ended_on = ended_on
    return locked


@transaction.atomic
def collective_member_dates(
    *, user, member: CollectiveMember, started_on: date | None, ended_on: date | None
) -> CollectiveMember:
    """Date an organisation's membership of a collective (since when, until when), for the
    network's growth. The organisation's own members, the collective's lead or the staff of the
    programmes it applies to (``actors.change_collective_member``) may. Guarantees: the row is
    locked, the end is not before the start, one history row on the organisation; nothing
    changed, nothing written."""
    locked = CollectiveMember.objects.select_for_update().get(pk=member.pk)
    if not can_date_collective_member(user, locked):
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce membre du collectif."))
    if started_on and ended_on and ended_on < started_on:
        raise ValidationError({"ended_on": _("La date de fin précède la date de début.")})
    if (locked.started_on, locked.ended_on) == (started_on, ended_on):
        return locked
    locked.started_on, locked.ended_on = started_on, ended_on
    locked.save(update_fields=["started_on", "ended_on"])
    history_record(
        obj=locked.organisation,
        user=user,
        action=OrganisationAction.MEMBERSHIP_DATED,
        payload={
            "collective": locked.collective_id,
            "started_on": started_on.isoformat() if started_on else None,
            "ended_on": ended_on.isoformat() if ended_on else None,
        },
    )
    member.started_on, member.ended_on = started_on, ended_on
    return locked


def organisation_reindex_all(batch_size: int = 500) -> int:
    """Refresh the search columns of every organisation (after a bulk import that bypassed the
    services, or a change of the search configuration). Returns how many were refreshed."""
    count = 0
    queryset = Organisation.objects.select_related("commune").order_by("pk")
    for organisation in queryset.iterator(chunk_size=batch_size):
        organisation_index([organisation])
        count += 1
    return count
