"""A programme's partner organisations, and the roles held around the programme.

Partner organisations (``calls.ProgrammePartner``): the expert partner (also
``Programme.expert_partner``, which the experts' invitations use), financers, engaged companies,
entrepreneurial networks — added, and ended, by the programme's admins, each change in the
partnership's history.

Roles held around a programme, that its admins see on the team page and may end at once:

- lead and member of the **collectives that applied** to the programme (a collective applying to
  two programmes is shared: the admins of both see its people);
- financer and engaged-company member of its **partner organisations** (active partnerships);
- project holder of its partner organisations and of the organisations **holding its projects**
  (``projects.Project.objects.of_programmes``).

Anything else — a collective or an organisation only another programme works with — is out of
reach: not listed, 404 when asked for.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.accounts import services as account_services
from essaim.accounts import teams
from essaim.accounts.models import Membership, Role
from essaim.actors.models import Collective, CollectiveMember, Organisation
from essaim.actors.services import organisation_create
from essaim.calls.history import PartnerAction
from essaim.calls.models import PartnerKind, Programme, ProgrammePartner
from essaim.core.services import history_record
from essaim.operators import rules
from essaim.projects.models import Project, programmes_q

FORMER_SHOWN = 30

# Which roles may be given in an organisation, by the kind of its partnership.
ROLES_OF_KIND = {
    PartnerKind.FINANCER: (Role.FINANCER, Role.PROJECT_HOLDER),
    PartnerKind.COMPANY: (Role.COMPANY, Role.PROJECT_HOLDER),
    PartnerKind.NETWORK: (Role.FINANCER, Role.COMPANY, Role.PROJECT_HOLDER),
    PartnerKind.EXPERT: (),  # experts are invited from the team (a team role)
}


def _require_admin(user, programme) -> None:
    if not rules.can_manage_team(user, programme):
        raise PermissionDenied(_("Seuls les administrateurs du programme gèrent ses partenaires."))


# --- Scopes ------------------------------------------------------------------------------------


def programme_collectives(programme) -> QuerySet:
    """The collectives that applied to ``programme`` (those its admins may invite people to)."""
    return (
        Collective.objects.filter(applications__call__programme=programme)
        .distinct()
        .order_by("name")
    )


def partner_organisations(programme: Programme, *, ever: bool = False) -> QuerySet:
    """The programme's partner organisations now (``ever``: past ones too): its expert partner
    and its partnerships (a queryset usable as a subquery)."""
    partners = ProgrammePartner.objects.filter(programme=programme)
    if not ever:
        partners = partners.active()
    query = Q(pk__in=partners.values("organisation_id"))
    if programme.expert_partner_id is not None:
        query |= Q(pk=programme.expert_partner_id)
    return Organisation.objects.filter(query)


def holder_organisations(programme: Programme, *, ever: bool = False) -> QuerySet:
    """Where the programme's admins see and end project holders: the partner organisations,
    the organisations holding the programme's projects and those of its collectives."""
    return Organisation.objects.filter(
        Q(pk__in=partner_organisations(programme, ever=ever).values("pk"))
        | Q(pk__in=Project.objects.filter(programmes_q([programme.pk])).values("holder_id"))
        | Q(
            pk__in=CollectiveMember.objects.filter(
                collective__in=programme_collectives(programme)
            ).values("organisation_id")
        )
    )


@dataclass(frozen=True)
class Reach:
    """Where a programme's admins see and end roles outside the team."""

    collectives: QuerySet
    organisations: QuerySet
    holders: QuerySet


def reach(programme: Programme, *, ever: bool = False) -> Reach:
    """``ever``: with past partners, for the roles ended (they stay listed)."""
    return Reach(
        collectives=programme_collectives(programme).order_by().values("pk"),
        organisations=partner_organisations(programme, ever=ever).values("pk"),
        holders=holder_organisations(programme, ever=ever).values("pk"),
    )


def shared_organisations(programme: Programme) -> set[int]:
    """Organisations another programme also works with as a partner (one query)."""
    others = ProgrammePartner.objects.active().exclude(programme=programme)
    ids = set(others.values_list("organisation_id", flat=True))
    ids |= set(
        Programme.objects.exclude(pk=programme.pk)
        .filter(expert_partner__isnull=False)
        .values_list("expert_partner_id", flat=True)
    )
    return ids


def endable(user, programme: Programme, memberships) -> list[Membership]:
    """Mark each role ``endable`` by ``user``, an admin of the programme: a collective's role
    (the collective applied to the programme); a role in an organisation only this programme
    works with; in an organisation shared with another programme, only a role this programme
    gave (its invitation): the other programme's people there are not this programme's to end.
    The platform's operators (superusers) end any."""
    memberships = list(memberships)
    every = rules.can_create_programme(user)
    shared = shared_organisations(programme) if memberships and not every else set()
    mine = (
        teams.brought_in(programme, [m.organisation_id for m in memberships if m.organisation_id])
        if shared
        else set()
    )
    for membership in memberships:
        membership.endable = (
            membership.collective_id is not None
            or membership.organisation_id not in shared
            or (membership.user_id, membership.role, membership.organisation_id) in mine
        )
    return memberships


def partner_members(user, programme: Programme) -> list[Membership]:
    where = reach(programme)
    return endable(
        user,
        programme,
        teams.partner_members(where.collectives, where.organisations, where.holders),
    )


def former_partner_members(programme: Programme) -> QuerySet:
    where = reach(programme, ever=True)
    return teams.former_partner_members(
        where.collectives, where.organisations, where.holders, limit=FORMER_SHOWN
    )


def partner_membership(programme: Programme, pk: int) -> Membership | None:
    where = reach(programme)
    return teams.partner_membership(where.collectives, where.organisations, where.holders, pk)


def organisation_in_reach(programme: Programme, organisation, role: str) -> bool:
    """Whether the programme's admins may give ``role`` in ``organisation``."""
    scope = holder_organisations if role == Role.PROJECT_HOLDER else partner_organisations
    return scope(programme).filter(pk=organisation.pk).exists()


# --- Roles: ending them ---------------------------------------------------------------------


def partner_role_end(*, user, programme: Programme, membership: Membership) -> Membership:
    """End a role held in one of the programme's collectives or partner organisations at once
    (pages and API tokens: roles are read at each request); in the member's history."""
    _require_admin(user, programme)
    found = partner_membership(programme, membership.pk)
    if found is None or not endable(user, programme, [found])[0].endable:
        raise PermissionDenied(
            _("Cette personne tient son rôle d'un autre programme : il ne vous revient pas.")
        )
    return account_services.partner_membership_end(user=user, membership=membership)


# --- Partnerships ----------------------------------------------------------------------------


def _record(partner: ProgrammePartner, user, action: PartnerAction) -> None:
    history_record(
        obj=partner,
        user=user,
        action=action,
        payload={
            "programme": str(partner.programme_id),
            "organisation": partner.organisation.name,
            "kind": partner.kind,
        },
    )


@transaction.atomic
def partner_add(
    *, user, programme: Programme, organisation: Organisation, kind: str, since=None
) -> ProgrammePartner:
    """Make ``organisation`` a partner of ``programme``. The expert partner is one: naming
    another ends the first one's partnership (refused while its experts hold their role); naming
    the one the programme already has records its partnership. The same partnership twice is
    refused."""
    _require_admin(user, programme)
    if kind not in PartnerKind.values:
        raise ValidationError({"kind": _("Choisissez le type de partenariat.")})
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    active = ProgrammePartner.objects.active().filter(programme=programme)
    if active.filter(organisation=organisation, kind=kind).exists():
        raise ValidationError(
            {"organisation": _("Cette organisation est déjà partenaire à ce titre.")}
        )
    # The expert partner named with the programme (no partnership recorded yet) is recorded;
    # another one replaces it.
    if kind == PartnerKind.EXPERT and programme.expert_partner_id not in (None, organisation.pk):
        _end_expert(user, programme)
    partner = ProgrammePartner.objects.create(
        programme=programme,
        organisation=organisation,
        kind=kind,
        since=since or timezone.localdate(),
        added_by=user,
    )
    if kind == PartnerKind.EXPERT:
        programme.expert_partner = organisation
        programme.save(update_fields=["expert_partner"])
    _record(partner, user, PartnerAction.ADDED)
    return partner


@transaction.atomic
def partner_add_new(
    *, user, programme: Programme, name: str, siret: str, organisation_kind: str, kind: str
) -> ProgrammePartner:
    """Create the organisation in the directory (SIRET checked like everywhere) and make it a
    partner of ``programme``. The programme is locked first: the same organisation sent twice
    at once is created once, the second request seeing its SIRET taken."""
    _require_admin(user, programme)
    siret = "".join(siret.split())
    if not siret:
        raise ValidationError({"siret": _("Indiquez le SIRET de l'organisation.")})
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    organisation = organisation_create(
        user=user, data={"name": name.strip(), "siret": siret, "kind": organisation_kind}
    )
    return partner_add(user=user, programme=programme, organisation=organisation, kind=kind)


def _end_expert(user, programme: Programme) -> None:
    """End the expert partnership of a locked programme (refused while experts review for it
    from that organisation)."""
    if teams.reviews_for(programme, programme.expert_partner_id):
        raise ValidationError(
            _(
                "Des experts de %(name)s ont encore leur rôle pour ce programme : retirez-le "
                "d'abord depuis la page de l'équipe."
            )
            % {"name": programme.expert_partner}
        )
    rows = ProgrammePartner.objects.active().filter(programme=programme, kind=PartnerKind.EXPERT)
    partner = rows.select_for_update().first()
    if partner is None:  # named before partnerships were recorded: record it as it ends
        partner = ProgrammePartner.objects.create(
            programme=programme,
            organisation_id=programme.expert_partner_id,
            kind=PartnerKind.EXPERT,
            added_by=None,
        )
    _close(partner, user)
    programme.expert_partner = None
    programme.save(update_fields=["expert_partner"])


def _close(partner: ProgrammePartner, user) -> None:
    partner.ended_at = timezone.now()
    partner.ended_by = user
    partner.save(update_fields=["ended_at", "ended_by"])
    _record(partner, user, PartnerAction.ENDED)


@transaction.atomic
def partner_end(*, user, programme: Programme, partner: ProgrammePartner) -> ProgrammePartner:
    """End a partnership. Its people keep their roles in the organisation (it is shared: other
    programmes may work with it), but this programme's admins no longer see them."""
    _require_admin(user, programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    partner = ProgrammePartner.objects.select_for_update().get(pk=partner.pk, programme=programme)
    if partner.ended_at is not None:
        return partner
    if partner.kind == PartnerKind.EXPERT:
        _end_expert(user, programme)
        partner.refresh_from_db()
        return partner
    _close(partner, user)
    return partner


@transaction.atomic
def expert_partner_end(*, user, programme: Programme) -> None:
    """End the expert partnership (also when it was named before partnerships were kept)."""
    _require_admin(user, programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.expert_partner_id is not None:
        _end_expert(user, programme)


# --- Reading the page --------------------------------------------------------------------------


@dataclass
class PartnerRow:
    organisation: Organisation
    kind: str
    kind_label: str
    partner: ProgrammePartner | None
    people: list


def partner_rows(programme: Programme) -> list[PartnerRow]:
    """The partners now, the expert partner first, each with its people (three queries)."""
    partners = list(
        ProgrammePartner.objects.active()
        .filter(programme=programme)
        .select_related("organisation", "added_by")
        .order_by("kind", "organisation__name")
    )
    rows = []
    expert = next((p for p in partners if p.kind == PartnerKind.EXPERT), None)
    if programme.expert_partner_id is not None:
        rows.append(
            PartnerRow(
                programme.expert_partner,
                PartnerKind.EXPERT,
                PartnerKind.EXPERT.label,
                expert
                if expert and expert.organisation_id == programme.expert_partner_id
                else None,
                [],
            )
        )
    rows += [
        PartnerRow(p.organisation, p.kind, p.get_kind_display(), p, [])
        for p in partners
        if p.kind != PartnerKind.EXPERT
    ]
    people: dict[int, list] = {}
    for membership in teams.organisation_people(programme, [r.organisation.pk for r in rows]):
        people.setdefault(membership.organisation_id, []).append(membership)
    for row in rows:
        row.people = people.get(row.organisation.pk, [])
    return rows


def former_partners(programme: Programme) -> QuerySet:
    return (
        ProgrammePartner.objects.filter(programme=programme, ended_at__isnull=False)
        .select_related("organisation", "ended_by")
        .order_by("-ended_at")[:FORMER_SHOWN]
    )
