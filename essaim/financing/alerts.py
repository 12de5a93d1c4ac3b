"""The alert digest: for each subscription, the instruments created or changed since its last
digest that match one of its projects (no hard rule excludes them), in one e-mail."""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from essaim.financing.matching import compile_instruments, project_facts, rank
from essaim.financing.models import AlertSubscription, Instrument
from essaim.projects.models import Need, NeedKind, NeedStatus, Project

INTRO = gettext_lazy("Des outils de financement nouveaux ou modifiés correspondent à vos projets :")


def _first_needs(project_ids) -> dict[int, Need]:
    needs: dict[int, Need] = {}
    for need in Need.objects.filter(
        project_id__in=project_ids, kind=NeedKind.FINANCING, status=NeedStatus.OPEN
    ).order_by("pk"):
        needs.setdefault(need.project_id, need)
    return needs


def digest_lines(subscription: AlertSubscription, instruments, today=None) -> list[str]:
    """One line per (project, matching instrument) among ``instruments``."""
    # Only the projects the subscriber may still see (a role ended, a project unpublished).
    projects = Project.objects.visible_to(subscription.user)
    if subscription.project_id:
        projects = projects.filter(pk=subscription.project_id)
    else:
        projects = projects.filter(collective_id=subscription.collective_id)
    ids = list(projects.values_list("pk", flat=True))
    if not ids or not instruments:
        return []
    lines = []
    for facts in project_facts(ids, needs=_first_needs(ids), today=today):
        for match in rank(instruments, facts, today=today).ranked:
            lines.append(
                _("%(project)s — %(instrument)s (%(provider)s), score %(score)s/100")
                % {
                    "project": facts.title,
                    "instrument": match.instrument.label,
                    "provider": match.instrument.provider,
                    "score": match.score,
                }
            )
    return lines


def send_digests(*, now=None) -> int:
    """Send every due digest; return how many e-mails left. A subscription with nothing new is
    left untouched (its next digest still covers the same period)."""
    now = now or timezone.now()
    subscriptions = list(AlertSubscription.objects.select_related("user").order_by("pk"))
    if not subscriptions:
        return 0
    since_of = {s.pk: s.last_sent_at or s.created_at for s in subscriptions}
    oldest = min(since_of.values())
    changed = Instrument.objects.published().filter(updated_at__gt=oldest, updated_at__lte=now)
    compiled = compile_instruments(changed)
    updated_at = dict(changed.values_list("pk", "updated_at"))
    by_since = defaultdict(list)
    for subscription in subscriptions:
        by_since[since_of[subscription.pk]].append(subscription)
    sent = 0
    for since, group in by_since.items():
        fresh = [terms for terms in compiled if updated_at[terms.id] > since]
        for subscription in group:
            if not subscription.user.is_active:
                continue
            lines = digest_lines(subscription, fresh)
            if not lines:
                continue
            body = "\n".join(
                [
                    _("Bonjour,"),
                    "",
                    str(INTRO),
                    "",
                    *[f"- {line}" for line in lines],
                    "",
                    f"{settings.ESSAIM_BASE_URL}/financement/outils/",
                ]
            )
            with transaction.atomic():
                send_mail(
                    _("Essaim : %(count)s outil(s) de financement pour vos projets")
                    % {"count": len(lines)},
                    body,
                    settings.DEFAULT_FROM_EMAIL,
                    [subscription.user.email],
                )
                AlertSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=now)
            sent += 1
    return sent
