import yaml

from essaim.accounts.tests.factories import UserFactory
from essaim.demo import REFERENCE_FILE, DemoContext
from essaim.demo import financing as financing_demo
from essaim.demo import projects as projects_demo
from essaim.financing.matching import find_gaps, match_project
from essaim.financing.models import FinancingRequest, Instrument
from essaim.financing.workflow import RequestStatus
from essaim.projects.models import Project


def test_demo_loaders(db):
    UserFactory(email="projet@demo.essaim.fr")
    ctx = DemoContext(reference=yaml.safe_load(REFERENCE_FILE.read_text()))
    projects_demo.load(ctx)
    financing_demo.load(ctx)
    assert 190 <= Project.objects.count() <= 220
    assert Project.objects.values("perimeter").distinct().count() == 27
    assert set(Project.objects.values_list("stage", flat=True)) == {
        "emergence",
        "seed",
        "development",
        "scale_up",
        "spreading",
    }
    assert Instrument.objects.count() == 8
    assert set(FinancingRequest.objects.values_list("status", flat=True)) == set(RequestStatus)
    supermarket = Project.objects.get(title=projects_demo.SUPERMARKET_TITLE)
    assert supermarket.stage == "seed"
    assert supermarket.holder.name == "Épicerie coopérative du Marais poitevin"
    assert supermarket.holder.legal_category == "9220"
    assert supermarket.needs.get(kind="financing").amount == 40_000
    result = match_project(supermarket)
    assert result.ranked[0].instrument.label == "FISO #2"
    novess = next(m for m in result.excluded if m.instrument.label == "NovESS")
    assert [r.rule.code for r in novess.failures] == ["stage", "ticket"]
    assert find_gaps().gaps
    # idempotent: a second run adds nothing
    counts = (Project.objects.count(), FinancingRequest.objects.count())
    projects_demo.load(ctx)
    financing_demo.load(ctx)
    assert (Project.objects.count(), FinancingRequest.objects.count()) == counts
