"""Reads for the wave pages (scoped to the user) and the public pages (a fixed number of queries
whatever the number of labels)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.applications.models import Application
from essaim.applications.workflow import Status
from essaim.calls.models import Wave, WaveStatus
from essaim.geo.models import PerimeterCommune, Region
from essaim.labels.models import Decision, Label
from essaim.reviews.consolidation import consolidate as reviews_consolidate


def waves_visible_to(user) -> QuerySet[Wave]:
    """Waves of the programmes where ``user`` is staff (admin or instructor)."""
    return Wave.objects.of_staff(user).select_related("programme")


def labels_visible_to(user) -> QuerySet[Label]:
    """Labels of the programmes where ``user`` is staff (the revocation page)."""
    return Label.objects.of_staff(user).select_related("perimeter", "wave", "programme")


def _count_per_wave(model) -> Coalesce:
    """The number of ``model`` rows of the outer wave, as a correlated subquery: three counts
    over three joins would multiply each other's rows (100,000 applications × decisions ×
    labels per programme at national scale)."""
    rows = (
        model.objects.filter(wave=OuterRef("pk"))
        .order_by()
        .values("wave")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def wave_list(user) -> QuerySet[Wave]:
    return (
        waves_visible_to(user)
        .annotate(
            application_count=_count_per_wave(Application),
            decision_count=_count_per_wave(Decision),
            label_count=_count_per_wave(Label),
        )
        .order_by("programme__name", "-number")
    )


@dataclass
class CommitteeRow:
    application: Application
    consolidation: object | None
    score: float | None
    decision: object | None
    label: Label | None


def _score(consolidation) -> float | None:
    if consolidation is None:
        return None
    for attribute in ("weighted_total", "total"):
        value = getattr(consolidation, attribute, None)
        if value is not None:
            return float(value)
    return None


def consolidate(applications) -> dict:
    """The consolidated scores of ``applications`` (``essaim.reviews.consolidation``)."""
    return reviews_consolidate(applications)


def committee_rows(wave: Wave) -> list[CommitteeRow]:
    """The wave's applications, best consolidated score first (no score last)."""
    applications = list(
        Application.objects.filter(wave=wave)
        .exclude(status=Status.WITHDRAWN)
        .select_related("perimeter", "collective", "decision__decided_by", "label", "call")
        .order_by("reference")
    )
    consolidations = consolidate(applications)
    rows = []
    for application in applications:
        consolidation = consolidations.get(application.pk)
        rows.append(
            CommitteeRow(
                application=application,
                consolidation=consolidation,
                score=_score(consolidation),
                decision=getattr(application, "decision", None),
                label=getattr(application, "label", None),
            )
        )
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.application.reference))
    return rows


def addable_applications(wave: Wave) -> QuerySet[Application]:
    """Proposed applications of the wave's programme that are in no wave yet."""
    return (
        Application.objects.filter(
            call__programme_id=wave.programme_id, status=Status.PROPOSED, wave__isnull=True
        )
        .select_related("perimeter")
        .order_by("reference")
    )


# --- Public --------------------------------------------------------------------------------------


def public_waves() -> QuerySet[Wave]:
    return Wave.objects.filter(status=WaveStatus.PUBLISHED).order_by("number")


def public_labels(*, wave_number: int | None = None, region_code: str = "") -> QuerySet[Label]:
    labels = (
        Label.objects.public()
        .select_related("perimeter", "wave", "programme")
        .order_by("wave__number", "perimeter__name")
    )
    if wave_number:
        labels = labels.filter(wave__number=wave_number)
    if region_code:
        labels = labels.filter(
            perimeter_id__in=PerimeterCommune.objects.filter(
                commune__region__code=region_code
            ).values("perimeter_id")
        )
    return labels


def regions_of(perimeter_ids) -> dict[int, list[str]]:
    """{perimeter id: names of the régions it touches}, in one query."""
    rows = (
        PerimeterCommune.objects.filter(perimeter_id__in=list(perimeter_ids))
        .values_list("perimeter_id", "commune__region__name")
        .distinct()
        .order_by("perimeter_id", "commune__region__name")
    )
    result: dict[int, list[str]] = defaultdict(list)
    for perimeter_id, name in rows:
        result[perimeter_id].append(name)
    return result


def regions_with_labels() -> QuerySet[Region]:
    """Régions touched by at least one public label (for the filter)."""
    perimeters = Label.objects.public().values("perimeter_id")
    return Region.objects.filter(
        pk__in=PerimeterCommune.objects.filter(perimeter_id__in=perimeters).values(
            "commune__region_id"
        )
    ).order_by("name")


def territory_label(slug: str) -> Label | None:
    """The public label of the territory with ``slug``: its valid one, else its latest."""
    return (
        Label.objects.public()
        .filter(perimeter__slug=slug)
        .select_related(
            "perimeter", "wave", "programme", "application__collective", "application__call"
        )
        .order_by("-status", "-granted_on")  # "valid" sorts before "revoked" when descending
        .first()
    )


def application_links(*, application, user) -> list[dict]:
    """The application's label (its territory's page) and certificate, once granted and valid
    (both are public): for the ``application_links`` hook."""
    label = (
        Label.objects.public()
        .valid_on(timezone.localdate())
        .select_related("perimeter")
        .filter(application=application)
        .first()
    )
    if label is None:
        return []
    return [
        {"label": _("Le label du territoire"), "url": label.get_absolute_url()},
        {"label": _("L'attestation de labellisation (PDF)"), "url": label.get_certificate_url()},
    ]
