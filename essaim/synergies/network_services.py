"""Every write on the relations of projects in the ecosystem network
(``synergies.ProjectRelation``). Each service checks its rule (``essaim.synergies.rules``),
validates (errors name the field), locks the project, writes and records history in one
transaction. The relations between organisations stay in ``actors`` (``partnership_add``)."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.actors.models import Organisation, PartnershipKind, Person
from essaim.core.services import history_record
from essaim.projects.models import Project
from essaim.synergies.history import ProjectRelationAction
from essaim.synergies.models import PROJECT_RELATION_KINDS, Introduction, OfferKind, ProjectRelation
from essaim.synergies.rules import can_add_project_relation

# What a done introduction adds to the network, by the kind of the offer it answered with: money
# invested makes the company a funder of the project; premises lent make it a supplier; skills,
# mentoring, volunteering and responsible purchasing (the company buys from the project) make it
# a partner — as does an introduction without an offer.
OFFER_RELATION_KIND = {
    OfferKind.INVESTMENT: PartnershipKind.FUNDS,
    OfferKind.PREMISES: PartnershipKind.SUPPLIES,
    OfferKind.SKILLS_SPONSORSHIP: PartnershipKind.PARTNER,
    OfferKind.MENTORING: PartnershipKind.PARTNER,
    OfferKind.VOLUNTEERING: PartnershipKind.PARTNER,
    OfferKind.RESPONSIBLE_PURCHASING: PartnershipKind.PARTNER,
}


# A relation's end may be announced up to a year ahead (beyond, it is a typo), and no earlier
# than its start — or, without a start, than this day.
END_AHEAD_DAYS = 366
EARLIEST_END = date(1900, 1, 1)


def _payload(relation: ProjectRelation) -> dict:
    return {
        "relation": relation.pk,
        "project": relation.project_id,
        "organisation": relation.organisation_id,
        "kind": relation.kind,
        "started_on": relation.started_on.isoformat() if relation.started_on else None,
        "ended_on": relation.ended_on.isoformat() if relation.ended_on else None,
        "person": relation.person_id,
        "introduction": relation.introduction_id,
    }


def _validate(relation: ProjectRelation, project: Project) -> None:
    errors: dict[str, str] = {}
    if relation.organisation_id == project.holder_id:
        errors["organisation"] = _(
            "La structure porteuse est déjà liée à son projet : choisissez une autre organisation."
        )
    if relation.kind not in PROJECT_RELATION_KINDS:
        errors["kind"] = _("Nature de relation inconnue : « %(kind)s ».") % {"kind": relation.kind}
    if relation.started_on and relation.ended_on and relation.ended_on < relation.started_on:
        errors["ended_on"] = _("La date de fin précède la date de début.")
    if relation.person is not None and relation.person.organisation_id != relation.organisation_id:
        errors["person"] = _("Cette personne n'appartient pas à l'organisation choisie.")
    if len(relation.description) > 255:
        errors["description"] = _("%(limit)s caractères au plus.") % {"limit": 255}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def project_relation_add(
    *,
    user,
    project: Project,
    organisation: Organisation,
    kind: str,
    started_on: date | None = None,
    ended_on: date | None = None,
    description: str = "",
    person: Person | None = None,
    is_fictitious: bool = False,
) -> ProjectRelation:
    """Declare "``organisation`` <kind> ``project``" (a funder, a partner, a mentor…). Who may
    change the project holder's directory entry may (``synergies.add_project_relation``), with
    an organisation they can see. Guarantees: the project is locked, the holder is not its own
    partner, the kind is a project's, the dates are ordered, the person is the organisation's;
    one history row on the relation."""
    locked = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    if not can_add_project_relation(user, locked):
        raise PermissionDenied(
            _("Seuls les membres de la structure porteuse déclarent les relations du projet.")
        )
    if not Organisation.objects.visible_to(user).filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": _("Organisation introuvable.")})
    relation = ProjectRelation(
        project=locked,
        organisation=organisation,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        description=(description or "").strip(),
        person=person,
        is_fictitious=is_fictitious,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    _validate(relation, locked)
    relation.save()
    history_record(
        obj=relation, user=user, action=ProjectRelationAction.ADDED, payload=_payload(relation)
    )
    return relation


@transaction.atomic
def project_relation_end(*, user, relation: ProjectRelation, ended_on: date) -> ProjectRelation:
    """End a project's relation on ``ended_on`` (it stays in the growth figures until then).
    Same rule as declaring it; an ended relation is not ended twice (naming its date); the day
    is not before the start (nor ``EARLIEST_END``) nor more than ``END_AHEAD_DAYS`` ahead."""
    locked = (
        ProjectRelation.objects.select_for_update(of=("self",))
        .select_related("project__holder")
        .get(pk=relation.pk)
    )
    if not can_add_project_relation(user, locked.project):
        raise PermissionDenied(
            _("Seuls les membres de la structure porteuse déclarent les relations du projet.")
        )
    if locked.ended_on is not None:
        raise ValidationError(
            {
                "ended_on": _("Cette relation a déjà pris fin (le %(date)s).")
                % {"date": locked.ended_on.strftime("%d/%m/%Y")}
            }
        )
    if locked.started_on and ended_on < locked.started_on:
        raise ValidationError(
            {
                "ended_on": _("Date de fin : elle précède le début de la relation (le %(date)s).")
                % {"date": locked.started_on.strftime("%d/%m/%Y")}
            }
        )
    if ended_on < EARLIEST_END:
        raise ValidationError(
            {
                "ended_on": _("Date de fin : le %(date)s n'est pas plausible.")
                % {"date": ended_on.strftime("%d/%m/%Y")}
            }
        )
    latest = timezone.localdate() + timedelta(days=END_AHEAD_DAYS)
    if ended_on > latest:
        raise ValidationError(
            {
                "ended_on": _("Date de fin : au plus un an à l'avance (le %(date)s au plus tard).")
                % {"date": latest.strftime("%d/%m/%Y")}
            }
        )
    locked.ended_on = ended_on
    locked.save(update_fields=["ended_on"])
    history_record(
        obj=locked, user=user, action=ProjectRelationAction.ENDED, payload=_payload(locked)
    )
    relation.ended_on = ended_on
    return locked


def relation_from_introduction(*, user, introduction: Introduction) -> ProjectRelation | None:
    """The cooperation a done introduction caused, as a dated relation of the network: the
    company → the project, of the kind ``OFFER_RELATION_KIND`` gives its offer's kind, from the
    day it was done. Called by ``services.introduction_transition`` inside its transaction
    (which checked the user plays a side); once per introduction; none when the company holds
    the project itself."""
    if introduction.company_id == introduction.project.holder_id:
        return None
    existing = ProjectRelation.objects.filter(introduction=introduction).first()
    if existing is not None:
        return existing
    offer_kind = introduction.offer.kind if introduction.offer_id else None
    relation = ProjectRelation(
        project=introduction.project,
        organisation=introduction.company,
        kind=OFFER_RELATION_KIND.get(offer_kind, PartnershipKind.PARTNER),
        started_on=timezone.localdate(introduction.done_at) if introduction.done_at else None,
        description=(
            _("Mise en relation réalisée : %(need)s") % {"need": introduction.need.purpose}
        )[:255],
        introduction=introduction,
        is_fictitious=introduction.is_fictitious,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    relation.save()
    history_record(
        obj=relation,
        user=user,
        action=ProjectRelationAction.FROM_INTRODUCTION,
        payload=_payload(relation),
    )
    return relation
