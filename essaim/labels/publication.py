"""Publishing a wave, before it happens: what stands in the way (the same reasons the service
gives when it refuses) and what the publication will do — labels, refusals, e-mails, support
plans — counted from the wave's decisions, for the recap next to the "Publier la vague" button."""

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from essaim.accounts import permissions
from essaim.applications.models import Application, ApplicationPerson
from essaim.applications.workflow import Status
from essaim.calls.models import Wave, WaveStatus
from essaim.labels.models import Decision, Outcome


def applicants_by_application(application_ids: list[int]) -> dict[int, set]:
    """The people to tell about each application: its people with an account and the
    collective's lead and members. Three queries."""
    users: dict[int, set] = {pk: set() for pk in application_ids}
    if not application_ids:
        return users
    people = ApplicationPerson.objects.filter(
        application_id__in=application_ids, user__isnull=False
    ).select_related("user")
    for person in people:
        users[person.application_id].add(person.user)
    collectives = dict(
        Application.objects.filter(pk__in=application_ids).values_list("pk", "collective_id")
    )
    by_collective = permissions.holders_by_scope(
        permissions.TERRITORY_ROLES, "collective", set(collectives.values())
    )
    for app_id, collective_id in collectives.items():
        users[app_id] |= set(by_collective.get(collective_id, []))
    return users


def publish_blockers(wave: Wave, today: datetime.date, rows=None) -> list[tuple[str, str]]:
    """Why the wave may not be published today, as ``(field, message)`` pairs, in the order the
    service checks them (empty: it may). ``rows`` (``queries.committee_rows(wave)``), when the
    caller has them, spare the queries."""
    if wave.status == WaveStatus.PUBLISHED:
        return [("wave", _("La vague est déjà publiée."))]
    blockers = []
    if wave.announced_on is None:
        blockers.append(("announced_on", _("Fixez d'abord la date d'annonce de la vague.")))
    elif today < wave.announced_on:
        blockers.append(
            (
                "announced_on",
                _("La vague ne peut être publiée qu'à partir de sa date d'annonce, le %(date)s.")
                % {"date": date_format(wave.announced_on, "DATE_FORMAT")},
            )
        )
    if rows is None:
        undecided = list(
            Application.objects.filter(wave=wave, decision__isnull=True)
            .exclude(status=Status.WITHDRAWN)
            .values_list("reference", flat=True)
            .order_by("reference")
        )
        decided = Decision.objects.filter(wave=wave).exists()
    else:
        undecided = sorted(r.application.reference for r in rows if r.decision is None)
        decided = any(r.decision is not None for r in rows)
    if not undecided and not decided:
        blockers.append(
            ("wave", _("Aucune candidature de la vague n'est décidée : il n'y a rien à publier."))
        )
    elif undecided or wave.status != WaveStatus.DECIDED:
        blockers.append(
            (
                "wave",
                _(
                    "Toutes les candidatures de la vague doivent avoir une décision avant la "
                    "publication (sans décision : %(names)s)."
                )
                % {"names": ", ".join(undecided[:10]) or "—"},
            )
        )
    return blockers


@dataclass
class PublishRecap:
    labels: int = 0
    refusals: int = 0
    undecided: int = 0
    emails: int = 0
    motivations: int = 0  # motivations addressed to the applicants, posted in their thread
    blockers: list[str] = field(default_factory=list)

    @property
    def plans(self) -> int:
        """One support plan opens per label granted."""
        return self.labels


def publish_recap(wave: Wave, rows, today: datetime.date) -> PublishRecap:
    """What publishing the wave will do (``rows``: ``queries.committee_rows(wave)``)."""
    decisions = [r.decision for r in rows if r.decision is not None]
    recipients = applicants_by_application([d.application_id for d in decisions])
    return PublishRecap(
        labels=sum(1 for d in decisions if d.outcome == Outcome.LABELLED),
        refusals=sum(1 for d in decisions if d.outcome == Outcome.NOT_LABELLED),
        undecided=sum(1 for r in rows if r.decision is None),
        emails=sum(1 for d in decisions for user in recipients[d.application_id] if user.is_active),
        motivations=sum(1 for d in decisions if d.motivation_addressed),
        blockers=[message for _field, message in publish_blockers(wave, today, rows)],
    )
