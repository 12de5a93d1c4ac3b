"""Reminders of open reporting campaigns: to the territories that have not reported every
indicator, 7 days and 1 day before the due date, then every week after it while the campaign is
open. At most one reminder per campaign, territory and day: the ``CampaignReminder`` row is the
guard (a unique constraint), so running twice a day sends nothing twice."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.accounts import permissions
from essaim.accounts.models import Role
from essaim.core.notifications import notify
from essaim.core.services import history_record
from essaim.impact.history import CampaignAction
from essaim.impact.models import Campaign, CampaignReminder, CampaignStatus
from essaim.impact.queries import campaign_completion

DAYS_BEFORE = (7, 1)
WEEKLY_AFTER = 7


def is_reminder_day(due_on: datetime.date, today: datetime.date) -> bool:
    delta = (due_on - today).days
    return delta in DAYS_BEFORE or (delta < 0 and (-delta - 1) % WEEKLY_AFTER == 0)


def campaign_remind(
    campaign: Campaign, today: datetime.date, *, force: bool = False, user=None
) -> int:
    """Remind the incomplete territories of ``campaign`` (their lead and members). ``force``: on
    demand from the campaign page, whatever the day. Returns the number of territories
    reminded."""
    if campaign.status != CampaignStatus.OPEN:
        return 0
    if not force and not is_reminder_day(campaign.due_on, today):
        return 0
    rows = [row for row in campaign_completion(campaign) if not row.complete]
    if not rows:
        return 0
    labels = {row.label.pk: row.label for row in rows}
    collective_of = dict(
        campaign.labels.filter(pk__in=list(labels)).values_list("pk", "application__collective_id")
    )
    people = permissions.holders_by_scope(
        [Role.TERRITORY_LEAD, Role.TERRITORY_MEMBER], "collective", set(collective_of.values())
    )
    sent = 0
    for row in rows:
        try:
            with transaction.atomic():
                CampaignReminder.objects.create(campaign=campaign, label=row.label, sent_on=today)
                notify(
                    users=people.get(collective_of[row.label.pk], []),
                    title=_(
                        "Campagne « %(title)s » : %(missing)s indicateur(s) à renseigner "
                        "avant le %(due)s"
                    )
                    % {
                        "title": campaign.title,
                        "missing": row.expected - row.reported,
                        "due": campaign.due_on.strftime("%d/%m/%Y"),
                    },
                    body=_("Mesure d'impact — %(territory)s") % {"territory": row.label.perimeter},
                    url=reverse("impact:territory", args=[row.label.pk]),
                )
        except IntegrityError:
            continue  # another run reminded this territory today
        sent += 1
    if sent:
        history_record(
            obj=campaign, user=user, action=CampaignAction.REMINDED, payload={"territories": sent}
        )
    return sent


def send_campaign_reminders(today: datetime.date | None = None) -> int:
    """The daily job (``essaim worker``): every open campaign on its reminder days."""
    today = today or timezone.localdate()
    return sum(
        campaign_remind(campaign, today)
        for campaign in Campaign.objects.filter(status=CampaignStatus.OPEN).order_by("pk")
    )
