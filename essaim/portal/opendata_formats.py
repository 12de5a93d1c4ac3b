"""The open data sets written out: CSV and JSON (streamed, row by row), their Table Schema
(https://specs.frictionlessdata.io/table-schema/) and the DCAT-AP catalogue in JSON-LD. Every
format reads the registry (``opendata``) only, so that the files, their schema and the catalogue
cannot disagree."""

import csv
import datetime
import json
from decimal import Decimal

from django.utils import timezone

from essaim.portal.opendata_fields import (
    CSV_DELIMITER,
    LICENSE_ID,
    LICENSE_TITLE,
    LICENSE_URL,
    LIST_SEPARATOR,
    Text,
)

TABLE_SCHEMA_SPEC = "https://specs.frictionlessdata.io/table-schema/"
IANA = "http://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
LANGUAGES = ("fr", "en")
# The three files of a data set: (suffix of the URL name, title, media type, EU file type).
DISTRIBUTIONS = (
    ("csv", Text("Fichier CSV", "CSV file"), "text/csv", "CSV"),
    ("json", Text("Fichier JSON", "JSON file"), "application/json", "JSON"),
    (
        "schema",
        Text("Schéma (Table Schema)", "Schema (Table Schema)"),
        "application/json",
        "JSON",
    ),
)


def moment(value) -> str | None:
    """A date or datetime in ISO 8601 (datetimes in local time, to the second)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


# --- Cells -------------------------------------------------------------------------------------


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return moment(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def json_cell(value):
    if isinstance(value, datetime.date):
        return moment(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


class _Line:
    """The file-like object ``csv.writer`` writes one line to, handed back at once."""

    def write(self, text: str) -> str:
        return text


def csv_lines(dataset, base_url: str):
    """The CSV file, line by line: the header (the schema's field names, in order), then one
    line per row."""
    writer = csv.writer(_Line(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    columns = dataset.columns
    yield writer.writerow(columns)
    for row in dataset.rows(base_url):
        yield writer.writerow([csv_cell(row[name]) for name in columns])


def json_chunks(dataset, base_url: str, *, schema_url: str, language: str):
    """The JSON file, in pieces: the data set's description, then its rows (objects with the
    schema's fields), one piece per row."""
    head = {
        "dataset": dataset.id,
        "title": dataset.title.get(language),
        "license": {"name": LICENSE_ID, "title": LICENSE_TITLE, "path": LICENSE_URL},
        "schema": schema_url,
        "modified": moment(dataset.modified()),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": ['
    columns = dataset.columns
    separator = ""
    for row in dataset.rows(base_url):
        yield separator + json.dumps(
            {name: json_cell(row[name]) for name in columns}, ensure_ascii=False
        )
        separator = ", "
    yield "]}"


# --- Table Schema ------------------------------------------------------------------------------


def _schema_field(field, language: str) -> dict:
    described = {
        "name": field.name,
        "type": field.type,
        "title": field.title.get(language),
        "description": field.description.get(language),
    }
    if field.type == "boolean":
        described |= {"trueValues": ["true"], "falseValues": ["false"]}
    if field.is_list:
        described["separator"] = LIST_SEPARATOR  # informative: the type stays "string"
    if field.required:
        described["constraints"] = {"required": True}
    return described


def table_schema(dataset, language: str) -> dict:
    """The data set's Table Schema: its fields in the files' order, the primary key and the
    empty cell as the missing value."""
    return {
        "name": dataset.id,
        "title": dataset.title.get(language),
        "description": dataset.description.get(language),
        "fields": [_schema_field(field, language) for field in dataset.fields],
        "primaryKey": list(dataset.primary_key),
        "missingValues": [""],
    }


# --- DCAT-AP catalogue -------------------------------------------------------------------------

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _texts(text: Text) -> list[dict]:
    return [{"@value": text.get(language), "@language": language} for language in LANGUAGES]


def _date(value) -> dict | None:
    if value is None:
        return None
    kind = "xsd:dateTime" if isinstance(value, datetime.datetime) else "xsd:date"
    return {"@value": moment(value), "@type": kind}


def catalogue(datasets, *, urls, publisher: str, modified: dict) -> dict:
    """The DCAT-AP catalogue: ``urls(kind, dataset)`` gives the absolute address of a page or
    file (kind "catalogue", "index", "csv", "json", "schema"); ``modified`` the latest change
    of each data set, by id."""
    agent = {"@id": urls("index", None), "@type": "foaf:Agent", "foaf:name": publisher}
    licence = {"@id": LICENSE_URL}
    entries = []
    for dataset in datasets:
        landing = urls("index", None) + "#" + dataset.id
        distributions = []
        for kind, title, media_type, file_type in DISTRIBUTIONS:
            url = urls(kind, dataset)
            distribution = {
                "@id": url,
                "@type": "dcat:Distribution",
                "dct:title": _texts(title),
                "dcat:accessURL": {"@id": url},
                "dcat:downloadURL": {"@id": url},
                "dcat:mediaType": {"@id": IANA + media_type},
                "dct:format": {"@id": FILE_TYPE + file_type},
                "dct:license": licence,
                "dct:conformsTo": {
                    "@id": TABLE_SCHEMA_SPEC if kind == "schema" else urls("schema", dataset)
                },
            }
            distributions.append(distribution)
        entry = {
            "@id": landing,
            "@type": "dcat:Dataset",
            "dct:identifier": dataset.id,
            "dct:title": _texts(dataset.title),
            "dct:description": _texts(dataset.description),
            "dcat:keyword": list(dataset.keywords),
            "dct:publisher": agent,
            "dct:license": licence,
            "dcat:landingPage": {"@id": landing},
            "dcat:distribution": distributions,
        }
        if modified.get(dataset.id) is not None:
            entry["dct:modified"] = _date(modified[dataset.id])
        entries.append(entry)
    latest = [value for value in modified.values() if isinstance(value, datetime.datetime)]
    document = {
        "@context": CONTEXT,
        "@id": urls("catalogue", None),
        "@type": "dcat:Catalog",
        "dct:title": _texts(Text("Données ouvertes d'Essaim", "Essaim open data")),
        "dct:description": _texts(
            Text(
                "Les jeux de données publics du programme : territoires labellisés et leurs "
                "périmètres, projets, outils de financement, chiffres d'impact publiés, "
                "saisines du guichet unique.",
                "The programme's public data sets: labelled territories and their perimeters, "
                "projects, financing instruments, published impact figures, single-window "
                "tickets.",
            )
        ),
        "dct:publisher": agent,
        "dct:license": licence,
        "dct:language": [
            {"@id": "http://publications.europa.eu/resource/authority/language/FRA"},
            {"@id": "http://publications.europa.eu/resource/authority/language/ENG"},
        ],
        "foaf:homepage": {"@id": urls("index", None)},
        "dcat:dataset": entries,
    }
    if latest:
        document["dct:modified"] = _date(max(latest))
    return document
