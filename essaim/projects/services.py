"""Every write on projects and their needs. Each service checks permission, validates, writes and
records history in one transaction."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.services import changed_fields, history_record
from essaim.core.text import normalise
from essaim.projects.history import ProjectAction
from essaim.projects.models import Need, NeedKind, NeedStatus, Project
from essaim.projects.rules import can_edit_project, can_hold, linkable_challenges

EDITABLE_FIELDS = (
    "title",
    "summary",
    "perimeter",
    "collective",
    "challenge",
    "domains",
    "publics",
    "methods",
    "stage",
    "founded_year",
    "yearly_budget",
    "jobs",
    "website",
    "is_published",
)


def fold(text: str) -> str:
    """Lower-case ASCII words, for the accent-blind search fallback."""
    return " ".join(normalise(text).split())


def _check_links(user, project: Project, before: Project | None = None) -> None:
    """The challenge chosen is one ``user`` may link to: a labelled territory's, or one of an
    application ``user`` may see (a link made earlier by someone else is kept as it is)."""
    errors = {}
    if (
        project.challenge_id
        and (before is None or before.challenge_id != project.challenge_id)
        and not linkable_challenges(user).filter(pk=project.challenge_id).exists()
    ):
        errors["challenge"] = _("Défi introuvable parmi ceux que vous pouvez choisir.")
    if errors:
        raise ValidationError(errors)


def _validate(project: Project) -> None:
    errors: dict[str, list[str]] = {}
    try:
        project.full_clean(exclude=["search_text"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    year = timezone.localdate().year
    if project.founded_year and project.founded_year > year:
        errors.setdefault("founded_year", []).append(
            _("L'année de création %(value)s est dans le futur (au plus %(limit)s).")
            % {"value": project.founded_year, "limit": year}
        )
    if project.collective_id and project.perimeter_id is None:
        project.perimeter_id = project.collective.perimeter_id
    if (
        project.collective_id
        and project.perimeter_id
        and project.collective.perimeter_id != project.perimeter_id
    ):
        errors.setdefault("collective", []).append(
            _("Ce collectif porte un autre territoire que celui du projet.")
        )
    if project.challenge_id:
        application = project.challenge.application
        if project.perimeter_id is None:
            errors.setdefault("challenge", []).append(
                _("Choisissez d'abord le territoire du projet : le défi doit être le sien.")
            )
        elif application.perimeter_id != project.perimeter_id or (
            project.collective_id and application.collective_id != project.collective_id
        ):
            errors.setdefault("challenge", []).append(
                _(
                    "Ce défi appartient à la candidature d'un autre territoire : choisissez un "
                    "défi de « %(territory)s »."
                )
                % {"territory": project.perimeter.name}
            )
    if errors:
        raise ValidationError(errors)


def _apply(project: Project, data: dict[str, Any]) -> None:
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            raise ValidationError({name: _("Ce champ ne peut pas être modifié ici.")})
        setattr(project, name, value)
    project.search_text = fold(f"{project.title} {project.summary}")


@transaction.atomic
def project_create(*, user, holder, data: dict[str, Any], communes=()) -> Project:
    """Create a project for organisation ``holder``. Guarantees: the user is a project holder
    of ``holder``, a person of the chosen collective, or staff of a programme that owns the
    chosen territory or collective (``essaim.projects.rules``); every field is valid (errors name
    the field); the communes are set; the history gets a "created" row."""
    collective = data.get("collective")
    perimeter = data.get("perimeter") or (collective.perimeter if collective else None)
    if not can_hold(
        user,
        holder_id=holder.pk,
        collective_id=collective.pk if collective else None,
        perimeter_id=perimeter.pk if perimeter else None,
    ):
        raise PermissionDenied(_("Vous ne pouvez pas créer de projet pour cette structure."))
    project = Project(holder=holder, created_by=user)
    _apply(project, data)
    _check_links(user, project)
    _validate(project)
    project.save()
    if communes:
        project.communes.set(communes)
    history_record(
        obj=project, user=user, action=ProjectAction.CREATED, payload={"title": project.title}
    )
    return project


@transaction.atomic
def project_update(*, user, project: Project, data: dict[str, Any], communes=None) -> Project:
    """Change a project. Only the people who may edit it (``essaim.projects.rules``), and only
    into a territory they may still edit; the history records what changed."""
    if not can_edit_project(user, project):
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce projet."))
    project = Project.objects.select_for_update().get(pk=project.pk)
    before = Project(challenge_id=project.challenge_id)
    changes = changed_fields(project, {k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    _apply(project, data)
    if not can_edit_project(user, project):
        raise PermissionDenied(_("Vous ne pouvez pas rattacher ce projet à ce territoire."))
    _check_links(user, project, before)
    _validate(project)
    project.save()
    if communes is not None:
        before = set(project.communes.values_list("pk", flat=True))
        after = {c.pk for c in communes}
        if before != after:
            project.communes.set(communes)
            changes["communes"] = [sorted(before), sorted(after)]
    if changes:
        history_record(
            obj=project, user=user, action=ProjectAction.UPDATED, payload={"changes": changes}
        )
    return project


@transaction.atomic
def need_add(*, user, project: Project, kind: str, purpose: str, amount: int | None = None) -> Need:
    """Add a need. A financing need must state a positive amount."""
    if not can_edit_project(user, project):
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce projet."))
    errors = {}
    if kind not in NeedKind.values:
        errors["kind"] = _("Nature de besoin inconnue : « %(value)s ».") % {"value": kind}
    if kind == NeedKind.FINANCING and (amount is None or amount <= 0):
        errors["amount"] = _("Un besoin de financement doit indiquer un montant positif.")
    if not (purpose or "").strip():
        errors["purpose"] = _("Décrivez l'objet du besoin.")
    if errors:
        raise ValidationError(errors)
    need = Need.objects.create(
        project=project,
        kind=kind,
        purpose=purpose.strip(),
        amount=amount if kind == NeedKind.FINANCING else amount,
    )
    history_record(
        obj=project,
        user=user,
        action=ProjectAction.NEED_ADDED,
        payload={"need": need.pk, "kind": kind, "amount": amount, "purpose": need.purpose},
    )
    return need


@transaction.atomic
def need_set_status(*, user, need: Need, status: str) -> Need:
    """Mark a need met or dropped, or open it again (who may edit the project). Guarantees: the
    row is locked; a need already in ``status`` is refused (naming it); one history row."""
    if not can_edit_project(user, need.project):
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce projet."))
    if status not in NeedStatus.values:
        raise ValidationError({"status": _("État inconnu : « %(value)s ».") % {"value": status}})
    need = Need.objects.select_for_update().get(pk=need.pk)
    previous = need.status
    if previous == status:
        raise ValidationError(
            {
                "status": _("Ce besoin est déjà « %(status)s ».")
                % {"status": NeedStatus(status).label}
            }
        )
    need.status = status
    need.save(update_fields=["status"])
    history_record(
        obj=need.project,
        user=user,
        action=ProjectAction.NEED_STATUS,
        from_state=previous,
        to_state=status,
        payload={"need": need.pk},
    )
    return need
