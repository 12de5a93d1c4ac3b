"""Reads of the geo app. Geography and perimeters are public: no user scoping is needed, but
every read that could grow is one indexed query."""

from django.db.models import QuerySet

from essaim.geo.models import Commune, Perimeter


def perimeters_containing(insee: str) -> QuerySet[Perimeter]:
    """The perimeters that contain the commune ``insee``: one query, through the materialised
    ``PerimeterCommune`` table and its (commune, perimeter) index."""
    return Perimeter.objects.filter(commune_links__commune__insee=insee).order_by("name")


def communes_of(perimeter: Perimeter | int) -> QuerySet[Commune]:
    """The communes of a perimeter, with their département: one query, through the
    (perimeter, commune) unique index."""
    return (
        Commune.objects.filter(perimeter_links__perimeter=perimeter)
        .select_related("departement")
        .order_by("insee")
    )
