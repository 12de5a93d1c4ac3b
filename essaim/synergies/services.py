"""Every write on offers, introductions and events. Each service checks its rule
(``essaim.synergies.rules``), validates (errors name the field), locks what it changes, writes
and records history in one transaction; people are told after the commit."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.accounts import permissions
from essaim.accounts.models import Role
from essaim.core.notifications import notify
from essaim.core.services import changed_fields, history_record
from essaim.projects.models import Need
from essaim.synergies import network_services, rules, workflow
from essaim.synergies.history import EventAction, IntroductionAction, OfferAction
from essaim.synergies.hooks import introduction_results_changed
from essaim.synergies.models import (
    MAX_CAPACITY,
    MAX_HOURS,
    Event,
    Introduction,
    IntroductionStatus,
    Offer,
    OfferKind,
    OfferStatus,
    Registration,
)

OFFER_FIELDS = (
    "kind",
    "title",
    "description",
    "conditions",
    "is_national",
    "starts_on",
    "ends_on",
)
OFFER_M2M = ("regions", "perimeters")
EVENT_FIELDS = ("title", "description", "starts_at", "place", "is_online", "capacity")
TEXT_LIMITS = {"title": 200, "description": 5000, "conditions": 2000, "place": 255}


# --- Offers -------------------------------------------------------------------------------------


def _check_text(data: dict[str, Any], errors: dict) -> None:
    for name, limit in TEXT_LIMITS.items():
        value = data.get(name)
        if isinstance(value, str) and len(value) > limit:
            errors[name] = _("%(limit)s caractères au plus.") % {"limit": limit}


def _validate_offer(offer: Offer, regions, perimeters) -> None:
    errors: dict[str, str] = {}
    if offer.kind not in OfferKind.values:
        errors["kind"] = _("Nature d'offre inconnue : « %(value)s ».") % {"value": offer.kind}
    if not (offer.title or "").strip():
        errors["title"] = _("Donnez un titre à l'offre.")
    if not (offer.description or "").strip():
        errors["description"] = _("Décrivez ce que vous proposez.")
    _check_text(
        {"title": offer.title, "description": offer.description, "conditions": offer.conditions},
        errors,
    )
    if offer.starts_on and offer.ends_on and offer.starts_on > offer.ends_on:
        errors["ends_on"] = _("La fin (%(end)s) précède le début (%(start)s).") % {
            "end": offer.ends_on,
            "start": offer.starts_on,
        }
    if not offer.is_national and not regions and not perimeters:
        errors["regions"] = _(
            "Indiquez les régions ou territoires couverts, ou cochez « toute la France »."
        )
    if errors:
        raise ValidationError(errors)


def _pks(values) -> list[int]:
    return sorted(v.pk if hasattr(v, "pk") else int(v) for v in values or ())


@transaction.atomic
def offer_create(*, user, company, data: dict[str, Any], regions=(), perimeters=()) -> Offer:
    """Publish an offer of ``company``: a member of that engaged company (or a superuser).
    The offer covers all of France or names its regions or perimeters."""
    if not rules.can_keep_offers_of(user, company.pk if company else None):
        raise PermissionDenied(_("Vous ne pouvez publier d'offre que pour votre entreprise."))
    for name in data:
        if name not in OFFER_FIELDS:
            raise ValidationError({name: _("Ce champ ne peut pas être modifié ici.")})
    offer = Offer(company=company, created_by=user, **data)
    offer.title, offer.description = (offer.title or "").strip(), (offer.description or "").strip()
    _validate_offer(offer, regions, perimeters)
    offer.save()
    offer.regions.set(_pks(regions))
    offer.perimeters.set(_pks(perimeters))
    history_record(obj=offer, user=user, action=OfferAction.PUBLISHED, to_state=offer.status)
    return offer


@transaction.atomic
def offer_update(
    *, user, offer: Offer, data: dict[str, Any], regions=None, perimeters=None
) -> Offer:
    """Change an offer: its company's members (or a superuser). Every change is in the
    history."""
    if not rules.can_edit_offer(user, offer):
        raise PermissionDenied(_("Vous ne pouvez modifier que les offres de votre entreprise."))
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    for name in data:
        if name not in OFFER_FIELDS:
            raise ValidationError({name: _("Ce champ ne peut pas être modifié ici.")})
    changes = changed_fields(locked, data)
    for name, value in data.items():
        setattr(locked, name, value.strip() if name in ("title", "description") else value)
    new_regions = _pks(regions) if regions is not None else _pks(locked.regions.all())
    new_perimeters = _pks(perimeters) if perimeters is not None else _pks(locked.perimeters.all())
    _validate_offer(locked, new_regions, new_perimeters)
    for name, after in (("regions", new_regions), ("perimeters", new_perimeters)):
        before = _pks(getattr(locked, name).all())
        if before != after:
            getattr(locked, name).set(after)
            changes[name] = [before, after]
    if changes:
        locked.save()
        history_record(
            obj=locked, user=user, action=OfferAction.UPDATED, payload={"changes": changes}
        )
    return locked


@transaction.atomic
def offer_set_status(*, user, offer: Offer, status: str) -> Offer:
    """Withdraw an offer (or publish it again): its company's members."""
    if not rules.can_edit_offer(user, offer):
        raise PermissionDenied(_("Vous ne pouvez modifier que les offres de votre entreprise."))
    if status not in OfferStatus.values:
        raise ValidationError({"status": _("État inconnu : « %(value)s ».") % {"value": status}})
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    if locked.status == status:
        return locked
    previous, locked.status = locked.status, status
    locked.save(update_fields=["status", "updated_at"])
    action = OfferAction.WITHDRAWN if status == OfferStatus.WITHDRAWN else OfferAction.REPUBLISHED
    history_record(obj=locked, user=user, action=action, from_state=previous, to_state=status)
    return locked


# --- Introductions ------------------------------------------------------------------------------


def project_people(project) -> list:
    """Whom to tell on the project's side (not a permission): its holders and the people of its
    collective."""
    people = list(
        permissions.holders([Role.PROJECT_HOLDER], organisations=[project.holder_id]).order_by("pk")
    )
    if project.collective_id:
        people += list(
            permissions.holders(
                [Role.TERRITORY_LEAD, Role.TERRITORY_MEMBER], collectives=[project.collective_id]
            ).order_by("pk")
        )
    return people


def company_people(company_id: int) -> list:
    return list(permissions.holders([Role.COMPANY], organisations=[company_id]).order_by("pk"))


@transaction.atomic
def introduction_propose(
    *, user, need: Need, company, offer: Offer | None = None, message: str = ""
) -> Introduction:
    """ "Je peux aider": propose an introduction between ``company`` and the project of
    ``need``. Guarantees: the user is a member of the company; the need is open and its project
    published; the offer, when given, is the company's and published; one open introduction per
    need and company (a second click returns the first); the project's side is told."""
    need = Need.objects.select_for_update(of=("self",)).select_related("project").get(pk=need.pk)
    if not rules.can_propose(user, need, company.pk if company else None):
        raise PermissionDenied(_("Vous ne pouvez pas proposer votre aide sur ce besoin."))
    errors: dict[str, str] = {}
    if offer is not None and (
        offer.company_id != company.pk or offer.status != OfferStatus.PUBLISHED
    ):
        errors["offer"] = _("Choisissez une offre publiée de votre entreprise.")
    message = (message or "").strip()
    if len(message) > 2000:
        errors["message"] = _("%(limit)s caractères au plus.") % {"limit": 2000}
    if errors:
        raise ValidationError(errors)
    existing = (
        Introduction.objects.filter(need=need, company=company)
        .exclude(status=IntroductionStatus.DECLINED)
        .first()
    )
    if existing is not None:
        return existing
    introduction = Introduction.objects.create(
        need=need,
        project=need.project,
        company=company,
        offer=offer,
        message=message,
        proposed_by=user,
    )
    history_record(
        obj=introduction,
        user=user,
        action=IntroductionAction.PROPOSED,
        to_state=IntroductionStatus.PROPOSED,
        comment=message,
        payload={"need": need.pk, "offer": offer.pk if offer else None},
    )
    notify(
        users=project_people(need.project),
        title=_("%(company)s propose son aide à « %(project)s »")
        % {"company": company.name, "project": need.project.title},
        body=_("Besoin : %(need)s. Acceptez ou déclinez la mise en relation.")
        % {"need": need.purpose},
        url=introduction.get_absolute_url(),
    )
    return introduction


def introduction_allowed_transitions(introduction: Introduction, user) -> list:
    """The transitions ``user`` may take now; what pages and API offer as actions. "Marquer
    comme réalisée" is offered to a side that has not marked it yet."""
    allowed = []
    for transition in workflow.transitions_from(introduction.status):
        if not rules.can_act_as(user, introduction, transition.actor):
            continue
        if transition.name == "mark_done" and not _side_left(user, introduction):
            continue
        allowed.append(transition)
    return allowed


def _side_left(user, introduction: Introduction) -> list[str]:
    """The sides ``user`` speaks for that have not marked the introduction done."""
    sides = []
    if rules.is_company_side(user, introduction) and not introduction.company_done:
        sides.append("company")
    if rules.is_project_side(user, introduction) and not introduction.project_done:
        sides.append("project")
    return sides


@transaction.atomic
def introduction_transition(
    *, user, introduction: Introduction, name: str, comment: str = ""
) -> Introduction:
    """Take transition ``name``. Guarantees: the row is locked, the table allows it from the
    current state, the user plays its actor, a refusal has a reason; "done" is reached once
    both sides have marked it, and then the company's relation with the project enters the
    network (``network_services.relation_from_introduction``); the history gets one row — or
    nothing is written."""
    transition = workflow.BY_NAME.get(name)
    if transition is None:
        raise ValidationError({"transition": _("Action inconnue : « %(name)s ».") % {"name": name}})
    locked = (
        Introduction.objects.select_for_update(of=("self",))
        .select_related("project", "company", "need")
        .get(pk=introduction.pk)
    )
    if not rules.can_act_as(user, locked, transition.actor):
        raise PermissionDenied(
            _("Vous ne pouvez pas faire cette action sur cette mise en relation.")
        )
    if locked.status not in transition.source:
        raise ValidationError(
            {
                "status": _(
                    "Impossible de faire « %(action)s » : la mise en relation est « %(status)s »."
                )
                % {"action": transition.label, "status": locked.get_status_display()}
            }
        )
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise ValidationError({"comment": _("Indiquez le motif.")})
    if len(comment) > 2000:
        raise ValidationError({"comment": _("%(limit)s caractères au plus.") % {"limit": 2000}})
    previous, now = locked.status, timezone.now()
    payload: dict[str, Any] = {}
    if transition.name == "mark_done":
        sides = _side_left(user, locked)
        if not sides:
            raise ValidationError({"status": _("Vous avez déjà marqué cette mise en relation.")})
        for side in sides:
            setattr(locked, f"{side}_done", True)
        payload["sides"] = sides
        if locked.company_done and locked.project_done:
            locked.status, locked.done_at = IntroductionStatus.DONE, now
    else:
        locked.status, locked.decided_at = transition.target, now
        if transition.target == IntroductionStatus.DECLINED:
            locked.decline_reason = comment
    locked.save()
    if locked.status == IntroductionStatus.DONE and previous != IntroductionStatus.DONE:
        # The cooperation it caused shows in the territory's network.
        relation = network_services.relation_from_introduction(user=user, introduction=locked)
        if relation is not None:
            payload["relation"] = relation.pk
    history_record(
        obj=locked,
        user=user,
        action=IntroductionAction(transition.name),
        from_state=previous if locked.status != previous else "",
        to_state=locked.status if locked.status != previous else "",
        comment=comment,
        payload=payload,
    )
    if locked.status == IntroductionStatus.DONE and previous != IntroductionStatus.DONE:
        introduction_results_changed(introduction=locked, user=user)
    company_side = rules.is_company_side(user, locked)
    notify(
        users=project_people(locked.project) if company_side else company_people(locked.company_id),
        title=_("Mise en relation %(company)s → « %(project)s » : %(status)s")
        % {
            "company": locked.company.name,
            "project": locked.project.title,
            "status": locked.get_status_display(),
        },
        body=comment,
        url=locked.get_absolute_url(),
    )
    return locked


REPORT_FIELDS = ("hours", "purchases", "invested", "result")


@transaction.atomic
def introduction_report(*, user, introduction: Introduction, data: dict[str, Any]) -> Introduction:
    """The company reports what its help produced (hours given, purchases in €, amounts
    invested in €, a few words) on an accepted or done introduction. Kept in the history: a
    correction shows the old figure."""
    if not rules.can_report(user, introduction):
        raise PermissionDenied(_("Seule l'entreprise déclare ce que son aide a produit."))
    locked = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if locked.status not in (IntroductionStatus.ACCEPTED, IntroductionStatus.DONE):
        raise ValidationError(
            {
                "status": _(
                    "La mise en relation est « %(status)s » : les résultats se déclarent une "
                    "fois acceptée."
                )
                % {"status": locked.get_status_display()}
            }
        )
    errors: dict[str, str] = {}
    for name in data:
        if name not in REPORT_FIELDS:
            raise ValidationError({name: _("Ce champ ne peut pas être modifié ici.")})
    hours = data.get("hours")
    if hours is not None and not (0 <= hours <= MAX_HOURS):
        errors["hours"] = _("Entre 0 et %(max)s heures.") % {"max": MAX_HOURS}
    for name in ("purchases", "invested"):
        value = data.get(name)
        if value is not None and value < 0:
            errors[name] = _("Le montant doit être positif.")
    if len(data.get("result") or "") > 2000:
        errors["result"] = _("%(limit)s caractères au plus.") % {"limit": 2000}
    if errors:
        raise ValidationError(errors)
    changes = changed_fields(locked, data)
    if changes:
        for name, value in data.items():
            setattr(locked, name, value)
        locked.save()
        history_record(
            obj=locked, user=user, action=IntroductionAction.REPORTED, payload={"changes": changes}
        )
        introduction_results_changed(introduction=locked, user=user)
    return locked


def introduction_counts(queryset) -> list[dict]:
    """Introductions per territory and state, with what they produced (one query)."""
    states = list(IntroductionStatus)
    aggregates = {s.value: Count("pk", filter=Q(status=s.value)) for s in states}
    rows = (
        queryset.order_by()
        .values("project__perimeter_id", "project__perimeter__name")
        .annotate(
            total=Count("pk"),
            hours=Sum("hours"),
            purchases=Sum("purchases"),
            invested=Sum("invested"),
            **aggregates,
        )
        .order_by("project__perimeter__name")
    )
    return [
        {
            "territory": row["project__perimeter__name"] or _("(sans territoire)"),
            "cells": [row[s.value] for s in states],
            "total": row["total"],
            "hours": row["hours"] or 0,
            "purchases": row["purchases"] or 0,
            "invested": row["invested"] or 0,
        }
        for row in rows
    ]


# --- Events -------------------------------------------------------------------------------------


def _validate_event(event: Event) -> None:
    errors: dict[str, str] = {}
    if not (event.title or "").strip():
        errors["title"] = _("Donnez un titre à la rencontre.")
    _check_text(
        {"title": event.title, "description": event.description, "place": event.place}, errors
    )
    if event.starts_at is None:
        errors["starts_at"] = _("Indiquez la date et l'heure.")
    if event.capacity is None or not (1 <= event.capacity <= MAX_CAPACITY):
        errors["capacity"] = _("Entre 1 et %(max)s places.") % {"max": MAX_CAPACITY}
    if not event.is_online and not (event.place or "").strip():
        errors["place"] = _("Indiquez le lieu, ou cochez « en ligne ».")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def event_create(*, user, programme, data: dict[str, Any]) -> Event:
    """Create an event of ``programme``: its staff (admins and instructors)."""
    if not rules.can_manage_events(user, programme.pk):
        raise PermissionDenied(_("Seule l'équipe du programme crée ses rencontres."))
    for name in data:
        if name not in EVENT_FIELDS:
            raise ValidationError({name: _("Ce champ ne peut pas être modifié ici.")})
    event = Event(programme=programme, created_by=user, **data)
    _validate_event(event)
    event.save()
    history_record(obj=event, user=user, action=EventAction.CREATED)
    return event


@transaction.atomic
def event_update(*, user, event: Event, data: dict[str, Any]) -> Event:
    """Change an event: its programme's staff. The capacity cannot drop below the people
    already registered."""
    if not rules.can_manage_event(user, event):
        raise PermissionDenied(_("Seule l'équipe du programme modifie ses rencontres."))
    locked = Event.objects.select_for_update().get(pk=event.pk)
    for name in data:
        if name not in EVENT_FIELDS:
            raise ValidationError({name: _("Ce champ ne peut pas être modifié ici.")})
    changes = changed_fields(locked, data)
    for name, value in data.items():
        setattr(locked, name, value)
    _validate_event(locked)
    registered = locked.registrations.count()
    if locked.capacity < registered:
        raise ValidationError(
            {
                "capacity": _(
                    "%(count)s personnes sont déjà inscrites : au moins %(count)s places."
                )
                % {"count": registered}
            }
        )
    if changes:
        locked.save()
        history_record(
            obj=locked, user=user, action=EventAction.UPDATED, payload={"changes": changes}
        )
    return locked


@transaction.atomic
def event_register(*, user, event: Event) -> Registration:
    """Register ``user``: a person of a territory or project the event's programme owns. The
    event row is locked while the places are counted, so that concurrent registrations never
    exceed the capacity; registering twice returns the first registration."""
    if not rules.can_register(user, event):
        raise PermissionDenied(_("Cette rencontre est réservée aux territoires du programme."))
    locked = Event.objects.select_for_update().get(pk=event.pk)
    existing = Registration.objects.filter(event=locked, user=user).first()
    if existing is not None:
        return existing
    if locked.starts_at < timezone.now():
        raise ValidationError({"event": _("Cette rencontre a déjà eu lieu.")})
    taken = Registration.objects.filter(event=locked).count()
    if taken >= locked.capacity:
        raise ValidationError(
            {
                "event": _("Complet : les %(capacity)s places sont prises.")
                % {"capacity": locked.capacity}
            }
        )
    try:
        with transaction.atomic():
            registration = Registration.objects.create(event=locked, user=user)
    except IntegrityError:
        return Registration.objects.get(event=locked, user=user)
    history_record(obj=locked, user=user, action=EventAction.REGISTERED, payload={"user": user.pk})
    return registration


@transaction.atomic
def event_unregister(*, user, event: Event) -> None:
    locked = Event.objects.select_for_update().get(pk=event.pk)
    deleted, _rows = Registration.objects.filter(event=locked, user=user).delete()
    if deleted:
        history_record(
            obj=locked, user=user, action=EventAction.UNREGISTERED, payload={"user": user.pk}
        )


@transaction.atomic
def event_attendance(*, user, event: Event, present_ids) -> int:
    """Mark who came (the registrations in ``present_ids``) and who did not (the others): the
    programme's staff. Returns the number present."""
    if not rules.can_manage_event(user, event):
        raise PermissionDenied(_("Seule l'équipe du programme relève les présences."))
    locked = Event.objects.select_for_update().get(pk=event.pk)
    present = {int(pk) for pk in present_ids}
    registrations = locked.registrations.all()
    unknown = present - set(registrations.values_list("pk", flat=True))
    if unknown:
        raise ValidationError({"present": _("Inscription inconnue pour cette rencontre.")})
    registrations.filter(pk__in=sorted(present)).update(attended=True)
    registrations.exclude(pk__in=sorted(present)).update(attended=False)
    history_record(
        obj=locked, user=user, action=EventAction.ATTENDANCE, payload={"present": len(present)}
    )
    return len(present)
