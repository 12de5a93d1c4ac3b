"""Every write on waves, decisions and labels.

A wave gathers proposed applications; its committee's decisions are recorded as one batch; the
wave is published on (or after) its announcement date, which grants the labels, opens the support
plans, tells every applicant and makes the labels public. Every change goes to the history.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from essaim.applications.history import ApplicationAction
from essaim.applications.models import Application
from essaim.applications.services import addressed_comment_post, application_transition, summary
from essaim.applications.workflow import Audience, Status
from essaim.calls.models import Programme, Wave, WaveStatus
from essaim.core.notifications import notify
from essaim.core.services import changed_fields, history_record
from essaim.labels import hooks, rules
from essaim.labels.history import DecisionAction, LabelAction, WaveAction
from essaim.labels.models import Decision, Label, LabelStatus, Outcome
from essaim.labels.publication import applicants_by_application, publish_blockers


def validity_years(programme: Programme) -> int:
    """How long a label of ``programme`` is valid, in years: the programme's own setting (its
    admins change it on the settings page; new programmes start from
    ``ESSAIM_LABEL_VALIDITY_YEARS``, default 3)."""
    return programme.label_validity_years


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Seuls les administrateurs du programme peuvent faire cela."))


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _application_name(application: Application) -> str:
    return f"{application.reference} — {application.title}"


def _application_url(application: Application) -> str:
    try:
        return application.get_absolute_url()
    except NoReverseMatch:  # the applications pages are not mounted (yet)
        return ""


# --- Waves ---------------------------------------------------------------------------------------

WAVE_FIELDS = ("number", "title", "committee_on", "announced_on", "announced_at")


def _check_wave_dates(committee_on, announced_on) -> None:
    if committee_on and announced_on and announced_on < committee_on:
        raise ValidationError(
            {"announced_on": _("La date d'annonce doit suivre la date du comité.")}
        )


@transaction.atomic
def wave_create(
    *,
    programme: Programme,
    user,
    number: int | None = None,
    title: str = "",
    committee_on: datetime.date | None = None,
    announced_on: datetime.date | None = None,
    announced_at: str = "",
) -> Wave:
    """Create a planned wave (numbered after the programme's last one unless ``number`` is
    given). Guarantees: admin only, a number used once per programme, dates in order."""
    _require(rules.can_create_wave(user, programme))
    _check_wave_dates(committee_on, announced_on)
    if number is None:
        last = Wave.objects.filter(programme=programme).order_by("-number").first()
        number = (last.number + 1) if last else 1
    if Wave.objects.filter(programme=programme, number=number).exists():
        raise ValidationError(
            {"number": _("La vague n° %(number)s existe déjà.") % {"number": number}}
        )
    wave = Wave.objects.create(
        programme=programme,
        number=number,
        title=title,
        committee_on=committee_on,
        announced_on=announced_on,
        announced_at=announced_at,
    )
    history_record(obj=wave, user=user, action=WaveAction.WAVE_CREATE, to_state=wave.status)
    return wave


@transaction.atomic
def wave_update(*, wave: Wave, user, **data) -> Wave:
    """Change a wave's number, title, dates or place. A published wave keeps its dates."""
    _require(rules.can_decide(user, wave))
    unknown = set(data) - set(WAVE_FIELDS)
    if unknown:
        raise ValidationError({field: _("Champ inconnu.") for field in unknown})
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.status == WaveStatus.PUBLISHED:
        raise ValidationError({"__all__": _("Une vague publiée ne se modifie plus.")})
    _check_wave_dates(
        data.get("committee_on", wave.committee_on), data.get("announced_on", wave.announced_on)
    )
    number = data.get("number", wave.number)
    if (
        Wave.objects.filter(programme_id=wave.programme_id, number=number)
        .exclude(pk=wave.pk)
        .exists()
    ):
        raise ValidationError(
            {"number": _("La vague n° %(number)s existe déjà.") % {"number": number}}
        )
    changes = changed_fields(wave, data)
    if changes:
        for field, value in data.items():
            setattr(wave, field, value)
        wave.save()
        if "committee_on" in data:
            summary.deadline_refresh(Application.objects.filter(wave=wave))
        history_record(
            obj=wave, user=user, action=WaveAction.WAVE_UPDATE, payload={"changes": changes}
        )
    return wave


@transaction.atomic
def wave_add_applications(*, wave: Wave, applications: Iterable[Application], user) -> int:
    """Put proposed applications of the wave's programme into this planned wave. Guarantees:
    every application is proposed, of the programme and in no other wave — or nothing changes and
    the error names the application. Returns how many joined."""
    _require(rules.can_decide(user, wave))
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.status != WaveStatus.PLANNED:
        raise ValidationError(
            {"wave": _("On n'ajoute des candidatures qu'à une vague prévue, pas décidée.")}
        )
    ids = [a.pk for a in applications]
    locked = list(
        Application.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("call")
        .order_by("pk")
    )
    errors = {}
    for application in locked:
        key = f"application-{application.pk}"
        name = _application_name(application)
        if application.call.programme_id != wave.programme_id:
            errors[key] = _("« %(name)s » relève d'un autre programme.") % {"name": name}
        elif application.status != Status.PROPOSED:
            errors[key] = _("« %(name)s » n'est pas proposée au comité (%(status)s).") % {
                "name": name,
                "status": application.get_status_display(),
            }
        elif application.wave_id not in (None, wave.pk):
            errors[key] = _("« %(name)s » est déjà dans la vague %(wave)s.") % {
                "name": name,
                "wave": application.wave,
            }
    if errors:
        raise ValidationError(errors)
    added = 0
    for application in locked:
        if application.wave_id == wave.pk:
            continue
        application.wave = wave
        application.save(update_fields=["wave", "updated_at"])
        summary.deadline_refresh(Application.objects.filter(pk=application.pk))
        history_record(
            obj=application, user=user, action=ApplicationAction.WAVE_ADD, payload={"wave": wave.pk}
        )
        added += 1
    if added:
        history_record(
            obj=wave,
            user=user,
            action=WaveAction.WAVE_ADD_APPLICATIONS,
            payload={"applications": ids},
        )
    return added


@transaction.atomic
def wave_remove_application(*, wave: Wave, application: Application, user) -> None:
    """Take an undecided application out of a planned wave (e.g. added by mistake)."""
    _require(rules.can_decide(user, wave))
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if wave.status != WaveStatus.PLANNED or application.wave_id != wave.pk:
        raise ValidationError({"wave": _("Cette candidature ne peut plus quitter la vague.")})
    if Decision.objects.filter(application=application).exists():
        raise ValidationError({"wave": _("Cette candidature a déjà une décision.")})
    application.wave = None
    application.save(update_fields=["wave", "updated_at"])
    summary.deadline_refresh(Application.objects.filter(pk=application.pk))
    history_record(
        obj=application, user=user, action=ApplicationAction.WAVE_REMOVE, payload={"wave": wave.pk}
    )


@dataclass(frozen=True)
class DecisionInput:
    application_id: int
    outcome: str
    motivation: str
    # Addressed to the applicants (told at publication) or an internal note (the default).
    motivation_addressed: bool = False


@transaction.atomic
def wave_decide(*, wave: Wave, decisions: Sequence[DecisionInput], user) -> list[Decision]:
    """Record the committee's decisions for applications of ``wave``, as one batch.

    Nothing is told to the applicants: they keep seeing "en comité" until the wave is published
    (``wave_publish``), and a motivation reaches them only if it is addressed to them.

    Guarantees: admin of the programme only; every decision has an outcome and a motivation;
    exactly one decision per application even when two admins decide at once (the wave row is
    locked, then each application row by ``application_transition``): the later batch is refused
    whole with a message naming the application already decided. The wave becomes "decided" when
    all its applications have a decision.
    """
    _require(rules.can_decide(user, wave))
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.status == WaveStatus.PUBLISHED:
        raise ValidationError({"wave": _("La vague est publiée : ses décisions sont closes.")})
    if not decisions:
        raise ValidationError({"decisions": _("Aucune décision à enregistrer.")})
    ids = [d.application_id for d in decisions]
    applications = Application.objects.in_bulk(ids)
    already = {
        d.application_id: d
        for d in Decision.objects.filter(application_id__in=ids).select_related("decided_by")
    }
    errors: dict[str, str] = {}
    seen = set()
    for item in decisions:
        key = f"application-{item.application_id}"
        application = applications.get(item.application_id)
        if application is None:
            errors[key] = _("Candidature n° %(id)s introuvable.") % {"id": item.application_id}
            continue
        name = _application_name(application)
        if item.application_id in seen:
            errors[key] = _("« %(name)s » figure deux fois.") % {"name": name}
        seen.add(item.application_id)
        if application.wave_id != wave.pk:
            errors[key] = _(
                "« %(name)s » n'est pas dans cette vague : une décision se prend uniquement "
                "dans la vague de la candidature."
            ) % {"name": name}
        elif item.application_id in already:
            previous = already[item.application_id]
            errors[key] = _(
                "« %(name)s » a déjà une décision (%(outcome)s), enregistrée par %(who)s le "
                "%(when)s. Rechargez la page."
            ) % {
                "name": name,
                "outcome": previous.get_outcome_display(),
                "who": previous.decided_by,
                "when": date_format(timezone.localtime(previous.decided_at), "DATETIME_FORMAT"),
            }
        elif item.outcome not in Outcome.values:
            errors[key] = _("« %(name)s » : choisissez « labellisée » ou « non labellisée ».") % {
                "name": name
            }
        elif not item.motivation.strip():
            errors[key] = _("« %(name)s » : la motivation est obligatoire.") % {"name": name}
    if errors:
        raise ValidationError(errors)
    recorded = []
    for item in decisions:
        application = applications[item.application_id]
        try:
            application_transition(
                application=application,
                user=user,
                name="label" if item.outcome == Outcome.LABELLED else "not_label",
                comment=item.motivation.strip(),
                audience=Audience.ADDRESSED if item.motivation_addressed else Audience.INTERNAL,
                wave=wave,
            )
            # A savepoint, so that a duplicate raises a clear error instead of breaking the
            # surrounding transaction on PostgreSQL.
            with transaction.atomic():
                decision = Decision.objects.create(
                    application=application,
                    wave=wave,
                    outcome=item.outcome,
                    motivation=item.motivation.strip(),
                    motivation_addressed=item.motivation_addressed,
                    decided_by=user,
                )
        except ValidationError as exc:
            messages = "; ".join(exc.messages)
            raise ValidationError(
                {
                    f"application-{application.pk}": _("« %(name)s » : %(error)s")
                    % {"name": _application_name(application), "error": messages}
                }
            ) from exc
        except IntegrityError as exc:
            raise ValidationError(
                {
                    f"application-{application.pk}": _(
                        "« %(name)s » a déjà une décision. Rechargez la page."
                    )
                    % {"name": _application_name(application)}
                }
            ) from exc
        history_record(
            obj=decision,
            user=user,
            action=DecisionAction.DECIDE,
            to_state=decision.outcome,
            comment=decision.motivation,
            comment_internal=not decision.motivation_addressed,
            payload={"wave": wave.pk, "application": application.pk},
        )
        recorded.append(decision)
    undecided = (
        Application.objects.filter(wave=wave, decision__isnull=True)
        .exclude(status=Status.WITHDRAWN)
        .exists()
    )
    if not undecided and wave.status != WaveStatus.DECIDED:
        wave.status = WaveStatus.DECIDED
        wave.save(update_fields=["status"])
        history_record(
            obj=wave,
            user=user,
            action=WaveAction.WAVE_DECIDED,
            from_state=WaveStatus.PLANNED,
            to_state=WaveStatus.DECIDED,
        )
    history_record(
        obj=wave,
        user=user,
        action=WaveAction.WAVE_DECIDE,
        payload={"decisions": [[d.application_id, d.outcome] for d in recorded]},
    )
    return recorded


@transaction.atomic
def wave_publish(*, wave: Wave, user, today: datetime.date | None = None) -> list[Label]:
    """Publish a decided wave on or after its announcement date. Guarantees: every application of
    the wave has a decision; each labelled one gets its label (and support plan); every applicant
    is told the outcome — with the motivation when it is addressed to them, which is also posted
    in the application's thread; the wave and its labels become public. Nothing happens twice.
    Until then the applicants saw "en comité" and nothing of the decision."""
    _require(rules.can_decide(user, wave))
    today = today or timezone.localdate()
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    blockers = publish_blockers(wave, today)
    if blockers:
        name, message = blockers[0]
        raise ValidationError({name: message})
    decisions = list(
        Decision.objects.filter(wave=wave)
        .select_related("application__perimeter", "application__call", "decided_by", "wave")
        .order_by("pk")
    )
    # Published first: a label (and its support plan) exists only for a published wave.
    wave.status = WaveStatus.PUBLISHED
    wave.published_at = timezone.now()
    wave.save(update_fields=["status", "published_at"])
    labels = []
    for decision in decisions:
        decision.wave = wave
        if decision.outcome == Outcome.LABELLED:
            labels.append(label_grant(decision=decision, user=user, granted_on=wave.announced_on))
    label_by_app = {label.application_id: label for label in labels}
    recipients = applicants_by_application([d.application_id for d in decisions])
    for decision in decisions:
        application = decision.application
        label = label_by_app.get(application.pk)
        title = _("Décision sur votre candidature « %(title)s » : %(outcome)s") % {
            "title": application.title,
            "outcome": decision.get_outcome_display(),
        }
        if decision.motivation_addressed:
            addressed_comment_post(
                application=application,
                author=decision.decided_by,
                body=decision.motivation,
                from_staff=True,
            )
            body = _("Motivation du comité : %(motivation)s") % {"motivation": decision.motivation}
        else:
            body = _("La décision est sur la page de votre candidature.")
        notify(
            users=recipients[application.pk],
            title=title,
            body=body,
            url=label.get_absolute_url() if label else _application_url(application),
        )
    history_record(
        obj=wave,
        user=user,
        action=WaveAction.WAVE_PUBLISH,
        from_state=WaveStatus.DECIDED,
        to_state=WaveStatus.PUBLISHED,
        payload={"labels": [label.pk for label in labels]},
    )
    return labels


# --- Labels --------------------------------------------------------------------------------------


@transaction.atomic
def label_grant(*, decision: Decision, user, granted_on: datetime.date | None = None) -> Label:
    """Grant the label a "labelled" decision calls for, valid ``validity_years()`` years (the
    programme's setting), and
    open the territory's support plan. Only for a decision of a published wave (``wave_publish``
    calls it): until then the decision is confidential. Idempotent: a second call returns the
    same label. The plan is opened by whoever listens to ``hooks.label_granted`` (support)."""
    _require(rules.can_grant_label(user, decision))
    if decision.outcome != Outcome.LABELLED:
        raise ValidationError({"outcome": _("Cette décision n'accorde pas le label.")})
    if decision.wave.status != WaveStatus.PUBLISHED:
        raise ValidationError(
            {"wave": _("Le label n'est attribué qu'à la publication de la vague.")}
        )
    existing = Label.objects.filter(application_id=decision.application_id).first()
    if existing is not None:
        return existing
    application = decision.application
    granted_on = granted_on or timezone.localdate()
    programme_id = decision.wave.programme_id
    if Label.objects.filter(
        programme_id=programme_id, perimeter_id=application.perimeter_id, status=LabelStatus.VALID
    ).exists():
        raise ValidationError(
            {
                "perimeter": _("« %(territory)s » a déjà un label valide de ce programme.")
                % {"territory": application.perimeter}
            }
        )
    label = Label.objects.create(
        application=application,
        programme_id=programme_id,
        perimeter_id=application.perimeter_id,
        wave_id=decision.wave_id,
        granted_on=granted_on,
        valid_until=_add_years(granted_on, validity_years(decision.wave.programme)),
    )
    history_record(
        obj=label,
        user=user,
        action=LabelAction.LABEL_GRANT,
        to_state=label.status,
        payload={"decision": decision.pk, "valid_until": label.valid_until.isoformat()},
    )
    hooks.label_granted(label=label, user=user)
    return label


@transaction.atomic
def label_revoke(*, label: Label, user, reason: str) -> Label:
    """Revoke a valid label with a motivation, which the public verification then shows."""
    _require(rules.can_revoke_label(user, label))
    if not reason.strip():
        raise ValidationError({"reason": _("Le motif de révocation est obligatoire.")})
    label = Label.objects.select_for_update().get(pk=label.pk)
    if label.status == LabelStatus.REVOKED:
        raise ValidationError({"reason": _("Ce label est déjà révoqué.")})
    label.status = LabelStatus.REVOKED
    label.revoked_at = timezone.now()
    label.revocation_reason = reason.strip()
    label.save(update_fields=["status", "revoked_at", "revocation_reason"])
    history_record(
        obj=label,
        user=user,
        action=LabelAction.LABEL_REVOKE,
        from_state=LabelStatus.VALID,
        to_state=LabelStatus.REVOKED,
        comment=label.revocation_reason,
    )
    recipients = applicants_by_application([label.application_id])[label.application_id]
    notify(
        users=recipients,
        title=_("Le label de « %(territory)s » est révoqué") % {"territory": label.perimeter},
        body=_("Motif : %(reason)s") % {"reason": label.revocation_reason},
        url=label.get_verification_url(),
    )
    return label
