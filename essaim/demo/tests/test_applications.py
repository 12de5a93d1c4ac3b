"""The calls and applications demo loaders: the AMI, its form and grid, 50 + 7 wave
applications, Nouvelle-Aquitaine as the seed tells it, every other state, idempotent."""

from collections import Counter

import pytest
import yaml
from django.utils.text import slugify

from essaim.accounts.tests.factories import UserFactory
from essaim.applications.models import Application, ApplicationPerson
from essaim.applications.tests.factories import PerimeterFactory
from essaim.applications.workflow import Status
from essaim.calls.formschema import schema_errors
from essaim.core.models import HistoryEvent
from essaim.demo import REFERENCE_FILE, DemoContext
from essaim.demo import applications as applications_demo
from essaim.demo import calls as calls_demo
from essaim.geo.models import Epci

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx():
    reference = yaml.safe_load(REFERENCE_FILE.read_text())
    names = [t["name"] for wave in reference["waves"] for t in wave["labelled"]]
    perimeters = {name: PerimeterFactory(name=name, slug=slugify(name)) for name in names}
    Epci.objects.bulk_create(
        Epci(siren=f"2000{n:05d}", name=f"CA Exemple {n}", population=100000 - n) for n in range(45)
    )
    for email in ("admin", "instructeur", "porteur"):
        UserFactory(email=f"{email}@demo.essaim.fr")
    return DemoContext(reference=reference, objects={"perimeters": perimeters})


def test_call_form_and_grid(ctx):
    calls_demo.load(ctx)
    call = ctx.objects["call"]
    assert call.status == "open" and str(call.opens_on) == "2018-07-02"
    assert [str(c.date) for c in call.cutoffs.all()][0] == "2018-10-22"
    assert call.cutoffs.first().wave.number == 1
    assert ctx.objects["waves"][1].announced_at == "Nantes"
    assert str(ctx.objects["waves"][2].announced_on) == "2019-12-20"
    assert schema_errors(ctx.objects["form_version"].schema) == []
    grid = ctx.objects["grid"]
    assert grid.criteria.count() == 5 and {c.weight for c in grid.criteria.all()} == {1}
    assert set(grid.scale_labels) == {"0", "1", "2", "3", "4"}


def test_applications(ctx):
    calls_demo.load(ctx)
    applications_demo.load(ctx)
    wave1 = Application.objects.filter(wave__number=1)
    assert wave1.count() == 50
    assert Counter(wave1.values_list("status", flat=True)) == {"labelled": 20, "not_labelled": 30}
    assert wave1.filter(is_fictitious=True, status="not_labelled").count() == 30
    assert wave1.filter(is_fictitious=True, perimeter__name__endswith="(fictif)").count() == 30
    assert Application.objects.filter(wave__number=2, status="labelled").count() == 7
    states = set(Application.objects.values_list("status", flat=True))
    assert set(Status.values) == states
    assert Application.objects.filter(status="proposed", wave__number=3).count() == 2
    na = Application.objects.get(perimeter__slug="region-nouvelle-aquitaine")
    members = [
        (m.organisation.acronym or m.organisation.name, m.role)
        for m in na.collective.members.select_related("organisation")
    ]
    assert len(members) == 6 and members[0] == ("Région Nouvelle-Aquitaine", "lead")
    challenges = list(na.challenges.order_by("position"))
    assert [c.title for c in challenges] == [
        "Santé et Silver Économie",
        "Alimentation et consommation",
        "Qualité de vie au travail et innovation organisationnelle",
    ]
    assert challenges[1].lines == [
        "supermarchés coopératifs",
        "projets alimentaires territoriaux",
        "tiers lieux agricoles",
    ]
    porteur_apps = ApplicationPerson.objects.filter(user__email="porteur@demo.essaim.fr")
    assert set(porteur_apps.values_list("application__status", flat=True)) == {"labelled", "draft"}
    history = HistoryEvent.objects.for_object(na)
    assert [e.to_state for e in history] == [
        "draft",
        "submitted",
        "in_review",
        "proposed",
        "labelled",
    ]
    assert history.last().at.date().isoformat() == "2019-02-25"
    count = Application.objects.count()
    applications_demo.load(ctx)  # idempotent
    assert Application.objects.count() == count
