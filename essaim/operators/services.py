"""Writes of the operators' app: importing a programme's configuration.

``import_programme`` takes a file already read by ``essaim.operators.programme_file.read`` and
writes it in one transaction, keyed by the stable identifiers (programme, call and axis slugs or
codes, wave and form version numbers, cut-off dates, organisations' SIREN or name): importing the
same file twice changes nothing the second time, and a file that differs updates, never duplicates.
Nothing is deleted: an axis, a wave or a cut-off absent from the file is kept (plans, decisions
and applications may use it). A published form version is never changed (applications answered
it): a different content must come as a new version.

``user`` is ``None`` for the operator's shell (``essaim programme import``), which is trusted like
the database itself; pages that import ask ``essaim.operators.rules`` first.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from essaim.accounts.models import COLLECTIVE_ROLES, ORGANISATION_ROLES, Invitation, Role
from essaim.accounts.services import invitation_create
from essaim.actors.models import Organisation
from essaim.calls.history import CallAction, PartnerAction
from essaim.calls.models import (
    Call,
    CutOff,
    FormVersion,
    Programme,
    ProgrammePartner,
    ScoringGrid,
    Wave,
)
from essaim.core.services import history_record
from essaim.financing.models import Instrument, ProgrammeInstrument
from essaim.geo.models import Region
from essaim.operators import programme_file, rules
from essaim.operators.partners import (
    ROLES_OF_KIND,
    organisation_in_reach,
    programme_collectives,
)
from essaim.operators.programme_file import Problem, path_text
from essaim.regulatory.models import KnowledgeCategory
from essaim.support.models import SupportAxis


class ProgrammeFileRefused(Exception):
    """The file cannot be imported as it is; ``problems`` says why, with paths."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class ImportResult:
    programme: Programme | None = None
    counts: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return any(n for (kind, _what), n in self.counts.items() if kind != "unchanged")

    def summary(self) -> str:
        created = sum(n for (kind, _w), n in self.counts.items() if kind == "created")
        updated = sum(n for (kind, _w), n in self.counts.items() if kind == "updated")
        unchanged = sum(n for (kind, _w), n in self.counts.items() if kind == "unchanged")
        return _("%(created)s créés, %(updated)s modifiés, %(unchanged)s inchangés") % {
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
        }


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _upsert(result: ImportResult, what: str, model, lookup: dict, values: dict):
    """Create or update one row; count what happened. Returns the row."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        row = model(**lookup, **values)
        row.full_clean(validate_unique=False, validate_constraints=False)
        row.save()
        result.counts[("created", what)] += 1
        return row
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        row.full_clean(validate_unique=False, validate_constraints=False)
        row.save(update_fields=changed)
    result.counts[("updated" if changed else "unchanged", what)] += 1
    return row


def _organisation(result: ImportResult, data: dict | None) -> Organisation | None:
    if data is None:
        return None
    found = None
    if data.get("siren"):
        found = Organisation.objects.filter(siren=data["siren"]).first()
    if found is None:
        found = Organisation.objects.filter(name=data["name"]).first()
    if found is not None:
        result.counts[("unchanged", "organisation")] += 1
        return found
    result.counts[("created", "organisation")] += 1
    return Organisation.objects.create(
        name=data["name"], siren=data.get("siren") or "", kind=data["kind"]
    )


def published_version_problems(data: dict) -> list[Problem]:
    """A form version already published with another content, or published by the file while
    it is still in preparation here: refused (publishing moves drafts, done from the pages)."""
    problems = []
    slugs = [call["slug"] for call in data.get("calls") or []]
    existing = {
        (v.call.slug, v.number): v
        for v in FormVersion.objects.filter(call__slug__in=slugs).select_related("call")
    }
    for i, call in enumerate(data.get("calls") or []):
        for j, form in enumerate(call.get("forms") or []):
            version = existing.get((call["slug"], form["number"]))
            if version is None:
                continue
            where = path_text(["calls", i, "forms", j])
            if version.published_at is not None and version.schema != form["schema"]:
                problems.append(
                    Problem(
                        f"{where}.schema",
                        _(
                            "la version %(number)s est déjà publiée avec un autre contenu : "
                            "donnez un nouveau numéro de version"
                        )
                        % {"number": form["number"]},
                    )
                )
            if version.published_at is None and form.get("published_at"):
                problems.append(
                    Problem(
                        f"{where}.published_at",
                        _(
                            "la version %(number)s est en préparation ici : "
                            "publiez-la depuis les pages"
                        )
                        % {"number": form["number"]},
                    )
                )
    return problems


@transaction.atomic
def import_programme(data: dict, *, user=None) -> ImportResult:
    """Write a validated programme file (see the module's docstring)."""
    problems = published_version_problems(data)
    if problems:
        raise ProgrammeFileRefused(problems)
    result = ImportResult()
    spec = data["programme"]
    programme = _upsert(
        result,
        "programme",
        Programme,
        {"slug": spec["slug"]},
        {
            "name": spec["name"],
            "short_name": spec.get("short_name", ""),
            "label_name": spec["label_name"],
            "description": spec.get("description", ""),
            "home_text": spec.get("home_text", ""),
            "website": spec.get("website", ""),
            "contact_email": spec.get("contact_email", ""),
            "single_window_email": spec.get("single_window_email", ""),
            "owner": _organisation(result, spec.get("owner")),
            "expert_partner": _organisation(result, spec.get("expert_partner")),
            # Absent from the file: kept (a new programme takes the setting's default).
            **(
                {"label_validity_years": spec["label_validity_years"]}
                if "label_validity_years" in spec
                else {}
            ),
        },
    )
    result.programme = programme
    regions = list(Region.objects.filter(code__in=spec.get("regions") or []))
    if {r.pk for r in regions} != set(programme.regions.values_list("pk", flat=True)):
        programme.regions.set(regions)
        result.counts[("updated", "regions")] += 1

    for position, axis in enumerate(data.get("support_axes") or [], start=1):
        _upsert(
            result,
            "axis",
            SupportAxis,
            {"programme": programme, "code": axis["code"]},
            {
                "position": position,
                "title": axis["title"],
                "description": axis.get("description", ""),
                "takes_links": bool(axis.get("links", False)),
            },
        )
    _import_categories(result, programme, data)
    _import_instruments(result, programme, data.get("instruments") or [], user=user)
    _import_partners(result, programme, data.get("partners") or [], user=user)
    waves = {}
    for wave in data.get("waves") or []:
        waves[wave["number"]] = _upsert(
            result,
            "wave",
            Wave,
            {"programme": programme, "number": wave["number"]},
            {
                "title": wave.get("title", ""),
                "committee_on": _date(wave.get("committee_on")),
                "announced_on": _date(wave.get("announced_on")),
                "announced_at": wave.get("announced_at", ""),
            },
        )
    for index, call in enumerate(data.get("calls") or []):
        _import_call(result, programme, call, waves, user=user, where=f"calls[{index}]")
    return result


def _import_categories(result: ImportResult, programme: Programme, data: dict) -> None:
    """Upsert the file's categories by code, in its order. A new programme gets exactly the
    file's categories (its default set is replaced); an existing one keeps the others."""
    if "knowledge_categories" not in data:
        return
    specs = data.get("knowledge_categories") or []
    if result.counts[("created", "programme")]:
        KnowledgeCategory.objects.filter(programme=programme).exclude(
            code__in=[c["code"] for c in specs]
        ).delete()
    for position, spec in enumerate(specs, start=1):
        _upsert(
            result,
            "category",
            KnowledgeCategory,
            {"programme": programme, "code": spec["code"]},
            {
                "position": position,
                "title": spec["title"],
                "description": spec.get("description", ""),
            },
        )


def _import_instruments(result: ImportResult, programme: Programme, names: list, *, user) -> None:
    """Reference the file's instruments (by name); removes no reference."""
    have = set(
        ProgrammeInstrument.objects.filter(programme=programme).values_list(
            "instrument__name", flat=True
        )
    )
    for instrument in Instrument.objects.filter(name__in=names).order_by("name"):
        if instrument.name in have:
            result.counts[("unchanged", "instrument")] += 1
            continue
        ProgrammeInstrument.objects.create(
            programme=programme, instrument=instrument, added_by=user
        )
        result.counts[("created", "instrument")] += 1


def _import_partners(result: ImportResult, programme: Programme, specs: list, *, user) -> None:
    """Create the file's missing partnerships (organisation by SIREN, else name); ends none."""
    for spec in specs:
        organisation = _organisation(result, spec["organisation"])
        if (
            ProgrammePartner.objects.active()
            .filter(programme=programme, organisation=organisation, kind=spec["kind"])
            .exists()
        ):
            result.counts[("unchanged", "partner")] += 1
            continue
        partner = ProgrammePartner.objects.create(
            programme=programme, organisation=organisation, kind=spec["kind"], added_by=user
        )
        history_record(obj=partner, user=user, action=PartnerAction.ADDED, payload={"from": "file"})
        result.counts[("created", "partner")] += 1


def programme_start(
    *, user, template: str, slug: str, name: str, label_name: str = ""
) -> ImportResult:
    """Start a programme from a shipped configuration (``programme_file.from_template``):
    a superuser from the pages, the operator from the shell (``user`` None). Refused when the
    identifier is taken."""
    _check_new_programme(user, slug)
    data = programme_file.from_template(
        template,
        slug=slug,
        title=name,
        label_name=label_name or name,
        now=timezone.now().isoformat(),
    )
    problems = programme_file.schema_problems(data) + programme_file.reference_problems(data)
    if problems:
        raise ProgrammeFileRefused(problems)
    return import_programme(data, user=user)


def _check_new_programme(user, slug: str) -> None:
    if user is not None and not rules.can_create_programme(user):
        raise PermissionDenied
    if Programme.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("Un programme porte déjà cet identifiant.")})


def programme_start_from_file(*, user, data: dict) -> ImportResult:
    """Start a programme from a configuration file (``programme_file.read`` accepted it), a
    superuser from the pages: like ``programme_start``, refused when its identifier is taken
    (updating an existing programme is its admins' import, on its settings page)."""
    _check_new_programme(user, data["programme"]["slug"])
    return import_programme(data, user=user)


def _import_call(result, programme, spec: dict, waves: dict, *, user, where: str) -> None:
    before = result.counts.copy()
    call = _upsert(
        result,
        "call",
        Call,
        {"slug": spec["slug"]},
        {
            "programme": programme,
            "title": spec["title"],
            "kind": spec["kind"],
            "purpose": spec.get("purpose", "label"),
            "status": spec.get("status", "draft"),
            "description": spec.get("description", ""),
            "opens_on": _date(spec.get("opens_on")),
            "closes_on": _date(spec.get("closes_on")),
        },
    )
    created = result.counts[("created", "call")] > before[("created", "call")]
    for cutoff in spec.get("cutoffs") or []:
        wave = cutoff.get("wave")
        _upsert(
            result,
            "cutoff",
            CutOff,
            {"call": call, "date": _date(cutoff["date"])},
            {"wave": waves.get(wave) if wave is not None else None},
        )
    for form in spec.get("forms") or []:
        published = form.get("published_at")
        _upsert(
            result,
            "form",
            FormVersion,
            {"call": call, "number": form["number"]},
            {
                "schema": form["schema"],
                "published_at": parse_datetime(published) if published else None,
            },
        )
    grid = spec.get("grid")
    if grid is not None:
        _import_grid(result, call, grid)
    # Only what this call's rows created or updated: unchanged rows are counted too.
    if any(n for (kind, _what), n in (result.counts - before).items() if kind != "unchanged"):
        history_record(
            obj=call,
            user=user,
            action=CallAction.CREATE if created else CallAction.UPDATE,
            to_state=call.status if created else "",
            payload={"import": where},
        )


def _import_grid(result, call: Call, spec: dict) -> None:
    grid = _upsert(
        result,
        "grid",
        ScoringGrid,
        {"call": call},
        {
            "scale_min": spec["scale_min"],
            "scale_max": spec["scale_max"],
            "scale_labels": spec.get("scale_labels") or {},
            "comment_required_below": spec.get("comment_required_below"),
            "disagreement_threshold": spec.get("disagreement_threshold", 2),
        },
    )
    existing = list(grid.criteria.order_by("position", "pk"))
    for position, criterion in enumerate(spec["criteria"]):
        values = {
            "position": position,
            "title": criterion["title"],
            "help_text": criterion.get("help", ""),
            "weight": Decimal(str(criterion.get("weight", 1))).quantize(Decimal("0.01")),
        }
        if position < len(existing):
            row = existing[position]
            changed = [name for name, value in values.items() if getattr(row, name) != value]
            for name in changed:
                setattr(row, name, values[name])
            if changed:
                row.save(update_fields=changed)
            result.counts[("updated" if changed else "unchanged", "criterion")] += 1
        else:
            grid.criteria.create(**values)
            result.counts[("created", "criterion")] += 1


# --- Invitations outside the team: collectives and partner organisations ----------------------

# Roles a programme's admins give, by invitation, in a collective that applied to the
# programme, or in an organisation of the directory (financers, engaged companies, holders).
PARTNER_ROLES = (
    Role.TERRITORY_LEAD,
    Role.TERRITORY_MEMBER,
    Role.FINANCER,
    Role.COMPANY,
    Role.PROJECT_HOLDER,
)


@transaction.atomic
def partner_invitation_send(
    *, user, programme, email: str, role: str, collective=None, organisation=None
) -> tuple[Invitation, str]:
    """Invite ``email`` into a collective of the programme (lead, member) or into an
    organisation (financer, engaged company, project holder), by the programme's admins."""
    if not rules.can_manage_team(user, programme):
        raise PermissionDenied(_("Seuls les administrateurs du programme invitent."))
    if role in COLLECTIVE_ROLES:
        if collective is None:
            raise ValidationError({"collective": _("Choisissez le collectif.")})
        if not programme_collectives(programme).filter(pk=collective.pk).exists():
            raise ValidationError(
                {"collective": _("Ce collectif n'a pas candidaté à ce programme.")}
            )
        return invitation_create(
            invited_by=user, programme=programme, email=email, role=role, collective=collective
        )
    if role in ORGANISATION_ROLES and role != Role.EXPERT:
        if organisation is None:
            raise ValidationError({"organisation": _("Indiquez l'organisation.")})
        if not organisation_in_reach(programme, organisation, role):
            raise ValidationError(
                {
                    "organisation": _(
                        "Cette organisation n'est pas partenaire du programme : ajoutez-la "
                        "d'abord à ses partenaires."
                    )
                }
            )
        return invitation_create(
            invited_by=user, programme=programme, email=email, role=role, organisation=organisation
        )
    raise ValidationError({"role": _("Choisissez un rôle dans un collectif ou une organisation.")})


def partner_organisation_invite(
    *, user, programme, partner: ProgrammePartner, email: str, role: str
) -> tuple[Invitation, str]:
    """Invite ``email`` into the organisation of one of the programme's partnerships, with a
    role its kind allows (``partners.ROLES_OF_KIND``, as the partners page offers): the
    partner invitation with the organisation chosen. An expert partner's experts are invited
    from the team."""
    if not rules.can_manage_team(user, programme):
        raise PermissionDenied(_("Seuls les administrateurs du programme invitent."))
    allowed = ROLES_OF_KIND.get(partner.kind, ())
    if role not in allowed:
        if not allowed:
            message = _("Les experts du partenaire expert s'invitent depuis l'équipe du programme.")
        else:
            message = _("Choisissez l'un de ces rôles : %(roles)s.") % {"roles": ", ".join(allowed)}
        raise ValidationError({"role": message})
    return partner_invitation_send(
        user=user,
        programme=programme,
        email=email,
        role=role,
        organisation=partner.organisation,
    )
