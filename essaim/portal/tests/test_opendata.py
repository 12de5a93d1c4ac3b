"""Open data (``essaim.portal.opendata*``): every data set holds public records only, its CSV
header is its schema's fields, its cells are of their declared types, the DCAT-AP catalogue lists
every data set with downloads that answer, and a file of any size costs the same queries."""

import csv
import datetime
import io
import json
import re
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from essaim.actors.tests.factories import OrganisationFactory, commune
from essaim.calls.models import Wave, WaveStatus
from essaim.financing.models import Instrument, ProgrammeInstrument
from essaim.geo.models import PerimeterCommune, PerimeterUnit
from essaim.impact import services as impact_services
from essaim.impact.tests.factories import build_world as impact_world
from essaim.labels.models import Label
from essaim.labels.tests.factories import (
    ApplicationFactory,
    ProgrammeFactory,
    WaveFactory,
    labelled,
    programme_admin,
)
from essaim.portal import opendata
from essaim.projects.tests.factories import ProjectFactory
from essaim.regulatory.tests.factories import ticket
from essaim.testing import close_response

pytestmark = pytest.mark.django_db

SECRET_EMAIL = "lanceur.alerte@example.test"


def _label(wave, admin, slug: str, insee: str):
    label = labelled(ApplicationFactory(proposed=True, wave=wave), admin)
    perimeter = label.perimeter
    perimeter.slug, perimeter.name = slug, slug.replace("-", " ").title()
    perimeter.save()
    PerimeterCommune.objects.create(perimeter=perimeter, commune=commune(insee, f"Commune {insee}"))
    PerimeterUnit.objects.create(perimeter=perimeter, kind="commune", code=insee)
    return label


def _instrument(name: str, *, published: bool = True) -> Instrument:
    return Instrument.objects.create(
        provider=OrganisationFactory(name=f"Financeur de {name}", siren="123456789"),
        name=name,
        kinds=["grant"],
        is_published=published,
    )


@pytest.fixture
def world(db):
    programme = ProgrammeFactory(french_impact=True)
    admin = programme_admin(programme)
    published = WaveFactory(
        french_impact=True,
        programme=programme,
        status=WaveStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    draft = WaveFactory(french_impact=True, programme=programme)  # not announced yet
    label = _label(published, admin, "vallee-publique", "79191")
    hidden_label = _label(draft, admin, "territoire-confidentiel", "33063")
    project = ProjectFactory(title="Épicerie ouverte", perimeter=label.perimeter)
    project.communes.set([commune("79191")])
    ProjectFactory(title="Projet confidentiel", is_published=False)
    instrument = _instrument("Fonds public d'amorçage")
    ProgrammeInstrument.objects.create(programme=programme, instrument=instrument)
    _instrument("Outil en préparation", published=False)
    ticket(programme=programme, author_email=SECRET_EMAIL, title="Blocage très personnel")
    ticket(programme=programme, title="Autre blocage")
    return SimpleNamespace(programme=programme, label=label, hidden_label=hidden_label)


def _body(response) -> str:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    close_response(response)
    return text


def _csv(client, dataset_id: str) -> list[dict]:
    text = _body(client.get(reverse("opendata:csv", args=[dataset_id])))
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def _json(client, dataset_id: str) -> dict:
    return json.loads(_body(client.get(reverse("opendata:json", args=[dataset_id]))))


def test_each_data_set_holds_public_records_only(client, world):
    everything = ""
    for dataset in opendata.DATASETS:
        csv_text = _body(client.get(reverse("opendata:csv", args=[dataset.id])))
        json_text = _body(client.get(reverse("opendata:json", args=[dataset.id])))
        everything += csv_text + json_text
    # A label of a wave not yet published, an unpublished project or instrument, a ticket's
    # author and words never leave the database.
    for secret in (
        "territoire-confidentiel",
        "33063",
        "Projet confidentiel",
        "Outil en préparation",
        SECRET_EMAIL,
        "Blocage très personnel",
    ):
        assert secret not in everything, secret
    territories = _csv(client, "territoires-labellises")
    assert [(r["territory"], r["state"], r["units"], r["regions"]) for r in territories] == [
        ("vallee-publique", "valid", "commune:79191", "75")
    ]
    assert [r["commune"] for r in _csv(client, "communes-des-territoires")] == ["79191"]
    projects = _csv(client, "projets")
    assert [(r["title"], r["communes"], r["territory"]) for r in projects] == [
        ("Épicerie ouverte", "79191", "vallee-publique")
    ]
    assert projects[0]["page_url"].startswith("http://testserver/projets/")
    instruments = _json(client, "outils-de-financement")["rows"]
    assert [(i["name"], i["programmes"]) for i in instruments] == [
        ("Fonds public d'amorçage", world.programme.slug)
    ]
    tickets = _csv(client, "guichet-unique-saisines")
    assert [(r["state"], r["tickets"]) for r in tickets] == [("new", "2")]
    assert set(tickets[0]) == {
        field.name for field in opendata.get("guichet-unique-saisines").fields
    }


def test_impact_data_sets_are_the_published_values_of_public_labels(client, db):
    world = impact_world()
    Wave.objects.filter(pk=world.label.wave_id).update(status=WaveStatus.PUBLISHED)
    # The other territory's label sits in a wave not published (as no label does in life).
    hidden = WaveFactory(french_impact=True, programme=world.programme)
    Label.objects.filter(pk=world.other_label.pk).update(wave=hidden)
    for label, user in ((world.label, world.lead), (world.other_label, world.other_lead)):
        impact_services.measurement_record(
            user=user,
            indicator=world.ind("emplois-crees"),
            label=label,
            period_end=datetime.date(2025, 12, 31),
            value="3",
            source="Registre",
        )
    assert _csv(client, "impact-territoires") == []  # recorded, not published yet
    impact_services.measurements_publish(user=world.admin, label=world.label)
    impact_services.measurements_publish(user=world.admin, label=world.other_label)
    rows = _json(client, "impact-territoires")["rows"]
    assert [(r["territory_slug"], r["indicator"], r["value"]) for r in rows] == [
        (world.label.perimeter.slug, "emplois-crees", 3.0)
    ]
    programme_rows = _csv(client, "impact-programmes")
    assert [(r["indicator"], r["year"]) for r in programme_rows] == [("emplois-crees", "2025")]


CELL = {
    "integer": re.compile(r"-?\d+"),
    "number": re.compile(r"-?\d+(\.\d+)?"),
    "year": re.compile(r"\d{4}"),
    "yearmonth": re.compile(r"\d{4}-\d{2}"),
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "datetime": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}"),
    "boolean": re.compile(r"true|false"),
    "string": re.compile(r".*", re.DOTALL),
}
JSON_TYPES = {
    "integer": int,
    "year": int,
    "number": (int, float),
    "boolean": bool,
    "string": str,
    "date": str,
    "datetime": str,
    "yearmonth": str,
}


def test_files_follow_their_table_schema(client, world):
    for dataset in opendata.DATASETS:
        response = client.get(reverse("opendata:schema", args=[dataset.id]))
        assert response["Content-Type"] == "application/json"
        schema = response.json()
        names = [field["name"] for field in schema["fields"]]
        assert len(set(names)) == len(names) and set(schema["primaryKey"]) <= set(names)
        assert all(field["type"] in CELL and field["description"] for field in schema["fields"])
        text = _body(client.get(reverse("opendata:csv", args=[dataset.id])))
        reader = csv.reader(io.StringIO(text), delimiter=";")
        assert next(reader) == names, dataset.id
        types = {field["name"]: field for field in schema["fields"]}
        for line in reader:
            for name, cell in zip(names, line, strict=True):
                field = types[name]
                if cell == "":
                    assert not field.get("constraints", {}).get("required"), (dataset.id, name)
                else:
                    assert CELL[field["type"]].fullmatch(cell), (dataset.id, name, cell)
        document = _json(client, dataset.id)
        assert document["schema"].endswith(reverse("opendata:schema", args=[dataset.id]))
        for row in document["rows"]:
            assert list(row) == names
            for name, value in row.items():
                assert value is None or isinstance(value, JSON_TYPES[types[name]["type"]])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("opendata:schema", args=["projets"]))
    assert english.json()["fields"][1]["title"] == "Title"  # the reader's language


def test_catalogue_lists_every_data_set_with_working_downloads(client, world):
    response = client.get(reverse("opendata:catalogue"))
    assert response["Content-Type"] == "application/ld+json"
    catalogue = response.json()
    assert catalogue["@type"] == "dcat:Catalog"
    assert catalogue["@id"] == "http://testserver/donnees/catalogue.jsonld"
    entries = catalogue["dcat:dataset"]
    assert [e["dct:identifier"] for e in entries] == [d.id for d in opendata.DATASETS]
    for entry in entries:
        assert entry["@type"] == "dcat:Dataset" and entry["dct:title"][0]["@language"] == "fr"
        assert entry["dct:license"]["@id"].startswith("https://www.etalab.gouv.fr/")
        media = set()
        for distribution in entry["dcat:distribution"]:
            url = urlsplit(distribution["dcat:downloadURL"]["@id"])
            media_type = distribution["dcat:mediaType"]["@id"].rsplit("media-types/", 1)[1]
            got = client.get(url.path)
            assert got.status_code == 200, url.path
            assert got["Content-Type"].split(";")[0] == media_type, url.path
            close_response(got)
            media.add(media_type)
        assert media == {"text/csv", "application/json"}
    territories = next(e for e in entries if e["dct:identifier"] == "territoires-labellises")
    assert territories["dct:modified"]["@value"].startswith(str(timezone.localdate().year))


def test_the_open_data_page_and_its_links(client, world):
    body = client.get(reverse("opendata:index")).content.decode()
    for dataset in opendata.DATASETS:
        assert reverse("opendata:csv", args=[dataset.id]) in body
        assert reverse("opendata:schema", args=[dataset.id]) in body
    catalogue = reverse("opendata:catalogue")
    assert 'rel="alternate" type="application/ld+json"' in body and catalogue in body
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("opendata:index") in home  # the footer, on every page
    impact = client.get(reverse("impact:open_data")).content.decode()
    assert reverse("opendata:index") in impact
    assert client.get(reverse("opendata:csv", args=["inconnu"])).status_code == 404
    assert client.get("/donnees/projets.xml").status_code == 404


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        _body(client.get(url))
    return len(captured)


def test_a_file_costs_the_same_queries_whatever_its_size(
    client, world, django_assert_max_num_queries
):
    urls = [
        reverse(name, args=[dataset.id])
        for dataset in opendata.DATASETS
        for name in ("opendata:csv", "opendata:json")
    ]
    before = {url: _queries(client, url) for url in urls}
    admin = programme_admin(world.programme)
    wave = world.label.wave
    for n in range(4):
        label = _label(wave, admin, f"vallee-{n}", f"7900{n}")
        project = ProjectFactory(perimeter=label.perimeter)
        project.communes.set([commune(f"7900{n}"), commune("79191")])
        ProgrammeInstrument.objects.create(
            programme=world.programme, instrument=_instrument(f"Outil {n}")
        )
        ticket(programme=world.programme, title=f"Saisine {n}")
    after = {url: _queries(client, url) for url in urls}
    assert after == before
    assert max(after.values()) <= 8
    with django_assert_max_num_queries(10):
        client.get(reverse("opendata:index"))
    with django_assert_max_num_queries(10):
        client.get(reverse("opendata:catalogue"))
