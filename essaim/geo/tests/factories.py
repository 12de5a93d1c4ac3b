"""Test data for geography: a tiny real-looking snapshot and factories for many-row tests."""

import copy

import factory

from essaim.geo.models import Commune, Departement, Epci, Perimeter, Region

# A few real units of the 2026 COG (same shape as essaim/geo/data/cog-2026.json.gz).
TINY_SNAPSHOT = {
    "format": 1,
    "source": {"package": "test", "version": "0", "cog_year": 2026},
    "regions": [
        ["52", "Pays de la Loire", "44109", "metro"],
        ["75", "Nouvelle-Aquitaine", "33063", "metro"],
    ],
    "departements": [
        ["44", "Loire-Atlantique", "52", "44109", "metro"],
        ["79", "Deux-Sèvres", "75", "79191", "metro"],
        ["86", "Vienne", "75", "86194", "metro"],
    ],
    "epci": [
        ["200041317", "CA du Niortais", "CA", "FPU", 123389],
        ["200041333", "CC de Parthenay-Gâtine", "CC", "FPU", 36912],
        ["200069854", "CU du Grand Poitiers", "CU", "FPU", 196849],
        ["244400404", "Nantes Métropole", "METRO", "FPU", 683981],
    ],
    "ept": [],
    "communes": [
        ["44109", "Nantes", "44", "52", "244400404", "214401093", 327734, ["44000", "44100"]],
        ["44143", "Rezé", "44", "52", "244400404", "214401432", 43556, ["44400"]],
        ["79081", "Chauray", "79", "75", "200041317", "217900810", 7221, ["79180"]],
        ["79191", "Niort", "79", "75", "200041317", "217901917", 59854, ["79000"]],
        ["79202", "Parthenay", "79", "75", "200041333", "217902022", 10140, ["79200"]],
        ["86041", "Buxerolles", "86", "75", "200069854", "218600419", 10289, ["86180"]],
        ["86194", "Poitiers", "86", "75", "200069854", "218601946", 89916, ["86000"]],
    ],
}


def tiny_snapshot() -> dict:
    """A fresh copy of the tiny snapshot, safe to modify."""
    return copy.deepcopy(TINY_SNAPSHOT)


def load_tiny_geography():
    """Load the tiny snapshot (7 communes in 3 départements, 2 régions, 4 EPCI)."""
    from essaim.geo.services import geo_load_reference

    return geo_load_reference(user=None, snapshot=tiny_snapshot())


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"R{n:02d}")
    name = factory.Sequence(lambda n: f"Région {n}")
    search_name = factory.LazyAttribute(lambda o: o.name.lower())


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:02d}")
    name = factory.Sequence(lambda n: f"Département {n}")
    region = factory.SubFactory(RegionFactory)
    search_name = factory.LazyAttribute(lambda o: o.name.lower())


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci
        django_get_or_create = ("siren",)

    siren = factory.Sequence(lambda n: f"{200000000 + n}")
    name = factory.Sequence(lambda n: f"CC numéro {n}")
    kind = "CC"
    population = 1000
    search_name = factory.LazyAttribute(lambda o: o.name.lower())


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("insee",)

    insee = factory.Sequence(lambda n: f"{90000 + n}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    departement = factory.SubFactory(DepartementFactory)
    region = factory.LazyAttribute(lambda o: o.departement.region)
    epci = factory.SubFactory(EpciFactory)
    population = 100
    postal_codes = factory.LazyFunction(lambda: ["99000"])
    search_name = factory.LazyAttribute(lambda o: o.name.lower())


class PerimeterFactory(factory.django.DjangoModelFactory):
    """A perimeter without units (tests that need its communes build them with the services)."""

    class Meta:
        model = Perimeter

    name = factory.Sequence(lambda n: f"Territoire {n}")
    slug = factory.Sequence(lambda n: f"territoire-{n}")
