"""The impact demo on a small world: library, plans, two years of values per territory, the
seed's flagged value, an open campaign with late territories; loading again adds nothing."""

import datetime

from django.utils import timezone

from essaim.accounts.models import Membership, Role
from essaim.demo import DemoContext
from essaim.demo import impact as demo
from essaim.geo.models import Perimeter
from essaim.impact import aggregates, queries
from essaim.impact.models import (
    Campaign,
    IndicatorPlan,
    Measurement,
    MeasurementStatus,
    Report,
    ReportStatus,
)
from essaim.impact.tests.factories import build_world


def test_demo_impact(db):
    world = build_world()
    Perimeter.objects.filter(pk=world.label.perimeter_id).update(slug=demo.SEED_PERIMETER)
    world.admin.email = demo.ADMIN_EMAIL
    world.admin.save()
    world.lead.email = demo.LEAD_EMAIL
    world.lead.save()
    ctx = DemoContext(reference={}, objects={"programme": world.programme})
    demo.load(ctx)
    years = {timezone.localdate().year - 2, timezone.localdate().year - 1}
    for label in (world.label, world.other_label):
        values = Measurement.objects.filter(label=label, project__isnull=True)
        assert set(values.values_list("year", flat=True)) >= years
        assert IndicatorPlan.objects.filter(label=label).exists()
        assert values.filter(status=MeasurementStatus.PUBLISHED).exists()
    assert Measurement.objects.filter(project=world.project).exists()  # the seed's projects
    flagged = Measurement.objects.get(status=MeasurementStatus.FLAGGED)
    assert flagged.label == world.label and "médiane" in flagged.flag_reason
    campaign = Campaign.objects.get()
    assert campaign.status == "open" and campaign.due_on < timezone.localdate()
    rows = queries.campaign_completion(campaign)
    late = queries.late_rows(campaign, rows, timezone.localdate())
    assert [row.label for row in late] == [world.other_label]
    # The programme's published figures obey the rules (a ratio in [0, 1]).
    figures = aggregates.aggregate(
        Measurement.objects.published(),
        level="programme",
        indicators=list(world.indicators.values()),
    )
    ratio = world.ind("taux-blocages-leves").pk
    assert all(0 <= f.value <= 1 for f in figures if f.indicator_id == ratio)
    # The bulk-loaded values are in the yearly summary the public figures read.
    summarised = aggregates.aggregate_summary(
        level="programme", indicators=list(world.indicators.values())
    )
    assert figures and summarised == figures

    # The seed's evaluation report of last year, generated, with its two fictitious sections.
    report = Report.objects.get()
    assert report.label == world.label and report.status == ReportStatus.DONE
    assert report.year == timezone.localdate().year - 1 and report.pdf
    assert report.sections.count() == 2 and "(texte fictif)" in report.html
    count = Measurement.objects.count()
    demo.load(ctx)
    assert Measurement.objects.count() == count and Report.objects.count() == 1
    assert Membership.objects.filter(role=Role.PROGRAMME_ADMIN).exists()
    assert flagged.period_end <= datetime.date(timezone.localdate().year, 3, 31)
