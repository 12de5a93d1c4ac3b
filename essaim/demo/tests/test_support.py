import yaml
from django.conf import settings
from django.utils import timezone

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.applications.models import Challenge
from essaim.core.models import HistoryEvent
from essaim.demo import DemoContext
from essaim.demo import support as demo
from essaim.geo.models import Perimeter
from essaim.support.models import Action, Meeting, MeetingDecision, Milestone, SupportAxis
from essaim.support.queries import plan_progress
from essaim.support.tests.factories import build_world


def _reference():
    path = settings.BASE_DIR / "essaim" / "demo" / "data" / "french-impact-2019.yaml"
    return yaml.safe_load(path.read_text())


def test_demo_plans(db):
    world = build_world()
    Perimeter.objects.filter(pk=world.plan.label.perimeter_id).update(slug=demo.SEED_PERIMETER)
    application = world.plan.label.application
    application.challenges.all().delete()
    for title in (
        "Santé et Silver Économie",
        "Alimentation et consommation",
        "Qualité de vie au travail et innovation organisationnelle",
    ):
        Challenge.objects.create(application=application, title=title)
    admin = UserFactory(email=demo.ADMIN_EMAIL)
    Membership.objects.create(user=admin, role=Role.PROGRAMME_ADMIN, programme=world.programme)
    lead = UserFactory(email=demo.LEAD_EMAIL)
    Membership.objects.create(
        user=lead, role=Role.TERRITORY_LEAD, collective=application.collective
    )
    ctx = DemoContext(reference=_reference(), objects={"programme": world.programme})

    demo.load(ctx)
    counts = (
        Action.objects.count(),
        Meeting.objects.count(),
        Milestone.objects.count(),
        HistoryEvent.objects.count(),
    )
    demo.load(ctx)  # idempotent
    assert counts == (
        Action.objects.count(),
        Meeting.objects.count(),
        Milestone.objects.count(),
        HistoryEvent.objects.count(),
    )

    axes = list(SupportAxis.objects.filter(programme=world.programme))
    assert [a.code for a in axes] == [
        "strategy",
        "financing",
        "regulation",
        "synergies",
        "impact",
        "companies",
    ]
    assert axes[0].title.startswith("Co-construire un plan stratégique")
    assert Action.objects.filter(plan=world.other_plan, is_fictitious=True).count() >= 3

    seed = Action.objects.filter(plan=world.plan)
    assert not seed.filter(is_fictitious=False).exists()
    assert all("(fictif)" in a.title for a in seed)
    assert set(seed.values_list("axis__code", flat=True)) == {a.code for a in axes}
    assert set(seed.exclude(challenge=None).values_list("challenge__title", flat=True)) == set(
        application.challenges.values_list("title", flat=True)
    )
    progress = plan_progress(world.plan, timezone.localdate()).overall
    assert progress.late >= 2 and progress.blocked >= 1 and progress.done >= 2
    assert progress.budget_spent > 0
    assert seed.filter(status="blocked").exclude(status_reason="").exists()
    assert MeetingDecision.objects.filter(meeting__plan=world.plan).count() >= 4
    assert seed.filter(source_decision__isnull=False).count() == 3
    assert Meeting.objects.filter(plan=world.plan, minutes__contains="(fictif)").count() >= 2
    # The seed plan's transitions are in the history.
    assert HistoryEvent.objects.filter(action="action_block").exists()
