"""``Organisation.objects.search``: the SQLite fallback and, when the suite runs on PostgreSQL,
the text search (ranking, accents, stemming, prefixes)."""

import io

import pytest
from django.db import connection

from essaim.actors.models import Organisation
from essaim.actors.search import organisation_index
from essaim.actors.tests.factories import OrganisationFactory, commune
from essaim.core.text import normalise

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL text search only"
)


def names(queryset) -> list[str]:
    return [organisation.name for organisation in queryset]


def test_normalise():
    assert (
        normalise("Économie Sociale et Solidaire — Œuvre")
        == "economie sociale et solidaire — œuvre"
    )


def test_empty_query_changes_nothing():
    OrganisationFactory.create_batch(3)
    assert Organisation.objects.search("").count() == 3
    assert Organisation.objects.search("  ,; ").count() == 3


def test_accents_and_case_are_ignored():
    OrganisationFactory(name="Chambre régionale de l'Économie sociale et solidaire")
    OrganisationFactory(name="Bpifrance")
    assert names(Organisation.objects.search("economie")) == [
        "Chambre régionale de l'Économie sociale et solidaire"
    ]
    assert names(Organisation.objects.search("ÉCONOMIE Sociale")) == [
        "Chambre régionale de l'Économie sociale et solidaire"
    ]


def test_every_word_must_match():
    OrganisationFactory(name="France Active Normandie")
    OrganisationFactory(name="France Active Nouvelle-Aquitaine")
    OrganisationFactory(name="Région Normandie")
    assert names(Organisation.objects.search("france active")) == [
        "France Active Normandie",
        "France Active Nouvelle-Aquitaine",
    ]
    assert names(Organisation.objects.search("active normandie")) == ["France Active Normandie"]


def test_acronym_siren_description_and_commune_are_searched():
    niort = commune()
    OrganisationFactory(
        name="Chambre de métiers et de l'artisanat des Deux-Sèvres",
        acronym="CMA79",
        commune=niort,
    )
    OrganisationFactory(name="Région Nouvelle-Aquitaine", siren="200053759")
    OrganisationFactory(name="ATIS", description="Incubateur d'innovation sociale")
    assert names(Organisation.objects.search("cma79")) == [
        "Chambre de métiers et de l'artisanat des Deux-Sèvres"
    ]
    assert names(Organisation.objects.search("niort")) == [
        "Chambre de métiers et de l'artisanat des Deux-Sèvres"
    ]
    assert names(Organisation.objects.search("200053759")) == ["Région Nouvelle-Aquitaine"]
    assert names(Organisation.objects.search("incubateur")) == ["ATIS"]


def test_search_follows_the_services_index_not_save():
    organisation = OrganisationFactory(name="Ancien nom")
    organisation.name = "Nouveau nom"
    organisation.save()
    # save() alone does not touch the search columns ...
    assert not Organisation.objects.search("nouveau").exists()
    # ... the index refresh the services call does.
    organisation_index([organisation])
    assert names(Organisation.objects.search("nouveau")) == ["Nouveau nom"]


def test_search_combines_with_filters():
    OrganisationFactory(name="France Active", is_ess=True)
    OrganisationFactory(name="France Travail", is_ess=False)
    assert names(Organisation.objects.filter_directory(ess=True).search("france")) == [
        "France Active"
    ]


@on_postgres
def test_postgres_ranks_name_matches_before_description_matches():
    OrganisationFactory(name="Ellyx", description="Agence d'innovation sociale à Poitiers")
    OrganisationFactory(name="Innovation sociale Poitou")
    assert names(Organisation.objects.search("innovation sociale")) == [
        "Innovation sociale Poitou",
        "Ellyx",
    ]


@on_postgres
def test_postgres_stems_and_matches_prefixes():
    OrganisationFactory(name="Coopératives d'activité et d'emploi")
    OrganisationFactory(name="Économie circulaire")
    assert names(Organisation.objects.search("cooperative")) == [
        "Coopératives d'activité et d'emploi"
    ]
    assert names(Organisation.objects.search("econ")) == ["Économie circulaire"]


@on_postgres
def test_postgres_uses_the_french_unaccent_configuration():
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('french_unaccent', 'Économies')::text")
        assert cursor.fetchone()[0] == "'econom':1"
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'actors_organisation_search_gin'"
        )
        assert "gin (search_vector)" in cursor.fetchone()[0]


def test_names_starting_with_the_query_come_first():
    OrganisationFactory(name="France Active")
    OrganisationFactory(name="Active Normandie")
    assert names(Organisation.objects.search("active")) == ["Active Normandie", "France Active"]


def test_reindex_command_fills_rows_written_in_bulk():
    from django.core.management import call_command

    Organisation.objects.bulk_create([Organisation(name="Écossolies", kind="network")])
    assert not Organisation.objects.search("ecossolies").exists()
    out = io.StringIO()
    call_command("actors_reindex", stdout=out)
    assert "1 organisations indexed" in out.getvalue()
    assert names(Organisation.objects.search("ecossolies")) == ["Écossolies"]
