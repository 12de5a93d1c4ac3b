"""Every write on instruments, financing requests and alerts. Each service checks permission,
validates (errors name the field and the limit), writes and records history in one
transaction; e-mails leave only after the commit."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.accounts import permissions
from essaim.accounts.models import Role
from essaim.core.notifications import notify
from essaim.core.services import changed_fields, history_record
from essaim.financing import rules, workflow
from essaim.financing.history import InstrumentAction, RequestAction
from essaim.financing.matching import (
    NO,
    RULES_BY_CODE,
    Context,
    compile_instruments,
    euros,
    terms_snapshot,
)
from essaim.financing.models import (
    AlertSubscription,
    FinancingRequest,
    Instrument,
    RequestDocument,
    TicketBand,
)
from essaim.financing.workflow import RequestStatus
from essaim.projects.models import Need, NeedKind, Project, Stage
from essaim.projects.rules import can_edit_project

INSTRUMENT_FIELDS = (
    "name",
    "short_name",
    "description",
    "kinds",
    "share_of_costs_max",
    "legal_families",
    "legal_categories",
    "requires_ess",
    "requires_esus",
    "min_age_years",
    "max_age_years",
    "max_yearly_budget",
    "is_national",
    "themes",
    "opens_on",
    "closes_on",
    "conditions",
    "url",
    "is_published",
)
INSTRUMENT_M2M = ("regions", "perimeters", "excluded_regions", "excluded_perimeters")
MAX_DOCUMENT_SIZE = 10 * 1024 * 1024
DOCUMENT_EXTENSIONS = frozenset(
    {"pdf", "odt", "ods", "doc", "docx", "xls", "xlsx", "csv", "png", "jpg", "jpeg"}
)


# --- Instruments --------------------------------------------------------------------------------


def can_edit_instrument(user, instrument: Instrument) -> bool:
    """Its financer organisation's members or a superuser (``essaim.financing.rules``)."""
    return rules.can_edit_instrument(user, instrument)


def validate_bands(bands: Sequence[dict]) -> list[dict]:
    """Each band: {"stage", "min_amount", "max_amount"}. A band whose minimum is over its maximum
    is refused, naming the field and the limit; a stage may appear once."""
    errors: dict[str, str] = {}
    seen: set[str] = set()
    clean = []
    for position, band in enumerate(bands):
        stage = band.get("stage") or ""
        low = band.get("min_amount")
        high = band.get("max_amount")
        prefix = f"bands[{position}]"
        if stage and stage not in Stage.values:
            errors[f"{prefix}.stage"] = _("Stade inconnu : « %(value)s ».") % {"value": stage}
            continue
        if stage in seen:
            errors[f"{prefix}.stage"] = _("Une seule tranche par stade.")
            continue
        seen.add(stage)
        for name, value in (("min_amount", low), ("max_amount", high)):
            if value is not None and value < 0:
                errors[f"{prefix}.{name}"] = _("Le montant doit être positif.")
        if low is not None and high is not None and low > high:
            errors[f"{prefix}.min_amount"] = _(
                "Le montant minimal (%(min)s) dépasse le montant maximal (%(max)s) de la tranche "
                "« %(stage)s »."
            ) % {
                "min": euros(low),
                "max": euros(high),
                "stage": Stage(stage).label if stage else _("tous stades"),
            }
        clean.append({"stage": stage, "min_amount": low, "max_amount": high})
    if errors:
        raise ValidationError(errors)
    return clean


def _validate_instrument(instrument: Instrument) -> None:
    errors: dict[str, list[str]] = {}
    try:
        instrument.full_clean(exclude=["provider"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    share = instrument.share_of_costs_max
    if share is not None and not (0 < share <= 1):
        errors.setdefault("share_of_costs_max", []).append(
            _("La part des coûts doit être comprise entre 0 et 1 (reçu : %(value)s).")
            % {"value": share}
        )
    low, high = instrument.min_age_years, instrument.max_age_years
    if low is not None and high is not None and low > high:
        errors.setdefault("min_age_years", []).append(
            _("L'âge minimal (%(min)s ans) dépasse l'âge maximal (%(max)s ans).")
            % {"min": low, "max": high}
        )
    if instrument.opens_on and instrument.closes_on and instrument.opens_on > instrument.closes_on:
        errors.setdefault("closes_on", []).append(
            _("La clôture (%(close)s) précède l'ouverture (%(open)s).")
            % {"close": instrument.closes_on, "open": instrument.opens_on}
        )
    if errors:
        raise ValidationError(errors)


def _bands_of(instrument: Instrument) -> list[dict]:
    return [
        {"stage": b.stage, "min_amount": b.min_amount, "max_amount": b.max_amount}
        for b in instrument.bands.order_by("pk")
    ]


@transaction.atomic
def instrument_create(
    *, user, provider, data: dict[str, Any], bands: Sequence[dict] = (), m2m: dict | None = None
) -> Instrument:
    """Create an instrument of ``provider``: a financer of that organisation or a superuser
    (instruments are shared, kept by their financers). Bands are validated (min ≤ max); the
    history records the creation."""
    probe = Instrument(provider=provider)
    if not can_edit_instrument(user, probe):
        raise PermissionDenied(_("Vous ne pouvez pas créer d'outil pour ce financeur."))
    clean_bands = validate_bands(bands)
    for name, value in data.items():
        if name not in INSTRUMENT_FIELDS:
            raise ValidationError({name: _("Ce champ ne peut pas être modifié ici.")})
        setattr(probe, name, value)
    _validate_instrument(probe)
    probe.save()
    TicketBand.objects.bulk_create([TicketBand(instrument=probe, **b) for b in clean_bands])
    for name, values in (m2m or {}).items():
        getattr(probe, name).set(values)
    history_record(
        obj=probe, user=user, action=InstrumentAction.CREATED, payload={"bands": clean_bands}
    )
    return probe


@transaction.atomic
def instrument_update(
    *,
    user,
    instrument: Instrument,
    data: dict[str, Any],
    bands: Sequence[dict] | None = None,
    m2m: dict | None = None,
) -> Instrument:
    """Change an instrument's terms. Only its provider's financers (or a superuser).
    Requests already sent keep the terms they were sent under. Every change is in the history."""
    if not can_edit_instrument(user, instrument):
        raise PermissionDenied(_("Vous ne pouvez modifier que les outils de votre structure."))
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    for name in data:
        if name not in INSTRUMENT_FIELDS:
            raise ValidationError({name: _("Ce champ ne peut pas être modifié ici.")})
    changes = changed_fields(instrument, data)
    clean_bands = validate_bands(bands) if bands is not None else None
    for name, value in data.items():
        setattr(instrument, name, value)
    _validate_instrument(instrument)
    if clean_bands is not None:
        before = _bands_of(instrument)
        if before != clean_bands:
            instrument.bands.all().delete()
            TicketBand.objects.bulk_create(
                [TicketBand(instrument=instrument, **b) for b in clean_bands]
            )
            changes["bands"] = [before, clean_bands]
    for name, values in (m2m or {}).items():
        if name not in INSTRUMENT_M2M:
            raise ValidationError({name: _("Ce champ ne peut pas être modifié ici.")})
        before = sorted(getattr(instrument, name).values_list("pk", flat=True))
        after = sorted(v.pk if hasattr(v, "pk") else int(v) for v in values)
        if before != after:
            getattr(instrument, name).set(after)
            changes[name] = [before, after]
    if changes:
        instrument.save()  # bumps updated_at, which alerts read
        history_record(
            obj=instrument, user=user, action=InstrumentAction.UPDATED, payload={"changes": changes}
        )
    return instrument


# --- Requests -----------------------------------------------------------------------------------


def request_max_for(instrument: Instrument, stage: str) -> int | None:
    """The most the instrument puts in for a project at ``stage`` (None: no maximum)."""
    bands = list(instrument.bands.all())
    for band in bands:
        if band.stage == stage:
            return band.max_amount
    for band in bands:
        if band.stage == "":
            return band.max_amount
    highs = [b.max_amount for b in bands]
    if not highs or any(h is None for h in highs):
        return None
    return max(highs)


@transaction.atomic
def financing_request_send(
    *,
    user,
    project: Project,
    instrument: Instrument,
    amount: int,
    purpose: str,
    need: Need | None = None,
    documents: Iterable = (),
) -> FinancingRequest:
    """Send a request from ``project`` to ``instrument``. Guarantees: the user acts for the
    project (a holder of its organisation or a person of its collective — not programme staff);
    the instrument is published and open; the amount is positive and not above the
    instrument's maximum (the message names both); the request keeps a copy of the
    instrument's terms; the financer is told after the commit."""
    if not rules.can_send_request(user, project):
        raise PermissionDenied(_("Vous ne pouvez pas envoyer de demande pour ce projet."))
    errors: dict[str, str] = {}
    if need is not None and (need.project_id != project.pk or need.kind != NeedKind.FINANCING):
        errors["need"] = _("Ce besoin n'est pas un besoin de financement de ce projet.")
    if not instrument.is_published:
        errors["instrument"] = _("Cet outil n'est pas publié.")
    elif set(instrument.kinds or ()) == {"orientation"}:
        errors["instrument"] = _(
            "« %(instrument)s » oriente sans financer : prenez contact avec lui, sans demande "
            "de financement."
        ) % {"instrument": instrument.label}
    else:
        terms = compile_instruments(Instrument.objects.filter(pk=instrument.pk))[0]
        rule, ctx = RULES_BY_CODE["open"], Context(today=timezone.localdate())
        status = rule.check(terms, None, ctx)
        if status == NO:
            errors["instrument"] = _("Cet outil est %(why)s.") % rule.explain(
                terms, None, ctx, status
            )
    if amount is None or amount <= 0:
        errors["amount"] = _("Le montant demandé doit être positif.")
    else:
        limit = request_max_for(instrument, project.stage)
        if limit is not None and amount > limit:
            errors["amount"] = _(
                "Le montant demandé de %(amount)s dépasse le maximum de %(limit)s de l'outil "
                "« %(instrument)s »."
            ) % {"amount": euros(amount), "limit": euros(limit), "instrument": instrument.label}
    if not (purpose or "").strip():
        errors["purpose"] = _("Décrivez l'objet de la demande.")
    documents = list(documents)
    for position, document in enumerate(documents):
        extension = document.name.rsplit(".", 1)[-1].lower() if "." in document.name else ""
        if extension not in DOCUMENT_EXTENSIONS:
            errors[f"documents[{position}]"] = _(
                "Le document « %(name)s » n'est pas d'un type accepté (%(types)s)."
            ) % {"name": document.name, "types": ", ".join(sorted(DOCUMENT_EXTENSIONS))}
        elif document.size > MAX_DOCUMENT_SIZE:
            errors[f"documents[{position}]"] = _(
                "Le document « %(name)s » dépasse %(limit)s Mo."
            ) % {"name": document.name, "limit": MAX_DOCUMENT_SIZE // (1024 * 1024)}
    if errors:
        raise ValidationError(errors)
    request = FinancingRequest.objects.create(
        project=project,
        need=need,
        instrument=instrument,
        amount=amount,
        purpose=purpose.strip(),
        terms=terms_snapshot(instrument),
        sent_by=user,
    )
    for document in documents:
        RequestDocument.objects.create(
            request=request, file=document, original_name=document.name, size=document.size
        )
    history_record(
        obj=request,
        user=user,
        action=RequestAction.SENT,
        to_state=RequestStatus.RECEIVED,
        payload={"amount": amount, "instrument": instrument.pk},
    )
    notify(
        users=financers_of(instrument.provider_id),
        title=_("Nouvelle demande de financement : %(project)s → %(instrument)s")
        % {"project": project.title, "instrument": instrument.label},
        body=_("Montant demandé : %(amount)s.") % {"amount": euros(amount)},
        url=request.get_absolute_url(),
    )
    return request


def _active_members(role: Role, organisation_id: int):
    """The people to tell (not a permission): active users holding ``role`` in the
    organisation."""
    return list(permissions.holders([role], organisations=[organisation_id]).order_by("pk"))


def financers_of(organisation_id: int) -> list:
    return _active_members(Role.FINANCER, organisation_id)


def holders_of(project: Project) -> list:
    return _active_members(Role.PROJECT_HOLDER, project.holder_id)


def can_act_as(user, request: FinancingRequest, actor: str) -> bool:
    return rules.can_act_as(user, request, actor)


def request_allowed_transitions(request: FinancingRequest, user) -> list[workflow.Transition]:
    """The transitions ``user`` may take now; what pages and API offer as actions."""
    return [
        t for t in workflow.transitions_from(request.status) if can_act_as(user, request, t.actor)
    ]


def grant_blocker(user, request: FinancingRequest) -> str:
    """Why ``user`` cannot grant ``request`` now ("" when they can): what the grant page shows
    next to its disabled confirm button."""
    if not can_act_as(user, request, workflow.Actor.FINANCER):
        return _("Seul un financeur de l'outil peut accorder cette demande.")
    if request.status == RequestStatus.RECEIVED:
        return _("La demande est « reçue » : mettez-la d'abord en instruction.")
    if request.status not in workflow.BY_NAME["grant"].source:
        return _("La demande est « %(status)s » : elle ne peut plus être accordée.") % {
            "status": request.get_status_display()
        }
    return ""


def check_grant(*, request: FinancingRequest, amount, conditions: str, partial_reason: str):
    """The grant's own checks (amount given, not above the request; a reason when partial),
    field by field — the recap page shows them before anything is written."""
    errors: dict[str, str] = {}
    if amount is None or amount <= 0:
        errors["amount"] = _("Indiquez le montant accordé.")
    elif amount > request.amount:
        errors["amount"] = _(
            "Le montant accordé (%(amount)s) dépasse le montant demandé (%(limit)s)."
        ) % {"amount": euros(amount), "limit": euros(request.amount)}
    elif amount < request.amount and not (partial_reason or "").strip():
        errors["partial_reason"] = _(
            "Le montant accordé (%(amount)s) est inférieur au montant demandé (%(limit)s) : "
            "indiquez le motif du montant partiel."
        ) % {"amount": euros(amount), "limit": euros(request.amount)}
    if len(conditions or "") > 5000 or len(partial_reason or "") > 5000:
        errors["conditions" if len(conditions or "") > 5000 else "partial_reason"] = _(
            "5 000 caractères au plus."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def financing_request_transition(
    *,
    user,
    request: FinancingRequest,
    name: str,
    comment: str = "",
    amount: int | None = None,
    conditions: str = "",
    partial_reason: str = "",
) -> FinancingRequest:
    """Take transition ``name`` on a request. Guarantees: the row is locked, the table allows
    it from the current state, the user is the instrument's financer (or, to withdraw, a holder
    of the project's organisation or a person of its collective), a grant has an amount (not
    above the request), a refusal a reason, and the history gets one row — or nothing is
    written and an error says why."""
    transition = workflow.BY_NAME.get(name)
    if transition is None:
        raise ValidationError({"transition": _("Action inconnue : « %(name)s ».") % {"name": name}})
    locked = (
        FinancingRequest.objects.select_for_update()
        .select_related("instrument", "project")
        .get(pk=request.pk)
    )
    if not can_act_as(user, locked, transition.actor):
        raise PermissionDenied(_("Vous ne pouvez pas faire cette action sur cette demande."))
    if locked.status not in transition.source:
        raise ValidationError(
            {
                "status": _("Impossible de faire « %(action)s » : la demande est « %(status)s ».")
                % {"action": transition.label, "status": locked.get_status_display()}
            }
        )
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise ValidationError({"comment": _("Indiquez le motif.")})
    payload: dict[str, Any] = {}
    now = timezone.now()
    if transition.amount_required:
        conditions, partial_reason = (conditions or "").strip(), (partial_reason or "").strip()
        if amount is not None and amount >= locked.amount:
            partial_reason = ""
        check_grant(
            request=locked, amount=amount, conditions=conditions, partial_reason=partial_reason
        )
        locked.granted_amount = amount
        locked.grant_conditions, locked.partial_reason = conditions, partial_reason
        payload.update(granted_amount=amount, conditions=conditions, partial_reason=partial_reason)
    if transition.target in (RequestStatus.GRANTED, RequestStatus.DECLINED):
        locked.decided_at = now
    if transition.target == RequestStatus.DECLINED:
        locked.decline_reason = comment
    if transition.target == RequestStatus.DISBURSED:
        locked.disbursed_at = now
    previous = locked.status
    locked.status = transition.target
    locked.save()
    history_record(
        obj=locked,
        user=user,
        action=RequestAction(transition.name),
        from_state=previous,
        to_state=transition.target,
        comment=comment,
        payload=payload,
    )
    people = (
        holders_of(locked.project)
        if transition.actor == workflow.Actor.FINANCER
        else financers_of(locked.instrument.provider_id)
    )
    notify(
        users=people,
        title=_("Demande de financement « %(project)s » : %(status)s")
        % {"project": locked.project.title, "status": locked.get_status_display()},
        body=comment or grant_details(payload),
        url=locked.get_absolute_url(),
    )
    locked.notified_count = len(people)
    return locked


def grant_details(payload: dict) -> str:
    """A grant's amount, conditions and partial-amount reason in words (history, e-mail)."""
    if not isinstance(payload, dict) or payload.get("granted_amount") is None:
        return ""
    parts = [euros(payload["granted_amount"])]
    if payload.get("conditions"):
        parts.append(_("conditions : %(text)s") % {"text": payload["conditions"]})
    if payload.get("partial_reason"):
        parts.append(_("motif du montant partiel : %(text)s") % {"text": payload["partial_reason"]})
    return " ; ".join(parts)


def request_totals(queryset) -> dict[str, list[dict]]:
    """Counts and sums of requests per territory, per instrument and per stage (three queries).
    ``granted`` sums what was granted (granted or disbursed), ``disbursed`` what was paid."""
    granted_states = [RequestStatus.GRANTED, RequestStatus.DISBURSED]
    aggregates = {
        "count": Count("pk"),
        "requested": Sum("amount"),
        "granted_count": Count("pk", filter=Q(status__in=granted_states)),
        "granted": Sum("granted_amount", filter=Q(status__in=granted_states)),
        "disbursed": Sum("granted_amount", filter=Q(status=RequestStatus.DISBURSED)),
        "open_count": Count("pk", filter=Q(status__in=list(workflow.OPEN_STATES))),
    }
    result = {}
    for key, group, label in (
        ("territory", "project__perimeter_id", "project__perimeter__name"),
        ("instrument", "instrument_id", "instrument__name"),
        ("stage", "project__stage", None),
    ):
        fields = [group] + ([label] if label else [])
        rows = []
        for row in queryset.order_by().values(*fields).annotate(**aggregates).order_by(group):
            name = row[label] if label else str(Stage(row[group]).label)
            rows.append(
                {
                    "id": row[group],
                    "name": name or _("(sans territoire)"),
                    **{k: row[k] or 0 for k in aggregates},
                }
            )
        rows.sort(key=lambda r: (-r["requested"], str(r["name"])))
        result[key] = rows
    return result


# --- Alerts -------------------------------------------------------------------------------------


@transaction.atomic
def alert_subscribe(*, user, project: Project | None = None, collective=None) -> AlertSubscription:
    """Subscribe ``user`` to new or changed instruments matching a project (who may edit it) or
    a territory's projects (its people, the staff of the programmes that own it). Subscribing
    twice changes nothing."""
    if (project is None) == (collective is None):
        raise ValidationError({"project": _("Choisissez un projet ou un territoire.")})
    if project is not None:
        if not can_edit_project(user, project):
            raise PermissionDenied(_("Vous ne pouvez pas suivre ce projet."))
        subscription, _created = AlertSubscription.objects.get_or_create(user=user, project=project)
    else:
        if not rules.can_follow_collective(user, collective):
            raise PermissionDenied(_("Vous ne pouvez pas suivre ce territoire."))
        subscription, _created = AlertSubscription.objects.get_or_create(
            user=user, collective=collective
        )
    return subscription


@transaction.atomic
def alert_unsubscribe(*, user, subscription: AlertSubscription) -> None:
    if subscription.user_id != user.pk:
        raise PermissionDenied(_("Cette alerte ne vous appartient pas."))
    subscription.delete()
