"""The actors demo loader: real organisations, one collective per labelled territory, idempotent."""

import pytest
import yaml
from django.utils.text import slugify

from essaim.actors.models import (
    Collective,
    CollectiveMember,
    Organisation,
    Partnership,
    Person,
)
from essaim.actors.search import organisation_index
from essaim.actors.tests.factories import PerimeterFactory, commune
from essaim.actors.validators import validate_siren, validate_siret
from essaim.demo import REFERENCE_FILE, DemoContext
from essaim.demo import actors as demo
from essaim.geo.models import Epci

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx():
    reference = yaml.safe_load(REFERENCE_FILE.read_text())
    names = [t["name"] for wave in reference["waves"] for t in wave["labelled"]]
    perimeters = {name: PerimeterFactory(name=name, slug=slugify(name)) for name in names}
    commune("33063", "Bordeaux", ("33", "Gironde"))
    commune("79191", "Niort")
    commune("69123", "Lyon", ("69", "Rhône"), ("84", "Auvergne-Rhône-Alpes"))
    commune("75056", "Paris-sur-Erreur", ("75", "Paris"), ("11", "Île-de-France"))  # wrong name
    Epci.objects.create(siren="200046977", name="Métropole de Lyon")
    return DemoContext(reference=reference, objects={"perimeters": perimeters})


def counts():
    return [
        Organisation.objects.count(),
        Collective.objects.count(),
        CollectiveMember.objects.count(),
        Partnership.objects.count(),
        Person.objects.count(),
    ]


def test_loads_real_organisations_and_27_collectives(ctx):
    demo.load(ctx)
    organisations = ctx.objects["organisations"]
    collectives = ctx.objects["collectives"]
    assert len(collectives) == 27
    assert {"Bpifrance", "Avise", "France Active", "Banque des Territoires", "INCO"} <= set(
        organisations
    )
    na = collectives["Région Nouvelle-Aquitaine"]
    assert na.perimeter.slug == "region-nouvelle-aquitaine"
    assert [(m.organisation.name, m.role) for m in na.members.select_related("organisation")] == [
        ("Région Nouvelle-Aquitaine", "lead"),
        ("ADI Nouvelle-Aquitaine", "member"),
        ("ATIS", "member"),
        ("France Active Nouvelle-Aquitaine", "member"),
        ("Ellyx", "member"),
        ("Chambre de métiers et de l'artisanat des Deux-Sèvres", "member"),
    ]
    region = organisations["Région Nouvelle-Aquitaine"]
    assert region.commune.name == "Bordeaux"
    assert region.legal_category_label == "Région"
    # A commune is set only when code and name agree; the EPCI's SIREN comes from the geography.
    assert organisations["Avise"].commune is None
    assert organisations["Métropole de Lyon"].siren == "200046977"
    assert Organisation.objects.search("france active").first().name == "France Active"
    assert Partnership.objects.filter(
        source__name="France Active Normandie", target__name="France Active", kind="member_of"
    ).exists()
    people = Person.objects.all()
    assert people and all(p.is_fictitious and not p.is_public for p in people)


def test_every_identifier_is_valid(ctx):
    demo.load(ctx)
    for organisation in Organisation.objects.exclude(siren=""):
        validate_siren(organisation.siren)
    for organisation in Organisation.objects.exclude(siret=""):
        validate_siret(organisation.siret)
        assert organisation.siret.startswith(organisation.siren)


def test_idempotent(ctx):
    demo.load(ctx)
    first = counts()
    demo.load(ctx)
    assert counts() == first


def test_reuses_the_organisations_of_other_loaders(ctx):
    avise = Organisation.objects.create(name="Avise", kind="support")
    organisation_index([avise])
    demo.load(ctx)
    assert Organisation.objects.filter(name="Avise").count() == 1
    assert ctx.objects["organisations"]["Avise"].pk == avise.pk


def test_skips_territories_without_perimeter(ctx):
    del ctx.objects["perimeters"]["Roubaix"]
    Collective.objects.all().delete()
    from essaim.geo.models import Perimeter

    Perimeter.objects.filter(name="Roubaix").delete()
    demo.load(ctx)
    assert "Roubaix" not in ctx.objects["collectives"]
    assert len(ctx.objects["collectives"]) == 26
