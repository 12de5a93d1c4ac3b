"""Where support meets synergies and impact for the engaged companies (axis 6).

- ``company_section``: the engaged company's space (synergies) shows, read-only, the actions of
  the support plans it takes part in — as the action's lead organisation or one of its partners
  (``essaim.synergies.hooks.company_space_sections``).
- ``introduction_results_to_measurements``: what a company reports on a done introduction (hours
  given, purchases, amounts invested) becomes measurements of the programme's cooperation
  indicators for the project, source "synergies" (``introduction_results_changed``).

Synergies and impact sit in the same layer and import nothing of each other; support sits above
both, so the bridge lives here (``docs/architecture.md``).
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.impact import services as impact_services
from essaim.impact.checks import Checked
from essaim.impact.models import Channel, Indicator, Measurement
from essaim.labels.models import Label
from essaim.support.models import Action
from essaim.synergies.models import Introduction, IntroductionStatus

SOURCE = "synergies"
# Indicator code (``impact/data/starter_library.yaml``) → the figure of the project's done
# introductions of the year it counts.
FIGURES = {
    "mises-en-relation": Count("pk"),
    "heures-mecenat": Sum("hours"),
    "achats-responsables": Sum("purchases"),
    "investissements-entreprises": Sum("invested"),
}


# --- The company's space ------------------------------------------------------------------------


def company_actions(companies):
    """The actions of support plans in which one of ``companies`` is the lead organisation or a
    partner, with their plan's territory and axis: two queries (actions, partners)."""
    ids = [c.pk for c in companies]
    return list(
        Action.objects.filter(Q(lead_organisation_id__in=ids) | Q(partners__in=ids))
        .distinct()
        .select_related("plan__label__perimeter", "axis", "lead_organisation")
        .prefetch_related("partners")
        .order_by("plan__label__perimeter__name", "axis__position", "due_on", "pk")
    )


def company_section(*, request, companies) -> dict | None:
    actions = company_actions(companies)
    if not actions:
        return None
    return {"template": "support/_company_actions.html", "actions": actions}


# --- Reported results → impact measurements -----------------------------------------------------


def _labels_of(project) -> list[Label]:
    """The valid labels whose territory holds the project (its perimeter or its collective)."""
    criteria = Q(pk__in=[])
    if project.perimeter_id is not None:
        criteria |= Q(perimeter_id=project.perimeter_id)
    if project.collective_id is not None:
        criteria |= Q(application__collective_id=project.collective_id)
    return list(Label.objects.filter(criteria, status="valid").order_by("programme_id", "pk"))


def _record(*, user, indicator, label, project, period_end, value: Decimal, comment: str):
    """Record the value, or correct the existing one (the old value stays in its history)."""
    existing = (
        Measurement.objects.select_for_update(of=("self",))
        .filter(indicator=indicator, project=project, period_end=period_end, breakdown_key="")
        .first()
    )
    if existing is None:
        if not value:
            return None
        checked = Checked(
            indicator=indicator,
            label=label,
            project=project,
            period_end=period_end,
            value=value,
            weight=None,
            breakdown={},
            breakdown_key="",
            campaign=None,
            source=SOURCE,
            comment=comment,
        )
        return impact_services.measurement_write(user=user, checked=checked, channel=Channel.FORM)
    if existing.value == value:
        return existing
    return impact_services.measurement_correct_derived(
        user=user, measurement=existing, value=value, source=SOURCE, comment=comment
    )


def introduction_results_to_measurements(*, introduction, user) -> list:
    """Recompute, for the project of a done introduction and the year it was done, the
    programme's cooperation indicators from every done introduction of the project that year
    (a count, summed hours, purchases and investments), and record or correct them. Runs in the
    synergies service's transaction; the synergies rules have checked that ``user`` may report.
    Programmes without these indicators get nothing."""
    intro = Introduction.objects.select_related("project").get(pk=introduction.pk)
    if intro.status != IntroductionStatus.DONE:
        return []
    project = intro.project
    year = timezone.localtime(intro.done_at or timezone.now()).year
    labels = {label.programme_id: label for label in reversed(_labels_of(project))}
    if not labels:
        return []
    indicators = list(
        Indicator.objects.filter(programme_id__in=labels, code__in=FIGURES).order_by("pk")
    )
    if not indicators:
        return []
    figures = Introduction.objects.filter(
        project=project, status=IntroductionStatus.DONE, done_at__year=year
    ).aggregate(**{code.replace("-", "_"): expr for code, expr in FIGURES.items()})
    comment = _("Repris des mises en relation réalisées du projet en %(year)s.") % {"year": year}
    written = []
    for indicator in indicators:
        value = figures[indicator.code.replace("-", "_")] or 0
        measurement = _record(
            user=user,
            indicator=indicator,
            label=labels[indicator.programme_id],
            project=project,
            period_end=datetime.date(year, 12, 31),
            value=Decimal(value),
            comment=comment,
        )
        if measurement is not None:
            written.append(measurement)
    return written
