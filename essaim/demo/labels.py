"""Demo decisions and labels: runs after the applications' and reviews' demos.

For every demo application already decided (labelled / not labelled, with its wave, as the
applications demo leaves them): the committee's Decision (fictitious motivation) and, for the
labelled ones, the Label granted on the wave's announcement date (20 in wave 1, 7 in wave 2), with
its support plan opened. The 2019 labels carry no end date (the reference names none; a 3-year
validity would show them all expired today); labels granted through ``wave_publish`` get
their programme's label validity (``Programme.label_validity_years``). Waves 1 and 2 are
published on their announcement date; a few proposed applications join the planned wave 3 so
that the committee view has content.
Certificates are made on first request, not here. Idempotent and a handful of queries.

``load_regional`` does the same for the second, fictitious programme's published wave: its
committee's decisions, the label (valid ``validity_years()`` years from the announcement, like the
labels ``wave_publish`` grants) and its support plan, with the decisions and the grant in the
history on the wave's dates.
"""

import datetime

from django.utils import timezone

from essaim.accounts.models import User
from essaim.applications.models import Application
from essaim.applications.services import summary
from essaim.applications.workflow import Status
from essaim.calls.models import Wave, WaveStatus
from essaim.core.models import HistoryEvent
from essaim.demo import history_bulk_create
from essaim.labels.models import Decision, Label, LabelStatus, Outcome
from essaim.labels.services import _add_years, validity_years
from essaim.support import services as support_services

ADMIN_EMAIL = "admin@demo.essaim.fr"
MOTIVATIONS = {
    Outcome.LABELLED: (
        "(fictif) Collectif solide et diversifié, stratégie ambitieuse répondant aux défis du "
        "territoire, gouvernance claire."
    ),
    Outcome.NOT_LABELLED: (
        "(fictif) Écosystème encore en construction : le comité encourage le collectif à "
        "consolider sa gouvernance et à candidater de nouveau."
    ),
}
WAVE_3_SIZE = 4
NOON = datetime.time(12)


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def load(ctx) -> None:
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    programme = ctx.objects.get("programme")
    if admin is None or programme is None:
        ctx.say("    labels: no programme or admin account, nothing to do")
        return
    waves = {w.number: w for w in Wave.objects.filter(programme=programme)}
    decided = list(
        Application.objects.filter(
            call__programme=programme,
            status__in=[Status.LABELLED, Status.NOT_LABELLED],
            wave__isnull=False,
        ).select_related("wave")
    )
    existing = set(
        Decision.objects.filter(application__in=decided).values_list("application_id", flat=True)
    )
    Decision.objects.bulk_create(
        [
            Decision(
                application=a,
                wave=a.wave,
                outcome=a.status,
                motivation=MOTIVATIONS[a.status],
                motivation_addressed=True,
                decided_by=admin,
            )
            for a in decided
            if a.pk not in existing
        ]
    )
    labelled = [a for a in decided if a.status == Status.LABELLED]
    have_label = set(
        Label.objects.filter(application__in=labelled).values_list("application_id", flat=True)
    )
    new_labels = Label.objects.bulk_create(
        [
            Label(
                application=a,
                programme=programme,
                perimeter_id=a.perimeter_id,
                wave=a.wave,
                granted_on=a.wave.announced_on,
                valid_until=None,
                status=LabelStatus.VALID,
            )
            for a in labelled
            if a.pk not in have_label and a.wave.announced_on
        ]
    )
    for label in Label.objects.filter(programme=programme).select_related("perimeter", "wave"):
        support_services.support_plan_open(label=label, user=admin)

    for number in (1, 2):
        wave = waves.get(number)
        if wave and wave.announced_on and wave.status != WaveStatus.PUBLISHED:
            wave.status = WaveStatus.PUBLISHED
            wave.published_at = _noon(wave.announced_on)
            wave.save(update_fields=["status", "published_at"])

    planned = waves.get(3)
    joined = 0
    if planned is not None and planned.status == WaveStatus.PLANNED:
        already = Application.objects.filter(wave=planned).count()
        free = list(
            Application.objects.filter(
                call__programme=programme, status=Status.PROPOSED, wave__isnull=True
            )
            .order_by("reference")
            .values_list("pk", flat=True)[: max(0, WAVE_3_SIZE - already)]
        )
        joined = Application.objects.filter(pk__in=free).update(wave=planned)
        summary.deadline_refresh(Application.objects.filter(pk__in=free))
    counts = {
        n: Label.objects.filter(wave=w).count() for n, w in sorted(waves.items()) if n in (1, 2)
    }
    ctx.say(
        f"    labels: {len(decided)} decisions, {len(new_labels)} new labels "
        f"(by wave: {counts}), {joined} applications joined wave 3"
    )


def load_regional(ctx) -> None:
    """Decisions and the label of the regional programme's published wave (idempotent)."""
    from django.contrib.contenttypes.models import ContentType

    regional = ctx.objects["regional"]
    programme, admin = regional["programme"], regional["admin"]
    decided = list(
        Application.objects.filter(
            call__programme=programme,
            status__in=[Status.LABELLED, Status.NOT_LABELLED],
            wave__status=WaveStatus.PUBLISHED,
        ).select_related("wave")
    )
    existing = set(
        Decision.objects.filter(application__in=decided).values_list("application_id", flat=True)
    )
    decisions = Decision.objects.bulk_create(
        [
            Decision(
                application=a,
                wave=a.wave,
                outcome=a.status,
                motivation=MOTIVATIONS[a.status],
                motivation_addressed=True,
                decided_by=admin,
            )
            for a in decided
            if a.pk not in existing
        ]
    )
    have_label = set(
        Label.objects.filter(application__in=decided).values_list("application_id", flat=True)
    )
    labels = Label.objects.bulk_create(
        [
            Label(
                application=a,
                programme=programme,
                perimeter_id=a.perimeter_id,
                wave=a.wave,
                granted_on=a.wave.announced_on,
                valid_until=_add_years(a.wave.announced_on, validity_years(programme)),
                status=LabelStatus.VALID,
            )
            for a in decided
            if a.status == Status.LABELLED and a.pk not in have_label
        ]
    )
    events = []
    for decision in decisions:
        wave = decision.application.wave
        events.append(
            HistoryEvent(
                content_type=ContentType.objects.get_for_model(Decision),
                object_id=str(decision.pk),
                actor=admin,
                at=timezone.make_aware(datetime.datetime.combine(wave.committee_on, NOON)),
                action="decide",
                to_state=decision.outcome,
                comment=decision.motivation,
                payload={"wave": wave.pk, "application": decision.application_id},
            )
        )
    for label in labels:
        events.append(
            HistoryEvent(
                content_type=ContentType.objects.get_for_model(Label),
                object_id=str(label.pk),
                actor=admin,
                at=_noon(label.granted_on),
                action="label_grant",
                to_state=label.status,
                payload={"valid_until": label.valid_until.isoformat()},
            )
        )
    history_bulk_create(events)
    for label in Label.objects.filter(programme=programme, support_plan__isnull=True):
        support_services.support_plan_open(label=label, user=admin)
    ctx.say(f"    labels: {len(decisions)} décisions, {len(labels)} label du programme régional")
