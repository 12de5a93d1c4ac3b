"""Demo impact data: runs after the projects' demo.

French Impact gets the starter library (``essaim/impact/data/starter_library.yaml``), and every
labelled territory an indicator plan (baseline, a target per year) and two years of fictitious
quarterly measurements (bulk, ``is_fictitious``), published except the last quarter. The
Nouvelle-Aquitaine seed is richer: its three challenges' indicators, its projects' values (the
demo project holder's cooperative grocery included), and one value flagged as far from its
history for the staff to review. One campaign, "Bilan annuel", is open for last year, its due
date passed: a few territories have not reported (the late list, the reminders).

Figures are invented, deterministic (a seeded generator) and relative to the year the demo is
loaded. Idempotent: a programme whose territories already have measurements is left alone.

``load_regional`` gives the second, fictitious programme the same library and a year of values
for its labelled territory, so that programme scoping shows on the impact pages too.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from essaim.accounts.models import User
from essaim.core.models import HistoryEvent
from essaim.demo import history_bulk_create
from essaim.impact import reports, services, services_reports, summary
from essaim.impact.history import MeasurementAction
from essaim.impact.models import (
    Campaign,
    CampaignStatus,
    IndicatorPlan,
    Measurement,
    MeasurementStatus,
    Report,
    Target,
)
from essaim.labels.models import Label
from essaim.projects.models import Project

ADMIN_EMAIL = "admin@demo.essaim.fr"
LEAD_EMAIL = "porteur@demo.essaim.fr"
HOLDER_EMAIL = "projet@demo.essaim.fr"
SEED_PERIMETER = "region-nouvelle-aquitaine"
SOURCE = "Tableau de suivi du collectif (fictif)"

# code: (quarterly base value for a territory, yearly growth) — sums per quarter.
PROGRAMME_LEVEL = {
    "projets-accompagnes": (6, Decimal("1.2")),
    "emplois-crees": (4, Decimal("1.3")),
    "personnes-touchees": (350, Decimal("1.25")),
    "fonds-leves": (60000, Decimal("1.4")),
    "blocages-identifies": (3, Decimal("1.1")),
    "blocages-leves": (1, Decimal("1.5")),
    "mises-en-relation": (8, Decimal("1.3")),
}
SEED_CHALLENGES = {
    "personnes-agees-accompagnees": (80, Decimal("1.3")),
    "achats-locaux": (30000, Decimal("1.3")),
    "achats-alimentaires": (110000, Decimal("1.1")),
    "salaries-qvt": (40, Decimal("1.2")),
}
CAMPAIGN_INDICATORS = ("projets-accompagnes", "emplois-crees", "personnes-touchees", "fonds-leves")
LATE_TERRITORIES = 5


def _quarters(year: int) -> list[datetime.date]:
    return [
        datetime.date(year, 3, 31),
        datetime.date(year, 6, 30),
        datetime.date(year, 9, 30),
        datetime.date(year, 12, 31),
    ]


def _value(rng: random.Random, base: int, growth: Decimal, step: int) -> Decimal:
    trend = Decimal(base) * (growth ** (Decimal(step) / 4))
    noise = Decimal(rng.randint(85, 115)) / 100
    return (trend * noise).quantize(Decimal(1))


def _series(label, indicators, codes: dict, years, author, rng, *, project=None, last_open=True):
    rows = []
    last = _quarters(years[-1])[-1]
    for code, (base, growth) in codes.items():
        indicator = indicators[code]
        step = 0
        for year in years:
            for day in _quarters(year):
                step += 1
                rows.append(
                    Measurement(
                        indicator=indicator,
                        label=label,
                        project=project,
                        period_end=day,
                        year=day.year,
                        value=_value(rng, base, growth, step),
                        status=MeasurementStatus.RECORDED
                        if (day == last and last_open)
                        else MeasurementStatus.PUBLISHED,
                        source=SOURCE,
                        channel="csv" if step % 2 else "form",
                        author=author,
                        is_fictitious=True,
                    )
                )
    return rows


def _plans(label, indicators, codes, years, rng):
    for code, (base, growth) in codes.items():
        plan, _created = IndicatorPlan.objects.get_or_create(
            indicator=indicators[code], label=label, project=None
        )
        plan.baseline = Decimal(base * 4) * Decimal("0.8")
        plan.baseline_year = label.granted_on.year
        plan.save()
        for i, year in enumerate([*years, years[-1] + 1]):
            target = Decimal(base * 4) * (growth ** (i + 1)) * Decimal(rng.randint(95, 110)) / 100
            Target.objects.update_or_create(
                plan=plan, year=year, defaults={"value": target.quantize(Decimal(1))}
            )


def _history(rows, author) -> None:
    content_type = ContentType.objects.get_for_model(Measurement)
    history_bulk_create(
        [
            HistoryEvent(
                content_type=content_type,
                object_id=str(m.pk),
                actor=author,
                action=MeasurementAction.RECORDED.value,
                to_state=MeasurementStatus.RECORDED,
                at=timezone.make_aware(datetime.datetime.combine(m.period_end, datetime.time(9)))
                + datetime.timedelta(days=20),
                payload={"value": str(m.value), "source": m.source, "channel": m.channel},
            )
            for m in rows
        ]
    )


def load(ctx) -> None:
    programme = ctx.objects.get("programme")
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if programme is None or admin is None:
        ctx.say("    impact: no programme or admin account, nothing to do")
        return
    library = services.library_load(
        user=admin, programme=programme, entries=services.starter_library()
    )
    indicators = {i.code: i for i in library}
    today = timezone.localdate()
    if Measurement.objects.filter(label__programme=programme).exists():
        seed = Label.objects.filter(
            programme=programme, status="valid", perimeter__slug=SEED_PERIMETER
        ).first()
        if seed is not None:  # a demo loaded before the reports existed gets its report
            lead = User.objects.filter(email=LEAD_EMAIL).first() or admin
            _report(seed, admin, lead, today.year - 1)
        ctx.say(f"    impact: {len(indicators)} indicators (values already loaded)")
        return
    years = [today.year - 2, today.year - 1]
    labels = list(
        Label.objects.filter(programme=programme, status="valid")
        .select_related("perimeter", "application")
        .order_by("perimeter__name")
    )
    lead = User.objects.filter(email=LEAD_EMAIL).first() or admin
    holder = User.objects.filter(email=HOLDER_EMAIL).first() or admin
    rows: list[Measurement] = []
    seed = None
    for label in labels:
        rng = random.Random(f"impact-{label.perimeter.slug}")  # noqa: S311 - demo figures
        is_seed = label.perimeter.slug == SEED_PERIMETER
        seed = label if is_seed else seed
        codes = {**PROGRAMME_LEVEL, **(SEED_CHALLENGES if is_seed else {})}
        _plans(label, indicators, codes, years, rng)
        rows += _series(label, indicators, codes, years, lead if is_seed else admin, rng)
    if seed is not None:
        projects = Project.objects.filter(collective_id=seed.application.collective_id).order_by(
            "pk"
        )[:3]
        for project in projects:
            rng = random.Random(f"impact-project-{project.pk}")  # noqa: S311
            rows += _series(
                seed,
                indicators,
                {"emplois-crees": (1, Decimal("1.2")), "personnes-touchees": (40, Decimal("1.2"))},
                years,
                holder,
                rng,
                project=project,
            )
    # Last year's fourth quarter: a few territories have not reported it yet (late).
    late = {label.pk for label in labels if label is not seed}
    late = set(sorted(late)[:LATE_TERRITORIES])
    last = _quarters(years[-1])[-1]
    rows = [
        m
        for m in rows
        if not (
            m.label_id in late
            and m.period_end == last
            and m.indicator.code in CAMPAIGN_INDICATORS
            and m.project is None
        )
    ]
    Measurement.objects.bulk_create(rows, batch_size=1000)
    summary.refresh_for(rows)  # bulk rows skip the services: the public figures' summary
    _history(rows, admin)
    campaign = Campaign.objects.filter(programme=programme, is_fictitious=True).first()
    if campaign is None:
        campaign = services.campaign_create(
            user=admin,
            programme=programme,
            title=f"Bilan annuel {years[-1]} (fictif)",
            period_start=datetime.date(years[-1], 1, 1),
            period_end=datetime.date(years[-1], 12, 31),
            due_on=today - datetime.timedelta(days=10),
            indicators=[indicators[c] for c in CAMPAIGN_INDICATORS],
            labels=labels,
            is_fictitious=True,
        )
        services.campaign_set_status(user=admin, campaign=campaign, status=CampaignStatus.OPEN)
    Measurement.objects.filter(
        label__in=labels,
        period_end=last,
        indicator__code__in=CAMPAIGN_INDICATORS,
        project__isnull=True,
    ).update(campaign=campaign)
    if seed is not None:
        _flag_one(seed, indicators, lead, today)
        _report(seed, admin, lead, years[-1])
    ctx.say(
        f"    impact: {len(indicators)} indicators, {len(labels)} territories, "
        f"{len(rows)} measurements, campaign « {campaign.title} »"
    )


SECTIONS = (
    (
        "Ce que l'année a changé (texte fictif)",
        "Le collectif a consolidé son accompagnement des projets : **davantage d'emplois** "
        "créés qu'attendu, surtout dans l'alimentation durable.\n\n"
        "- trois projets ont trouvé un financement ;\n"
        "- deux blocages réglementaires ont été levés avec le guichet unique.",
    ),
    (
        "Difficultés et perspectives (texte fictif)",
        "La collecte des données reste lourde pour les petites structures. L'année prochaine, "
        "le collectif veut suivre les personnes touchées par tranche d'âge.",
    ),
)


def _report(seed, admin, lead, year: int) -> None:
    """The Nouvelle-Aquitaine evaluation report of last year, two narrative sections (one by
    the programme team, one by the territory's lead), generated now (the PDF takes ~1 s)."""
    if Report.objects.filter(label=seed).exists():
        return
    report = services_reports.report_create(
        user=admin, programme=seed.programme, label=seed, year=year, is_fictitious=True
    )
    authors = (admin, lead)
    for position, (title, body) in enumerate(SECTIONS, start=1):
        author = authors[position - 1]
        services_reports.section_save(
            user=author, report=report, title=title, body=body, position=position * 10
        )
    services_reports.report_generate(user=admin, report=report)
    reports.run_generation(report.pk)


def _flag_one(seed, indicators, lead, today) -> None:
    """A value far from the seed's history, entered through the service (so flagged)."""
    services.measurement_record(
        user=lead,
        indicator=indicators["mises-en-relation"],
        label=seed,
        period_end=datetime.date(today.year, 3, 31),
        value=480,
        source="Saisie du référent (fictif)",
        comment="Forum des coopérations (fictif) : à vérifier, chiffre inhabituel.",
    )


def load_regional(ctx) -> None:
    regional = ctx.objects["regional"]
    programme, admin = regional["programme"], regional.get("admin")
    admin = admin or User.objects.filter(email="admin-region@demo.essaim.fr").first()
    if admin is None:
        return
    library = services.library_load(
        user=admin, programme=programme, entries=services.starter_library()
    )
    indicators = {i.code: i for i in library}
    if Measurement.objects.filter(label__programme=programme).exists():
        return
    year = timezone.localdate().year - 1
    rows = []
    for label in Label.objects.filter(programme=programme, status="valid"):
        rng = random.Random(f"impact-regional-{label.pk}")  # noqa: S311
        codes = {c: PROGRAMME_LEVEL[c] for c in ("projets-accompagnes", "emplois-crees")}
        _plans(label, indicators, codes, [year], rng)
        rows += _series(label, indicators, codes, [year], admin, rng)
    Measurement.objects.bulk_create(rows)
    summary.refresh_for(rows)
    _history(rows, admin)
    ctx.say(f"    impact (régional): {len(rows)} measurements")
